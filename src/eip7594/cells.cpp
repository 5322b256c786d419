// Cells of the extended blob (spec compute_cells, coset_evals_to_cell).
#include <algorithm>
#include <vector>

#include "core/fft.hpp"
#include "core/g1.hpp"
#include "core/roots.hpp"
#include "eip7594/internal.hpp"

namespace kzg::eip7594 {

void blob_evals_to_scaled_coeffs(std::span<Fr> poly, const Tables& t, const core::ParallelFor& par) {
    // Spec polynomial_eval_to_coeff is fft_field(bit_reversal_permutation(p), inv=True).
    // An inverse FFT by decimation in time starts by permuting its input into
    // bit-reversed order, which undoes the spec's permutation: neither is done.
    core::fr_ifft_unscaled_from_brp(poly, t.fft, true, par);
}

void scaled_plain_coeffs_to_montgomery(std::span<Fr> poly, const core::ParallelFor& par) {
    // Limbs m*c times the Montgomery form of R/m give c*R, c's Montgomery form.
    static const Fr k = core::fr_mul(core::fr_from_plain(core::fr_one()),  // R's Montgomery form
                                     core::fr_inv(core::fr_from_u64(FIELD_ELEMENTS_PER_BLOB)));
    par(poly.size(), [&](std::size_t i0, std::size_t i1) {
        for (std::size_t i = i0; i < i1; i++) blst_fr_mul(&poly[i], &poly[i], &k);
    });
}

std::vector<Cell> compute_cells_polynomialcoeff(std::span<const Fr> coeffs, const Tables& t,
                                                const core::ParallelFor& par) {
    // Evaluating at every coset_for_cell(k) is one FFT of size 8192 of the
    // zero-padded coefficients, read in bit-reversed order:
    // coset_for_cell(k)[j] = roots_of_unity_brp[64k + j].
    // It runs over the coefficients' plain limbs (a Montgomery product by the
    // plain integer 1 takes c*R to c): the FFT is linear over limbs, so the
    // evaluations come out plain and go to bytes as they are, 4096
    // conversions instead of 8192.
    static constexpr blst_fr kPlainOne = {{1, 0, 0, 0}};
    std::vector<Fr> ext(FIELD_ELEMENTS_PER_EXT_BLOB, core::fr_zero());
    par(FIELD_ELEMENTS_PER_BLOB, [&](std::size_t i0, std::size_t i1) {
        for (std::size_t i = i0; i < i1; i++) blst_fr_mul(&ext[i], &coeffs[i], &kPlainOne);
    });
    core::fr_fft_to_brp(ext, t.fft, par);
    // Spec coset_evals_to_cell for all 128 cells.
    std::vector<Cell> cells(CELLS_PER_EXT_BLOB);
    par(CELLS_PER_EXT_BLOB, [&](std::size_t k0, std::size_t k1) {
        for (std::size_t k = k0; k < k1; k++) {
            for (std::size_t j = 0; j < FIELD_ELEMENTS_PER_CELL; j++)
                core::fr_plain_to_bytes(cells[k].data() + j * BYTES_PER_FIELD_ELEMENT,
                                        ext[k * FIELD_ELEMENTS_PER_CELL + j]);
        }
    });
    return cells;
}

std::vector<Cell> compute_cells_from_scaled_coeffs(std::span<const Fr> scaled, const Tables& t, const Blob& blob,
                                                   const core::ParallelFor& par) {
    // The first half of the extended domain in bit-reversed order is the blob's
    // own domain (w_8192^(2i) = w_4096^i), so cells 0..63 are the blob's bytes.
    // The second half is the coset w_8192 * D: one FFT of size 4096 of the
    // coefficients scaled by w_8192^i, instead of an FFT of size 8192.
    //
    // `scaled` holds plain limbs m*c_i (blob_evals_to_scaled_coeffs of the
    // undecoded integers). A Montgomery product by odd_coset_scale[i], the
    // Montgomery form of w^i/m, leaves plain limbs c_i w^i; the FFT is linear
    // over limbs, so its outputs are the plain integers of the evaluations,
    // and the bytes need no conversion out of Montgomery form.
    // The loops around the FFT split for par too: serial, they are a fifth of
    // the 2-thread time.
    constexpr std::size_t n = FIELD_ELEMENTS_PER_BLOB, half_cells = CELLS_PER_EXT_BLOB / 2;
    std::vector<Fr> odd(n);
    par(n, [&](std::size_t i0, std::size_t i1) {
        for (std::size_t i = i0; i < i1; i++) blst_fr_mul(&odd[i], &scaled[i], &t.odd_coset_scale[i]);
    });
    core::fr_fft_to_brp(odd, t.fft, par);
    std::vector<Cell> cells(CELLS_PER_EXT_BLOB);
    par(half_cells, [&](std::size_t k0, std::size_t k1) {
        for (std::size_t k = k0; k < k1; k++) {
            std::copy_n(blob.data() + k * BYTES_PER_CELL, BYTES_PER_CELL, cells[k].data());
            for (std::size_t j = 0; j < FIELD_ELEMENTS_PER_CELL; j++)
                core::fr_plain_to_bytes(cells[half_cells + k].data() + j * BYTES_PER_FIELD_ELEMENT,
                                        odd[k * FIELD_ELEMENTS_PER_CELL + j]);
        }
    });
    return cells;
}

Result<std::vector<KZGProof>> compute_cell_kzg_proofs(std::span<const Fr> coeffs, const Tables& t,
                                                      const core::ParallelFor& par) {
    auto fk20 = t.fk20();
    if (!fk20) return fk20.error();
    std::vector<blst_p1> proofs(CELLS_PER_EXT_BLOB);
    compute_fk20_cell_proofs(proofs, coeffs, t, **fk20, par);
    std::vector<KZGProof> out(CELLS_PER_EXT_BLOB);
    std::vector<std::uint8_t> encoded(BYTES_PER_PROOF * CELLS_PER_EXT_BLOB);
    core::g1_encode_all(encoded.data(), proofs);
    for (std::size_t k = 0; k < CELLS_PER_EXT_BLOB; k++)
        std::copy_n(encoded.data() + k * BYTES_PER_PROOF, BYTES_PER_PROOF, out[k].data());
    return out;
}

Result<CellsAndProofs> compute_cells_and_kzg_proofs_polynomialcoeff(std::span<const Fr> coeffs, const Tables& t,
                                                                    const core::ParallelFor& par) {
    auto proofs = compute_cell_kzg_proofs(coeffs, t, par);
    if (!proofs) return proofs.error();
    return CellsAndProofs{compute_cells_polynomialcoeff(coeffs, t, par), std::move(*proofs)};
}

}  // namespace kzg::eip7594
