#include "core/fft.hpp"

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

struct FrOps {
    using T = Fr;
    static void butterflies(std::span<Fr> a, const std::vector<Fr>& roots, const Level& lv, std::size_t k0,
                            std::size_t k1) {
        for (std::size_t k = k0; k < k1; k++) {
            Fr& x = a[lv.top(k)];
            Fr& y = a[lv.top(k) + lv.half];
            const Fr t = lv.twiddle(k) == 0 ? y : fr_mul(y, roots[lv.twiddle(k)]);
            y = fr_sub(x, t);
            x = fr_add(x, t);
        }
    }
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

void fr_fft(std::span<Fr> data, const FftDomain& d) { fft_in_place<FrOps>(data, d.roots, d.n); }

void fr_ifft(std::span<Fr> data, const FftDomain& d) {
    fft_in_place<FrOps>(data, d.inv_roots, d.n);
    const Fr inv_m = fr_inv(fr_from_u64(data.size()));
    for (auto& x : data) x = fr_mul(x, inv_m);
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
