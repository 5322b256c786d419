// EIP-7594 (PeerDAS), ours vs c-kzg: compute_cells, compute_cells_and_kzg_proofs,
// recover_cells_and_kzg_proofs (random and structured erasure patterns) and
// verify_cell_kzg_proof_batch: fixed cases on three blobs, then random rounds
// (random blobs and erasure patterns, invalid inputs, non-codewords, random
// batches with tampered cells, proofs and points).
//
// The random rounds draw a fresh seed per run, printed at the start and in
// every failure; KZG_DIFF_SEED=<seed> replays a run (each test has its own
// stream, so a --gtest_filter run replays too). Their counts scale with
// KZG_DIFF_ITERATIONS (default 1000: about a minute in all on 2 cores).
//
// Two deliberate differences (docs/reliability.md), pinned down explicitly,
// never compared as equal:
// * c-kzg 4.1.0 accepts cell indices in any order in recover_cells_and_kzg_proofs,
//   the spec (and our library) requires them strictly ascending
//   (RecoverUnsortedIndicesIsTheOneDifference and the random rounds);
// * from cells that are not a codeword (more than 64 cells, not the
//   evaluations of one polynomial of degree < 4096) the spec, and we, truncate
//   the recovered polynomial to 4096 coefficients before computing the cells;
//   c-kzg 4.1.0 returns the evaluations of the untruncated one (all 128 given:
//   the input). The proofs agree (RecoverNonCodewords).
#include <cinttypes>
#include <iterator>
#include <numeric>

#include "differential/reference.hpp"
#include "support/diff_random.hpp"

namespace diff {
namespace {

constexpr std::size_t kCells = kzg::CELLS_PER_EXT_BLOB;  // 128

// A blob with the reference's commitment, cells and proofs.
struct BlobData {
    std::string name;
    std::unique_ptr<Blob> blob;
    KZGCommitment commitment;
    std::vector<Cell> cells;
    std::vector<KZGProof> proofs;
};

// c-kzg's compute_cells_and_kzg_proofs (cells only when with_proofs is false).
C_KZG_RET ref_cells(const Blob& blob, std::vector<Cell>& cells, std::vector<KZGProof>* proofs) {
    cells.assign(kCells, Cell{});
    if (proofs) proofs->assign(kCells, KZGProof{});
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

// The run's seed (tests/support/diff_random.hpp).
std::uint64_t run_seed() { return kzg_test::diff_seed("kzg_diff_eip7594"); }

// Rounds of a random loop: `at_default` at the default KZG_DIFF_ITERATIONS
// (1000), in proportion otherwise, at least `at_least`.
std::size_t rounds(std::size_t at_default, std::size_t at_least = 1) {
    return std::max(at_least, (iterations() * at_default + 999) / 1000);
}

class DiffEip7594 : public DiffTest {
  protected:
    void SetUp() override {
        const std::uint64_t seed = run_seed();
        // A stream per test (FNV-1a of its name), the same under --gtest_filter.
        std::uint64_t h = 1469598103934665603ull;
        for (const char* c = ::testing::UnitTest::GetInstance()->current_test_info()->name(); *c != '\0'; c++)
            h = (h ^ static_cast<unsigned char>(*c)) * 1099511628211ull;
        rng_ = std::make_unique<Rng>(seed ^ h);
        char note[96];
        std::snprintf(note, sizeof note, "seed 0x%016" PRIx64 " (replay: KZG_DIFF_SEED=0x%016" PRIx64 ")", seed, seed);
        trace_ = std::make_unique<::testing::ScopedTrace>(__FILE__, __LINE__, note);  // in every failure
        DiffTest::SetUp();
        ASSERT_EQ(blobs().size(), 3u);
        for (const auto& b : blobs()) ASSERT_EQ(b.cells.size(), kCells);
    }
    void TearDown() override { trace_.reset(); }

    // The random rounds' generator (the fixed cases keep their own seeds).
    Rng& rng() { return *rng_; }

  private:
    std::unique_ptr<Rng> rng_;
    std::unique_ptr<::testing::ScopedTrace> trace_;
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
    kzg::CellsAndProofs theirs{std::vector<Cell>(kCells), std::vector<KZGProof>(kCells)};
    const C_KZG_RET r = ::recover_cells_and_kzg_proofs(c_out(theirs.cells.data()), c_out(theirs.proofs.data()),
                                                       idx.data(), c_ptr(cells.data()), idx.size(), &ref());
    return compare(ours().recover_cells_and_kzg_proofs(idx, cells), r, theirs, t, what);
}

std::vector<Cell> pick(const std::vector<Cell>& all, const std::vector<std::uint64_t>& idx) {
    std::vector<Cell> v;
    for (auto i : idx) v.push_back(all[i]);
    return v;
}
std::vector<Cell> pick(const BlobData& d, const std::vector<std::uint64_t>& idx) { return pick(d.cells, idx); }

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
    kzg::CellsAndProofs theirs{std::vector<Cell>(kCells), std::vector<KZGProof>(kCells)};
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
    std::vector<KZGCommitment> commitments;
    std::vector<std::uint64_t> idx;
    std::vector<Cell> cells;
    std::vector<KZGProof> proofs;
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
        b.commitments[1] = as_commitment(enc);
        EXPECT_FALSE(verify(b, t, "commitment " + name).has_value()) << name;
        b = one;
        b.add(bl[1], 5);
        b.proofs[1] = as_proof(enc);
        EXPECT_FALSE(verify(b, t, "proof " + name).has_value()) << name;
    }
    CellBatch b = one;
    b.commitments[0] = as_commitment(g1_infinity());
    EXPECT_FALSE(verify(b, t, "commitment at infinity").value_or(true));
    b = one;
    b.proofs[0] = as_proof(g1_infinity());
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
                                                       std::span<const KZGProof>(all.proofs).first(127));
    EXPECT_FALSE(mismatch.ok());
    EXPECT_EQ(mismatch.code(), kzg::ErrorCode::kInvalidInput);
    EXPECT_EQ(t.mismatches, 0u) << t.summary();
}

