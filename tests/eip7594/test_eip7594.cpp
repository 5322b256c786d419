// EIP-7594 (PeerDAS) tests: the consensus-spec reference vectors, then
// properties of the cell, proof, recovery and verification functions and
// their input errors.
#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <filesystem>
#include <iostream>
#include <map>
#include <memory>
#include <numeric>
#include <optional>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "kzg/kzg.hpp"
#include "kzg/thread_pool.hpp"
#include "support/vectors_dir.hpp"

namespace {

namespace fs = std::filesystem;
using kzg::Blob;
using kzg::Bytes32;
using kzg::Bytes48;
using kzg::KZGCommitment;
using kzg::KZGProof;
using kzg::Cell;
using kzg::CellsAndProofs;
using kzg::Context;
using kzg::ErrorCode;
using kzg::KZGProof;

constexpr std::size_t kCells = kzg::CELLS_PER_EXT_BLOB;

// The mainnet context with these options (aborts, with a failure, if it
// cannot be built).
std::shared_ptr<const Context> mainnet_or_abort(const kzg::ContextOptions& o) {
    auto r = Context::mainnet(o);
    if (!r) {
        ADD_FAILURE() << "Context::mainnet: " << r.message();
        std::abort();
    }
    return std::move(r).value();
}

const Context& ctx() {
    static const std::shared_ptr<const Context> c = mainnet_or_abort({});
    return *c;
}

// Calls split over a pool of 3 threads (2 workers and the caller).
const Context& pooled_ctx() {
    static const std::shared_ptr<const Context> c = [] {
        kzg::ContextOptions o;
        o.pool = std::make_shared<kzg::ThreadPool>(2);
        return mainnet_or_abort(o);
    }();
    return *c;
}

// ---- YAML / hex helpers ---------------------------------------------------------

int hex_digit(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

// '0x..' into exactly out.size() bytes; false on any malformation or wrong length.
template <class Bytes>
bool fill_hex(Bytes& out, const YAML::Node& node) {
    if (!node || !node.IsScalar()) return false;
    const std::string s = node.Scalar();
    if (s.size() < 2 || s[0] != '0' || (s[1] != 'x' && s[1] != 'X')) return false;
    if (s.size() - 2 != 2 * out.size()) return false;
    for (std::size_t i = 0; i < out.size(); i++) {
        const int hi = hex_digit(s[2 + 2 * i]), lo = hex_digit(s[3 + 2 * i]);
        if (hi < 0 || lo < 0) return false;
        out.data()[i] = static_cast<std::uint8_t>(hi * 16 + lo);
    }
    return true;
}

// A block sequence of '0x..' strings, each of T's size.
template <class T>
bool fill_hex_list(std::vector<T>& out, const YAML::Node& node) {
    if (!node || !node.IsSequence()) return false;
    out.resize(node.size());
    for (std::size_t i = 0; i < node.size(); i++)
        if (!fill_hex(out[i], node[i])) return false;
    return true;
}

bool fill_indices(std::vector<std::uint64_t>& out, const YAML::Node& node) {
    if (!node || !node.IsSequence()) return false;
    out.clear();
    for (const auto& n : node) {
        const std::string s = n.Scalar();
        if (s.empty() || !std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; })) return false;
        try {
            out.push_back(std::stoull(s));
        } catch (const std::exception&) {
            return false;
        }
    }
    return true;
}

// A list of cosets, each a list of 64 field elements: concatenated into cells.
bool fill_cosets(std::vector<Cell>& out, const YAML::Node& node) {
    if (!node || !node.IsSequence()) return false;
    out.resize(node.size());
    for (std::size_t k = 0; k < node.size(); k++) {
        const YAML::Node coset = node[k];
        if (!coset.IsSequence() || coset.size() != kzg::FIELD_ELEMENTS_PER_CELL) return false;
        for (std::size_t j = 0; j < coset.size(); j++) {
            Bytes32 fe;
            if (!fill_hex(fe, coset[j])) return false;
            std::copy(fe.bytes.begin(), fe.bytes.end(), out[k].data() + j * kzg::BYTES_PER_FIELD_ELEMENT);
        }
    }
    return true;
}

std::vector<fs::path> case_files(const std::string& function) {
    const fs::path dir = kzg::testing::vectors_dir() / function / "kzg-mainnet";
    std::vector<fs::path> files;
    if (!fs::is_directory(dir)) {
        ADD_FAILURE() << "test vectors missing: " << dir << " (set KZG_TEST_VECTORS)";
        return files;
    }
    for (const auto& e : fs::directory_iterator(dir)) {
        const fs::path f = e.path() / "data.yaml";
        if (fs::is_regular_file(f)) files.push_back(f);
    }
    std::sort(files.begin(), files.end());
    return files;
}

