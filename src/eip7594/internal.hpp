// EIP-7594 internals (consensus-specs fulu polynomial-commitments-sampling).
// The public Context methods in eip7594.cpp validate and decode the inputs;
// everything declared here works on already-validated values.
#pragma once

#include <blst.h>

#include <cstdint>
#include <span>
#include <vector>

#include "context/context_impl.hpp"
#include "core/fr.hpp"
#include "core/parallel.hpp"
#include "core/roots.hpp"
#include "eip7594/tables.hpp"
#include "kzg/kzg.hpp"

namespace kzg::eip7594 {

using core::Fr;

// ---- cells.cpp ----------------------------------------------------------------

// Spec polynomial_eval_to_coeff without its final division by m = 4096, in
// place: the FIELD_ELEMENTS_PER_BLOB evaluations over the bit-reversed blob
// domain -> m times the monomial coefficients. Linear over the limbs: on
// plain limbs (detail::blob_to_plain_polynomial) it gives plain limbs.
void blob_evals_to_scaled_coeffs(std::span<Fr> poly, const Tables& t,
                                 const core::ParallelFor& par = core::run_sequential);

// Plain limbs of m times the coefficients -> the coefficients in Montgomery
// form, in place (one product each, as the division by m would cost anyway).
void scaled_plain_coeffs_to_montgomery(std::span<Fr> poly, const core::ParallelFor& par);

// Spec compute_cells over a polynomial in coefficient form (no proofs).
std::vector<Cell> compute_cells_polynomialcoeff(std::span<const Fr> coeffs, const Tables& t,
                                                const core::ParallelFor& par = core::run_sequential);

// Spec compute_cells of a (validated) blob, from `scaled`, the plain limbs of
// blob_evals_to_scaled_coeffs over the blob's integers: the blob's bytes are
// the first 64 cells, and only the other half is computed.
std::vector<Cell> compute_cells_from_scaled_coeffs(std::span<const Fr> scaled, const Tables& t, const Blob& blob,
                                                   const core::ParallelFor& par = core::run_sequential);

// The CELLS_PER_EXT_BLOB FK20 proofs of a polynomial in coefficient form
// (Montgomery), encoded. An error only when the FK20 tables cannot be built
// (see Tables::fk20).
Result<std::vector<KZGProof>> compute_cell_kzg_proofs(std::span<const Fr> coeffs, const Tables& t,
                                                      const core::ParallelFor& par);

// Spec compute_cells_and_kzg_proofs_polynomialcoeff: cells plus FK20 proofs.
Result<CellsAndProofs> compute_cells_and_kzg_proofs_polynomialcoeff(std::span<const Fr> coeffs, const Tables& t,
                                                                    const core::ParallelFor& par);

// ---- fk20.cpp -----------------------------------------------------------------

// All CELLS_PER_EXT_BLOB proofs of compute_kzg_proof_multi_impl(coeffs, coset_for_cell(k)),
// in cell order, computed together with FK20 (Feist-Khovratovich, "Fast
// amortized KZG proofs", eprint 2023/033). out.size() == CELLS_PER_EXT_BLOB.
void compute_fk20_cell_proofs(std::span<blst_p1> out, std::span<const Fr> coeffs, const Tables& t,
                              const Fk20Tables& fk20, const core::ParallelFor& par);

// ---- recovery.cpp -------------------------------------------------------------

// Spec recover_polynomialcoeff: from the coset evaluations of at least half of
// the cells (indices strictly ascending and < 128; cosets_evals holds 64
// elements per given cell, in the order of cell_indices), the
// FIELD_ELEMENTS_PER_BLOB coefficients of the polynomial.
std::vector<Fr> recover_polynomialcoeff(std::span<const std::uint64_t> cell_indices,
                                        std::span<const Fr> cosets_evals, const Tables& t,
                                        const core::ParallelFor& par = core::run_sequential);

// ---- verify.cpp ---------------------------------------------------------------

// Spec compute_verify_cell_kzg_proof_batch_challenge over validated inputs
// (the cells are canonical, so their bytes are bls_field_to_bytes of the
// coset evaluations).
Fr compute_verify_cell_kzg_proof_batch_challenge(std::span<const KZGCommitment> commitments,
                                                 std::span<const std::uint64_t> commitment_indices,
                                                 std::span<const std::uint64_t> cell_indices,
                                                 std::span<const Cell> cells, std::span<const KZGProof> proofs);

// Spec verify_cell_kzg_proof_batch_impl from its step 2 on: r is the
// challenge of step 1 (compute_verify_cell_kzg_proof_batch_challenge, which
// the caller runs beside the proofs' decoding). commitments are the
// deduplicated commitments' points; cosets_evals holds the decoded cells, 64
// elements each. n >= 1.
bool verify_cell_kzg_proof_batch_impl(const detail::ContextImpl& ctx, const Fr& r, std::span<const blst_p1> commitments,
                                      std::span<const std::uint64_t> commitment_indices,
                                      std::span<const std::uint64_t> cell_indices, std::span<const Fr> cosets_evals,
                                      std::span<const blst_p1> proofs);

// Spec coset_shift_for_cell: h_k, the first element of coset_for_cell(k).
// coset_for_cell(k)[j] = h_k * w_64^reverse_bits(j, 6), with
// h_k = w_8192^reverse_bits(k, 7).
inline std::uint32_t coset_shift_exponent(std::uint64_t cell_index) {
    return core::reverse_bits(static_cast<std::uint32_t>(cell_index), 7);
}

}  // namespace kzg::eip7594
