// EIP-7594 (PeerDAS), ours vs c-kzg: compute_cells, compute_cells_and_kzg_proofs,
// recover_cells_and_kzg_proofs (random and structured erasure patterns) and
// verify_cell_kzg_proof_batch, on a handful of blobs.
//
// One deliberate difference: c-kzg 4.1.0 accepts cell indices in any order in
// recover_cells_and_kzg_proofs, the spec (and our library) requires them
// strictly ascending. RecoverUnsortedIndicesIsTheOneDifference pins that down;
// every other comparison uses sorted indices.
#include <numeric>

#include "differential/reference.hpp"

namespace diff {
namespace {

constexpr std::size_t kCells = kzg::CELLS_PER_EXT_BLOB;  // 128

// A blob with the reference's commitment, cells and proofs.
struct BlobData {
    std::string name;
    std::unique_ptr<Blob> blob;
    Bytes48 commitment;
    std::vector<Cell> cells;
    std::vector<Bytes48> proofs;
};

// c-kzg's compute_cells_and_kzg_proofs (cells only when with_proofs is false).
C_KZG_RET ref_cells(const Blob& blob, std::vector<Cell>& cells, std::vector<Bytes48>* proofs) {
    cells.assign(kCells, Cell{});
    if (proofs) proofs->assign(kCells, Bytes48{});
    return ::compute_cells_and_kzg_proofs(c_out(cells.data()), proofs ? c_out(proofs->data()) : nullptr,
                                          c_ptr(&blob), &ref());
}

// Computed once for the whole binary, by the reference.
const std::vector<BlobData>& blobs() {
    static const std::vector<BlobData> data = [] {
        std::vector<BlobData> v;
        Rng rng(0x7594da7au);
        const std::pair<std::string, BlobKind> kinds[] = {
            {"random blob", BlobKind::kRandom}, {"low-degree blob", BlobKind::kLowDegree}, {"sparse blob", BlobKind::kSparse}};
        for (const auto& [name, kind] : kinds) {
            BlobData d;
            d.name = name;
            d.blob = std::make_unique<Blob>();
            fill_blob(rng, kind, *d.blob);
            if (::blob_to_kzg_commitment(c_out(&d.commitment), c_ptr(d.blob.get()), &ref()) != C_KZG_OK ||
                ref_cells(*d.blob, d.cells, &d.proofs) != C_KZG_OK) {
                ADD_FAILURE() << "c-kzg failed on the " << name;
            }
            v.push_back(std::move(d));
        }
        return v;
    }();
    return data;
}

class DiffEip7594 : public DiffTest {
  protected:
    void SetUp() override {
        DiffTest::SetUp();
        ASSERT_EQ(blobs().size(), 3u);
        for (const auto& b : blobs()) ASSERT_EQ(b.cells.size(), kCells);
    }
};

// ---- compute ----------------------------------------------------------------------------------

TEST_F(DiffEip7594, ComputeCells) {
    Tally t;
    for (const auto& d : blobs()) {
        std::vector<Cell> theirs;
        const C_KZG_RET r = ref_cells(*d.blob, theirs, nullptr);
        const auto got = compare(ours().compute_cells(*d.blob), r, theirs, t, d.name + ": compute_cells");
        EXPECT_TRUE(got.has_value()) << d.name;
        if (got) {
            EXPECT_EQ(difference(*got, d.cells), "") << d.name << ": cells only vs cells and proofs";
        }
    }
    // The zero blob, and blobs with a non-canonical element.
    auto zero = std::make_unique<Blob>();
    std::vector<Cell> theirs;
    C_KZG_RET r = ref_cells(*zero, theirs, nullptr);
    EXPECT_TRUE(compare(ours().compute_cells(*zero), r, theirs, t, "zero blob: compute_cells").has_value());
    Rng rng(0x7594c001u);
    for (const auto& bad : {modulus_plus(0), modulus_plus(1), fe_all_ff()}) {
        auto b = std::make_unique<Blob>(*blobs()[0].blob);
        set_element(*b, rng.below(kzg::FIELD_ELEMENTS_PER_BLOB), bad);
        r = ref_cells(*b, theirs, nullptr);
        EXPECT_FALSE(compare(ours().compute_cells(*b), r, theirs, t, "non-canonical " + show(bad)).has_value());
    }
    EXPECT_EQ(t.mismatches, 0u) << t.summary();
    EXPECT_GT(t.rejected, 0u);
}

TEST_F(DiffEip7594, ComputeCellsAndKzgProofs) {
    Tally t;
    for (const auto& d : blobs()) {
        const kzg::CellsAndProofs theirs{d.cells, d.proofs};
        const auto got = compare(ours().compute_cells_and_kzg_proofs(*d.blob), C_KZG_OK, theirs, t,
                                 d.name + ": compute_cells_and_kzg_proofs");
        EXPECT_TRUE(got.has_value()) << d.name;
    }
    auto zero = std::make_unique<Blob>();
    kzg::CellsAndProofs theirs;
    C_KZG_RET r = ref_cells(*zero, theirs.cells, &theirs.proofs);
    EXPECT_TRUE(compare(ours().compute_cells_and_kzg_proofs(*zero), r, theirs, t, "zero blob").has_value());
    auto bad = std::make_unique<Blob>(*blobs()[1].blob);
    set_element(*bad, 4095, modulus_plus(0));
    r = ref_cells(*bad, theirs.cells, &theirs.proofs);
    EXPECT_FALSE(compare(ours().compute_cells_and_kzg_proofs(*bad), r, theirs, t, "element 4095 = r").has_value());
    EXPECT_EQ(t.mismatches, 0u) << t.summary();
}

// ---- recover ----------------------------------------------------------------------------------

std::vector<std::uint64_t> random_subset(Rng& rng, std::size_t k) {
    std::vector<std::uint64_t> all(kCells);
    std::iota(all.begin(), all.end(), 0);
    for (std::size_t i = 0; i < k; i++) std::swap(all[i], all[i + rng.below(kCells - i)]);
    all.resize(k);
    std::sort(all.begin(), all.end());
    return all;
}

std::vector<std::uint64_t> where(bool (*keep)(std::uint64_t)) {
    std::vector<std::uint64_t> v;
    for (std::uint64_t i = 0; i < kCells; i++)
        if (keep(i)) v.push_back(i);
    return v;
}

// Both libraries recover from (indices, cells); returns the common result.
std::optional<kzg::CellsAndProofs> recover(const std::vector<std::uint64_t>& idx, const std::vector<Cell>& cells,
                                           Tally& t, const std::string& what) {
    kzg::CellsAndProofs theirs{std::vector<Cell>(kCells), std::vector<Bytes48>(kCells)};
    const C_KZG_RET r = ::recover_cells_and_kzg_proofs(c_out(theirs.cells.data()), c_out(theirs.proofs.data()),
                                                       idx.data(), c_ptr(cells.data()), idx.size(), &ref());
    return compare(ours().recover_cells_and_kzg_proofs(idx, cells), r, theirs, t, what);
}

std::vector<Cell> pick(const BlobData& d, const std::vector<std::uint64_t>& idx) {
    std::vector<Cell> v;
    for (auto i : idx) v.push_back(d.cells[i]);
    return v;
}

TEST_F(DiffEip7594, RecoverCellsAndKzgProofs) {
    Rng rng(0x7594ec01u);
    Tally t;
    struct Pattern {
        std::string name;
        std::vector<std::uint64_t> idx;
    };
    std::vector<Pattern> patterns = {
        {"exactly 64 random", random_subset(rng, 64)},
        {"65 random", random_subset(rng, 65)},
        {"100 random", random_subset(rng, 100)},
        {"127 random", random_subset(rng, 127)},
        {"all 128", random_subset(rng, 128)},
        {"first half", where([](std::uint64_t i) { return i < 64; })},
        {"second half", where([](std::uint64_t i) { return i >= 64; })},
        {"even indices", where([](std::uint64_t i) { return i % 2 == 0; })},
        {"alternating blocks of 16", where([](std::uint64_t i) { return (i / 16) % 2 == 1; })},
        {"another 64 random", random_subset(rng, 64)},
    };
    for (std::size_t b = 0; b < blobs().size(); b++) {
        const BlobData& d = blobs()[b];
        const kzg::CellsAndProofs original{d.cells, d.proofs};
        // The third blob gets a few patterns only: these calls are slow.
        const std::size_t count = b < 2 ? patterns.size() : 3;
        for (std::size_t p = 0; p < count; p++) {
            const auto& [name, idx] = patterns[(p + 3 * b) % patterns.size()];
            const std::string what = d.name + ", " + name + " (" + std::to_string(idx.size()) + " cells)";
            const auto got = recover(idx, pick(d, idx), t, what);
            ASSERT_TRUE(got.has_value()) << what;
            EXPECT_EQ(difference(*got, original), "") << what << ": not the original cells and proofs";
        }
    }
    std::printf("recover_cells_and_kzg_proofs: %s\n", t.summary().c_str());
    EXPECT_EQ(t.mismatches, 0u) << t.summary();
}

TEST_F(DiffEip7594, RecoverInvalidInputs) {
    Rng rng(0x7594ec02u);
    Tally t;
    const BlobData& d = blobs()[0];
    auto idx = random_subset(rng, 63);
    EXPECT_FALSE(recover(idx, pick(d, idx), t, "63 cells").has_value());
    EXPECT_FALSE(recover({}, {}, t, "no cells").has_value());

    idx = random_subset(rng, 70);
    idx[10] = idx[9];  // a duplicate (still non-decreasing)
    EXPECT_FALSE(recover(idx, pick(d, idx), t, "a duplicate index").has_value());

    idx = random_subset(rng, 64);
    auto cells = pick(d, idx);
    idx.back() = kCells;
    EXPECT_FALSE(recover(idx, cells, t, "index 128").has_value());
    idx.back() = ~std::uint64_t{0};
    EXPECT_FALSE(recover(idx, cells, t, "index 2^64-1").has_value());

    idx = random_subset(rng, 80);
    cells = pick(d, idx);
    std::copy(kModulus.begin(), kModulus.end(), cells[5].bytes.begin() + 32 * 7);
    EXPECT_FALSE(recover(idx, cells, t, "a cell element equal to r").has_value());
    cells = pick(d, idx);
    std::fill(cells.back().bytes.end() - 32, cells.back().bytes.end(), 0xff);
    EXPECT_FALSE(recover(idx, cells, t, "a cell element all 0xff").has_value());

    // 129 cells: all 128 and one repeated.
    idx = random_subset(rng, 128);
    idx.push_back(127);
    EXPECT_FALSE(recover(idx, pick(d, idx), t, "129 cells").has_value());

    // Cells from two different blobs: a valid input, both must agree on the
    // (non-original) result.
    idx = random_subset(rng, 64);
    cells = pick(d, idx);
    for (std::size_t i = 0; i < cells.size(); i += 2) cells[i] = blobs()[1].cells[idx[i]];
    EXPECT_TRUE(recover(idx, cells, t, "64 cells mixed from two blobs").has_value());

    // Ours only: the two lists must have the same length.
    idx = random_subset(rng, 64);
    cells = pick(d, idx);
    cells.pop_back();
    auto mismatch = ours().recover_cells_and_kzg_proofs(idx, cells);
    EXPECT_FALSE(mismatch.ok());
    EXPECT_EQ(mismatch.code(), kzg::ErrorCode::kInvalidInput);
    EXPECT_EQ(t.mismatches, 0u) << t.summary();
    EXPECT_GT(t.rejected, 0u);
}

TEST_F(DiffEip7594, RecoverUnsortedIndicesIsTheOneDifference) {
    Rng rng(0x7594ec03u);
    const BlobData& d = blobs()[0];
    auto idx = random_subset(rng, 70);
    std::swap(idx[0], idx[40]);
    const auto cells = pick(d, idx);
    kzg::CellsAndProofs theirs{std::vector<Cell>(kCells), std::vector<Bytes48>(kCells)};
    const C_KZG_RET r = ::recover_cells_and_kzg_proofs(c_out(theirs.cells.data()), c_out(theirs.proofs.data()),
                                                       idx.data(), c_ptr(cells.data()), idx.size(), &ref());
    // c-kzg 4.1.0 accepts the unsorted list (if this ever changes, the
    // difference is gone and this test should become an ordinary comparison).
    EXPECT_EQ(r, C_KZG_OK) << "c-kzg no longer accepts unsorted cell indices";
    EXPECT_EQ(difference(theirs, kzg::CellsAndProofs{d.cells, d.proofs}), "");
    // The spec requires strictly ascending indices.
    const auto ours_r = ours().recover_cells_and_kzg_proofs(idx, cells);
    EXPECT_FALSE(ours_r.ok()) << "unsorted cell indices accepted";
    EXPECT_EQ(ours_r.code(), kzg::ErrorCode::kInvalidInput) << ours_r.message();
    // Descending order too.
    auto rev = random_subset(rng, 64);
    std::reverse(rev.begin(), rev.end());
    const auto ours_rev = ours().recover_cells_and_kzg_proofs(rev, pick(d, rev));
    EXPECT_EQ(ours_rev.code(), kzg::ErrorCode::kInvalidInput) << ours_rev.message();
}

// ---- verify -----------------------------------------------------------------------------------

struct CellBatch {
    std::vector<Bytes48> commitments;
    std::vector<std::uint64_t> idx;
    std::vector<Cell> cells;
    std::vector<Bytes48> proofs;
    void add(const BlobData& d, std::uint64_t i) {
        commitments.push_back(d.commitment);
        idx.push_back(i);
        cells.push_back(d.cells[i]);
        proofs.push_back(d.proofs[i]);
    }
};

std::optional<bool> verify(const CellBatch& b, Tally& t, const std::string& what) {
    bool theirs = false;
    const C_KZG_RET r =
        ::verify_cell_kzg_proof_batch(&theirs, c_ptr(b.commitments.data()), b.idx.data(), c_ptr(b.cells.data()),
                                      c_ptr(b.proofs.data()), b.idx.size(), &ref());
    return compare(ours().verify_cell_kzg_proof_batch(b.commitments, b.idx, b.cells, b.proofs), r, theirs, t, what);
}

TEST_F(DiffEip7594, VerifyCellKzgProofBatchFixedCases) {
    Tally t;
    const auto& bl = blobs();
    CellBatch empty;
    EXPECT_TRUE(verify(empty, t, "empty batch").value_or(false));
    CellBatch one;
    one.add(bl[0], 17);
    EXPECT_TRUE(verify(one, t, "one cell").value_or(false));
    CellBatch all;
    for (std::uint64_t i = 0; i < kCells; i++) all.add(bl[1], i);
    EXPECT_TRUE(verify(all, t, "all 128 cells of one blob").value_or(false));
    CellBatch dup = one;
    dup.add(bl[0], 17);
    dup.add(bl[2], 3);
    EXPECT_TRUE(verify(dup, t, "a cell twice").value_or(false));

    const auto invalid = invalid_g1_encodings();
    for (const auto& [name, enc] : invalid) {
        CellBatch b = one;
        b.add(bl[1], 5);
        b.commitments[1] = enc;
        EXPECT_FALSE(verify(b, t, "commitment " + name).has_value()) << name;
        b = one;
        b.add(bl[1], 5);
        b.proofs[1] = enc;
        EXPECT_FALSE(verify(b, t, "proof " + name).has_value()) << name;
    }
    CellBatch b = one;
    b.commitments[0] = g1_infinity();
    EXPECT_FALSE(verify(b, t, "commitment at infinity").value_or(true));
    b = one;
    b.proofs[0] = g1_infinity();
    EXPECT_FALSE(verify(b, t, "proof at infinity").value_or(true));
    b = one;
    b.idx[0] = kCells;
    EXPECT_FALSE(verify(b, t, "index 128").has_value());
    b = one;
    std::copy(kModulus.begin(), kModulus.end(), b.cells[0].bytes.begin());
    EXPECT_FALSE(verify(b, t, "a cell element = r").has_value());
    b = one;
    b.idx[0] = 18;
    EXPECT_FALSE(verify(b, t, "the wrong index").value_or(true));

    // Ours only: the four lists must have the same length.
    auto mismatch = ours().verify_cell_kzg_proof_batch(all.commitments, all.idx, all.cells,
                                                       std::span<const Bytes48>(all.proofs).first(127));
    EXPECT_FALSE(mismatch.ok());
    EXPECT_EQ(mismatch.code(), kzg::ErrorCode::kInvalidInput);
    EXPECT_EQ(t.mismatches, 0u) << t.summary();
}

TEST_F(DiffEip7594, VerifyCellKzgProofBatchRandom) {
    Rng rng(0x7594fe01u);
    Tally t;
    const auto& bl = blobs();
    const std::size_t rounds = std::min<std::size_t>(iterations(200), 200);
    for (std::size_t i = 0; i < rounds && !t.too_many(); i++) {
        CellBatch b;
        const std::size_t size = 1 + rng.below(i % 5 == 0 ? 128 : 12);
        for (std::size_t j = 0; j < size; j++) b.add(bl[rng.below(bl.size())], rng.below(kCells));
        const std::size_t at = rng.below(size);
        std::string what = "round " + std::to_string(i) + " (" + std::to_string(size) + " cells, ";
        bool expect_true = false, expect_reject = false;
        switch (i % 7) {
            case 0:
            case 3: what += "valid)"; expect_true = true; break;
            case 1: {
                const std::size_t e = rng.below(kzg::FIELD_ELEMENTS_PER_CELL);
                Bytes32 v;
                std::copy_n(b.cells[at].bytes.begin() + static_cast<std::ptrdiff_t>(32 * e), 32, v.bytes.begin());
                v = fe_add_u64(v, 1);
                std::copy(v.bytes.begin(), v.bytes.end(), b.cells[at].bytes.begin() + static_cast<std::ptrdiff_t>(32 * e));
                what += "cell " + std::to_string(at) + " element " + std::to_string(e) + " changed)";
                break;
            }
            case 2: {
                // (The low-degree blob's cell proofs are all infinity: skip equal ones.)
                const Bytes48 p = bl[rng.below(bl.size())].proofs[(b.idx[at] + 1 + rng.below(kCells - 1)) % kCells];
                b.proofs[at] = p == b.proofs[at] ? random_g1(rng) : p;
                what += "proof " + std::to_string(at) + " of another cell)";
                break;
            }
            case 4: {
                std::size_t other = rng.below(bl.size());
                if (bl[other].commitment == b.commitments[at]) other = (other + 1) % bl.size();
                b.commitments[at] = bl[other].commitment;
                what += "commitment " + std::to_string(at) + " of another blob)";
                break;
            }
            case 5:
                b.idx[at] = (b.idx[at] + 1 + rng.below(kCells - 1)) % kCells;
                what += "index " + std::to_string(at) + " wrong)";
                break;
            case 6:
                b.proofs[at] = random_g1(rng);
                what += "proof " + std::to_string(at) + " random)";
                break;
        }
        const auto r = verify(b, t, what);
        if (expect_reject) {
            EXPECT_FALSE(r.has_value()) << what;
        } else if (r) {
            EXPECT_EQ(*r, expect_true) << what;
        }
    }
    std::printf("verify_cell_kzg_proof_batch: %s\n", t.summary().c_str());
    EXPECT_EQ(t.mismatches, 0u) << t.summary();
    EXPECT_GT(t.verified_true, 0u);
    EXPECT_GT(t.verified_false, 0u);
}

}  // namespace
}  // namespace diff