using ::testing::AssertionFailure;
using ::testing::AssertionResult;
using ::testing::AssertionSuccess;

// The outcome of a call whose expected output is null: an input error.
template <class R>
AssertionResult expect_error(const R& r) {
    if (r.ok()) return AssertionFailure() << "expected an error, the call succeeded";
    if (r.code() != ErrorCode::kInvalidInput)
        return AssertionFailure() << "expected invalid_input, got " << kzg::error_code_name(r.code()) << ": "
                                  << r.message();
    return AssertionSuccess();
}

AssertionResult compare_cells_and_proofs(const CellsAndProofs& got, const YAML::Node& out) {
    std::vector<Cell> cells;
    std::vector<KZGProof> proofs;
    if (!out.IsSequence() || out.size() != 2 || !fill_hex_list(cells, out[0]) || !fill_hex_list(proofs, out[1]))
        return AssertionFailure() << "malformed expected output";
    if (got.cells != cells) return AssertionFailure() << "cells differ";
    if (got.proofs != proofs) return AssertionFailure() << "proofs differ";
    return AssertionSuccess();
}

struct Tally {
    std::size_t cases = 0, passed = 0, must_fail = 0;
};

void report(const std::string& function, const Tally& t) {
    std::cout << "[ vectors  ] " << function << ": " << t.passed << "/" << t.cases << " cases passed (" << t.must_fail
              << " with output null)\n";
    EXPECT_GT(t.cases, 0u) << function;
    EXPECT_EQ(t.passed, t.cases) << function;
}

template <class Fn>
void run_vectors(const std::string& function, Fn&& check_case) {
    Tally t;
    for (const auto& file : case_files(function)) {
        t.cases++;
        AssertionResult res = AssertionFailure();
        bool null_output = false;
        try {
            const YAML::Node doc = YAML::LoadFile(file.string());
            null_output = doc["output"].IsNull();
            res = check_case(doc["input"], doc["output"]);
        } catch (const std::exception& e) {
            res = AssertionFailure() << "exception: " << e.what();
        }
        if (null_output) t.must_fail++;
        EXPECT_TRUE(res) << file.parent_path().filename().string();
        if (res) t.passed++;
    }
    report(function, t);
}

// ---- Conformance ------------------------------------------------------------------

TEST(Eip7594Vectors, ComputeCells) {
    run_vectors("compute_cells", [](const YAML::Node& in, const YAML::Node& out) -> AssertionResult {
        auto blob = std::make_unique<Blob>();
        if (!fill_hex(*blob, in["blob"])) {
            if (out.IsNull()) return AssertionSuccess();  // malformed input: an error by construction
            return AssertionFailure() << "unparsable input with a non-null output";
        }
        const auto r = ctx().compute_cells(*blob);
        if (out.IsNull()) return expect_error(r);
        if (!r) return AssertionFailure() << r.message();
        std::vector<Cell> cells;
        if (!fill_hex_list(cells, out)) return AssertionFailure() << "malformed expected output";
        if (*r != cells) return AssertionFailure() << "cells differ";
        return AssertionSuccess();
    });
}

TEST(Eip7594Vectors, ComputeCellsAndKzgProofs) {
    run_vectors("compute_cells_and_kzg_proofs", [](const YAML::Node& in, const YAML::Node& out) -> AssertionResult {
        auto blob = std::make_unique<Blob>();
        if (!fill_hex(*blob, in["blob"])) {
            if (out.IsNull()) return AssertionSuccess();
            return AssertionFailure() << "unparsable input with a non-null output";
        }
        const auto r = ctx().compute_cells_and_kzg_proofs(*blob);
        if (out.IsNull()) return expect_error(r);
        if (!r) return AssertionFailure() << r.message();
        return compare_cells_and_proofs(*r, out);
    });
}

TEST(Eip7594Vectors, RecoverCellsAndKzgProofs) {
    run_vectors("recover_cells_and_kzg_proofs", [](const YAML::Node& in, const YAML::Node& out) -> AssertionResult {
        std::vector<std::uint64_t> indices;
        std::vector<Cell> cells;
        if (!fill_indices(indices, in["cell_indices"]) || !fill_hex_list(cells, in["cells"])) {
            if (out.IsNull()) return AssertionSuccess();
            return AssertionFailure() << "unparsable input with a non-null output";
        }
        const auto r = ctx().recover_cells_and_kzg_proofs(indices, cells);
        const auto rc = ctx().recover_cells(indices, cells);
        if (out.IsNull()) {
            if (auto e = expect_error(r); !e) return e;
            return expect_error(rc) << " (recover_cells)";
        }
        if (!r) return AssertionFailure() << r.message();
        if (!rc) return AssertionFailure() << "recover_cells: " << rc.message();
        if (*rc != r->cells) return AssertionFailure() << "recover_cells differs from recover_cells_and_kzg_proofs";
        return compare_cells_and_proofs(*r, out);
    });
}

