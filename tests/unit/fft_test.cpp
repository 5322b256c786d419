// core/roots.hpp and core/fft.hpp: roots of unity, bit reversal, FFTs.
#include <gtest/gtest.h>

#include <cstring>
#include <functional>
#include <numeric>

#include "core/fft.hpp"
#include "core/g1.hpp"
#include "core/roots.hpp"
#include "unit/unit_helpers.hpp"

namespace {

using namespace kzg::core;

bool same(std::span<const Fr> a, std::span<const Fr> b) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); i++)
        if (!fr_equal(a[i], b[i])) return false;
    return true;
}

std::vector<Fr> random_vector(unit::Rng& rng, std::size_t n) {
    std::vector<Fr> v(n);
    for (auto& x : v) x = unit::random_fr(rng);
    return v;
}

// ---- roots of unity ---------------------------------------------------------------------------

TEST(Roots, PrimitiveRootOrders) {
    for (unsigned k = 0; k <= 32; k++) {
        const std::size_t n = std::size_t{1} << k;
        const Fr w = primitive_root_of_unity(n);
        // w^(n/2) by k-1 squarings, w^n by one more.
        Fr half = w;
        for (unsigned j = 1; j < k; j++) half = fr_sqr(half);
        const Fr full = k == 0 ? w : fr_sqr(half);
        EXPECT_TRUE(fr_is_one(full)) << "w_" << n << "^" << n << " != 1";
        if (k >= 1) {
            EXPECT_FALSE(fr_is_one(half)) << "w_" << n << "^(n/2) == 1";
            EXPECT_TRUE(fr_equal(half, fr_neg(fr_one()))) << "w_" << n << "^(n/2) != -1";
        }
        // Consistent across sizes: w_2n^2 == w_n.
        if (k < 32) { EXPECT_TRUE(fr_equal(fr_sqr(primitive_root_of_unity(2 * n)), w)) << n; }
    }
    EXPECT_TRUE(fr_is_one(primitive_root_of_unity(1)));
    EXPECT_TRUE(fr_equal(primitive_root_of_unity(2), fr_neg(fr_one())));
    // fr_pow agrees for a mid size.
    EXPECT_TRUE(fr_is_one(fr_pow(primitive_root_of_unity(4096), 4096)));
    EXPECT_FALSE(fr_is_one(fr_pow(primitive_root_of_unity(4096), 2048)));
}

TEST(Roots, ComputeRootsOfUnity) {
    for (std::size_t n : {1u, 2u, 8u, 4096u}) {
        const auto roots = compute_roots_of_unity(n);
        ASSERT_EQ(roots.size(), n);
        const Fr w = primitive_root_of_unity(n);
        Fr acc = fr_one();
        for (std::size_t i = 0; i < n; i++) {
            ASSERT_TRUE(fr_equal(roots[i], acc)) << n << " " << i;
            acc = fr_mul(acc, w);
        }
        EXPECT_TRUE(fr_is_one(acc));  // wrapped around
    }
    // All distinct for 4096 (no smaller order).
    const auto roots = compute_roots_of_unity(4096);
    for (std::size_t i = 1; i < roots.size(); i++) ASSERT_FALSE(fr_is_one(roots[i])) << i;
}

// ---- bit reversal ----------------------------------------------------------------------------

TEST(BitReversal, Helpers) {
    EXPECT_TRUE(is_power_of_two(1));
    EXPECT_TRUE(is_power_of_two(4096));
    EXPECT_FALSE(is_power_of_two(0));
    EXPECT_FALSE(is_power_of_two(6));
    EXPECT_EQ(log2_pow2(1), 0u);
    EXPECT_EQ(log2_pow2(2), 1u);
    EXPECT_EQ(log2_pow2(4096), 12u);
    EXPECT_EQ(log2_pow2(std::size_t{1} << 32), 32u);
    EXPECT_EQ(reverse_bits(1, 12), 2048u);
    EXPECT_EQ(reverse_bits(0b0011, 4), 0b1100u);
    EXPECT_EQ(reverse_bits(0b1011, 4), 0b1101u);
    EXPECT_EQ(reverse_bits(5, 0), 0u);
}

