// The fixed-base MSM against blst's Pippenger and a naive sum, including the
// inputs that break batched affine additions: zero scalars, P + P, P + (-P).
#include <gtest/gtest.h>

#include <array>
#include <cstdlib>
#include <random>

#include "core/fp_ifma.hpp"
#include "core/g1.hpp"
#include "core/msm_fixed_base.hpp"
#include "core/msm_variable.hpp"
#include "kzg/kzg.hpp"

namespace {

using namespace kzg::core;

Fr random_fr(std::mt19937_64& rng) {
    std::uint64_t limbs[4];
    for (auto& l : limbs) l = rng();
    limbs[3] &= 0x3fffffffffffffffull;  // below 2^254 < r
    Fr out;
    blst_fr_from_uint64(&out, limbs);
    return out;
}

std::vector<blst_p1_affine> random_points(std::mt19937_64& rng, std::size_t n) {
    std::vector<blst_p1_affine> pts(n);
    for (auto& p : pts) {
        blst_p1 q = g1_mul(g1_generator(), random_fr(rng));
        blst_p1_to_affine(&p, &q);
    }
    return pts;
}

blst_p1 naive(std::span<const blst_p1_affine> pts, std::span<const Fr> sc) {
    blst_p1 acc = g1_identity();
    for (std::size_t i = 0; i < sc.size(); i++) {
        blst_p1 p;
        blst_p1_from_affine(&p, &pts[i]);
        acc = g1_add(acc, g1_mul(p, sc[i]));
    }
    return acc;
}

class FixedBase : public ::testing::TestWithParam<unsigned> {};

TEST_P(FixedBase, MatchesPippengerOnRandomInputs) {
    std::mt19937_64 rng(GetParam());
    auto pts = random_points(rng, 64);
    FixedBaseMsm msm(pts, GetParam());
    for (int round = 0; round < 4; round++) {
        std::vector<Fr> sc(pts.size());
        for (auto& s : sc) s = random_fr(rng);
        EXPECT_TRUE(g1_equal(msm.msm(sc), g1_lincomb_affine(pts, sc))) << "round " << round;
    }
}

TEST_P(FixedBase, EdgeScalars) {
    std::mt19937_64 rng(100 + GetParam());
    auto pts = random_points(rng, 16);
    FixedBaseMsm msm(pts, GetParam());
    const Fr minus_one = fr_neg(fr_one());
    std::vector<std::vector<Fr>> cases = {
        std::vector<Fr>(16, fr_zero()),   // all zero: identity
        std::vector<Fr>(16, fr_one()),    // every digit 1
        std::vector<Fr>(16, minus_one),   // r - 1: long carries
    };
    std::vector<Fr> mixed(16, fr_zero());
    mixed[3] = minus_one;
    mixed[7] = fr_from_u64(1ull << 63);
    mixed[9] = fr_from_u64((1ull << GetParam()) - 1);  // a full window: digit -1 and a carry
    mixed[11] = fr_from_u64(1ull << (GetParam() - 1));  // exactly half a window
    cases.push_back(mixed);
    for (const auto& sc : cases) EXPECT_TRUE(g1_equal(msm.msm(sc), naive(pts, sc)));
    const blst_p1 zero = msm.msm(cases[0]);
    EXPECT_TRUE(blst_p1_is_inf(&zero));
}

TEST_P(FixedBase, RepeatedAndOpposingBases) {
    // Bases P, P, -P, P, 2P...: bucket additions meet P + P and P + (-P).
    std::mt19937_64 rng(200 + GetParam());
    auto one = random_points(rng, 1)[0];
    blst_p1_affine neg = one;
    blst_fp_cneg(&neg.y, &one.y, true);
    blst_p1 two;
    blst_p1_from_affine(&two, &one);
    blst_p1_double(&two, &two);
    blst_p1_affine two_a;
    blst_p1_to_affine(&two_a, &two);
    std::vector<blst_p1_affine> pts = {one, one, neg, one, two_a, neg, one, one};
    FixedBaseMsm msm(pts, GetParam());
    for (int round = 0; round < 6; round++) {
        std::vector<Fr> sc(pts.size());
        for (std::size_t i = 0; i < sc.size(); i++) sc[i] = (round % 2 == 0) ? random_fr(rng) : fr_from_u64(1 + i % 3);
        EXPECT_TRUE(g1_equal(msm.msm(sc), naive(pts, sc))) << "round " << round;
    }
    // Same scalar on P and -P cancels exactly.
    std::vector<Fr> cancel(pts.size(), fr_zero());
    cancel[0] = cancel[2] = random_fr(rng);
    blst_p1 r = msm.msm(cancel);
    EXPECT_TRUE(blst_p1_is_inf(&r));
}

TEST(FixedBaseRange, SplitsSumToWhole) {
    std::mt19937_64 rng(7);
    auto pts = random_points(rng, 40);
    FixedBaseMsm msm(pts, 8);
    std::vector<Fr> sc(pts.size());
    for (auto& s : sc) s = random_fr(rng);
    blst_p1 a = msm.msm_range(sc, 0, 17), b = msm.msm_range(sc, 17, 40);
    EXPECT_TRUE(g1_equal(g1_add(a, b), msm.msm(sc)));
}

// The bucket MSM for variable bases against the naive sum, across its window
// sizes and its chunk boundary, with the inputs that break batched affine
// additions: repeated points, a point with its negative, zero, one and r - 1
// as scalars, equal scalars, and points at infinity (skipped).
TEST(VariableBaseBuckets, MatchesNaiveSums) {
    std::mt19937_64 rng(11);
    for (std::size_t n : {128u, 129u, 600u, 2049u, 2100u}) {
        auto pts = random_points(rng, n);
        std::vector<Fr> sc(n);
        for (auto& s : sc) s = random_fr(rng);
        pts[1] = pts[0];  // a repeated point (its digits double buckets' points)
        pts[2] = pts[0];
        blst_fp_cneg(&pts[2].y, &pts[2].y, true);  // its negative, with the same scalar: P + (-P) in buckets
        sc[1] = sc[0];
        sc[2] = sc[0];
        sc[3] = Fr{};  // zero
        blst_fr_from_uint64(&sc[4], std::array<std::uint64_t, 4>{1, 0, 0, 0}.data());
        sc[5] = fr_sub(Fr{}, sc[4]);  // r - 1
        pts[6] = blst_p1_affine{};    // infinity
        for (std::size_t i = 7; i < 12; i++) sc[i] = sc[7];
        EXPECT_TRUE(g1_equal(g1_msm_buckets(pts, sc), naive(pts, sc))) << "n " << n;
        // All scalars equal: every window's digits land in the same buckets.
        std::vector<Fr> same(n, sc[0]);
        EXPECT_TRUE(g1_equal(g1_msm_buckets(pts, same), naive(pts, same))) << "equal scalars, n " << n;
    }
}

TEST(VariableBaseBuckets, LargeWindowSize) {
    std::mt19937_64 rng(12);
    const std::size_t n = 8200;  // 11-bit windows
    std::vector<blst_p1_affine> pts(n);
    const auto base = random_points(rng, 64);
    for (std::size_t i = 0; i < n; i++) pts[i] = base[i % base.size()];
    std::vector<Fr> sc(n);
    for (auto& s : sc) s = random_fr(rng);
    EXPECT_TRUE(g1_equal(g1_msm_buckets(pts, sc), naive(pts, sc)));
}

// Both accumulators (the tree and the in-place sequential one) on the same terms.
using Accumulate = void (*)(std::span<const blst_p1_affine>, std::span<const BucketAdd>,
                            std::vector<blst_p1_affine>&, std::vector<std::uint8_t>&);

class BucketAccumulation : public ::testing::TestWithParam<Accumulate> {};

// The IFMA accumulator where the CPU can run it (test_fp_ifma, which ctest
// reports as skipped elsewhere, covers its kernels).
std::vector<Accumulate> ifma_accumulators() {
    if (!cpu_has_ifma()) return {};
    return {&accumulate_buckets_sequential_ifma};
}

// Runs `adds` into nb buckets, some already holding a point, and checks each
// bucket against a projective sum.
void check_accumulation(Accumulate acc, std::span<const blst_p1_affine> pts, const std::vector<BucketAdd>& adds,
                        std::size_t nb, const std::vector<int>& initial) {
    std::vector<blst_p1_affine> buckets(nb);
    std::vector<std::uint8_t> filled(nb, 0);
    std::vector<blst_p1> expect(nb, g1_identity());
    for (std::size_t b = 0; b < nb; b++) {
        if (initial[b] < 0) continue;
        buckets[b] = pts[static_cast<std::size_t>(initial[b])];
        filled[b] = 1;
        blst_p1_from_affine(&expect[b], &buckets[b]);
    }
    for (const BucketAdd& a : adds) {
        blst_p1 q;
        blst_p1_from_affine(&q, &pts[a.point]);
        if (a.negate) blst_p1_cneg(&q, true);
        expect[a.bucket] = g1_add(expect[a.bucket], q);
    }
    acc(pts, adds, buckets, filled);
    for (std::size_t b = 0; b < nb; b++) {
        blst_p1 got = g1_identity();
        if (filled[b]) blst_p1_from_affine(&got, &buckets[b]);
        EXPECT_TRUE(g1_equal(got, expect[b])) << "bucket " << b;
        EXPECT_EQ(filled[b] != 0, !blst_p1_is_inf(&expect[b])) << "bucket " << b;
    }
}

TEST_P(BucketAccumulation, UniformTermsAcrossBatches) {
    // 3000 terms into 500 buckets: several full batches, some deferrals.
    std::mt19937_64 rng(8);
    auto pts = random_points(rng, 300);
    std::vector<BucketAdd> adds;
    for (std::uint32_t k = 0; k < 3000; k++)
        adds.push_back({static_cast<std::uint32_t>(rng() % pts.size()), static_cast<std::uint32_t>(rng() % 500),
                        (rng() & 1) != 0});
    std::vector<int> initial(500, -1);
    for (std::size_t b = 0; b < 500; b += 3) initial[b] = static_cast<int>(b % pts.size());
    check_accumulation(GetParam(), pts, adds, 500, initial);
}

TEST_P(BucketAccumulation, DoublingCancellingAndEmptyBuckets) {
    // Bucket 0 holds P and receives P (a doubling), bucket 1 holds P and
    // receives -P (empties), then P again (refills); bucket 2 receives P, -P,
    // P, P; bucket 3 stays empty; bucket 4 receives only Q.
    std::mt19937_64 rng(10);
    auto pts = random_points(rng, 2);
    const std::vector<BucketAdd> adds = {{0, 0, false}, {0, 1, true}, {0, 2, false}, {0, 2, true},
                                         {0, 1, false}, {0, 2, false}, {0, 2, false}, {1, 4, false}};
    check_accumulation(GetParam(), pts, adds, 5, {0, 0, -1, -1, -1});
}

TEST_P(BucketAccumulation, ManyAddsIntoFewBuckets) {
    // Heavy conflicts: 200 additions into 3 buckets exercise deferral.
    std::mt19937_64 rng(9);
    auto pts = random_points(rng, 50);
    std::vector<BucketAdd> adds;
    std::vector<blst_p1> expect(3, g1_identity());
    for (std::uint32_t k = 0; k < 200; k++) {
        const std::uint32_t p = static_cast<std::uint32_t>(rng() % pts.size()), b = k % 3;
        const bool neg = rng() & 1;
        adds.push_back({p, b, neg});
        blst_p1 q;
        blst_p1_from_affine(&q, &pts[p]);
        if (neg) blst_p1_cneg(&q, true);
        expect[b] = g1_add(expect[b], q);
    }
    std::vector<blst_p1_affine> buckets(3);
    std::vector<std::uint8_t> filled(3, 0);
    GetParam()(pts, adds, buckets, filled);
    for (int b = 0; b < 3; b++) {
        blst_p1 got = g1_identity();
        if (filled[b]) blst_p1_from_affine(&got, &buckets[b]);
        EXPECT_TRUE(g1_equal(got, expect[b])) << "bucket " << b;
    }
}

// The dispatch follows the CPU and the KZG_NO_IFMA switch (ctest runs this
// binary both ways).
TEST(IfmaDispatch, FollowsCpuAndEnvironment) {
    if (std::getenv("KZG_NO_IFMA") != nullptr) {
        EXPECT_FALSE(ifma_enabled());
    } else {
        EXPECT_EQ(ifma_enabled(), cpu_has_ifma());
    }
}

INSTANTIATE_TEST_SUITE_P(Tree, BucketAccumulation, ::testing::Values(&accumulate_buckets));
INSTANTIATE_TEST_SUITE_P(Sequential, BucketAccumulation, ::testing::Values(&accumulate_buckets_sequential_scalar));
INSTANTIATE_TEST_SUITE_P(SequentialIfma, BucketAccumulation, ::testing::ValuesIn(ifma_accumulators()));

INSTANTIATE_TEST_SUITE_P(Windows, FixedBase, ::testing::Values(2u, 3u, 5u, 8u, 12u, 16u));

}  // namespace

