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

struct FrOps {
    using T = Fr;
    static void butterfly(Fr& a, Fr& b, const Fr& w, bool w_is_one) {
        const Fr t = w_is_one ? b : fr_mul(b, w);
        b = fr_sub(a, t);
        a = fr_add(a, t);
    }
};

template <class Ops>
void fft_in_place(std::span<typename Ops::T> a, const std::vector<Fr>& roots, std::size_t n,
                  const ParallelFor& par = run_sequential) {
    const std::size_t m = a.size();
    assert(is_power_of_two(m) && n % m == 0);
    bit_reversal_permutation(a);
    for (std::size_t len = 2; len <= m; len <<= 1) {
        const std::size_t half = len / 2;
        const std::size_t stride = n / len;
        // Butterfly k of this level: block k / half, offset k % half.
        par(m / 2, [&](std::size_t k0, std::size_t k1) {
            for (std::size_t k = k0; k < k1; k++) {
                const std::size_t start = (k / half) * len, j = k % half;
                Ops::butterfly(a[start + j], a[start + j + half], roots[j * stride], j == 0);
            }
        });
    }
}

// The G1 FFT takes each level's twiddle products together: g1_mul_batch runs
// them in lockstep with shared inversions, about 1.6x faster than one
// multiplication at a time.
void g1_fft_in_place(std::span<blst_p1> a, const std::vector<Fr>& roots, std::size_t n,
                     const ParallelFor& par = run_sequential) {
    const std::size_t m = a.size();
    assert(is_power_of_two(m) && n % m == 0);
    bit_reversal_permutation(a);
    for (std::size_t len = 2; len <= m; len <<= 1) {
        const std::size_t half = len / 2;
        const std::size_t stride = n / len;
        par(m / 2, [&](std::size_t k0, std::size_t k1) {
            // t_k = w^j * b_k for the butterflies with a twiddle other than 1.
            std::vector<blst_p1> t;
            std::vector<Fr> w;
            t.reserve(k1 - k0);
            w.reserve(k1 - k0);
            for (std::size_t k = k0; k < k1; k++) {
                const std::size_t start = (k / half) * len, j = k % half;
                if (j == 0) continue;
                t.push_back(a[start + j + half]);
                w.push_back(roots[j * stride]);
            }
            g1_mul_batch(t, w);
            std::size_t next = 0;
            for (std::size_t k = k0; k < k1; k++) {
                const std::size_t start = (k / half) * len, j = k % half;
                blst_p1& x = a[start + j];
                blst_p1& y = a[start + j + half];
                const blst_p1 prod = j == 0 ? y : t[next++];
                y = g1_sub(x, prod);
                x = g1_add(x, prod);
            }
        });
    }
}

}  // namespace

void fr_fft(std::span<Fr> data, const FftDomain& d) { fft_in_place<FrOps>(data, d.roots, d.n); }

void fr_ifft(std::span<Fr> data, const FftDomain& d) {
    fft_in_place<FrOps>(data, d.inv_roots, d.n);
    const Fr inv_m = fr_inv(fr_from_u64(data.size()));
    for (auto& x : data) x = fr_mul(x, inv_m);
}

void g1_fft(std::span<blst_p1> data, const FftDomain& d) { g1_fft_in_place(data, d.roots, d.n); }

void g1_fft(std::span<blst_p1> data, const FftDomain& d, const ParallelFor& par) {
    g1_fft_in_place(data, d.roots, d.n, par);
}

void g1_ifft(std::span<blst_p1> data, const FftDomain& d) {
    g1_fft_in_place(data, d.inv_roots, d.n);
    const std::vector<Fr> inv_m(data.size(), fr_inv(fr_from_u64(data.size())));
    g1_mul_batch(data, inv_m);
}

}  // namespace kzg::core