TEST(BitReversal, KnownPermutation) {
    std::vector<int> v(8);
    std::iota(v.begin(), v.end(), 0);
    bit_reversal_permutation(std::span<int>(v));
    EXPECT_EQ(v, (std::vector<int>{0, 4, 2, 6, 1, 5, 3, 7}));
}

TEST(BitReversal, IsAnInvolution) {
    for (std::size_t n = 1; n <= 8192; n *= 2) {
        std::vector<std::uint32_t> v(n);
        std::iota(v.begin(), v.end(), 0u);
        bit_reversal_permutation(std::span<std::uint32_t>(v));
        const unsigned bits = log2_pow2(n);
        for (std::uint32_t i = 0; i < n; i++) ASSERT_EQ(v[i], reverse_bits(i, bits)) << n << " " << i;
        if (n >= 4) { ASSERT_NE(v[1], 1u); }  // it did move something
        bit_reversal_permutation(std::span<std::uint32_t>(v));
        for (std::uint32_t i = 0; i < n; i++) ASSERT_EQ(v[i], i) << n;
    }
}

// ---- FFT -----------------------------------------------------------------------------------------

TEST(Fft, InverseIsIdentityAllSizes) {
    unit::Rng rng(21);
    const FftDomain big(8192);
    for (std::size_t m = 1; m <= 8192; m *= 2) {
        const FftDomain own(m);
        for (const FftDomain* d : {&big, &own}) {
            const auto orig = random_vector(rng, m);
            auto v = orig;
            fr_fft(v, *d);
            if (m >= 2) { EXPECT_FALSE(same(v, orig)) << m; }
            fr_ifft(v, *d);
            ASSERT_TRUE(same(v, orig)) << "fft then ifft, size " << m << " domain " << d->n;
            fr_ifft(v, *d);
            fr_fft(v, *d);
            ASSERT_TRUE(same(v, orig)) << "ifft then fft, size " << m << " domain " << d->n;
        }
    }
}

// The permutation-free forms against the plain ones: fr_fft_to_brp is
// bit_reversal_permutation(fr_fft(.)), fr_ifft_unscaled_from_brp is m times
// fr_ifft(bit_reversal_permutation(.)).
TEST(Fft, PermutationFreeFormsMatchThePlainOnes) {
    unit::Rng rng(24);
    const FftDomain big(8192);
    for (std::size_t m = 1; m <= 8192; m *= 2) {
        const FftDomain own(m);
        for (const FftDomain* d : {&big, &own}) {
            const auto orig = random_vector(rng, m);
            auto want = orig;
            fr_fft(want, *d);
            bit_reversal_permutation(std::span<Fr>(want));
            auto got = orig;
            fr_fft_to_brp(got, *d);
            ASSERT_TRUE(same(got, want)) << "fft to brp, size " << m << " domain " << d->n;

            auto coeffs = orig;  // orig as bit-reversed evaluations
            bit_reversal_permutation(std::span<Fr>(coeffs));
            fr_ifft(coeffs, *d);
            const Fr mm = fr_from_u64(m);
            for (auto& c : coeffs) c = fr_mul(c, mm);
            got = orig;
            fr_ifft_unscaled_from_brp(got, *d);
            ASSERT_TRUE(same(got, coeffs)) << "unscaled ifft from brp, size " << m << " domain " << d->n;
            got = orig;
            bit_reversal_permutation(std::span<Fr>(got));
            fr_ifft_unscaled_from_brp(got, *d, false);
            ASSERT_TRUE(same(got, coeffs)) << "unscaled ifft, natural input, size " << m << " domain " << d->n;
        }
    }
}