TEST(Eip7594Vectors, VerifyCellKzgProofBatch) {
    run_vectors("verify_cell_kzg_proof_batch", [](const YAML::Node& in, const YAML::Node& out) -> AssertionResult {
        std::vector<KZGCommitment> commitments;
        std::vector<KZGProof> proofs;
        std::vector<std::uint64_t> indices;
        std::vector<Cell> cells;
        if (!fill_hex_list(commitments, in["commitments"]) || !fill_indices(indices, in["cell_indices"]) ||
            !fill_hex_list(cells, in["cells"]) || !fill_hex_list(proofs, in["proofs"])) {
            if (out.IsNull()) return AssertionSuccess();
            return AssertionFailure() << "unparsable input with a non-null output";
        }
        const auto r = ctx().verify_cell_kzg_proof_batch(commitments, indices, cells, proofs);
        if (out.IsNull()) return expect_error(r);
        if (!r.ok()) return AssertionFailure() << r.message();
        if (*r != out.as<bool>()) return AssertionFailure() << "got " << *r << ", expected " << out.as<bool>();
        return AssertionSuccess();
    });
}

TEST(Eip7594Vectors, ComputeVerifyCellKzgProofBatchChallenge) {
    run_vectors("compute_verify_cell_kzg_proof_batch_challenge",
                [](const YAML::Node& in, const YAML::Node& out) -> AssertionResult {
                    std::vector<KZGCommitment> commitments;
                    std::vector<KZGProof> proofs;
                    std::vector<std::uint64_t> commitment_indices, cell_indices;
                    std::vector<Cell> cosets;
                    if (!fill_hex_list(commitments, in["commitments"]) ||
                        !fill_indices(commitment_indices, in["commitment_indices"]) ||
                        !fill_indices(cell_indices, in["cell_indices"]) || !fill_cosets(cosets, in["cosets_evals"]) ||
                        !fill_hex_list(proofs, in["proofs"])) {
                        if (out.IsNull()) return AssertionSuccess();
                        return AssertionFailure() << "unparsable input with a non-null output";
                    }
                    const auto r = ctx().compute_verify_cell_kzg_proof_batch_challenge(
                        commitments, commitment_indices, cell_indices, cosets, proofs);
                    if (out.IsNull()) return expect_error(r);
                    if (!r) return AssertionFailure() << r.message();
                    Bytes32 expected;
                    if (!fill_hex(expected, out)) return AssertionFailure() << "malformed expected output";
                    if (*r != expected) return AssertionFailure() << "challenge differs";
                    return AssertionSuccess();
                });
}

// ---- Properties -------------------------------------------------------------------

// A canonical random blob: every field element's top byte below 0x73.
std::unique_ptr<Blob> random_blob(std::mt19937_64& rng) {
    auto blob = std::make_unique<Blob>();
    for (std::size_t i = 0; i < kzg::BYTES_PER_BLOB; i += 8) {
        const std::uint64_t v = rng();
        for (std::size_t b = 0; b < 8; b++) blob->bytes[i + b] = static_cast<std::uint8_t>(v >> (8 * b));
    }
    for (std::size_t i = 0; i < kzg::FIELD_ELEMENTS_PER_BLOB; i++)
        blob->bytes[i * 32] = static_cast<std::uint8_t>(blob->bytes[i * 32] % 0x73);
    return blob;
}

struct BlobData {
    std::unique_ptr<Blob> blob;
    KZGCommitment commitment;
    CellsAndProofs cp;
};

class Eip7594Props : public ::testing::Test {
  protected:
    static void SetUpTestSuite() {
        std::mt19937_64 rng(7594);
        for (int i = 0; i < 3; i++) {
            auto d = std::make_unique<BlobData>();
            d->blob = random_blob(rng);
            auto c = ctx().blob_to_kzg_commitment(*d->blob);
            ASSERT_TRUE(c.ok()) << c.message();
            d->commitment = *c;
            auto cp = ctx().compute_cells_and_kzg_proofs(*d->blob);
            ASSERT_TRUE(cp.ok()) << cp.message();
            d->cp = std::move(cp).value();
            ASSERT_EQ(d->cp.cells.size(), kCells);
            ASSERT_EQ(d->cp.proofs.size(), kCells);
            data_.push_back(std::move(d));
        }
    }
    static void TearDownTestSuite() { data_.clear(); }

    static const BlobData& blob(std::size_t i) { return *data_.at(i); }

