// FK20 cell proofs (eprint 2023/033, sections 2.2 and 3.2), the fast path of
// the spec's compute_cells_and_kzg_proofs_polynomialcoeff.
//
// Write f = sum_t x^(64t) F_t(x) with deg F_t < 64 (t < 64). For a coset with
// shift h and a = h^64, the quotient of f by x^64 - a is
//   q(x) = sum_{t>=1} F_t(x) * sum_{u<t} a^u x^(64(t-1-u)),
// so  [q(s)] = sum_u a^u H_u  with
//   H_u = sum_{j<64} sum_{v} f[64(u+1+v) + j] * [s^(64v+j)]   (u < 64; H_63 = 0).
// For every offset j the inner sum is a Toeplitz matrix-vector product,
// computed as a circulant product of size 128 in the FFT domain against the
// precomputed T_j = g1_fft(B_j) (tables.hpp):
//   H = IDFT( sum_j DFT(a_j) (.) T_j ),   a_j[u] = f[64(u+1) + j] (u < 63), 0 otherwise,
// one 64-term MSM per FFT position. Then the proof of cell k, whose shift
// satisfies h_k^64 = w_128^reverse_bits(k, 7), is
//   pi_k = sum_u (w_128^reverse_bits(k, 7))^u H_u = DFT_128(H)[reverse_bits(k, 7)].
#include <vector>

#include "core/fft.hpp"
#include "core/g1.hpp"
#include "eip7594/internal.hpp"

namespace kzg::eip7594 {

void compute_fk20_cell_proofs(std::span<blst_p1> out, std::span<const Fr> coeffs, const Tables& t,
                              const Fk20Tables& fk20, const core::ParallelFor& par) {
    constexpr std::size_t l = FIELD_ELEMENTS_PER_CELL;  // 64
    constexpr std::size_t m = CELLS_PER_BLOB;           // 64
    constexpr std::size_t n = FK20_CIRCULANT_SIZE;      // 128

    // The 1/n of the inverse DFT is folded into the scalars, and the unscaled
    // inverse DFT is a forward DFT read at negated indices:
    //   IDFT(x)[u] = DFT(x)[(n - u) mod n] / n.
    const Fr inv_n = core::fr_inv(core::fr_from_u64(n));

    // scalars[i * l + j] = DFT(a_j)[i] / n: 128 * 64 * 32 B = 256 KiB.
    std::vector<Fr> scalars(n * l);
    par(l, [&](std::size_t j0, std::size_t j1) {
        std::vector<Fr> a(n);
        for (std::size_t j = j0; j < j1; j++) {
            for (std::size_t u = 0; u + 1 < m; u++) a[u] = core::fr_mul(coeffs[l * (u + 1) + j], inv_n);
            for (std::size_t u = m - 1; u < n; u++) a[u] = core::fr_zero();
            core::fr_fft(a, t.fft);
            for (std::size_t i = 0; i < n; i++) scalars[i * l + j] = a[i];
        }
    });

    // One MSM of 64 terms per FFT position: all 128 at once over the fixed-base
    // tables, or one Pippenger each without them.
    std::vector<blst_p1> h_ext(n);
    const std::span<const blst_p1_affine> cols(fk20.columns);
    const std::span<const Fr> sc(scalars);
    par(n, [&](std::size_t i0, std::size_t i1) {
        if (fk20.msm) {
            fk20.msm->msm_groups(sc.subspan(i0 * l, (i1 - i0) * l), l, std::span(h_ext).subspan(i0, i1 - i0),
                                 i0 * l);
        } else {
            for (std::size_t i = i0; i < i1; i++)
                h_ext[i] = core::g1_lincomb_affine(cols.subspan(i * l, l), sc.subspan(i * l, l));
        }
    });
    core::g1_fft(h_ext, t.fft, par);

    // H_u = IDFT(h_ext)[u] for u < 64, zero-padded to 128 for the final DFT.
    std::vector<blst_p1> h(n, core::g1_identity());
    h[0] = h_ext[0];
    for (std::size_t u = 1; u < m; u++) h[u] = h_ext[n - u];
    core::g1_fft(h, t.fft, par);

    for (std::size_t k = 0; k < CELLS_PER_EXT_BLOB; k++) out[k] = h[coset_shift_exponent(k)];
}

}  // namespace kzg::eip7594
