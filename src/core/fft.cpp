#include "core/fft.hpp"

#include <algorithm>
#include <cassert>

#include "core/g1.hpp"
#include "core/g1_mul_batch.hpp"
#include "core/roots.hpp"

namespace kzg::core {

FftDomain::FftDomain(std::size_t size) : n(size), roots(compute_roots_of_unity(size)), inv_roots(size) {
    inv_roots[0] = fr_one();
    for (std::size_t i = 1; i < n; i++) inv_roots[i] = roots[n - i];
}

namespace {

// One level of a radix-2 FFT: butterfly k pairs a[top(k)] with
// a[top(k) + half] under the twiddle roots[twiddle(k)] (index 0: the twiddle 1).
struct Level {
    std::size_t half, len, stride;
    std::size_t top(std::size_t k) const { return (k / half) * len + k % half; }
    std::size_t twiddle(std::size_t k) const { return (k % half) * stride; }
};

// The G1 butterflies take their twiddle products together: g1_mul_batch runs
// them in lockstep with shared inversions, about 1.6x faster than one
// multiplication at a time.
struct G1Ops {
    using T = blst_p1;
    static void butterflies(std::span<blst_p1> a, const std::vector<Fr>& roots, const Level& lv, std::size_t k0,
                            std::size_t k1) {
        std::vector<blst_p1> t;  // w^j * b_k for the butterflies with a twiddle other than 1
        std::vector<Fr> w;
        t.reserve(k1 - k0);
        w.reserve(k1 - k0);
        for (std::size_t k = k0; k < k1; k++) {
            if (lv.twiddle(k) == 0) continue;
            t.push_back(a[lv.top(k) + lv.half]);
            w.push_back(roots[lv.twiddle(k)]);
        }
        g1_mul_batch(t, w);
        std::size_t next = 0;
        for (std::size_t k = k0; k < k1; k++) {
            blst_p1& x = a[lv.top(k)];
            blst_p1& y = a[lv.top(k) + lv.half];
            const blst_p1 prod = lv.twiddle(k) == 0 ? y : t[next++];
            y = g1_sub(x, prod);
            x = g1_add(x, prod);
        }
    }
};

template <class Ops>
void fft_in_place(std::span<typename Ops::T> a, const std::vector<Fr>& roots, std::size_t n,
                  const ParallelFor& par = run_sequential) {
    const std::size_t m = a.size();
    assert(is_power_of_two(m) && n % m == 0);
    bit_reversal_permutation(a);
    for (std::size_t len = 2; len <= m; len <<= 1) {
        const Level lv{len / 2, len, n / len};
        par(m / 2, [&](std::size_t k0, std::size_t k1) { Ops::butterflies(a, roots, lv, k0, k1); });
    }
}

}  // namespace

// The Fr transforms run as plain nested loops over groups and butterflies
// (no division or modulo per butterfly) and skip the twiddle 1 that opens
// each group: about 1.2x faster than one generic butterfly loop (4096
// points). compute_cells gains more from the permutation-free forms below.

// The two butterflies; w null stands for the twiddle 1 (no product).
// Decimation in time: x, y = x + w y, x - w y.
static inline void dit_butterfly(Fr& x, Fr& y, const Fr* w) {
    Fr t = y;
    if (w) blst_fr_mul(&t, &y, w);
    blst_fr_sub(&y, &x, &t);
    blst_fr_add(&x, &x, &t);
}

// Decimation in frequency: x, y = x + y, (x - y) w.
static inline void dif_butterfly(Fr& x, Fr& y, const Fr* w) {
    Fr t;
    blst_fr_sub(&t, &x, &y);
    blst_fr_add(&x, &x, &y);
    if (w) {
        blst_fr_mul(&y, &t, w);
    } else {
        y = t;
    }
}

// Decimation in time: input in bit-reversed order, output in natural order.
static void fr_dit_butterflies(std::span<Fr> a, const std::vector<Fr>& roots, std::size_t n) {
    const std::size_t m = a.size();
    assert(is_power_of_two(m) && n % m == 0);
    for (std::size_t half = 1; half < m; half <<= 1) {
        const std::size_t stride = n / (2 * half);
        for (std::size_t s = 0; s < m; s += 2 * half) {
            Fr* x = a.data() + s;
            Fr* y = x + half;
            dit_butterfly(x[0], y[0], nullptr);
            for (std::size_t j = 1; j < half; j++) dit_butterfly(x[j], y[j], &roots[j * stride]);
        }
    }
}

// Decimation in frequency: input in natural order, output in bit-reversed order.
static void fr_dif_butterflies(std::span<Fr> a, const std::vector<Fr>& roots, std::size_t n) {
    const std::size_t m = a.size();
    assert(is_power_of_two(m) && n % m == 0);
    for (std::size_t half = m / 2; half >= 1; half >>= 1) {
        const std::size_t stride = n / (2 * half);
        for (std::size_t s = 0; s < m; s += 2 * half) {
            Fr* x = a.data() + s;
            Fr* y = x + half;
            dif_butterfly(x[0], y[0], nullptr);
            for (std::size_t j = 1; j < half; j++) dif_butterfly(x[j], y[j], &roots[j * stride]);
        }
    }
}

// Transforms of kParallelMin points or more are split for par in two
// phases, one synchronization each: the levels whose groups fit in a block
// (m / kParallelBlocks points) run block by block, and the log2(blocks)
// larger levels run column by column: column j (elements j + k * block) only
// ever meets itself there, so a slice of columns takes all those levels.
constexpr std::size_t kParallelMin = 2048, kParallelBlocks = 8;

// The levels with half-size b * h (h = 1, 2, .., blocks / 2: ascending for
// decimation in time, descending in frequency) on columns [j0, j1).
template <bool kDit>
static void fr_columns(Fr* a, const std::vector<Fr>& roots, std::size_t n, std::size_t b, std::size_t j0,
                       std::size_t j1) {
    const auto level = [&](std::size_t h) {
        const std::size_t half = b * h, stride = n / (2 * half);
        for (std::size_t k = 0; k < kParallelBlocks; k++) {
            if ((k / h) % 2 == 1) continue;  // block k is a group's second half
            Fr* x = a + k * b;
            Fr* y = x + half;
            const std::size_t first = (k % h) * b;  // x[j]'s place in its group is first + j
            for (std::size_t j = j0; j < j1; j++) {
                const Fr* w = first + j == 0 ? nullptr : &roots[(first + j) * stride];
                if constexpr (kDit) {
                    dit_butterfly(x[j], y[j], w);
                } else {
                    dif_butterfly(x[j], y[j], w);
                }
            }
        }
    };
    if constexpr (kDit) {
        for (std::size_t h = 1; h < kParallelBlocks; h *= 2) level(h);
    } else {
        for (std::size_t h = kParallelBlocks / 2; h >= 1; h /= 2) level(h);
    }
}

static void fr_dit(std::span<Fr> a, const std::vector<Fr>& roots, std::size_t n, const ParallelFor& par) {
    const std::size_t m = a.size();
    if (m < kParallelMin) return fr_dit_butterflies(a, roots, n);
    const std::size_t b = m / kParallelBlocks;
    par(kParallelBlocks, [&](std::size_t b0, std::size_t b1) {
        for (std::size_t k = b0; k < b1; k++) fr_dit_butterflies(a.subspan(k * b, b), roots, n);
    });
    par(b, [&](std::size_t j0, std::size_t j1) { fr_columns<true>(a.data(), roots, n, b, j0, j1); });
}

static void fr_dif(std::span<Fr> a, const std::vector<Fr>& roots, std::size_t n, const ParallelFor& par) {
    const std::size_t m = a.size();
    if (m < kParallelMin) return fr_dif_butterflies(a, roots, n);
    const std::size_t b = m / kParallelBlocks;
    par(b, [&](std::size_t j0, std::size_t j1) { fr_columns<false>(a.data(), roots, n, b, j0, j1); });
    par(kParallelBlocks, [&](std::size_t b0, std::size_t b1) {
        for (std::size_t k = b0; k < b1; k++) fr_dif_butterflies(a.subspan(k * b, b), roots, n);
    });
}

void fr_fft(std::span<Fr> data, const FftDomain& d) {
    bit_reversal_permutation(data);
    fr_dit_butterflies(data, d.roots, d.n);
}

void fr_ifft(std::span<Fr> data, const FftDomain& d) {
    fr_ifft_unscaled_from_brp(data, d, false);
    const Fr inv_m = fr_inv(fr_from_u64(data.size()));
    for (auto& x : data) blst_fr_mul(&x, &x, &inv_m);
}

void fr_fft_to_brp(std::span<Fr> data, const FftDomain& d, const ParallelFor& par) {
    fr_dif(data, d.roots, d.n, par);
}

void fr_ifft_unscaled_from_brp(std::span<Fr> data, const FftDomain& d, bool input_is_brp, const ParallelFor& par) {
    if (!input_is_brp) bit_reversal_permutation(data);
    fr_dit(data, d.inv_roots, d.n, par);
}

void g1_fft(std::span<blst_p1> data, const FftDomain& d) { fft_in_place<G1Ops>(data, d.roots, d.n); }

void g1_fft(std::span<blst_p1> data, const FftDomain& d, const ParallelFor& par) {
    fft_in_place<G1Ops>(data, d.roots, d.n, par);
}

void g1_ifft(std::span<blst_p1> data, const FftDomain& d) {
    fft_in_place<G1Ops>(data, d.inv_roots, d.n);
    const std::vector<Fr> inv_m(data.size(), fr_inv(fr_from_u64(data.size())));
    g1_mul_batch(data, inv_m);
}

}  // namespace kzg::core
