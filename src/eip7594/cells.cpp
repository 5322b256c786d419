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

std::vector<Cell> compute_cells_polynomialcoeff(std::span<const Fr> coeffs, const Tables& t) {
    return coset_evals_to_cells(compute_extended_evaluations_rbo(coeffs, t));
}

Result<CellsAndProofs> compute_cells_and_kzg_proofs_polynomialcoeff(std::span<const Fr> coeffs, const Tables& t,
                                                                    const core::ParallelFor& par) {
    auto fk20 = t.fk20();
    if (!fk20) return fk20.error();
    CellsAndProofs out;
    out.cells = compute_cells_polynomialcoeff(coeffs, t);
    std::vector<blst_p1> proofs(CELLS_PER_EXT_BLOB);
    compute_fk20_cell_proofs(proofs, coeffs, t, **fk20, par);
    out.proofs.resize(CELLS_PER_EXT_BLOB);
    for (std::size_t k = 0; k < CELLS_PER_EXT_BLOB; k++) core::g1_encode(out.proofs[k].data(), proofs[k]);
    return out;
}

}  // namespace kzg::eip7594
