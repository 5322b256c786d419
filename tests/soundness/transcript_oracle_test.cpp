// Transcript oracles: every Fiat-Shamir challenge the library uses is
// recomputed from the spec text (spec_oracle.hpp, an independent SHA-256) and
// compared, on random inputs, varying each input in turn. A transcript that
// leaves an input out, reorders it, or uses another domain or width gives a
// different challenge here, even where no black-box forgery exists.
#include <gtest/gtest.h>

#include <random>
#include <vector>

#include "eip4844/polynomial.hpp"
#include "soundness/fixture.hpp"

namespace soundness {
namespace {

// name[i], built by appending (GCC 12 warns falsely on "[" + std::string).
std::string label(std::string name, std::size_t i) {
    name += '[';
    name += std::to_string(i);
    name += ']';
    return name;
}

template <class T>  // KZGCommitment or KZGProof
T infinity_g1() {
    T b{};
    b.bytes[0] = 0xc0;  // compressed, infinity
    return b;
}

Bytes32 modulus_minus_one() {
    Bytes32 b;
    b.bytes = kBlsModulus;
    b.bytes[31] -= 1;
    return b;
}

// ---- deneb compute_challenge (public) ---------------------------------------------

TEST(TranscriptOracle, BlobChallengeMatchesSpec) {
    const kzg::Context& ctx = test_context();
    std::mt19937_64 rng(0x4844);
    auto blob = random_blob(rng);
    KZGCommitment commitment = g1_compress<KZGCommitment>(random_g1(rng));

    auto check = [&](const std::string& what) {
        const Bytes32 spec = compute_challenge(*blob, commitment);
        auto lib = ctx.compute_challenge(*blob, commitment);
        EXPECT_TRUE(lib.ok()) << what << ": " << lib.message();
        if (lib.ok()) {
            EXPECT_EQ(lib.value(), spec) << what;
        }
        return spec;
    };
    const Bytes32 base = check("random blob");
    // First, middle and last blob bytes (bit 0 of an element's top byte keeps
    // it canonical: random elements are below 2^254), then the commitment.
    for (std::size_t pos : {std::size_t{0}, std::size_t{31}, 32 * std::size_t{2048} + 17, kzg::BYTES_PER_BLOB - 1}) {
        blob->bytes[pos] ^= 1;
        EXPECT_NE(check("blob byte " + std::to_string(pos)), base);
        blob->bytes[pos] ^= 1;
    }
    EXPECT_EQ(check("restored"), base);
    commitment = g1_compress<KZGCommitment>(random_g1(rng));
    EXPECT_NE(check("other commitment"), base);
    commitment = infinity_g1<KZGCommitment>();
    check("infinity commitment");
    blob->bytes.fill(0);
    check("zero blob");
}

// ---- deneb verify_kzg_proof_batch's r (internal) ---------------------------------

KzgClaims random_kzg_claims(std::mt19937_64& rng, std::size_t n) {
    KzgClaims c;
    for (std::size_t i = 0; i < n; i++) {
        c.commitments.push_back(g1_compress<KZGCommitment>(random_g1(rng)));
        c.zs.push_back(fr_to_be(random_fr(rng)));
        c.ys.push_back(fr_to_be(random_fr(rng)));
        c.proofs.push_back(g1_compress<KZGProof>(random_g1(rng)));
    }
    return c;
}

// The r that verify_kzg_proof_batch uses, through the very function it calls.
Bytes32 library_kzg_batch_r(const KzgClaims& c) {
    const DecodedClaims d = decode_claims(c);
    return fr_to_be(kzg::eip4844::compute_kzg_proof_batch_challenge(d.commitments, d.zs, d.ys, d.proofs));
}

TEST(TranscriptOracle, KzgBatchChallengeMatchesSpec) {
    std::mt19937_64 rng(0xba7c4);
    for (std::size_t n = 1; n <= 5; n++) {
        SCOPED_TRACE("n = " + std::to_string(n));
        KzgClaims claims = random_kzg_claims(rng, n);
        if (n == 3) {  // encodings at the edges: infinity points, r - 1, zero
            claims.commitments[1] = infinity_g1<KZGCommitment>();
            claims.proofs[2] = infinity_g1<KZGProof>();
            claims.zs[0] = modulus_minus_one();
            claims.ys[1] = Bytes32{};
        }
        const Bytes32 base = kzg_batch_challenge(claims);
        ASSERT_EQ(library_kzg_batch_r(claims), base);

        // Each input, one at a time: the library follows and r moves.
        auto expect_follows = [&](const KzgClaims& changed, const std::string& what) {
            const Bytes32 spec = kzg_batch_challenge(changed);
            EXPECT_EQ(library_kzg_batch_r(changed), spec) << what;
            EXPECT_NE(spec, base) << what << " does not change r";
        };
        for (std::size_t i = 0; i < n; i++) {
            KzgClaims c = claims;
            c.commitments[i] = g1_compress<KZGCommitment>(random_g1(rng));
            expect_follows(c, label("commitment", i));
            c = claims;
            c.zs[i] = fr_to_be(random_fr(rng));
            expect_follows(c, label("z", i));
            c = claims;
            c.ys[i] = fr_to_be(random_fr(rng));
            expect_follows(c, label("y", i));
            c = claims;
            c.proofs[i] = g1_compress<KZGProof>(random_g1(rng));
            expect_follows(c, label("proof", i));
        }
        if (n >= 2) {
            KzgClaims c = claims;  // order matters: swap two claims
            std::swap(c.commitments[0], c.commitments[1]);
            std::swap(c.zs[0], c.zs[1]);
            std::swap(c.ys[0], c.ys[1]);
            std::swap(c.proofs[0], c.proofs[1]);
            expect_follows(c, "swapped claims");
            c = claims;  // one claim fewer
            c.commitments.pop_back();
            c.zs.pop_back();
            c.ys.pop_back();
            c.proofs.pop_back();
            expect_follows(c, "one claim fewer");
        }
        KzgClaims more = claims;  // one claim more
        const KzgClaims extra = random_kzg_claims(rng, 1);
        more.commitments.push_back(extra.commitments[0]);
        more.zs.push_back(extra.zs[0]);
        more.ys.push_back(extra.ys[0]);
        more.proofs.push_back(extra.proofs[0]);
        expect_follows(more, "one claim more");

        // A library with any of these transcript bugs (no proofs, no y, no z,
        // no count, no commitments, no degree, reordered, wrong domain) would
        // compute one of these values instead and fail the ASSERT above. For
        // n = 1 reordering changes nothing, so it is checked from n = 2.
        for (TranscriptBug bug : kKzgBatchBugs) {
            if (bug == TranscriptBug::kReordered && n < 2) continue;
            EXPECT_NE(kzg_batch_challenge(claims, bug), base) << bug_name(bug);
        }
    }
}

// ---- fulu compute_verify_cell_kzg_proof_batch_challenge (public) -------------------

CellClaims random_cell_claims(std::mt19937_64& rng, std::size_t num_commitments, std::size_t num_cells) {
    CellClaims c;
    for (std::size_t i = 0; i < num_commitments; i++) c.commitments.push_back(g1_compress<KZGCommitment>(random_g1(rng)));
    for (std::size_t k = 0; k < num_cells; k++) {
        c.commitment_indices.push_back(rng() % num_commitments);
        c.cell_indices.push_back(rng() % kzg::CELLS_PER_EXT_BLOB);
        c.cells.push_back(random_cell(rng));
        c.proofs.push_back(g1_compress<KZGProof>(random_g1(rng)));
    }
    return c;
}

TEST(TranscriptOracle, CellBatchChallengeMatchesSpec) {
    const kzg::Context& ctx = test_context();
    std::mt19937_64 rng(0x7594);
    auto library_r = [&](const CellClaims& c) {
        auto r = ctx.compute_verify_cell_kzg_proof_batch_challenge(c.commitments, c.commitment_indices,
                                                                   c.cell_indices, c.cells, c.proofs);
        EXPECT_TRUE(r.ok()) << r.message();
        return r.ok() ? r.value() : Bytes32{};
    };
    const std::pair<std::size_t, std::size_t> shapes[] = {{1, 0}, {1, 1}, {2, 3}, {3, 6}, {4, 5}};
    for (auto [m, n] : shapes) {
        SCOPED_TRACE(std::to_string(m) + " commitments, " + std::to_string(n) + " cells");
        CellClaims claims = random_cell_claims(rng, m, n);
        if (n == 6) {  // encodings at the edges
            claims.commitments[0] = infinity_g1<KZGCommitment>();
            claims.proofs[1] = infinity_g1<KZGProof>();
            claims.cell_indices[2] = kzg::CELLS_PER_EXT_BLOB - 1;
            claims.cell_indices[3] = 0;
            const Bytes32 top = modulus_minus_one();
            std::copy(top.bytes.begin(), top.bytes.end(), claims.cells[4].bytes.end() - 32);
        }
        const Bytes32 base = cell_batch_challenge(claims);
        ASSERT_EQ(library_r(claims), base);

        auto expect_follows = [&](const CellClaims& changed, const std::string& what) {
            const Bytes32 spec = cell_batch_challenge(changed);
            EXPECT_EQ(library_r(changed), spec) << what;
            EXPECT_NE(spec, base) << what << " does not change r";
        };
        for (std::size_t i = 0; i < m; i++) {
            CellClaims c = claims;
            c.commitments[i] = g1_compress<KZGCommitment>(random_g1(rng));
            expect_follows(c, label("commitment", i));
        }
        for (std::size_t k = 0; k < n; k++) {
            CellClaims c = claims;
            if (m > 1) {
                c.commitment_indices[k] = (c.commitment_indices[k] + 1) % m;
                expect_follows(c, label("commitment_index", k));
            }
            c = claims;
            c.cell_indices[k] = (c.cell_indices[k] + 1 + rng() % 127) % kzg::CELLS_PER_EXT_BLOB;
            expect_follows(c, label("cell_index", k));
            c = claims;  // one field element of the cell, chosen at random
            const Bytes32 e = fr_to_be(random_fr(rng));
            std::copy(e.bytes.begin(), e.bytes.end(), c.cells[k].bytes.begin() + 32 * (rng() % 64));
            expect_follows(c, label("cell", k));
            c = claims;
            c.proofs[k] = g1_compress<KZGProof>(random_g1(rng));
            expect_follows(c, label("proof", k));
        }
        CellClaims c = claims;  // one commitment more, unused
        c.commitments.push_back(g1_compress<KZGCommitment>(random_g1(rng)));
        expect_follows(c, "one commitment more");
        c = claims;  // one cell more
        const CellClaims extra = random_cell_claims(rng, m, 1);
        c.commitment_indices.push_back(extra.commitment_indices[0]);
        c.cell_indices.push_back(extra.cell_indices[0]);
        c.cells.push_back(extra.cells[0]);
        c.proofs.push_back(extra.proofs[0]);
        expect_follows(c, "one cell more");
        if (n >= 1) {
            c = claims;  // one cell fewer
            c.commitment_indices.pop_back();
            c.cell_indices.pop_back();
            c.cells.pop_back();
            c.proofs.pop_back();
            expect_follows(c, "one cell fewer");
        }
        if (n >= 2) {
            c = claims;  // order matters: swap two cells (with everything that goes with them)
            std::swap(c.commitment_indices[0], c.commitment_indices[1]);
            std::swap(c.cell_indices[0], c.cell_indices[1]);
            std::swap(c.cells[0], c.cells[1]);
            std::swap(c.proofs[0], c.proofs[1]);
            expect_follows(c, "swapped cells");
            // Each transcript bug gives another r (from two cells on every
            // variant differs; with fewer, some coincide with the spec).
            for (TranscriptBug bug : kCellBatchBugs)
                EXPECT_NE(cell_batch_challenge(claims, bug), base) << bug_name(bug);
        }
    }
}

}  // namespace
}  // namespace soundness