namespace {

TEST(FixedBaseGroups, ManySmallMsmsMatchSeparateOnes) {
    std::mt19937_64 rng(11);
    const std::size_t groups = 40, size = 8;
    auto pts = random_points(rng, groups * size);
    for (unsigned w : {3u, 8u}) {
        FixedBaseMsm msm(pts, w);
        std::vector<Fr> sc(pts.size());
        for (auto& s : sc) s = random_fr(rng);
        sc[5] = fr_zero();
        for (std::size_t i = 8; i < 16; i++) sc[i] = fr_zero();  // a whole group of zeros: identity
        std::vector<blst_p1> out(groups);
        msm.msm_groups(sc, size, out);
        for (std::size_t g = 0; g < groups; g++) {
            const std::span<const blst_p1_affine> p(pts);
            const std::span<const Fr> s(sc);
            EXPECT_TRUE(g1_equal(out[g], naive(p.subspan(g * size, size), s.subspan(g * size, size))))
                << "w " << w << " group " << g;
        }
        EXPECT_TRUE(blst_p1_is_inf(&out[1]));
    }
}

TEST(FixedBaseGroups, RoundsOfGroups) {
    // 1024 / 64 = 16 groups per round: 40 groups take three rounds.
    std::mt19937_64 rng(12);
    const std::size_t groups = 40, size = 64;
    auto base = random_points(rng, 64);
    std::vector<blst_p1_affine> pts;
    for (std::size_t g = 0; g < groups; g++) pts.insert(pts.end(), base.begin(), base.end());
    FixedBaseMsm msm(pts, 8);
    std::vector<Fr> sc(pts.size());
    for (auto& s : sc) s = random_fr(rng);
    std::vector<blst_p1> out(groups);
    msm.msm_groups(sc, size, out);
    for (std::size_t g = 0; g < groups; g += 13) {
        const std::span<const Fr> s(sc);
        EXPECT_TRUE(g1_equal(out[g], g1_lincomb_affine(base, s.subspan(g * size, size)))) << "group " << g;
    }
}

}  // namespace
