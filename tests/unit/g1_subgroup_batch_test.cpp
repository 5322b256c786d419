// core/g1_subgroup_batch.hpp: the batched subgroup check. Points outside G1
// are built here from the cofactor's factorisation, one per prime factor, so
// that every kind of bad component is tried alone and mixed; the rounds'
// sums are checked against a plain Jacobian sum written in the test.
#include <gtest/gtest.h>

#include <vector>

#include "core/g1.hpp"
#include "core/g1_subgroup_batch.hpp"
#include "unit/unit_helpers.hpp"

namespace {

using namespace kzg::core;

// The G1 cofactor h = (x - 1)^2 / 3 = 3 * 11^2 * 10177^2 * 859267^2 * 52437899^2.
// The cofactor group H is not cyclic: its exponent is |x - 1| = 3 * 11 *
// 10177 * 859267 * 52437899, so no point has order 11^2 (and h / 11 would
// kill every point of H).
constexpr unsigned __int128 kCofactor =
    (static_cast<unsigned __int128>(0x396c8c005555e156ULL) << 64) | 0x8c00aaab0000aaabULL;
constexpr std::uint64_t kExponentH = 0xd201000000010001ULL;
constexpr std::uint64_t kCofactorPrimes[] = {3, 11, 10177, 859267, 52437899};
// r, little-endian bytes.
constexpr std::uint8_t kOrderLE[32] = {0x01, 0x00, 0x00, 0x00, 0xff, 0xff, 0xff, 0xff, 0xfe, 0x5b, 0xfe,
                                       0xff, 0x02, 0xa4, 0xbd, 0x53, 0x05, 0xd8, 0xa1, 0x09, 0x08, 0xd8,
                                       0x39, 0x33, 0x48, 0x7d, 0x9d, 0x29, 0x53, 0xa7, 0xed, 0x73};

// k * p by double-and-add with blst's complete formulas only (blst's own
// multiplication may assume the point is in G1).
blst_p1 mul_any(const blst_p1& p, const std::uint8_t* le, std::size_t bytes) {
    blst_p1 acc = g1_identity();
    for (std::size_t i = bytes; i-- > 0;)
        for (int bit = 7; bit >= 0; bit--) {
            blst_p1_double(&acc, &acc);
            if ((le[i] >> bit) & 1) blst_p1_add_or_double(&acc, &acc, &p);
        }
    return acc;
}
blst_p1 mul_u128(const blst_p1& p, unsigned __int128 k) {
    std::uint8_t le[16];
    for (auto& b : le) b = static_cast<std::uint8_t>(k), k >>= 8;
    return mul_any(p, le, 16);
}

// A random point of E(Fp), usually outside G1.
blst_p1 random_curve_point(unit::Rng& rng) {
    for (;;) {
        std::array<std::uint8_t, 48> b;
        rng.fill(b.data(), 48);
        b[0] = static_cast<std::uint8_t>(0x80 | (b[0] & 0x20) | (b[0] & 0x0f));  // compressed, x < 2^380
        blst_p1_affine a;
        if (blst_p1_uncompress(&a, b.data()) != BLST_SUCCESS) continue;
        blst_p1 p;
        blst_p1_from_affine(&p, &a);
        return p;
    }
}

// A point of order exactly `prime` (a divisor of the cofactor): r * e / prime
// times a random curve point (e the exponent of H), until that is not infinity.
blst_p1 torsion_point(unit::Rng& rng, std::uint64_t prime) {
    EXPECT_EQ(kCofactor % prime, 0u);
    EXPECT_EQ(kExponentH % prime, 0u);
    for (;;) {
        const blst_p1 h_part = mul_any(random_curve_point(rng), kOrderLE, 32);  // in H
        const blst_p1 killed = mul_u128(h_part, kExponentH);
        EXPECT_TRUE(blst_p1_is_inf(&killed));
        const blst_p1 q = mul_u128(h_part, kExponentH / prime);
        if (blst_p1_is_inf(&q)) continue;
        const blst_p1 pq = mul_u128(q, prime);
        EXPECT_TRUE(blst_p1_is_inf(&pq));
        EXPECT_FALSE(blst_p1_in_g1(&q));
        return q;
    }
}

blst_p1_affine affine(const blst_p1& p) {
    blst_p1_affine a;
    blst_p1_to_affine(&a, &p);
    return a;
}

std::vector<blst_p1_affine> g1_points(unit::Rng& rng, std::size_t n) {
    std::vector<blst_p1_affine> out;
    for (std::size_t i = 0; i < n; i++) out.push_back(affine(g1_mul(g1_generator(), unit::random_fr(rng))));
    return out;
}

// The oracle for given coefficients: every round's sum by Jacobian additions,
// each checked with blst_p1_in_g1.
bool all_rounds_in_g1(std::span<const blst_p1_affine> pts, std::span<const signed char> trits, std::size_t rounds) {
    for (std::size_t q = 0; q < rounds; q++) {
        blst_p1 acc = g1_identity();
        for (std::size_t i = 0; i < pts.size(); i++) {
            const signed char c = trits[q * pts.size() + i];
            if (c == 0) continue;
            blst_p1 p;
            blst_p1_from_affine(&p, &pts[i]);
            if (c < 0) blst_p1_cneg(&p, true);
            blst_p1_add_or_double(&acc, &acc, &p);
        }
        if (!blst_p1_in_g1(&acc)) return false;
    }
    return true;
}

TEST(G1SubgroupBatch, AcceptsPointsOfG1IncludingInfinityDuplicatesAndNegations) {
    unit::Rng rng(0x5b);
    auto pts = g1_points(rng, 300);
    pts[7] = pts[3];                                // P + P in some rounds (tangent)
    pts[8] = pts[3];
    blst_fp_cneg(&pts[8].y, &pts[8].y, true);        // P + (-P) (cancel)
    pts[20] = blst_p1_affine{};                      // infinity
    EXPECT_EQ(g1_batch_in_g1(pts), SubgroupBatch::kAllInG1);
    EXPECT_EQ(g1_batch_in_g1(std::span<const blst_p1_affine>()), SubgroupBatch::kAllInG1);
}

TEST(G1SubgroupBatch, RejectsAComponentOfEveryCofactorPrimeAloneAndMixed) {
    unit::Rng rng(0x5c);
    const auto good = g1_points(rng, 256);
    std::vector<blst_p1> torsion;
    for (std::uint64_t p : kCofactorPrimes) torsion.push_back(torsion_point(rng, p));
    // Alone: one bad point (a G1 point plus a torsion point) anywhere in the batch.
    for (std::size_t t = 0; t < torsion.size(); t++) {
        for (std::size_t at : {std::size_t{0}, std::size_t{97}, good.size() - 1}) {
            auto pts = good;
            blst_p1 bad;
            blst_p1_from_affine(&bad, &pts[at]);
            blst_p1_add_or_double(&bad, &bad, &torsion[t]);
            pts[at] = affine(bad);
            ASSERT_FALSE(blst_p1_affine_in_g1(&pts[at]));
            EXPECT_EQ(g1_batch_in_g1(pts), SubgroupBatch::kNotAllInG1) << "prime " << kCofactorPrimes[t] << " at " << at;
            // The pure torsion point itself.
            pts[at] = affine(torsion[t]);
            EXPECT_EQ(g1_batch_in_g1(pts), SubgroupBatch::kNotAllInG1) << "torsion " << kCofactorPrimes[t];
        }
    }
    // Mixed: one bad point per prime, and a point carrying all five components
    // at once, and random curve points (components of everything at once).
    auto pts = good;
    blst_p1 all = g1_identity();
    for (std::size_t t = 0; t < torsion.size(); t++) {
        pts[10 + 40 * t] = affine(torsion[t]);
        blst_p1_add_or_double(&all, &all, &torsion[t]);
    }
    EXPECT_EQ(g1_batch_in_g1(pts), SubgroupBatch::kNotAllInG1);
    pts = good;
    pts[5] = affine(all);
    EXPECT_EQ(g1_batch_in_g1(pts), SubgroupBatch::kNotAllInG1);
    // Two bad points whose components cancel in a sum with equal signs
    // (Q and -Q): the rounds where their coefficients differ catch them.
    pts = good;
    pts[1] = affine(torsion[0]);
    pts[2] = affine(torsion[0]);
    blst_fp_cneg(&pts[2].y, &pts[2].y, true);
    EXPECT_EQ(g1_batch_in_g1(pts), SubgroupBatch::kNotAllInG1);
    for (int k = 0; k < 3; k++) {
        pts = good;
        pts[rng.below(pts.size())] = affine(random_curve_point(rng));
        EXPECT_EQ(g1_batch_in_g1(pts), SubgroupBatch::kNotAllInG1);
    }
}

// The tree of affine additions against the Jacobian oracle, for chosen
// coefficients (including rounds whose bad terms cancel, which must pass).
TEST(G1SubgroupBatch, RoundSumsMatchAJacobianOracle) {
    unit::Rng rng(0x5d);
    auto pts = g1_points(rng, 40);
    pts[4] = pts[2];
    pts[6] = pts[2];
    blst_fp_cneg(&pts[6].y, &pts[6].y, true);
    pts[9] = blst_p1_affine{};
    // Points are summed in threes (after dropping infinity: 0-2, 3-5, 6-8,
    // 10-12, 13-15, ...): a + b = 0 in the first, a - b = 0 and a + b + c = 0
    // in the fifth.
    pts[1] = pts[0];
    blst_fp_cneg(&pts[1].y, &pts[1].y, true);
    pts[14] = pts[13];
    {
        blst_p1 twice;
        blst_p1_from_affine(&twice, &pts[13]);
        blst_p1_double(&twice, &twice);
        blst_p1_cneg(&twice, true);
        pts[15] = affine(twice);
    }
    const blst_p1 q = torsion_point(rng, 11);
    pts[11] = affine(q);
    pts[12] = affine(q);
    for (int trial = 0; trial < 60; trial++) {
        const std::size_t rounds = 1 + rng.below(12);
        std::vector<signed char> trits(rounds * pts.size());
        for (auto& c : trits) c = static_cast<signed char>(int(rng.below(3)) - 1);
        if (trial % 3 == 0) {  // bad terms that cancel: c_12 = -c_11 in every round
            for (std::size_t r = 0; r < rounds; r++) {
                signed char* c = &trits[r * pts.size()];
                c[12] = static_cast<signed char>(-c[11]);
            }
        }
        const bool expect = all_rounds_in_g1(pts, trits, rounds);
        const auto got = g1_batch_in_g1_with(pts, trits, rounds);
        EXPECT_EQ(got, expect ? SubgroupBatch::kAllInG1 : SubgroupBatch::kNotAllInG1) << "trial " << trial;
        if (trial % 3 == 0) {
            EXPECT_TRUE(expect);
        }
    }
    // Every point carries k_i times one torsion point Q of order 11: a single
    // round's sum is in G1 exactly when sum c_i k_i = 0 (mod 11), about one
    // round in 11, so the verdict checks every term's sign and table entry.
    std::vector<int> k(pts.size());
    for (std::size_t i = 0; i < pts.size(); i++) {
        if (i == 9) continue;  // infinity stays
        k[i] = static_cast<int>(rng.below(11));
        blst_p1 p;
        const int already = (i == 11 || i == 12) ? 1 : 0;  // those two are Q itself
        blst_p1_from_affine(&p, &pts[i]);
        const blst_p1 kq = mul_u128(q, static_cast<unsigned>(k[i]));
        blst_p1_add_or_double(&p, &p, &kq);
        pts[i] = affine(p);
        k[i] += already;
    }
    pts[31] = pts[32];  // equal points within a triple (points 31-33)
    k[31] = k[32];
    int in_g1 = 0;
    for (int trial = 0; trial < 400; trial++) {
        std::vector<signed char> trits(pts.size());
        int sum = 0;
        for (std::size_t i = 0; i < pts.size(); i++) {
            trits[i] = static_cast<signed char>(int(rng.below(3)) - 1);
            sum += trits[i] * k[i];
        }
        const bool expect = sum % 11 == 0;
        ASSERT_EQ(all_rounds_in_g1(pts, trits, 1), expect) << "trial " << trial;
        EXPECT_EQ(g1_batch_in_g1_with(pts, trits, 1), expect ? SubgroupBatch::kAllInG1 : SubgroupBatch::kNotAllInG1)
            << "trial " << trial;
        in_g1 += expect;
    }
    EXPECT_GT(in_g1, 10);  // both verdicts were tried
    // Too few coefficients for the rounds asked for: no verdict.
    std::vector<signed char> few(pts.size());
    EXPECT_EQ(g1_batch_in_g1_with(pts, few, 2), SubgroupBatch::kNoRandomness);
}

TEST(G1SubgroupBatch, RoundsSplitAcrossThreadsAgree) {
    unit::Rng rng(0x5e);
    auto pts = g1_points(rng, 200);
    const ParallelFor four = [](std::size_t n, const std::function<void(std::size_t, std::size_t)>& f) {
        parallel_for(n, 4, f);
    };
    EXPECT_EQ(g1_batch_in_g1(pts, four), SubgroupBatch::kAllInG1);
    pts[150] = affine(torsion_point(rng, 3));
    EXPECT_EQ(g1_batch_in_g1(pts, four), SubgroupBatch::kNotAllInG1);
}

TEST(G1SubgroupBatch, OsTritsAreUniformOverMinusOneZeroOne) {
    std::vector<signed char> trits(300000);
    ASSERT_TRUE(os_random_trits(trits));
    std::size_t count[3] = {};
    for (signed char c : trits) {
        ASSERT_GE(c, -1);
        ASSERT_LE(c, 1);
        count[c + 1]++;
    }
    // Each value 1/3 of the draws: 100000 +- 1.5% (5.8 standard deviations).
    for (std::size_t c : count) {
        EXPECT_GT(c, 98500u);
        EXPECT_LT(c, 101500u);
    }
    // Two draws differ (the OS, not a constant).
    std::vector<signed char> again(trits.size());
    ASSERT_TRUE(os_random_trits(again));
    EXPECT_NE(trits, again);
}

}  // namespace
