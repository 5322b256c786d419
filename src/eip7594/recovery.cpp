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

// Spec construct_vanishing_polynomial: Z(x) = z(x^64) where z vanishes at
// w_128^reverse_bits(k, 7) for every missing cell k; Z then vanishes on the
// whole coset_for_cell(k). FIELD_ELEMENTS_PER_EXT_BLOB coefficients.
static std::vector<Fr> construct_vanishing_polynomial(std::span<const std::uint64_t> missing_cell_indices,
                                                      const Tables& t) {
    constexpr std::size_t stride = FIELD_ELEMENTS_PER_EXT_BLOB / CELLS_PER_EXT_BLOB;  // w_128 = w_8192^64
    std::vector<Fr> roots(missing_cell_indices.size());
    for (std::size_t i = 0; i < roots.size(); i++)
        roots[i] = t.fft.roots[coset_shift_exponent(missing_cell_indices[i]) * stride];
    const std::vector<Fr> short_zero_poly = vanishing_polynomialcoeff(roots);
    std::vector<Fr> zero_poly_coeff(FIELD_ELEMENTS_PER_EXT_BLOB, core::fr_zero());
    for (std::size_t i = 0; i < short_zero_poly.size(); i++)
        zero_poly_coeff[i * FIELD_ELEMENTS_PER_CELL] = short_zero_poly[i];
    return zero_poly_coeff;
}

// Spec coset_fft_field with shift PRIMITIVE_ROOT_OF_UNITY, in place.
//   forward: vals[i] *= 7^i, then FFT;  inverse: inverse FFT, then vals[i] *= 7^-i.
static void coset_fft_field(std::span<Fr> vals, const Tables& t, bool inv) {
    const Fr shift = core::fr_from_u64(kCosetShift);
    const Fr factor = inv ? core::fr_inv(shift) : shift;
    if (inv) core::fr_ifft(vals, t.fft);
    Fr acc = core::fr_one();
    for (auto& v : vals) {
        v = core::fr_mul(v, acc);
        acc = core::fr_mul(acc, factor);
    }
    if (!inv) core::fr_fft(vals, t.fft);
}

std::vector<Fr> recover_polynomialcoeff(std::span<const std::uint64_t> cell_indices, std::span<const Fr> cosets_evals,
                                        const Tables& t) {
    constexpr std::size_t l = FIELD_ELEMENTS_PER_CELL;

    // E(x): the given evaluations, zero for the missing cells, in natural
    // (not bit-reversed) order over the extended domain.
    std::vector<Fr> ext(FIELD_ELEMENTS_PER_EXT_BLOB, core::fr_zero());
    std::array<bool, CELLS_PER_EXT_BLOB> present{};
    for (std::size_t k = 0; k < cell_indices.size(); k++) {
        const std::size_t c = static_cast<std::size_t>(cell_indices[k]);
        present[c] = true;
        for (std::size_t j = 0; j < l; j++) ext[c * l + j] = cosets_evals[k * l + j];
    }
    core::bit_reversal_permutation(std::span<Fr>(ext));

    std::vector<std::uint64_t> missing;
    for (std::uint64_t c = 0; c < CELLS_PER_EXT_BLOB; c++)
        if (!present[c]) missing.push_back(c);

    if (missing.empty()) {
        // Z(x) = 1: the coset steps below are the identity, P = IDFT(E) truncated.
        core::fr_ifft(ext, t.fft);
        ext.resize(FIELD_ELEMENTS_PER_BLOB);
        return ext;
    }

    // Z(x) in coefficient form, and over the FFT domain.
    const std::vector<Fr> zero_poly_coeff = construct_vanishing_polynomial(missing, t);
    std::vector<Fr> zero_poly = zero_poly_coeff;
    core::fr_fft(zero_poly, t.fft);

    // (E*Z)(x) over the FFT domain equals (P*Z)(x) there; to coefficients.
    for (std::size_t i = 0; i < ext.size(); i++) ext[i] = core::fr_mul(ext[i], zero_poly[i]);
    core::fr_ifft(ext, t.fft);

    // Divide (P*Z) by Z over a coset of the FFT domain, where Z has no zero.
    coset_fft_field(ext, t, false);
    zero_poly = zero_poly_coeff;
    coset_fft_field(zero_poly, t, false);
    core::fr_batch_inverse(zero_poly);  // z(7^64 w^i) != 0: 7^8192 != 1
    for (std::size_t i = 0; i < ext.size(); i++) ext[i] = core::fr_mul(ext[i], zero_poly[i]);
    coset_fft_field(ext, t, true);

    ext.resize(FIELD_ELEMENTS_PER_BLOB);
    return ext;
}

}  // namespace kzg::eip7594