TEST_F(DiffEip7594, VerifyCellKzgProofBatchRandom) {
    Rng& rng = this->rng();
    Tally t;
    const auto& bl = blobs();
    const auto bad_points = invalid_g1_encodings();
    constexpr std::size_t kKinds = 11;
    const std::size_t n_rounds = rounds(200, kKinds);  // at least one round of each kind
    for (std::size_t i = 0; i < n_rounds && !t.too_many(); i++) {
        CellBatch b;
        const std::size_t size = 1 + rng.below(i % 5 == 0 ? 128 : 12);
        for (std::size_t j = 0; j < size; j++) b.add(bl[rng.below(bl.size())], rng.below(kCells));
        const std::size_t at = rng.below(size);
        std::string what = "round " + std::to_string(i) + " (" + std::to_string(size) + " cells, ";
        bool expect_true = false, expect_reject = false;
        switch (i % kKinds) {
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
                const KZGProof p = bl[rng.below(bl.size())].proofs[(b.idx[at] + 1 + rng.below(kCells - 1)) % kCells];
                b.proofs[at] = p == b.proofs[at] ? as_proof(random_g1(rng)) : p;
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
                b.proofs[at] = as_proof(random_g1(rng));
                what += "proof " + std::to_string(at) + " random)";
                break;
            case 7:
            case 8: {
                const auto& [name, enc] = bad_points[rng.below(bad_points.size())];
                const bool commitment = i % kKinds == 7;
                if (commitment)
                    b.commitments[at] = as_commitment(enc);
                else
                    b.proofs[at] = as_proof(enc);
                what += commitment ? "commitment " : "proof ";
                what += std::to_string(at) + ": " + name + ")";
                expect_reject = true;
                break;
            }
            case 9: {
                const std::size_t e = rng.below(kzg::FIELD_ELEMENTS_PER_CELL);
                const Bytes32 v = random_non_canonical(rng);
                std::copy(v.bytes.begin(), v.bytes.end(), b.cells[at].bytes.begin() + static_cast<std::ptrdiff_t>(32 * e));
                what += "cell " + std::to_string(at) + " element " + std::to_string(e) + " = " + show(v) + ")";
                expect_reject = true;
                break;
            }
            case 10: {
                const std::uint64_t big[] = {kCells, kCells + 1 + rng.below(1000), std::uint64_t{1} << 63,
                                             ~std::uint64_t{0}};
                b.idx[at] = big[rng.below(std::size(big))];
                what += "index " + std::to_string(at) + " = " + std::to_string(b.idx[at]) + ")";
                expect_reject = true;
                break;
            }
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
    EXPECT_GT(t.rejected, 0u);
}

// ---- random rounds: a fresh seed per run, counts scaled by KZG_DIFF_ITERATIONS -------------

// A sorted random erasure pattern: the indices of a random number of cells in [lo, hi].
std::vector<std::uint64_t> random_erasure(Rng& rng, std::size_t lo = kCells / 2, std::size_t hi = kCells) {
    return random_subset(rng, lo + rng.below(hi - lo + 1));
}

// Both recover the cells only (c-kzg with NULL proofs: a fraction of the time).
std::optional<std::vector<Cell>> recover_cells_only(const std::vector<std::uint64_t>& idx,
                                                    const std::vector<Cell>& cells, Tally& t, const std::string& what) {
    std::vector<Cell> theirs(kCells);
    const C_KZG_RET r = ::recover_cells_and_kzg_proofs(c_out(theirs.data()), nullptr, idx.data(), c_ptr(cells.data()),
                                                       idx.size(), &ref());
    return compare(ours().recover_cells(idx, cells), r, theirs, t, what);
}

// The documented difference: c-kzg 4.1.0 recovers from unsorted indices, the
// spec (and we) refuse them. Not a comparison: each side is checked on its own.
void expect_unsorted_difference(const std::vector<std::uint64_t>& idx, const std::vector<Cell>& cells,
                                const std::vector<Cell>& original, const std::string& what) {
    std::vector<Cell> theirs(kCells);
    const C_KZG_RET r = ::recover_cells_and_kzg_proofs(c_out(theirs.data()), nullptr, idx.data(), c_ptr(cells.data()),
                                                       idx.size(), &ref());
    EXPECT_EQ(r, C_KZG_OK) << what << ": c-kzg no longer accepts unsorted cell indices (compare them as equal now)";
    if (r == C_KZG_OK) {
        EXPECT_EQ(difference(theirs, original), "") << what << ": c-kzg's recovery";
    }
    const auto only = ours().recover_cells(idx, cells);
    EXPECT_EQ(only.code(), kzg::ErrorCode::kInvalidInput) << what << ": recover_cells accepted them";
    const auto full = ours().recover_cells_and_kzg_proofs(idx, cells);
    EXPECT_EQ(full.code(), kzg::ErrorCode::kInvalidInput) << what << ": recover_cells_and_kzg_proofs accepted them";
}

// Random blobs of every canonical kind, each through compute (and a copy with
// one non-canonical element, which both must refuse), recovery from random
// erasure patterns (one with proofs, a few cells only), the unsorted
// difference, and batch verification of a random subset of its cells mixed
// with the fixed blobs' (valid, one cell changed, one proof replaced).
TEST_F(DiffEip7594, RandomBlobsAndErasures) {
    static constexpr BlobKind kKinds[] = {BlobKind::kRandom, BlobKind::kFullRange,   BlobKind::kSparse,
                                          BlobKind::kSmall,  BlobKind::kNearModulus, BlobKind::kLowDegree};
    Tally t;
    std::size_t recoveries = 0;
    const std::size_t n_rounds = rounds(6);
    for (std::size_t i = 0; i < n_rounds && !t.too_many(); i++) {
        const BlobKind kind = kKinds[rng().below(std::size(kKinds))];
        BlobData d;
        d.name = "round " + std::to_string(i) + " (" + blob_kind_name(kind) + " blob)";
        d.blob = std::make_unique<Blob>();
        fill_blob(rng(), kind, *d.blob);
        std::vector<Cell> their_cells;
        C_KZG_RET r = ref_cells(*d.blob, their_cells, nullptr);
        const auto cells = compare(ours().compute_cells(*d.blob), r, their_cells, t, d.name + ": compute_cells");
        kzg::CellsAndProofs theirs;
        r = ref_cells(*d.blob, theirs.cells, &theirs.proofs);
        const auto cp = compare(ours().compute_cells_and_kzg_proofs(*d.blob), r, theirs, t,
                                d.name + ": compute_cells_and_kzg_proofs");
        {
            auto bad = std::make_unique<Blob>(*d.blob);
            const std::size_t e = rng().below(kzg::FIELD_ELEMENTS_PER_BLOB);
            const Bytes32 v = random_non_canonical(rng());
            set_element(*bad, e, v);
            const std::string what = d.name + " with element " + std::to_string(e) + " = " + show(v);
            kzg::CellsAndProofs refused;
            r = ref_cells(*bad, refused.cells, &refused.proofs);
            EXPECT_FALSE(compare(ours().compute_cells_and_kzg_proofs(*bad), r, refused, t, what).has_value());
            r = ref_cells(*bad, refused.cells, nullptr);
            EXPECT_FALSE(compare(ours().compute_cells(*bad), r, refused.cells, t, what + ", cells only").has_value());
        }
        if (!cells || !cp) continue;  // a mismatch, reported
        EXPECT_EQ(difference(*cells, cp->cells), "") << d.name << ": cells only vs cells and proofs";
        d.cells = cp->cells;
        d.proofs = cp->proofs;
        ASSERT_EQ(::blob_to_kzg_commitment(c_out(&d.commitment), c_ptr(d.blob.get()), &ref()), C_KZG_OK) << d.name;

        auto idx = random_erasure(rng());
        std::string what = d.name + ", " + std::to_string(idx.size()) + " cells";
        if (const auto got = recover(idx, pick(d, idx), t, what)) {
            EXPECT_EQ(difference(*got, *cp), "") << what << ": not the original cells and proofs";
            recoveries++;
        }
        for (int j = 0; j < 4; j++) {
            idx = random_erasure(rng());
            what = d.name + ", cells only from " + std::to_string(idx.size()) + " cells";
            if (const auto got = recover_cells_only(idx, pick(d, idx), t, what)) {
                EXPECT_EQ(difference(*got, d.cells), "") << what << ": not the original cells";
                recoveries++;
            }
        }
        // At most 127 cells: given all 128, c-kzg 4.1.0 takes a shortcut that
        // copies the cells in the order given (eip7594.c, num_cells ==
        // CELLS_PER_EXT_BLOB), so with two indices swapped its answer is the
        // cells swapped, not a recovery (a seed that drew 128 here failed CI).
        idx = random_erasure(rng(), kCells / 2, kCells - 1);
        const std::size_t a = rng().below(idx.size()), b = (a + 1 + rng().below(idx.size() - 1)) % idx.size();
        std::swap(idx[a], idx[b]);
        expect_unsorted_difference(idx, pick(d, idx), d.cells,
                                   d.name + ": indices at " + std::to_string(a) + " and " + std::to_string(b) + " swapped");

        CellBatch batch;
        const std::size_t size = 1 + rng().below(32);
        for (std::size_t j = 0; j < size; j++)
            batch.add(rng().chance(70) ? d : blobs()[rng().below(blobs().size())], rng().below(kCells));
        what = d.name + ", batch of " + std::to_string(size);
        EXPECT_TRUE(verify(batch, t, what).value_or(false)) << what;
        const std::size_t at = rng().below(size), e = rng().below(kzg::FIELD_ELEMENTS_PER_CELL);
        CellBatch tampered = batch;
        const auto off = static_cast<std::ptrdiff_t>(32 * e);
        Bytes32 v;
        std::copy_n(tampered.cells[at].bytes.begin() + off, 32, v.bytes.begin());
        v = fe_add_u64(v, 1 + rng().below(1000));
        std::copy(v.bytes.begin(), v.bytes.end(), tampered.cells[at].bytes.begin() + off);
        EXPECT_FALSE(verify(tampered, t, what + ", cell " + std::to_string(at) + " changed").value_or(true)) << what;
        tampered = batch;
        tampered.proofs[at] = as_proof(random_g1(rng()));
        EXPECT_FALSE(verify(tampered, t, what + ", proof " + std::to_string(at) + " random").value_or(true)) << what;
    }
    std::printf("random blobs: %s (%zu recoveries)\n", t.summary().c_str(), recoveries);
    EXPECT_EQ(t.mismatches, 0u) << t.summary();
    EXPECT_GT(recoveries, 0u);
    EXPECT_GT(t.rejected, 0u);
}

// Invalid recovery inputs, one defect per round: a non-canonical cell element,
// an index >= 128, a duplicate index, fewer than 64 cells, more than 128.
// Both must refuse (with and without proofs); ours also refuses lists of
// different lengths (c-kzg's API cannot express them).
TEST_F(DiffEip7594, RecoverInvalidInputsRandom) {
    Tally t;
    constexpr std::size_t kKinds = 5;
    const std::size_t n_rounds = rounds(200, kKinds);
    for (std::size_t i = 0; i < n_rounds && !t.too_many(); i++) {
        const BlobData& d = blobs()[rng().below(blobs().size())];
        auto idx = random_erasure(rng());
        auto cells = pick(d, idx);
        std::string what = "round " + std::to_string(i) + " (" + d.name + ", ";
        switch (i % kKinds) {
            case 0: {
                const std::size_t k = rng().below(cells.size()), e = rng().below(kzg::FIELD_ELEMENTS_PER_CELL);
                const Bytes32 v = random_non_canonical(rng());
                std::copy(v.bytes.begin(), v.bytes.end(), cells[k].bytes.begin() + static_cast<std::ptrdiff_t>(32 * e));
                what += "cell " + std::to_string(k) + " element " + std::to_string(e) + " = " + show(v) + ")";
                break;
            }
            case 1: {
                // Mostly the last index (the list stays ascending), else any.
                const std::size_t k = rng().chance(60) ? idx.size() - 1 : rng().below(idx.size());
                const std::uint64_t big[] = {kCells, kCells + 1 + rng().below(1000), std::uint64_t{1} << 63,
                                             ~std::uint64_t{0}};
                idx[k] = big[rng().below(std::size(big))];
                what += "index " + std::to_string(k) + " = " + std::to_string(idx[k]) + ")";
                break;
            }
            case 2: {
                // idx[k] = idx[k - 1]: still non-decreasing; the cell is the same or another.
                const std::size_t k = 1 + rng().below(idx.size() - 1);
                idx[k] = idx[k - 1];
                if (rng().chance(50)) cells[k] = cells[k - 1];
                what += "index " + std::to_string(k) + " repeated)";
                break;
            }
            case 3:
                idx = random_subset(rng(), rng().below(kCells / 2));
                cells = pick(d, idx);
                what += std::to_string(idx.size()) + " cells)";
                break;
            case 4: {
                idx = random_subset(rng(), kCells);
                for (std::size_t extra = 1 + rng().below(kCells); extra > 0; extra--) idx.push_back(rng().below(kCells));
                std::sort(idx.begin(), idx.end());
                cells = pick(d, idx);
                what += std::to_string(idx.size()) + " cells)";
                break;
            }
        }
        EXPECT_FALSE(recover(idx, cells, t, what).has_value()) << what;
        EXPECT_FALSE(recover_cells_only(idx, cells, t, what + ", cells only").has_value()) << what;
    }
    // Ours only: as many cells as indices.
    for (int j = 0; j < 4; j++) {
        auto idx = random_erasure(rng());
        auto cells = pick(blobs()[0], idx);
        if (j % 2 == 0) {
            cells.pop_back();
        } else {
            cells.push_back(cells.front());
        }
        EXPECT_EQ(ours().recover_cells_and_kzg_proofs(idx, cells).code(), kzg::ErrorCode::kInvalidInput);
        EXPECT_EQ(ours().recover_cells(idx, cells).code(), kzg::ErrorCode::kInvalidInput);
    }
    std::printf("recover, invalid inputs: %s\n", t.summary().c_str());
    EXPECT_EQ(t.mismatches, 0u) << t.summary();
    EXPECT_EQ(t.accepted, 0u) << t.summary();
}

// The spec's cells from c-kzg's: c-kzg returns the evaluations of the
// recovered polynomial over the extended domain (bit-reversed order) without
// truncating it; the spec keeps its first 4096 coefficients. Computed here
// with blst and c-kzg's roots of unity (a plain radix-2 DFT), not our code.
std::vector<Cell> truncated_to_blob_degree(const std::vector<Cell>& ext) {
    constexpr std::size_t n = kzg::FIELD_ELEMENTS_PER_EXT_BLOB, l = kzg::FIELD_ELEMENTS_PER_CELL;
    constexpr unsigned kBits = 13;  // n = 2^13
    auto rev = [](std::size_t i) {
        std::size_t r = 0;
        for (unsigned b = 0; b < kBits; b++) r |= ((i >> b) & 1u) << (kBits - 1 - b);
        return r;
    };
    // In place, natural order: a[j] = sum_k a[k] w^(+-jk).
    auto dft = [&](std::vector<blst_fr>& a, bool inverse) {
        for (std::size_t i = 0; i < n; i++)
            if (i < rev(i)) std::swap(a[i], a[rev(i)]);
        for (std::size_t len = 2; len <= n; len <<= 1) {
            for (std::size_t i = 0; i < n; i += len) {
                for (std::size_t k = 0; k < len / 2; k++) {
                    const blst_fr& w = (inverse ? ref().reverse_roots_of_unity : ref().roots_of_unity)[k * (n / len)];
                    blst_fr u = a[i + k], v;
                    blst_fr_mul(&v, &a[i + k + len / 2], &w);
                    blst_fr_add(&a[i + k], &u, &v);
                    blst_fr_sub(&a[i + k + len / 2], &u, &v);
                }
            }
        }
    };
    std::vector<blst_fr> a(n);
    for (std::size_t p = 0; p < n; p++) a[rev(p)] = fr_from_bytes(ext[p / l].data() + 32 * (p % l));
    dft(a, true);  // n * coefficients
    blst_fr inv_n, n_fr = fr_u64(n);
    blst_fr_inverse(&inv_n, &n_fr);
    for (std::size_t k = 0; k < n; k++) {
        if (k < kzg::FIELD_ELEMENTS_PER_BLOB) {
            blst_fr_mul(&a[k], &a[k], &inv_n);
        } else {
            a[k] = fr_u64(0);
        }
    }
    dft(a, false);
    std::vector<Cell> out(kCells);
    for (std::size_t p = 0; p < n; p++) {
        const Bytes32 b = bytes_from_fr(a[rev(p)]);
        std::copy(b.bytes.begin(), b.bytes.end(), out[p / l].bytes.begin() + static_cast<std::ptrdiff_t>(32 * (p % l)));
    }
    return out;
}

// Recovery from cells that are not from one blob: random cells, or cells of
// the three blobs mixed. Any 64 cells are a codeword; more usually are not,
// and there the documented difference applies (see the top). Our cells must
// be exactly c-kzg's truncated to 4096 coefficients (the spec's result), the
// extension of their own first half (c-kzg's compute_cells) and verify with
// c-kzg's proofs; the proofs must agree byte for byte; and c-kzg's own cells
// must differ from the truncation (if they stop differing, c-kzg has started
// to truncate like the spec: compare the cells as equal).
TEST_F(DiffEip7594, RecoverNonCodewords) {
    Tally t;
    const std::size_t n_rounds = rounds(20), with_proofs = rounds(4);
    std::size_t differed = 0, agreed = 0;
    for (std::size_t i = 0; i < n_rounds && !t.too_many(); i++) {
        const auto idx = random_erasure(rng());
        std::vector<Cell> cells(idx.size());
        const bool mixed = i % 2 == 1;
        std::size_t first_source = 0;
        bool one_blob = mixed;
        for (std::size_t k = 0; k < idx.size(); k++) {
            if (mixed) {
                const std::size_t s = rng().below(blobs().size());
                if (k == 0) first_source = s;
                one_blob = one_blob && s == first_source;
                cells[k] = blobs()[s].cells[idx[k]];
            } else {
                for (std::size_t e = 0; e < kzg::FIELD_ELEMENTS_PER_CELL; e++) random_canonical(rng(), cells[k].data() + 32 * e);
            }
        }
        const bool codeword = one_blob || idx.size() == kCells / 2;
        const bool proofs = i < with_proofs;
        const std::string what = "round " + std::to_string(i) + " (" + std::to_string(idx.size()) +
                                 (mixed ? " cells of mixed blobs" : " random cells") + (proofs ? ", with proofs)" : ")");

        kzg::CellsAndProofs theirs{std::vector<Cell>(kCells), std::vector<KZGProof>(kCells)};
        const C_KZG_RET r = ::recover_cells_and_kzg_proofs(c_out(theirs.cells.data()),
                                                           proofs ? c_out(theirs.proofs.data()) : nullptr, idx.data(),
                                                           c_ptr(cells.data()), idx.size(), &ref());
        t.calls++;
        ASSERT_EQ(r, C_KZG_OK) << what;
        const auto only = ours().recover_cells(idx, cells);
        ASSERT_TRUE(only.ok()) << what << ": " << only.message();
        const std::vector<Cell>& got = *only;
        if (proofs) {
            const auto full = ours().recover_cells_and_kzg_proofs(idx, cells);
            ASSERT_TRUE(full.ok()) << what << ": " << full.message();
            EXPECT_EQ(difference(full->cells, got), "") << what << ": recover_cells vs recover_cells_and_kzg_proofs";
            if (const std::string diff = difference(full->proofs, theirs.proofs); !diff.empty()) {
                t.mismatches++;
                ADD_FAILURE() << what << ": proofs differ: " << diff;
            }
        }

        // Our cells: the extension of their first half, which is the blob.
        auto blob = std::make_unique<Blob>();
        for (std::size_t c = 0; c < kCells / 2; c++)
            std::copy(got[c].bytes.begin(), got[c].bytes.end(),
                      blob->bytes.begin() + static_cast<std::ptrdiff_t>(c * kzg::BYTES_PER_CELL));
        std::vector<Cell> extension;
        ASSERT_EQ(ref_cells(*blob, extension, nullptr), C_KZG_OK) << what;
        EXPECT_EQ(difference(got, extension), "") << what << ": our recovered cells are not a codeword";
        if (proofs) {
            // ... and they open to c-kzg's proofs under that blob's commitment.
            KZGCommitment commitment;
            ASSERT_EQ(::blob_to_kzg_commitment(c_out(&commitment), c_ptr(blob.get()), &ref()), C_KZG_OK) << what;
            CellBatch batch;
            for (int j = 0; j < 8; j++) {
                const std::uint64_t k = rng().below(kCells);
                batch.commitments.push_back(commitment);
                batch.idx.push_back(k);
                batch.cells.push_back(got[k]);
                batch.proofs.push_back(theirs.proofs[k]);
            }
            EXPECT_TRUE(verify(batch, t, what + ": our cells, c-kzg's proofs").value_or(false)) << what;
        }

        const std::vector<Cell> spec = truncated_to_blob_degree(theirs.cells);
        if (const std::string diff = difference(got, spec); !diff.empty()) {
            t.mismatches++;
            ADD_FAILURE() << what << ": our cells are not c-kzg's truncated to 4096 coefficients: " << diff;
        }
        const std::string diff = difference(theirs.cells, spec);
        if (codeword) {
            EXPECT_EQ(diff, "") << what << ": a codeword, yet c-kzg's cells are not the truncation's";
            agreed++;
        } else {
            EXPECT_NE(diff, "") << what << ": c-kzg now truncates like the spec; compare the cells as equal";
            differed++;
            if (idx.size() == kCells) {
                EXPECT_EQ(difference(theirs.cells, cells), "") << what << ": c-kzg's copy of the input";
            }
        }
    }
    std::printf("recover, non-codewords: %zu rounds, %zu with the documented difference, %zu codewords\n",
                n_rounds, differed, agreed);
    EXPECT_EQ(t.mismatches, 0u) << t.summary();
    if (n_rounds >= 4) {
        EXPECT_GT(differed, 0u);
    }
}

}  // namespace
}  // namespace diff
