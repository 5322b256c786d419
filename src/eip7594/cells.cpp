// Cells of the extended blob (spec compute_cells, coset_evals_to_cell).
#include <algorithm>
#include <vector>

#include "core/fft.hpp"
#include "core/g1.hpp"
#include "core/roots.hpp"
#include "eip7594/internal.hpp"

namespace kzg::eip7594 {

void polynomial_eval_to_coeff(std::span<Fr> poly, const Tables& t) {
    // Spec: fft_field(bit_reversal_permutation(polynomial), roots_of_unity(4096), inv=True)
    core::bit_reversal_permutation(poly);
    core::fr_ifft(poly, t.fft);
}

std::vector<Fr> compute_extended_evaluations_rbo(std::span<const Fr> coeffs, const Tables& t) {
    // Evaluating at every coset_for_cell(k) is one FFT of size 8192 of the
    // zero-padded coefficients, read in bit-reversed order:
    // coset_for_cell(k)[j] = roots_of_unity_brp[64k + j].
    std::vector<Fr> ext(FIELD_ELEMENTS_PER_EXT_BLOB, core::fr_zero());
    std::copy(coeffs.begin(), coeffs.begin() + FIELD_ELEMENTS_PER_BLOB, ext.begin());
    core::fr_fft(ext, t.fft);
    core::bit_reversal_permutation(std::span<Fr>(ext));
    return ext;
}

// Spec coset_evals_to_cell for all 128 cells of the extended evaluations.
static std::vector<Cell> coset_evals_to_cells(std::span<const Fr> ext) {
    std::vector<Cell> cells(CELLS_PER_EXT_BLOB);
    for (std::size_t k = 0; k < CELLS_PER_EXT_BLOB; k++) {
        for (std::size_t j = 0; j < FIELD_ELEMENTS_PER_CELL; j++)
            core::fr_to_bytes(cells[k].data() + j * BYTES_PER_FIELD_ELEMENT, ext[k * FIELD_ELEMENTS_PER_CELL + j]);
    }
    return cells;
}

std::vector<Cell> compute_cells_polynomialcoeff(std::span<const Fr> coeffs, const Tables& t, const Blob* blob) {
    if (!blob) return coset_evals_to_cells(compute_extended_evaluations_rbo(coeffs, t));
    // The first half of the extended domain in bit-reversed order is the blob's
    // own domain (w_8192^(2i) = w_4096^i), so cells 0..63 are the blob's bytes.
    // The second half is the coset w_8192 * D: one FFT of size 4096 of the
    // coefficients scaled by w_8192^i, instead of an FFT of size 8192.
    constexpr std::size_t n = FIELD_ELEMENTS_PER_BLOB, half_cells = CELLS_PER_EXT_BLOB / 2;
    std::vector<Fr> odd(n);
    for (std::size_t i = 0; i < n; i++) odd[i] = core::fr_mul(coeffs[i], t.fft.roots[i]);
    core::fr_fft(odd, t.fft);
    core::bit_reversal_permutation(std::span<Fr>(odd));
    std::vector<Cell> cells(CELLS_PER_EXT_BLOB);
    for (std::size_t k = 0; k < half_cells; k++)
        std::copy_n(blob->data() + k * BYTES_PER_CELL, BYTES_PER_CELL, cells[k].data());
    for (std::size_t k = 0; k < half_cells; k++) {
        for (std::size_t j = 0; j < FIELD_ELEMENTS_PER_CELL; j++)
            core::fr_to_bytes(cells[half_cells + k].data() + j * BYTES_PER_FIELD_ELEMENT,
                              odd[k * FIELD_ELEMENTS_PER_CELL + j]);
    }
    return cells;
}

Result<CellsAndProofs> compute_cells_and_kzg_proofs_polynomialcoeff(std::span<const Fr> coeffs, const Tables& t,
                                                                    const core::ParallelFor& par, const Blob* blob) {
    auto fk20 = t.fk20();
    if (!fk20) return fk20.error();
    CellsAndProofs out;
    out.cells = compute_cells_polynomialcoeff(coeffs, t, blob);
    std::vector<blst_p1> proofs(CELLS_PER_EXT_BLOB);
    compute_fk20_cell_proofs(proofs, coeffs, t, **fk20, par);
    out.proofs.resize(CELLS_PER_EXT_BLOB);
    for (std::size_t k = 0; k < CELLS_PER_EXT_BLOB; k++) core::g1_encode(out.proofs[k].data(), proofs[k]);
    return out;
}

}  // namespace kzg::eip7594