    // The commitments, indices, cells and proofs of the given cells of blob b.
    struct Batch {
        std::vector<KZGCommitment> commitments;
        std::vector<std::uint64_t> indices;
        std::vector<Cell> cells;
        std::vector<KZGProof> proofs;
        void add(const BlobData& d, std::uint64_t k) {
            commitments.push_back(d.commitment);
            indices.push_back(k);
            cells.push_back(d.cp.cells[k]);
            proofs.push_back(d.cp.proofs[k]);
        }
        kzg::Result<bool> verify(const Context& c = ctx()) const {
            return c.verify_cell_kzg_proof_batch(commitments, indices, cells, proofs);
        }
    };

    static Batch whole_blob(const BlobData& d) {
        Batch b;
        for (std::uint64_t k = 0; k < kCells; k++) b.add(d, k);
        return b;
    }

    static inline std::vector<std::unique_ptr<BlobData>> data_;
};

TEST_F(Eip7594Props, ComputeCellsMatchesCellsOfComputeCellsAndKzgProofs) {
    for (std::size_t i = 0; i < 3; i++) {
        const auto cells = ctx().compute_cells(*blob(i).blob);
        ASSERT_TRUE(cells.ok()) << cells.message();
        EXPECT_EQ(*cells, blob(i).cp.cells) << "blob " << i;
    }
}

TEST_F(Eip7594Props, FirstHalfOfTheCellsIsTheBlob) {
    // The extension is systematic: the first 64 cells are the blob itself.
    const BlobData& d = blob(0);
    for (std::size_t k = 0; k < kCells / 2; k++) {
        EXPECT_TRUE(std::equal(d.cp.cells[k].bytes.begin(), d.cp.cells[k].bytes.end(),
                               d.blob->bytes.begin() + k * kzg::BYTES_PER_CELL))
            << "cell " << k;
    }
}

TEST_F(Eip7594Props, ZeroBlobHasZeroCellsAndIdentityProofs) {
    auto zero = std::make_unique<Blob>();
    const auto r = ctx().compute_cells_and_kzg_proofs(*zero);
    ASSERT_TRUE(r.ok()) << r.message();
    KZGProof identity;
    identity.bytes[0] = 0xc0;
    for (std::size_t k = 0; k < kCells; k++) {
        EXPECT_EQ(r->cells[k], Cell{}) << k;
        EXPECT_EQ(r->proofs[k], identity) << k;
    }
    // All points at infinity: the batch still verifies.
    const auto c = ctx().blob_to_kzg_commitment(*zero);
    ASSERT_TRUE(c.ok()) << c.message();
    EXPECT_EQ(c->bytes, identity.bytes);
    std::vector<KZGCommitment> commitments(kCells, *c);
    std::vector<std::uint64_t> indices(kCells);
    std::iota(indices.begin(), indices.end(), 0);
    const auto v = ctx().verify_cell_kzg_proof_batch(commitments, indices, r->cells, r->proofs);
    ASSERT_TRUE(v.ok()) << v.message();
    EXPECT_TRUE(*v);
}

TEST_F(Eip7594Props, EveryProofOfABlobVerifies) {
    for (std::size_t i = 0; i < 3; i++) {
        const auto r = whole_blob(blob(i)).verify();
        ASSERT_TRUE(r.ok()) << r.message();
        EXPECT_TRUE(*r) << "blob " << i;
    }
    // One cell at a time, for a few cells.
    for (std::uint64_t k : {0u, 1u, 63u, 64u, 100u, 127u}) {
        Batch b;
        b.add(blob(1), k);
        const auto r = b.verify();
        ASSERT_TRUE(r.ok()) << r.message();
        EXPECT_TRUE(*r) << "cell " << k;
    }
}

TEST_F(Eip7594Props, MixedBlobsWithRepeatedCommitmentsVerify) {
    std::mt19937_64 rng(42);
    Batch b;
    for (int n = 0; n < 60; n++) b.add(blob(rng() % 3), rng() % kCells);
    b.add(blob(2), 5);
    b.add(blob(2), 5);  // the same cell twice
    const auto r = b.verify();
    ASSERT_TRUE(r.ok()) << r.message();
    EXPECT_TRUE(*r);

    // Unsorted indices verify too (indices need not be sorted here).
    Batch rev;
    for (std::uint64_t k = kCells; k-- > 0;) rev.add(blob(0), k);
    const auto r2 = rev.verify();
    ASSERT_TRUE(r2.ok()) << r2.message();
    EXPECT_TRUE(*r2);
}

TEST_F(Eip7594Props, EmptyBatchVerifies) {
    const auto r = ctx().verify_cell_kzg_proof_batch({}, {}, {}, {});
    ASSERT_TRUE(r.ok()) << r.message();
    EXPECT_TRUE(*r);
}

