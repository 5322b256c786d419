// EIP-4844 public functions (consensus-specs deneb polynomial-commitments).
#include <functional>
#include <optional>
#include <vector>

#include "context/inputs.hpp"
#include "context/phase.hpp"
#include "eip4844/blob_decode.hpp"
#include "eip4844/polynomial.hpp"

namespace kzg {

using core::Fr;
using detail::decode_fr;
using detail::decode_g1;
using detail::indexed;
using detail::invalid;
using detail::PhaseTimer;

Result<KZGCommitment> Context::blob_to_kzg_commitment(const Blob& blob) const {
    constexpr std::string_view op = "blob_to_kzg_commitment";
    impl_->wake_pool();
    std::vector<Fr> poly(FIELD_ELEMENTS_PER_BLOB);
    if (auto e = detail::decode_blob_phase(impl_->options, op, poly, blob)) return *e;
    PhaseTimer msm(impl_->options, op, "msm");
    const blst_p1 c = impl_->lagrange_lincomb(poly);
    msm.stop();
    KZGCommitment out;
    core::g1_encode(out.data(), c);
    return out;
}

Result<ProofAndY> Context::compute_kzg_proof(const Blob& blob, const Bytes32& z_bytes) const {
    constexpr std::string_view op = "compute_kzg_proof";
    impl_->wake_pool();
    std::vector<Fr> poly(FIELD_ELEMENTS_PER_BLOB);
    Fr z, y;
    if (auto e = detail::decode_blob_phase(impl_->options, op, poly, blob,
                                           [&] { return decode_fr(z, z_bytes.data(), "z"); }))
        return *e;
    PhaseTimer msm(impl_->options, op, "msm");  // quotient polynomial and its MSM
    const blst_p1 proof = eip4844::compute_kzg_proof_impl(*impl_, poly, z, &y);
    msm.stop();
    ProofAndY out;
    core::g1_encode(out.proof.data(), proof);
    core::fr_to_bytes(out.y.data(), y);
    return out;
}

Result<KZGProof> Context::compute_blob_kzg_proof(const Blob& blob, const KZGCommitment& commitment_bytes) const {
    constexpr std::string_view op = "compute_blob_kzg_proof";
    impl_->wake_pool();
    std::vector<Fr> poly(FIELD_ELEMENTS_PER_BLOB);
    Fr z;
    {
        // The blob beside the commitment and the challenge (which hashes
        // bytes only); a bad blob is still reported before a bad commitment.
        PhaseTimer t(impl_->options, op, "decode");
        std::optional<Error> e[2];
        impl_->side_by_side([&] { e[0] = detail::blob_to_polynomial(poly, blob, "blob"); },
                            [&] {
                                blst_p1 commitment;
                                e[1] = decode_g1(commitment, commitment_bytes, "commitment");
                                z = eip4844::compute_challenge(blob, commitment_bytes);
                            });
        for (auto& err : e)
            if (err) return *err;
    }
    PhaseTimer msm(impl_->options, op, "msm");
    const blst_p1 proof = eip4844::compute_kzg_proof_impl(*impl_, poly, z, nullptr);
    msm.stop();
    KZGProof out;
    core::g1_encode(out.data(), proof);
    return out;
}

namespace {

// The commitment and the proof of a single verification (each a square root
// and a subgroup check) side by side on the pool, with `beside` as one more
// task if given; each error in its own slot.
void decode_commitment_and_proof(const detail::ContextImpl& ctx, blst_p1& commitment,
                                 const KZGCommitment& commitment_bytes, std::optional<Error>& commitment_error,
                                 blst_p1& proof, const KZGProof& proof_bytes, std::optional<Error>& proof_error,
                                 const std::function<void()>& beside = {}) {
    const std::function<void()> decode[2] = {
        [&] { commitment_error = decode_g1(commitment, commitment_bytes, "commitment"); },
        [&] { proof_error = decode_g1(proof, proof_bytes, "proof"); }};
    if (beside) {
        ctx.parallel_beside(beside, 2, 2, [&](std::size_t i0, std::size_t i1) {
            for (std::size_t i = i0; i < i1; i++) decode[i]();
        });
    } else {
        ctx.side_by_side(decode[0], decode[1]);
    }
}

}  // namespace

Result<bool> Context::verify_kzg_proof(const KZGCommitment& commitment_bytes, const Bytes32& z_bytes, const Bytes32& y_bytes,
                                       const KZGProof& proof_bytes) const {
    constexpr std::string_view op = "verify_kzg_proof";
    impl_->wake_pool();
    blst_p1 commitment, proof;
    Fr z, y;
    {
        PhaseTimer t(impl_->options, op, "decode");
        // The two points side by side where there is a pool; the error
        // reported is the first in argument order, as one by one.
        std::optional<Error> e[4];
        e[1] = decode_fr(z, z_bytes.data(), "z");
        e[2] = decode_fr(y, y_bytes.data(), "y");
        decode_commitment_and_proof(*impl_, commitment, commitment_bytes, e[0], proof, proof_bytes, e[3]);
        for (auto& err : e)
            if (err) return *err;
    }
    PhaseTimer pairing(impl_->options, op, "pairing");
    return eip4844::verify_kzg_proof_impl(*impl_, commitment, z, y, proof);
}

Result<bool> Context::verify_blob_kzg_proof(const Blob& blob, const KZGCommitment& commitment_bytes,
                                            const KZGProof& proof_bytes) const {
    constexpr std::string_view op = "verify_blob_kzg_proof";
    impl_->wake_pool();
    // A bad blob is reported first, then a bad commitment, then a bad proof;
    // the challenge hashes bytes only, so it needs no decoded point.
    blst_p1 commitment, proof;
    std::optional<Error> commitment_error, proof_error;
    Fr z, y;
    {
        PhaseTimer t(impl_->options, op, "decode");  // the points, beside the challenge where there is a pool
        decode_commitment_and_proof(*impl_, commitment, commitment_bytes, commitment_error, proof, proof_bytes,
                                    proof_error, [&] { z = eip4844::compute_challenge(blob, commitment_bytes); });
    }
    PhaseTimer eval(impl_->options, op, "evaluate");  // blob validation, barycentric evaluation
    if (auto bad = eip4844::evaluate_blob_in_evaluation_form(*impl_, blob, z, y))
        return detail::non_canonical_element("blob", *bad);
    eval.stop();
    if (commitment_error) return *commitment_error;
    if (proof_error) return *proof_error;
    PhaseTimer pairing(impl_->options, op, "pairing");
    return eip4844::verify_kzg_proof_impl(*impl_, commitment, z, y, proof);
}

Result<bool> Context::verify_blob_kzg_proof_batch(std::span<const Blob> blobs, std::span<const KZGCommitment> commitments,
                                                  std::span<const KZGProof> proofs) const {
    const std::size_t n = blobs.size();
    if (commitments.size() != n || proofs.size() != n) {
        return invalid("lists differ in length: " + std::to_string(n) + " blobs, " +
                       std::to_string(commitments.size()) + " commitments, " + std::to_string(proofs.size()) +
                       " proofs");
    }
    if (n == 0) return true;
    impl_->wake_pool();

    // Per blob: decode, challenge, evaluation; independent, so split across the
    // pool. The error reported is that of the lowest index, as in a serial loop.
    std::vector<blst_p1> cs(n), ps(n);
    std::vector<Fr> zs(n), ys(n);
    std::vector<std::optional<Error>> errors(n);
    PhaseTimer decode(impl_->options, "verify_blob_kzg_proof_batch", "decode");  // decode, challenge, evaluation
    impl_->parallel(n, [&](std::size_t i0, std::size_t i1) {
        for (std::size_t i = i0; i < i1; i++) {
            if ((errors[i] = decode_g1(cs[i], commitments[i], indexed("commitments", i)))) return;
            // The blob is validated while it is evaluated (hashing it first is harmless).
            zs[i] = eip4844::compute_challenge(blobs[i], commitments[i]);
            if (auto bad = eip4844::evaluate_blob_in_evaluation_form(*impl_, blobs[i], zs[i], ys[i])) {
                errors[i] = detail::non_canonical_element(indexed("blobs", i), *bad);
                return;
            }
            if ((errors[i] = decode_g1(ps[i], proofs[i], indexed("proofs", i)))) return;
        }
    });
    decode.stop();
    for (auto& e : errors)
        if (e) return *e;
    PhaseTimer pairing(impl_->options, "verify_blob_kzg_proof_batch", "pairing");  // RLC MSMs and the pairing
    return eip4844::verify_kzg_proof_batch(*impl_, cs, zs, ys, ps);
}

Result<Bytes32> Context::compute_challenge(const Blob& blob, const KZGCommitment& commitment_bytes) const {
    blst_p1 commitment;
    if (auto e = decode_g1(commitment, commitment_bytes, "commitment")) return *e;
    Bytes32 out;
    core::fr_to_bytes(out.data(), eip4844::compute_challenge(blob, commitment_bytes));
    return out;
}

}  // namespace kzg
