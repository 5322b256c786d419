// Forged batches: for a transcript bug, the batch an attacker would send to a
// library with that bug. The attacker computes the buggy r first, then
// tampers with what that transcript leaves out so that the batch equation
// under that r still holds while every tampered claim alone is false. A
// correct library (spec transcript) must say false. Each forgery is also
// checked against a local re-implementation of the batch equation with the
// buggy r (curve_support.hpp), so that no test passes vacuously.
//
// deneb verify_kzg_proof_batch checks, with r from its transcript,
//   e(sum r^i pi_i, [s]G2) == e(sum r^i (C_i - [y_i]G1 + z_i pi_i), G2),
// i.e. sum r^i (s - z_i) pi_i == sum r^i (C_i - y_i) "in the exponent".
// fulu verify_cell_kzg_proof_batch_impl (src/eip7594/verify.cpp) checks
//   e(sum r^k pi_k, [s^64]G2)
//     == e(sum r^k C_idx(k) - [sum r^k I_k(s)]G1 + sum r^k h_k^64 pi_k, G2),
// i.e. sum r^k (s^64 - h_k^64) pi_k == sum r^k (C_idx(k) - I_k(s)).
//
// Which transcript bugs are exploitable:
// * verify_blob_kzg_proof_batch (public): the verifier derives z_i =
//   compute_challenge(blob_i, C_i) and y_i = p_i(z_i) itself, and z_i (a hash
//   of the blob and the commitment) is in the transcript. So only the proofs
//   can be changed after r is known: the proofs-omitted bug is exploitable
//   black-box. Leaving out y, z or the commitments is not: with y or C left
//   out, z_i = H(blob_i, C_i) is still hashed, so changing a blob or a
//   commitment changes r; with z left out, C_i and y_i are still hashed and a
//   changed blob gives a new z_i = H(blob_i', C_i) the attacker cannot steer,
//   while the equation needs one particular sum r^i z_i pi_i. These bugs are
//   exploitable against the spec-level verify_kzg_proof_batch, where z and y
//   are inputs: the white-box tests below forge them through the internal
//   function, and TranscriptOracle.KzgBatchChallengeMatchesSpec fails for each.
// * Leaving out the count or the degree, reordering the inputs or using the
//   wrong domain keeps the transcript an injective encoding of every input
//   (all items have fixed widths), so no forgery exists; the transcript
//   oracles catch those bugs (they compare r with the spec's).
// * verify_cell_kzg_proof_batch (public): every input is the caller's, so
//   leaving out the proofs, the cells or the commitments is exploitable
//   black-box; forgeries for all three below. Leaving out the indices has no
//   such simple forgery (an index moves a cell to another coset); the
//   transcript oracle catches it, as it does the count, degree, order and
//   domain bugs.
#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <vector>

#include "eip4844/polynomial.hpp"
#include "soundness/fixture.hpp"