TEST_F(Eip7594Props, TamperedBatchesFail) {
    auto expect_false = [](const Batch& b, const char* what) {
        const auto r = b.verify();
        ASSERT_TRUE(r.ok()) << what << ": " << r.message();
        EXPECT_FALSE(*r) << what;
    };
    {
        Batch b = whole_blob(blob(0));
        b.cells[17].bytes[31] ^= 1;  // still canonical: the low byte of element 0
        expect_false(b, "tampered cell");
    }
    {
        Batch b = whole_blob(blob(0));
        b.proofs[3] = b.proofs[4];  // a valid point, but the wrong proof
        expect_false(b, "swapped proof");
    }
    {
        Batch b = whole_blob(blob(0));
        b.commitments[100] = blob(1).commitment;
        expect_false(b, "wrong commitment");
    }
    {
        Batch b = whole_blob(blob(0));
        b.indices[9] = 10;  // cell 9 claimed at index 10
        expect_false(b, "wrong index");
    }
    {
        Batch b;
        b.add(blob(0), 7);
        b.add(blob(1), 7);
        std::swap(b.cells[0], b.cells[1]);
        expect_false(b, "cells of two blobs swapped");
    }
    {
        Batch b;
        b.add(blob(2), 120);
        KZGProof identity;
        identity.bytes[0] = 0xc0;
        b.proofs[0] = identity;
        expect_false(b, "identity proof");
    }
}

// On one thread and on a pool (whose split loops start each slice from its
// own offset: a wrong one shows only there).
void expect_recovers(const BlobData& d, std::vector<std::uint64_t> indices, const std::string& what) {
    std::sort(indices.begin(), indices.end());
    std::vector<Cell> cells;
    for (auto k : indices) cells.push_back(d.cp.cells[k]);
    for (const Context* c : {&ctx(), &pooled_ctx()}) {
        const std::string where = what + (c == &ctx() ? ", one thread" : ", on a pool");
        const auto r = c->recover_cells_and_kzg_proofs(indices, cells);
        ASSERT_TRUE(r.ok()) << where << ": " << r.message();
        EXPECT_EQ(r->cells, d.cp.cells) << where;
        EXPECT_EQ(r->proofs, d.cp.proofs) << where;
        const auto rc = c->recover_cells(indices, cells);
        ASSERT_TRUE(rc.ok()) << where << ": " << rc.message();
        EXPECT_EQ(*rc, r->cells) << where << " (recover_cells)";
    }
}

std::vector<std::uint64_t> random_subset(std::mt19937_64& rng, std::size_t n) {
    std::vector<std::uint64_t> all(kCells);
    std::iota(all.begin(), all.end(), 0);
    std::shuffle(all.begin(), all.end(), rng);
    all.resize(n);
    return all;
}

TEST_F(Eip7594Props, RecoveryFromSubsets) {
    std::mt19937_64 rng(1234);
    expect_recovers(blob(0), random_subset(rng, 64), "random 64");
    expect_recovers(blob(1), random_subset(rng, 65), "random 65");
    expect_recovers(blob(2), random_subset(rng, 100), "random 100");
    expect_recovers(blob(0), random_subset(rng, 127), "random 127");
    expect_recovers(blob(1), random_subset(rng, 128), "all 128");
    std::vector<std::uint64_t> first, second, even;
    for (std::uint64_t k = 0; k < kCells; k++) {
        (k < kCells / 2 ? first : second).push_back(k);
        if (k % 2 == 0) even.push_back(k);
    }
    expect_recovers(blob(2), first, "first half");
    expect_recovers(blob(0), second, "second half");
    expect_recovers(blob(1), even, "even indices");
}

TEST_F(Eip7594Props, RecoverCellsOnlyFromSubsets) {
    std::mt19937_64 rng(99);
    for (std::size_t n : {64u, 80u, 128u}) {
        std::vector<std::uint64_t> idx = random_subset(rng, n);
        std::sort(idx.begin(), idx.end());
        std::vector<Cell> cells;
        for (auto k : idx) cells.push_back(blob(2).cp.cells[k]);
        const auto rc = ctx().recover_cells(idx, cells);
        ASSERT_TRUE(rc.ok()) << rc.message();
        EXPECT_EQ(*rc, blob(2).cp.cells) << n;
    }
}

