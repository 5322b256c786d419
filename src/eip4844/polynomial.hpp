// Polynomials in evaluation form over the blob domain (deneb spec helpers).
#pragma once

#include <cstddef>
#include <optional>
#include <span>

#include "context/context_impl.hpp"
#include "core/g1.hpp"

namespace kzg::eip4844 {

// Spec evaluate_polynomial_in_evaluation_form (barycentric formula).
core::Fr evaluate_polynomial_in_evaluation_form(const detail::ContextImpl& ctx, std::span<const core::Fr> poly,
                                                const core::Fr& z);

// Spec blob_to_polynomial followed by evaluate_polynomial_in_evaluation_form,
// for callers that need only y = p(z) (blob proof verification): the elements
// are read straight from the bytes and never converted to Montgomery form.
// Returns the index of the first non-canonical element instead, if any.
std::optional<std::size_t> evaluate_blob_in_evaluation_form(const detail::ContextImpl& ctx, const Blob& blob,
                                                            const core::Fr& z, core::Fr& y);

// Spec compute_kzg_proof_impl: returns the proof, y in *y_out.
blst_p1 compute_kzg_proof_impl(const detail::ContextImpl& ctx, std::span<const core::Fr> poly, const core::Fr& z,
                               core::Fr* y_out);

// Spec verify_kzg_proof_impl.
bool verify_kzg_proof_impl(const detail::ContextImpl& ctx, const blst_p1& commitment, const core::Fr& z,
                           const core::Fr& y, const blst_p1& proof);

// The random challenge r of spec verify_kzg_proof_batch:
//   hash_to_bls_field(RANDOM_CHALLENGE_KZG_BATCH_DOMAIN || u64(4096) || u64(n) ||
//                     (commitment_i || z_i || y_i || proof_i) for each i).
// Internal, and a function of its own so that tests can check the transcript
// against the spec (tests/soundness); the verifier below uses exactly this.
core::Fr compute_kzg_proof_batch_challenge(std::span<const blst_p1> commitments, std::span<const core::Fr> zs,
                                           std::span<const core::Fr> ys, std::span<const blst_p1> proofs);

// Spec verify_kzg_proof_batch (n >= 1).
bool verify_kzg_proof_batch(const detail::ContextImpl& ctx, std::span<const blst_p1> commitments,
                            std::span<const core::Fr> zs, std::span<const core::Fr> ys,
                            std::span<const blst_p1> proofs);

// Spec compute_challenge over the raw blob and commitment bytes.
core::Fr compute_challenge(const Blob& blob, const KZGCommitment& commitment);

}  // namespace kzg::eip4844