namespace soundness {
namespace {

// r^e
Fr power(const Bytes32& r, std::uint64_t e) { return fr_pow(fr_from_be(r), e); }

// ---- blobs ------------------------------------------------------------------------

struct BlobBatch {
    std::vector<kzg::Blob> blobs;
    KzgClaims claims;  // z_i = compute_challenge(blob_i, C_i), y_i = p_i(z_i), honest proofs
};

BlobBatch make_blob_batch(std::mt19937_64& rng, std::size_t n) {
    const kzg::Context& ctx = test_context();
    BlobBatch b;
    for (std::size_t i = 0; i < n; i++) {
        b.blobs.push_back(*random_blob(rng));
        auto c = ctx.blob_to_kzg_commitment(b.blobs.back());
        if (!c) throw std::runtime_error(c.message());
        const Bytes32 z = compute_challenge(b.blobs.back(), c.value());  // the spec's z (oracle)
        auto py = ctx.compute_kzg_proof(b.blobs.back(), z);
        if (!py) throw std::runtime_error(py.message());
        b.claims.commitments.push_back(c.value());
        b.claims.zs.push_back(z);
        b.claims.ys.push_back(py->y);
        b.claims.proofs.push_back(py->proof);
    }
    return b;
}

// verify_kzg_proof_batch itself (the spec function under
// verify_blob_kzg_proof_batch, internal here) on byte claims.
bool library_verify_kzg_batch(const KzgClaims& c) {
    const DecodedClaims d = decode_claims(c);
    return kzg::eip4844::verify_kzg_proof_batch(kzg::detail::impl_of(test_context()), d.commitments, d.zs, d.ys, d.proofs);
}

// The proofs-omitted forgery on claims a < b: with
//   D_a = r^(b-a) ([s]G1 - [z_b]G1),  D_b = -([s]G1 - [z_a]G1)
// the change of the equation is r^a (s - z_a) D_a + r^b (s - z_b) D_b
//   = r^b (s - z_a)(s - z_b) - r^b (s - z_b)(s - z_a) = 0 for that r only.
// [s]G1 is g1_monomial[1] of the public setup.
KzgClaims forge_kzg_proofs(const KzgClaims& honest, std::size_t a, std::size_t b, const Bytes32& r) {
    const blst_p1 s_g1 = setup_points().g1_monomial[1];
    const blst_p1 da = g1_mul(g1_sub(s_g1, g1_mul(g1_gen(), fr_from_be(honest.zs[b]))), power(r, b - a));
    const blst_p1 db = g1_neg(g1_sub(s_g1, g1_mul(g1_gen(), fr_from_be(honest.zs[a]))));
    KzgClaims f = honest;
    f.proofs[a] = g1_compress<KZGProof>(g1_add(g1_decompress(honest.proofs[a]), da));
    f.proofs[b] = g1_compress<KZGProof>(g1_add(g1_decompress(honest.proofs[b]), db));
    return f;
}

// What every forgery must show. `changed` lists the tampered claims.
void expect_kzg_forgery(const KzgClaims& honest, const KzgClaims& forged, TranscriptBug bug,
                        const std::vector<std::size_t>& changed) {
    const kzg::Context& ctx = test_context();
    const SetupPoints& setup = setup_points();
    const Bytes32 r_bug = kzg_batch_challenge(honest, bug);
    // The buggy transcript does not see the tampering...
    EXPECT_EQ(kzg_batch_challenge(forged, bug), r_bug) << bug_name(bug);
    // ... so under the buggy r the forged batch satisfies the batch equation:
    // the forgery is real (and the honest batch holds under any r).
    EXPECT_TRUE(local_verify_kzg_batch(setup, honest, r_bug));
    EXPECT_TRUE(local_verify_kzg_batch(setup, forged, r_bug)) << "the forgery is not one: " << bug_name(bug);
    // Under the spec's r it does not.
    EXPECT_FALSE(local_verify_kzg_batch(setup, forged, kzg_batch_challenge(forged)));
    // Each tampered claim alone is false.
    for (std::size_t i : changed) {
        auto v = ctx.verify_kzg_proof(forged.commitments[i], forged.zs[i], forged.ys[i], forged.proofs[i]);
        ASSERT_TRUE(v.ok()) << v.message();
        EXPECT_FALSE(v.value()) << "claim " << i << " alone verifies";
    }
    // The spec-level batch verifier rejects the forgery.
    EXPECT_TRUE(library_verify_kzg_batch(honest));
    EXPECT_FALSE(library_verify_kzg_batch(forged)) << "verify_kzg_proof_batch accepts a forged batch ("
                                                   << bug_name(bug) << ")";
}

TEST(ForgedBlobBatch, ProofsOmittedFromTranscriptIsRejected) {
    const kzg::Context& ctx = test_context();
    std::mt19937_64 rng(0xf0e9ed);
    for (std::size_t n = 2; n <= 5; n++) {
        SCOPED_TRACE("n = " + std::to_string(n));
        const BlobBatch batch = make_blob_batch(rng, n);
        auto honest_ok = ctx.verify_blob_kzg_proof_batch(batch.blobs, batch.claims.commitments, batch.claims.proofs);
        ASSERT_TRUE(honest_ok.ok()) << honest_ok.message();
        ASSERT_TRUE(honest_ok.value());

        std::size_t a = rng() % n, b = rng() % (n - 1);
        if (b >= a) b++;
        if (a > b) std::swap(a, b);
        const Bytes32 r_bug = kzg_batch_challenge(batch.claims, TranscriptBug::kNoProofs);
        const KzgClaims forged = forge_kzg_proofs(batch.claims, a, b, r_bug);
        expect_kzg_forgery(batch.claims, forged, TranscriptBug::kNoProofs, {a, b});
        for (std::size_t i : {a, b}) {
            auto v = ctx.verify_blob_kzg_proof(batch.blobs[i], forged.commitments[i], forged.proofs[i]);
            ASSERT_TRUE(v.ok()) << v.message();
            EXPECT_FALSE(v.value()) << "blob " << i << " alone verifies with its forged proof";
        }
        // The public API: the attack this transcript bug would let through.
        auto v = ctx.verify_blob_kzg_proof_batch(batch.blobs, forged.commitments, forged.proofs);
        ASSERT_TRUE(v.ok()) << v.message();
        EXPECT_FALSE(v.value()) << "verify_blob_kzg_proof_batch accepts a forged batch: the proofs are not in its "
                                   "Fiat-Shamir transcript";
    }
}

// White-box (spec verify_kzg_proof_batch, where z and y are inputs): the
// bugs that verify_blob_kzg_proof_batch cannot be attacked through.

TEST(ForgedKzgBatchWhiteBox, YOmittedFromTranscriptIsRejected) {
    std::mt19937_64 rng(0x59);
    const KzgClaims honest = make_blob_batch(rng, 3).claims;
    const Bytes32 r_bug = kzg_batch_challenge(honest, TranscriptBug::kNoY);
    // y enters as -[sum r^i y_i]G1: y_0 += d, y_2 -= d / r^2 keeps the sum.
    const Fr d = random_fr(rng);
    KzgClaims f = honest;
    f.ys[0] = fr_to_be(fr_add(fr_from_be(honest.ys[0]), d));
    f.ys[2] = fr_to_be(fr_sub(fr_from_be(honest.ys[2]), fr_mul(d, fr_inv(power(r_bug, 2)))));
    expect_kzg_forgery(honest, f, TranscriptBug::kNoY, {0, 2});
}

TEST(ForgedKzgBatchWhiteBox, ZOmittedFromTranscriptIsRejected) {
    std::mt19937_64 rng(0x5a);
    // z enters as sum r^i z_i pi_i: with the same claim twice (pi_0 = pi_1),
    // z_0 += e, z_1 -= e / r keeps it.
    KzgClaims honest = make_blob_batch(rng, 2).claims;
    honest.commitments[1] = honest.commitments[0];
    honest.zs[1] = honest.zs[0];
    honest.ys[1] = honest.ys[0];
    honest.proofs[1] = honest.proofs[0];
    const Bytes32 r_bug = kzg_batch_challenge(honest, TranscriptBug::kNoZ);
    const Fr e = random_fr(rng);
    KzgClaims f = honest;
    f.zs[0] = fr_to_be(fr_add(fr_from_be(honest.zs[0]), e));
    f.zs[1] = fr_to_be(fr_sub(fr_from_be(honest.zs[1]), fr_mul(e, fr_inv(power(r_bug, 1)))));
    expect_kzg_forgery(honest, f, TranscriptBug::kNoZ, {0, 1});
}

TEST(ForgedKzgBatchWhiteBox, CommitmentsOmittedFromTranscriptIsRejected) {
    std::mt19937_64 rng(0x5b);
    const KzgClaims honest = make_blob_batch(rng, 3).claims;
    const Bytes32 r_bug = kzg_batch_challenge(honest, TranscriptBug::kNoCommitments);
    // C_1 += A, C_2 -= A / r keeps sum r^i C_i.
    const blst_p1 a = random_g1(rng);
    KzgClaims f = honest;
    f.commitments[1] = g1_compress<KZGCommitment>(g1_add(g1_decompress(honest.commitments[1]), a));
    f.commitments[2] =
        g1_compress<KZGCommitment>(g1_sub(g1_decompress(honest.commitments[2]), g1_mul(a, fr_inv(power(r_bug, 1)))));
    expect_kzg_forgery(honest, f, TranscriptBug::kNoCommitments, {1, 2});
}

TEST(ForgedKzgBatchWhiteBox, ProofsOmittedFromTranscriptIsRejected) {
    std::mt19937_64 rng(0x5c);
    const KzgClaims honest = make_blob_batch(rng, 3).claims;
    const Bytes32 r_bug = kzg_batch_challenge(honest, TranscriptBug::kNoProofs);
    expect_kzg_forgery(honest, forge_kzg_proofs(honest, 0, 2, r_bug), TranscriptBug::kNoProofs, {0, 2});
}

// ---- cells ------------------------------------------------------------------------

// The public inputs of verify_cell_kzg_proof_batch, one entry per cell.
struct CellBatch {
    std::vector<KZGCommitment> commitments;  // per cell, with repeats
    std::vector<std::uint64_t> cell_indices;
    std::vector<kzg::Cell> cells;
    std::vector<KZGProof> proofs;
    CellClaims claims() const { return dedup_cell_claims(commitments, cell_indices, cells, proofs); }
};

// Six honest cells of two blobs, cell indices random (one shared column).
const CellBatch& honest_cell_batch() {
    static const CellBatch batch = [] {
        const kzg::Context& ctx = test_context();
        std::mt19937_64 rng(0xce11);
        CellBatch b;
        std::vector<KZGCommitment> commitments;
        std::vector<kzg::CellsAndProofs> cps;
        for (int i = 0; i < 2; i++) {
            auto blob = random_blob(rng);
            auto c = ctx.blob_to_kzg_commitment(*blob);
            auto cp = ctx.compute_cells_and_kzg_proofs(*blob);
            if (!c || !cp) throw std::runtime_error("cannot build the cell batch");
            commitments.push_back(c.value());
            cps.push_back(std::move(cp).value());
        }
        const std::uint64_t shared = rng() % kzg::CELLS_PER_EXT_BLOB;
        const std::pair<int, std::uint64_t> picks[] = {
            {0, shared}, {1, shared}, {0, rng() % 128}, {1, rng() % 128}, {1, rng() % 128}, {0, rng() % 128}};
        for (auto [blob, idx] : picks) {
            b.commitments.push_back(commitments[static_cast<std::size_t>(blob)]);
            b.cell_indices.push_back(idx);
            b.cells.push_back(cps[static_cast<std::size_t>(blob)].cells[idx]);
            b.proofs.push_back(cps[static_cast<std::size_t>(blob)].proofs[idx]);
        }
        return b;
    }();
    return batch;
}

bool library_verify_cells(const CellBatch& b) {
    auto v = test_context().verify_cell_kzg_proof_batch(b.commitments, b.cell_indices, b.cells, b.proofs);
    if (!v.ok()) throw std::runtime_error(v.message());
    return v.value();
}

void expect_cell_forgery(const CellBatch& honest, const CellBatch& forged, TranscriptBug bug,
                         const std::vector<std::size_t>& changed) {
    const SetupPoints& setup = setup_points();
    const CellDomain& d = cell_domain();
    ASSERT_TRUE(library_verify_cells(honest));
    const Bytes32 r_bug = cell_batch_challenge(honest.claims(), bug);
    EXPECT_EQ(cell_batch_challenge(forged.claims(), bug), r_bug) << bug_name(bug);
    EXPECT_TRUE(local_verify_cell_batch(setup, d, honest.claims(), cell_batch_challenge(honest.claims())));
    EXPECT_TRUE(local_verify_cell_batch(setup, d, forged.claims(), r_bug)) << "the forgery is not one";
    EXPECT_FALSE(local_verify_cell_batch(setup, d, forged.claims(), cell_batch_challenge(forged.claims())));
    for (std::size_t k : changed) {
        CellBatch one;
        one.commitments = {forged.commitments[k]};
        one.cell_indices = {forged.cell_indices[k]};
        one.cells = {forged.cells[k]};
        one.proofs = {forged.proofs[k]};
        EXPECT_FALSE(library_verify_cells(one)) << "cell " << k << " alone verifies";
    }
    EXPECT_FALSE(library_verify_cells(forged)) << "verify_cell_kzg_proof_batch accepts a forged batch ("
                                               << bug_name(bug) << ")";
}

TEST(ForgedCellBatch, ProofsOmittedFromTranscriptIsRejected) {
    const CellBatch& honest = honest_cell_batch();
    const Bytes32 r_bug = cell_batch_challenge(honest.claims(), TranscriptBug::kNoProofs);
    // pi_a += r^(b-a) ([s^64]G1 - [h_b^64]G1), pi_b -= [s^64]G1 - [h_a^64]G1:
    // the change r^a (s^64 - h_a^64) D_a + r^b (s^64 - h_b^64) D_b is zero.
    // Cells 0 and 3: different blobs and (most likely) different cosets.
    const std::size_t a = 0, b = 3;
    const CellDomain& d = cell_domain();
    const blst_p1 s64 = setup_points().g1_monomial[64];
    auto vanishing = [&](std::size_t k) {  // [s^64 - h_k^64]G1
        return g1_sub(s64, g1_mul(g1_gen(), fr_pow(d.shift(honest.cell_indices[k]), 64)));
    };
    CellBatch f = honest;
    f.proofs[a] = g1_compress<KZGProof>(g1_add(g1_decompress(honest.proofs[a]), g1_mul(vanishing(b), power(r_bug, b - a))));
    f.proofs[b] = g1_compress<KZGProof>(g1_sub(g1_decompress(honest.proofs[b]), vanishing(a)));
    expect_cell_forgery(honest, f, TranscriptBug::kNoProofs, {a, b});
}

TEST(ForgedCellBatch, CellsOmittedFromTranscriptIsRejected) {
    const CellBatch& honest = honest_cell_batch();
    const Bytes32 r_bug = cell_batch_challenge(honest.claims(), TranscriptBug::kNoCells);
    // A constant c added to every evaluation of a cell adds the constant
    // polynomial c to its interpolation on any coset: cell a += c and
    // cell b -= c / r^(b-a) keep sum r^k I_k(s).
    const std::size_t a = 2, b = 4;
    std::mt19937_64 rng(0xce12);
    const Fr c = random_fr(rng);
    const Fr cb = fr_neg(fr_mul(c, fr_inv(power(r_bug, b - a))));
    CellBatch f = honest;
    for (std::size_t j = 0; j < kzg::FIELD_ELEMENTS_PER_CELL; j++) {
        for (auto [k, delta] : {std::pair{a, c}, std::pair{b, cb}}) {
            std::uint8_t* e = f.cells[k].data() + 32 * j;
            const Bytes32 v = fr_to_be(fr_add(fr_from_be(e), delta));
            std::copy(v.bytes.begin(), v.bytes.end(), e);
        }
    }
    expect_cell_forgery(honest, f, TranscriptBug::kNoCells, {a, b});
}

TEST(ForgedCellBatch, CommitmentsOmittedFromTranscriptIsRejected) {
    const CellBatch& honest = honest_cell_batch();
    const CellClaims claims = honest.claims();
    ASSERT_EQ(claims.commitments.size(), 2u);
    const Bytes32 r_bug = cell_batch_challenge(claims, TranscriptBug::kNoCommitments);
    // The commitments enter as sum_i w_i C_i, w_i = sum of r^k over the cells
    // of commitment i: X += A, Y -= (w_X / w_Y) A keeps it.
    const Fr r = fr_from_be(r_bug);
    Fr w[2] = {fr_u64(0), fr_u64(0)};
    Fr rk = fr_u64(1);
    for (std::size_t k = 0; k < claims.cell_indices.size(); k++, rk = fr_mul(rk, r))
        w[claims.commitment_indices[k]] = fr_add(w[claims.commitment_indices[k]], rk);
    std::mt19937_64 rng(0xce13);
    const blst_p1 delta = random_g1(rng);
    const KZGCommitment x = g1_compress<KZGCommitment>(g1_add(g1_decompress(claims.commitments[0]), delta));
    const KZGCommitment y = g1_compress<KZGCommitment>(g1_sub(g1_decompress(claims.commitments[1]), g1_mul(delta, fr_mul(w[0], fr_inv(w[1])))));
    CellBatch f = honest;
    std::vector<std::size_t> changed;
    for (std::size_t k = 0; k < f.commitments.size(); k++) {
        f.commitments[k] = claims.commitment_indices[k] == 0 ? x : y;
        changed.push_back(k);
    }
    ASSERT_EQ(f.claims().commitment_indices, claims.commitment_indices);
    expect_cell_forgery(honest, f, TranscriptBug::kNoCommitments, changed);
}

}  // namespace
}  // namespace soundness