// Every input of the batch challenge feeds the transcript: changing any one
// commitment, commitment index, cell index, cell byte or proof, the number of
// commitments or of cells, or the order of the cells changes the challenge.
TEST_F(Eip7594Props, ChallengeDependsOnEveryInput) {
    struct Inputs {
        std::vector<KZGCommitment> commitments;
        std::vector<std::uint64_t> commitment_indices, cell_indices;
        std::vector<Cell> cells;
        std::vector<KZGProof> proofs;
        void add(const BlobData& d, std::uint64_t ci, std::uint64_t k) {
            commitment_indices.push_back(ci);
            cell_indices.push_back(k);
            cells.push_back(d.cp.cells[k]);
            proofs.push_back(d.cp.proofs[k]);
        }
    };
    auto challenge = [](const Inputs& in) -> std::optional<Bytes32> {
        auto r = ctx().compute_verify_cell_kzg_proof_batch_challenge(in.commitments, in.commitment_indices,
                                                                     in.cell_indices, in.cells, in.proofs);
        EXPECT_TRUE(r.ok()) << r.message();
        if (!r.ok()) return std::nullopt;
        return *r;
    };
    // Two commitments, three cells: cell 0 and 127 of blob 0, cell 64 of blob 1.
    Inputs base;
    base.commitments = {blob(0).commitment, blob(1).commitment};
    base.add(blob(0), 0, 0);
    base.add(blob(1), 1, 64);
    base.add(blob(0), 0, 127);
    const auto c0 = challenge(base);
    ASSERT_TRUE(c0.has_value());
    const Inputs copy = base;  // equal values in other buffers
    EXPECT_EQ(challenge(copy), c0);

    std::vector<std::pair<std::string, Inputs>> variants;
    auto vary = [&](const std::string& what, auto edit) {
        Inputs v = base;
        edit(v);
        variants.emplace_back(what, std::move(v));
    };
    // name[i] (appended piecewise: GCC 12 warns falsely on "literal" + std::string).
    auto at = [](const char* name, std::size_t i) {
        std::string s(name);
        s += '[';
        s += std::to_string(i);
        s += ']';
        return s;
    };
    const std::size_t n = base.cell_indices.size();
    for (std::size_t i = 0; i < base.commitments.size(); i++)
        vary(at("commitments", i), [&](Inputs& v) { v.commitments[i] = blob(2).commitment; });
    vary("commitments swapped", [](Inputs& v) { std::swap(v.commitments[0], v.commitments[1]); });
    vary("an unused commitment appended", [](Inputs& v) { v.commitments.push_back(blob(2).commitment); });
    vary("commitment 0 repeated at the end", [](Inputs& v) { v.commitments.push_back(v.commitments[0]); });
    for (std::size_t k = 0; k < n; k++) {
        vary(at("commitment_indices", k), [&](Inputs& v) { v.commitment_indices[k] ^= 1; });
        vary(at("cell_indices", k), [&](Inputs& v) { v.cell_indices[k] = (v.cell_indices[k] + 1) % kCells; });
        vary(at("proofs", k), [&](Inputs& v) { v.proofs[k] = blob(2).cp.proofs[k + 5]; });
    }
    // Cell bytes: the first and last byte of the first and last cell, and
    // element boundaries of the middle one. Lowering a non-zero byte (or
    // raising a zero one) keeps the element below r.
    const std::pair<std::size_t, std::size_t> positions[] = {
        {0, 0}, {0, kzg::BYTES_PER_CELL - 1}, {n - 1, 0}, {n - 1, kzg::BYTES_PER_CELL - 1},
        {1, 31}, {1, 32}, {1, kzg::BYTES_PER_CELL / 2}};
    for (const auto& pos : positions) {
        const std::size_t k = pos.first, byte = pos.second;  // (clang < 16 cannot capture bindings)
        vary(at("cells", k) + " byte " + std::to_string(byte), [&](Inputs& v) {
            auto& b = v.cells[k].bytes[byte];
            b = b != 0 ? static_cast<std::uint8_t>(b - 1) : 1;
        });
    }
    vary("cells 0 and 2 swapped, with their indices and proofs", [](Inputs& v) {
        std::swap(v.commitment_indices[0], v.commitment_indices[2]);
        std::swap(v.cell_indices[0], v.cell_indices[2]);
        std::swap(v.cells[0], v.cells[2]);
        std::swap(v.proofs[0], v.proofs[2]);
    });
    vary("the last cell dropped", [](Inputs& v) {
        v.commitment_indices.pop_back();
        v.cell_indices.pop_back();
        v.cells.pop_back();
        v.proofs.pop_back();
    });
    vary("a cell appended", [](Inputs& v) { v.add(blob(1), 1, 3); });
    vary("no cells", [](Inputs& v) { v = Inputs{v.commitments, {}, {}, {}, {}}; });

    // Distinct from the base and from each other.
    std::map<std::array<std::uint8_t, 32>, std::string> seen{{c0->bytes, "the base inputs"}};
    for (const auto& [what, v] : variants) {
        const auto c = challenge(v);
        ASSERT_TRUE(c.has_value()) << what;
        const auto [it, fresh] = seen.emplace(c->bytes, what);
        EXPECT_TRUE(fresh) << what << ": the same challenge as " << it->second;
    }
    EXPECT_EQ(seen.size(), variants.size() + 1);
}

// ---- Errors -----------------------------------------------------------------------

// A value >= r (all 0xff) at field element `fe` of the given bytes.
template <class Bytes>
void break_field_element(Bytes& b, std::size_t fe) {
    for (std::size_t i = 0; i < 32; i++) b.data()[fe * 32 + i] = 0xff;
}