// The split transforms (2048 points and more, given a ParallelFor) against
// the sequential ones: the slices here are uneven, start inside butterfly
// groups and run in reverse order, and real threads run them too.
TEST(Fft, SplitTransformsMatchTheSequentialOnes) {
    unit::Rng rng(25);
    const FftDomain big(8192);
    const ParallelFor reversed_slices = [](std::size_t n, const std::function<void(std::size_t, std::size_t)>& f) {
        const std::size_t cuts[] = {0, n / 7, n / 3, n / 2 + 1, n - n / 5, n};
        for (std::size_t k = 5; k-- > 0;)
            if (cuts[k] < cuts[k + 1]) f(cuts[k], cuts[k + 1]);
    };
    const ParallelFor three_threads = [](std::size_t n, const std::function<void(std::size_t, std::size_t)>& f) {
        parallel_for(n, 3, f);
    };
    for (std::size_t m : {2048u, 4096u, 8192u}) {
        for (const ParallelFor* par : {&reversed_slices, &three_threads}) {
            const auto orig = random_vector(rng, m);
            auto want = orig, got = orig;
            fr_fft_to_brp(want, big);
            fr_fft_to_brp(got, big, *par);
            ASSERT_TRUE(same(got, want)) << "fft to brp, size " << m;
            want = orig;
            got = orig;
            fr_ifft_unscaled_from_brp(want, big);
            fr_ifft_unscaled_from_brp(got, big, true, *par);
            ASSERT_TRUE(same(got, want)) << "unscaled ifft from brp, size " << m;
        }
    }
}

// Both transforms are linear over the limbs, so elements kept as plain
// integers (no Montgomery form) come out as the plain integers of the results.
TEST(Fft, PlainLimbsGivePlainResults) {
    unit::Rng rng(25);
    const FftDomain d(8192);
    auto plain_of = [](const Fr& x) {
        blst_scalar s;
        blst_scalar_from_fr(&s, &x);
        Fr out;
        std::memcpy(out.l, s.b, sizeof out.l);  // blst_scalar is little-endian bytes
        return out;
    };
    for (std::size_t m : {2u, 64u, 4096u}) {
        const auto mont = random_vector(rng, m);
        std::vector<Fr> plain(m);
        for (std::size_t i = 0; i < m; i++) plain[i] = plain_of(mont[i]);
        ASSERT_FALSE(same(plain, mont));
        auto a = mont, b = plain;
        fr_fft_to_brp(a, d);
        fr_fft_to_brp(b, d);
        for (std::size_t i = 0; i < m; i++) ASSERT_TRUE(fr_equal(b[i], plain_of(a[i]))) << "fft " << m << " " << i;
        fr_ifft_unscaled_from_brp(a, d);
        fr_ifft_unscaled_from_brp(b, d);
        for (std::size_t i = 0; i < m; i++) ASSERT_TRUE(fr_equal(b[i], plain_of(a[i]))) << "ifft " << m << " " << i;
    }
}

TEST(Fft, MatchesNaiveEvaluation) {
    unit::Rng rng(22);
    const FftDomain d(64);
    for (std::size_t m = 1; m <= 64; m *= 2) {
        const auto coeffs = random_vector(rng, m);
        auto evals = coeffs;
        fr_fft(evals, d);
        const Fr w = primitive_root_of_unity(m);
        for (std::size_t i = 0; i < m; i++) {
            // p(w^i) = sum c_j w^(ij) by Horner.
            const Fr x = fr_pow(w, i);
            Fr acc = fr_zero();
            for (std::size_t j = m; j-- > 0;) acc = fr_add(fr_mul(acc, x), coeffs[j]);
            ASSERT_TRUE(fr_equal(evals[i], acc)) << "size " << m << " point " << i;
        }
    }
    // The constant polynomial 1 evaluates to 1 everywhere; the delta at 0 is
    // the ifft of the all-(1/m) vector... checked through linearity instead:
    std::vector<Fr> one(16, fr_zero());
    one[0] = fr_one();
    fr_fft(one, d);
    for (const auto& x : one) EXPECT_TRUE(fr_is_one(x));
}

TEST(Fft, G1MatchesFr) {
    unit::Rng rng(23);
    const FftDomain d(16);
    for (std::size_t m : {1u, 2u, 4u, 8u, 16u}) {
        const auto scalars = random_vector(rng, m);
        std::vector<blst_p1> points(m);
        for (std::size_t i = 0; i < m; i++) points[i] = g1_mul(g1_generator(), scalars[i]);
        auto evals = scalars;
        fr_fft(evals, d);
        auto pts = points;
        g1_fft(pts, d);
        for (std::size_t i = 0; i < m; i++)
            ASSERT_TRUE(g1_equal(pts[i], g1_mul(g1_generator(), evals[i]))) << "size " << m << " " << i;
        g1_ifft(pts, d);
        for (std::size_t i = 0; i < m; i++) ASSERT_TRUE(g1_equal(pts[i], points[i])) << "round trip " << m << " " << i;
    }
}

}  // namespace
