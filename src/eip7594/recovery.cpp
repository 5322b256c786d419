// Spec recover_polynomialcoeff and its helpers (fulu polynomial-commitments-sampling).
#include <array>
#include <vector>

#include "core/fft.hpp"
#include "core/roots.hpp"
#include "eip7594/internal.hpp"

namespace kzg::eip7594 {

// Spec PRIMITIVE_ROOT_OF_UNITY, the shift of coset_fft_field.
static constexpr std::uint64_t kCosetShift = 7;

// Spec vanishing_polynomialcoeff: prod (x - xs[i]), coefficients low to high.
static std::vector<Fr> vanishing_polynomialcoeff(std::span<const Fr> xs) {
    std::vector<Fr> p(xs.size() + 1, core::fr_zero());
    p[0] = core::fr_one();
    for (std::size_t d = 0; d < xs.size(); d++) {
        // p <- p * (x - xs[d]); p has degree d before this step.
        const Fr neg = core::fr_neg(xs[d]);
        p[d + 1] = p[d];
        for (std::size_t i = d; i > 0; i--) p[i] = core::fr_add(p[i - 1], core::fr_mul(p[i], neg));
        p[0] = core::fr_mul(p[0], neg);
    }
    return p;
}

// Spec construct_vanishing_polynomial builds Z(x) = z(x^64), where z vanishes
// at w_128^reverse_bits(k, 7) for every missing cell k; Z then vanishes on the
// whole coset_for_cell(k). Only Z's values are needed, and they repeat: at
// shift * w_8192^i, Z = z(shift^64 * w_128^(i mod 128)). So one DFT of size
// 128 of z's coefficients times (shift^64)^k gives all of them. Returns
// z(shift^64 * w_128^m) for m < 128.
static std::vector<Fr> vanishing_values(std::span<const Fr> short_zero_poly, const Fr& shift64, const Tables& t) {
    std::vector<Fr> v(CELLS_PER_EXT_BLOB, core::fr_zero());  // degree <= 64 < 128
    Fr power = core::fr_one();
    for (std::size_t k = 0; k < short_zero_poly.size(); k++) {
        v[k] = core::fr_mul(short_zero_poly[k], power);
        power = core::fr_mul(power, shift64);
    }
    core::fr_fft(v, t.fft);
    return v;
}

// vals[i] *= factor^i * first, for i < vals.size(); split for par, each
// slice starting from its own power (the running product is a chain of
// dependent products: unsplit, it is serial time on a pool).
static void scale_by_powers(std::span<Fr> vals, const Fr& factor, const Fr& first, const core::ParallelFor& par) {
    constexpr std::size_t kSlices = 8;
    par(kSlices, [&](std::size_t s0, std::size_t s1) {
        const std::size_t b = vals.size() * s0 / kSlices, e = vals.size() * s1 / kSlices;
        Fr acc = core::fr_mul(first, core::fr_pow(factor, b));
        for (std::size_t i = b; i < e; i++) {
            blst_fr_mul(&vals[i], &vals[i], &acc);
            blst_fr_mul(&acc, &acc, &factor);
        }
    });
}

// ext[64c + j] *= per_cell[coset_shift_exponent(c)] for every cell c that
// `keep` accepts, split for par.
template <class Keep>
static void scale_cells(std::span<Fr> ext, std::span<const Fr> per_cell, const Keep& keep,
                        const core::ParallelFor& par) {
    constexpr std::size_t l = FIELD_ELEMENTS_PER_CELL;
    par(CELLS_PER_EXT_BLOB, [&](std::size_t c0, std::size_t c1) {
        for (std::size_t c = c0; c < c1; c++) {
            if (!keep(c)) continue;
            const Fr& f = per_cell[coset_shift_exponent(c)];
            for (std::size_t j = 0; j < l; j++) blst_fr_mul(&ext[c * l + j], &ext[c * l + j], &f);
        }
    });
}

std::vector<Fr> recover_polynomialcoeff(std::span<const std::uint64_t> cell_indices, std::span<const Fr> cosets_evals,
                                        const Tables& t, const core::ParallelFor& par) {
    constexpr std::size_t l = FIELD_ELEMENTS_PER_CELL;
    constexpr std::size_t n = FIELD_ELEMENTS_PER_EXT_BLOB;
    const Fr inv_n = core::fr_inv(core::fr_from_u64(n));

    // E(x): the given evaluations, zero for the missing cells, in the
    // bit-reversed order of the extended domain, as cells hold them (cell c
    // is positions 64c .. 64c + 63). The transforms below take and give that
    // order directly, so no permutation is ever done.
    std::vector<Fr> ext(n, core::fr_zero());
    std::array<bool, CELLS_PER_EXT_BLOB> present{};
    for (std::size_t k = 0; k < cell_indices.size(); k++) {
        const std::size_t c = static_cast<std::size_t>(cell_indices[k]);
        present[c] = true;
        for (std::size_t j = 0; j < l; j++) ext[c * l + j] = cosets_evals[k * l + j];
    }
    std::vector<std::uint64_t> missing;
    for (std::uint64_t c = 0; c < CELLS_PER_EXT_BLOB; c++)
        if (!present[c]) missing.push_back(c);

    if (missing.empty()) {
        // Z(x) = 1: the coset steps below are the identity, P = IDFT(E) truncated.
        core::fr_ifft_unscaled_from_brp(ext, t.fft, true, par);
        ext.resize(FIELD_ELEMENTS_PER_BLOB);
        for (auto& c : ext) blst_fr_mul(&c, &c, &inv_n);
        return ext;
    }

    // z's roots: w_128^reverse_bits(k, 7) = w_8192^(64 * reverse_bits(k, 7)).
    std::vector<Fr> roots(missing.size());
    for (std::size_t i = 0; i < roots.size(); i++)
        roots[i] = t.fft.roots[coset_shift_exponent(missing[i]) * l];
    const std::vector<Fr> short_zero_poly = vanishing_polynomialcoeff(roots);

    // Position p = 64c + j of the bit-reversed order is the point
    // w_8192^reverse_bits(p, 13), where Z = z(w_128^reverse_bits(c, 7)):
    // constant over the cell.
    const std::vector<Fr> zero_on_domain = vanishing_values(short_zero_poly, core::fr_one(), t);

    // (E*Z)(x) over the FFT domain equals (P*Z)(x) there; to n times its coefficients.
    scale_cells(ext, zero_on_domain, [&](std::size_t c) { return present[c]; }, par);  // E is zero elsewhere
    core::fr_ifft_unscaled_from_brp(ext, t.fft, true, par);

    // Spec coset_fft_field with shift PRIMITIVE_ROOT_OF_UNITY (7): divide P*Z
    // by Z over the coset 7 * D, where Z has no zero (7^8192 != 1). The 1/n of
    // the inverse transform rides on the coset scaling.
    const Fr shift = core::fr_from_u64(kCosetShift);
    scale_by_powers(ext, shift, inv_n, par);
    core::fr_fft_to_brp(ext, t.fft, par);
    std::vector<Fr> zero_on_coset = vanishing_values(short_zero_poly, core::fr_pow(shift, l), t);
    core::fr_batch_inverse(zero_on_coset);
    scale_cells(ext, zero_on_coset, [](std::size_t) { return true; }, par);
    core::fr_ifft_unscaled_from_brp(ext, t.fft, true, par);

    // Only the first FIELD_ELEMENTS_PER_BLOB coefficients are P's.
    ext.resize(FIELD_ELEMENTS_PER_BLOB);
    scale_by_powers(ext, core::fr_inv(shift), inv_n, par);
    return ext;
}

}  // namespace kzg::eip7594