template <class R>
void expect_invalid(const R& r, const std::string& needle) {
    ASSERT_FALSE(r.ok()) << "expected an error containing \"" << needle << "\"";
    EXPECT_EQ(r.code(), ErrorCode::kInvalidInput) << r.message();
    EXPECT_NE(r.message().find(needle), std::string::npos) << "message: \"" << r.message() << "\", wanted \"" << needle
                                                          << "\"";
}

template <class T>  // KZGCommitment or KZGProof
T hex48(const char* hex) {
    YAML::Node n(hex);
    T b;
    EXPECT_TRUE(fill_hex(b, n));
    return b;
}

// Points from the reference vectors: on the curve but outside G1, and not on the curve.
const char* const kNotInSubgroup =
    "0x8123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
const char* const kNotOnCurve =
    "0x8123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcde0";

TEST_F(Eip7594Props, ComputeErrorsNameTheBlob) {
    auto bad = std::make_unique<Blob>(*blob(0).blob);
    break_field_element(*bad, 17);
    expect_invalid(ctx().compute_cells(*bad), "blob: field element 17 is not canonical (>= BLS modulus)");
    expect_invalid(ctx().compute_cells_and_kzg_proofs(*bad), "blob: field element 17 is not canonical");
}

TEST_F(Eip7594Props, RecoveryErrorsNameTheInput) {
    const BlobData& d = blob(0);
    auto make = [&](std::size_t n) {
        std::pair<std::vector<std::uint64_t>, std::vector<Cell>> p;
        for (std::uint64_t k = 0; k < n; k++) {
            p.first.push_back(k);
            p.second.push_back(d.cp.cells[k % kCells]);
        }
        return p;
    };
    auto check = [&](const std::vector<std::uint64_t>& idx, const std::vector<Cell>& cells, const std::string& needle) {
        SCOPED_TRACE(needle);
        expect_invalid(ctx().recover_cells_and_kzg_proofs(idx, cells), needle);
        expect_invalid(ctx().recover_cells(idx, cells), needle);
    };
    {
        auto [idx, cells] = make(63);
        check(idx, cells, "cell_indices: 63 cells given, at least 64 needed");
    }
    {
        auto [idx, cells] = make(0);
        check(idx, cells, "cell_indices: 0 cells given, at least 64 needed");
    }
    {
        auto [idx, cells] = make(129);
        check(idx, cells, "cell_indices: 129 cells given, at most 128 allowed");
    }
    {
        auto [idx, cells] = make(70);
        cells.pop_back();
        check(idx, cells, "lists differ in length: 70 cell_indices, 69 cells");
    }
    {
        auto [idx, cells] = make(64);
        idx[5] = 130;
        check(idx, cells, "cell_indices[5]: 130 is not below 128");
    }
    {
        auto [idx, cells] = make(64);
        idx[63] = 128;
        check(idx, cells, "cell_indices[63]: 128 is not below 128");
    }
    {
        auto [idx, cells] = make(64);
        idx[7] = 6;  // duplicate of the previous index
        check(idx, cells, "cell_indices[7]: 6 is not above the previous index 6 (indices must be strictly ascending)");
    }
    {
        auto [idx, cells] = make(64);
        std::swap(idx[10], idx[11]);  // unsorted but distinct: the spec rejects it
        check(idx, cells, "cell_indices[11]: 10 is not above the previous index 11");
    }
    {
        auto [idx, cells] = make(64);
        break_field_element(cells[3], 9);
        check(idx, cells, "cells[3]: field element 9 is not canonical (>= BLS modulus)");
    }
}

TEST_F(Eip7594Props, VerifyErrorsNameTheInput) {
    auto base = [&] {
        Batch b;
        for (std::uint64_t k = 0; k < 4; k++) b.add(blob(0), k);
        return b;
    };
    {
        Batch b = base();
        b.proofs.pop_back();
        expect_invalid(b.verify(), "lists differ in length: 4 commitments, 4 cell_indices, 4 cells, 3 proofs");
    }
    {
        Batch b = base();
        b.commitments.push_back(b.commitments[0]);
        expect_invalid(b.verify(), "lists differ in length: 5 commitments");
    }
    {
        Batch b = base();
        b.cells.pop_back();
        expect_invalid(b.verify(), "lists differ in length");
    }
    {
        Batch b = base();
        b.indices[2] = 128;
        expect_invalid(b.verify(), "cell_indices[2]: 128 is not below 128");
    }
    {
        Batch b = base();
        b.commitments[2] = hex48<KZGCommitment>(kNotInSubgroup);
        expect_invalid(b.verify(), "commitments[2]: is not in the prime-order subgroup");
    }
    {
        Batch b = base();
        b.commitments[1] = hex48<KZGCommitment>(kNotOnCurve);
        expect_invalid(b.verify(), "commitments[1]: is not a valid compressed point");
    }
    {
        Batch b = base();
        break_field_element(b.cells[1], 63);
        expect_invalid(b.verify(), "cells[1]: field element 63 is not canonical (>= BLS modulus)");
    }
    {
        Batch b = base();
        b.proofs[0] = hex48<KZGProof>(kNotInSubgroup);
        expect_invalid(b.verify(), "proofs[0]: is not in the prime-order subgroup");
    }
    {
        Batch b = base();
        b.proofs[3] = hex48<KZGProof>(kNotOnCurve);
        expect_invalid(b.verify(), "proofs[3]: is not a valid compressed point");
    }
}

// From kSubgroupBatchMinPoints (128) proofs up, the subgroup check runs on all
// proofs together (core/g1_subgroup_batch.hpp); a fault found there is
// named exactly as the proof-by-proof check names it.
// The same on a pool, where the challenge's hash runs beside the proofs'
// decompression (one more task among their slices).
TEST_F(Eip7594Props, LargeBatchesCheckEveryProofForTheSubgroup) {
    auto base = [&] {
        Batch b = whole_blob(blob(0));
        for (std::uint64_t k = 0; k < kCells; k++) b.add(blob(1), k);
        return b;
    };
    for (const Context* c : {&ctx(), &pooled_ctx()}) {
        SCOPED_TRACE(c == &ctx() ? "one thread" : "on a pool of 3");
        {
            const auto r = base().verify(*c);
            ASSERT_TRUE(r.ok()) << r.message();
            EXPECT_TRUE(*r);
        }
        for (std::size_t at : {std::size_t{0}, std::size_t{129}, std::size_t{255}}) {
            Batch b = base();
            b.proofs[at] = hex48<KZGProof>(kNotInSubgroup);
            expect_invalid(b.verify(*c), "proofs[" + std::to_string(at) + "]: is not in the prime-order subgroup");
        }
        {
            Batch b = base();  // the lowest index's fault, whichever kind
            b.proofs[37] = hex48<KZGProof>(kNotInSubgroup);
            b.proofs[5] = hex48<KZGProof>(kNotOnCurve);
            expect_invalid(b.verify(*c), "proofs[5]: is not a valid compressed point");
            b.proofs[5] = hex48<KZGProof>(kNotInSubgroup);
            b.proofs[37] = hex48<KZGProof>(kNotOnCurve);
            expect_invalid(b.verify(*c), "proofs[5]: is not in the prime-order subgroup");
        }
        {
            Batch b = base();  // infinity is in G1: well formed, and a wrong proof
            const std::string infinity = "0xc0" + std::string(94, '0');
            b.proofs[140] = hex48<KZGProof>(infinity.c_str());
            const auto r = b.verify(*c);
            ASSERT_TRUE(r.ok()) << r.message();
            EXPECT_FALSE(*r);
        }
        {
            Batch b = base();  // two valid cells swapped between blobs: wrong
            std::swap(b.cells[3], b.cells[kCells + 3]);
            const auto r = b.verify(*c);
            ASSERT_TRUE(r.ok()) << r.message();
            EXPECT_FALSE(*r);
        }
    }
}

TEST_F(Eip7594Props, ChallengeErrorsNameTheInput) {
    const BlobData& d = blob(0);
    std::vector<KZGCommitment> commitments{d.commitment};
    std::vector<std::uint64_t> ci{0, 0}, idx{3, 4};
    std::vector<Cell> cells{d.cp.cells[3], d.cp.cells[4]};
    std::vector<KZGProof> proofs{d.cp.proofs[3], d.cp.proofs[4]};
    auto call = [&] {
        return ctx().compute_verify_cell_kzg_proof_batch_challenge(commitments, ci, idx, cells, proofs);
    };
    ASSERT_TRUE(call().ok());
    proofs.pop_back();
    expect_invalid(call(), "lists differ in length");
    proofs.push_back(d.cp.proofs[4]);
    ci[1] = 1;
    expect_invalid(call(), "commitment_indices[1]: 1 is not below the number of commitments 1");
    ci[1] = 0;
    idx[0] = 200;
    expect_invalid(call(), "cell_indices[0]: 200 is not below 128");
    idx[0] = 3;
    break_field_element(cells[1], 2);
    expect_invalid(call(), "cosets_evals[1]: field element 2 is not canonical");
    cells[1] = d.cp.cells[4];
    commitments[0] = hex48<KZGCommitment>(kNotOnCurve);
    expect_invalid(call(), "commitments[0]: ");
    commitments[0] = d.commitment;
    proofs[1] = hex48<KZGProof>(kNotInSubgroup);
    expect_invalid(call(), "proofs[1]: is not in the prime-order subgroup");
}

}  // namespace
