// core/g1.hpp: decoding, linear combinations, pairings.
#include <algorithm>
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "core/g1.hpp"
#include "core/g1_generator_table.hpp"
#include "core/g1_mul_batch.hpp"
#include "core/miller_loop.hpp"
#include "unit/unit_helpers.hpp"

namespace {

using namespace kzg::core;

blst_p1 naive_sum(std::span<const blst_p1> points, std::span<const Fr> scalars) {
    blst_p1 acc = g1_identity();
    for (std::size_t i = 0; i < points.size(); i++) acc = g1_add(acc, g1_mul(points[i], scalars[i]));
    return acc;
}

blst_p1 random_point(unit::Rng& rng) { return g1_mul(g1_generator(), unit::random_fr(rng)); }

std::string show(const blst_p1& p) {
    std::uint8_t b[48];
    blst_p1_compress(b, &p);
    return unit::hex(std::span<const std::uint8_t>(b, 48));
}

// ---- decoding ------------------------------------------------------------------------------------

TEST(G1Decode, Statuses) {
    std::uint8_t gen[48];
    blst_p1_compress(gen, &g1_generator());
    blst_p1 p;
    blst_p1_affine a;
    ASSERT_EQ(g1_decode(p, gen), PointStatus::kOk);
    EXPECT_TRUE(g1_equal(p, g1_generator()));
    ASSERT_EQ(g1_decode_affine(a, gen), PointStatus::kOk);

    std::uint8_t inf[48] = {0xc0};
    ASSERT_EQ(g1_decode(p, inf), PointStatus::kOk);
    EXPECT_TRUE(blst_p1_is_inf(&p));
    ASSERT_EQ(g1_decode_affine(a, inf), PointStatus::kOk);
    EXPECT_TRUE(blst_p1_affine_is_inf(&a));

    // The infinity flag with any other bit set.
    for (int variant = 0; variant < 4; variant++) {
        std::uint8_t b[48] = {0xc0};
        if (variant == 0) b[47] = 1;
        if (variant == 1) b[0] = 0xc1;
        if (variant == 2) b[0] = 0xe0;
        if (variant == 3) b[0] = 0x40;  // without the compression flag
        EXPECT_EQ(g1_decode(p, b), PointStatus::kBadEncoding) << variant;
        EXPECT_EQ(g1_decode_affine(a, b), PointStatus::kBadEncoding) << variant;
    }
    std::uint8_t zero[48] = {};
    EXPECT_EQ(g1_decode(p, zero), PointStatus::kBadEncoding);
    gen[0] &= 0x7f;  // uncompressed flag on a 48-byte input
    EXPECT_EQ(g1_decode(p, gen), PointStatus::kBadEncoding);

    const auto off = unit::g1_off_curve();
    EXPECT_EQ(g1_decode(p, off.data()), PointStatus::kBadEncoding);
    EXPECT_EQ(g1_decode_affine(a, off.data()), PointStatus::kBadEncoding);
    const auto ns = unit::g1_not_in_subgroup();
    EXPECT_EQ(g1_decode(p, ns.data()), PointStatus::kNotInSubgroup);
    EXPECT_EQ(g1_decode_affine(a, ns.data()), PointStatus::kNotInSubgroup);

    EXPECT_STRNE(point_status_text(PointStatus::kBadEncoding), point_status_text(PointStatus::kNotInSubgroup));
}

TEST(G1Decode, RandomPointsRoundTrip) {
    unit::Rng rng(31);
    for (int i = 0; i < 50; i++) {
        const blst_p1 p = random_point(rng);
        std::uint8_t b[48];
        g1_encode(b, p);
        blst_p1 q;
        ASSERT_EQ(g1_decode(q, b), PointStatus::kOk);
        ASSERT_TRUE(g1_equal(p, q));
        b[0] ^= 0x20;  // the sort flag: -p
        ASSERT_EQ(g1_decode(q, b), PointStatus::kOk);
        ASSERT_TRUE(blst_p1_is_inf(&(q = g1_add(p, q))));
    }
}

// g1_encode_all against g1_encode, point by point: the identity first, last,
// in the middle, alone, and every point; none; projective inputs (Z != 1).
TEST(G1EncodeAll, MatchesOneByOne) {
    unit::Rng rng(37);
    const std::vector<std::vector<bool>> layouts = {
        {}, {true}, {false}, {true, false, false}, {false, false, true}, {false, true, false, true, false},
        {true, true, true}, std::vector<bool>(40, false)};
    for (const auto& inf : layouts) {
        std::vector<blst_p1> pts;
        for (bool i : inf) pts.push_back(i ? g1_identity() : g1_add(random_point(rng), random_point(rng)));
        std::vector<std::uint8_t> all(48 * pts.size() + 1, 0x5a);  // one guard byte
        g1_encode_all(all.data(), pts);
        for (std::size_t k = 0; k < pts.size(); k++) {
            std::uint8_t one[48];
            g1_encode(one, pts[k]);
            EXPECT_TRUE(std::equal(one, one + 48, all.begin() + 48 * static_cast<std::ptrdiff_t>(k)))
                << "point " << k << " of " << pts.size();
        }
        EXPECT_EQ(all.back(), 0x5a) << "wrote past the last point";
    }
}

TEST(G2Decode, Statuses) {
    std::uint8_t gen[96];
    blst_p2_compress(gen, &g2_generator());
    blst_p2_affine a;
    EXPECT_EQ(g2_decode(a, gen), PointStatus::kOk);
    gen[95] ^= 1;
    EXPECT_NE(g2_decode(a, gen), PointStatus::kOk);
    std::uint8_t zero[96] = {};
    EXPECT_EQ(g2_decode(a, zero), PointStatus::kBadEncoding);
}

// ---- linear combinations ---------------------------------------------------------------------------

struct Case {
    std::vector<blst_p1> points;
    std::vector<Fr> scalars;
};

// Random terms with the awkward ones mixed in: infinities, zero scalars, P
// with -P, repeated points, and scalars 1 and -1.
Case awkward_case(unit::Rng& rng, std::size_t n) {
    Case c;
    for (std::size_t i = 0; i < n; i++) {
        c.points.push_back(random_point(rng));
        c.scalars.push_back(unit::random_fr(rng));
    }
    if (n == 0) return c;
    for (std::size_t k = 0; k < n; k++) {
        const std::size_t i = rng.below(n);
        const std::size_t j = rng.below(n);
        switch (rng.below(6)) {
            case 0: c.points[i] = g1_identity(); break;
            case 1: c.scalars[i] = fr_zero(); break;
            case 2: c.points[i] = c.points[j]; blst_p1_cneg(&c.points[i], true); break;   // -P
            case 3: c.points[i] = c.points[j]; break;                                  // repeated
            case 4: c.points[i] = c.points[j]; c.scalars[i] = c.scalars[j]; break;     // repeated term
            case 5: c.scalars[i] = rng.below(2) ? fr_one() : fr_neg(fr_one()); break;
        }
    }
    return c;
}

TEST(G1Lincomb, MatchesNaiveSum) {
    unit::Rng rng(32);
    for (std::size_t n : {0u, 1u, 2u, 3u, 7u, 8u, 9u, 16u, 33u, 64u, 130u}) {
        for (int rep = 0; rep < 4; rep++) {
            const Case c = awkward_case(rng, n);
            const blst_p1 got = g1_lincomb(c.points, c.scalars);
            const blst_p1 want = naive_sum(c.points, c.scalars);
            ASSERT_TRUE(g1_equal(got, want)) << "n " << n << " rep " << rep << ": " << show(got) << " vs " << show(want);
        }
    }
}

TEST(G1Lincomb, SpecialLists) {
    unit::Rng rng(33);
    for (std::size_t n : {1u, 8u, 20u}) {
        // All points at infinity.
        std::vector<blst_p1> pts(n, g1_identity());
        std::vector<Fr> sc(n);
        for (auto& s : sc) s = unit::random_fr(rng);
        EXPECT_TRUE(blst_p1_is_inf(&(pts[0] = g1_lincomb(pts, sc)))) << n;
        // All scalars zero.
        for (auto& p : pts) p = random_point(rng);
        std::vector<Fr> zeros(n, fr_zero());
        blst_p1 r = g1_lincomb(pts, zeros);
        EXPECT_TRUE(blst_p1_is_inf(&r)) << n;
        // P and -P with the same scalar cancel; the same point n times sums.
        const blst_p1 p = random_point(rng);
        blst_p1 neg = p;
        blst_p1_cneg(&neg, true);
        std::vector<blst_p1> pm;
        std::vector<Fr> s2;
        for (std::size_t i = 0; i < n; i++) {
            pm.push_back(i % 2 ? neg : p);
            s2.push_back(fr_from_u64(7));
        }
        r = g1_lincomb(pm, s2);
        const blst_p1 expect = (n % 2) ? g1_mul(p, fr_from_u64(7)) : g1_identity();
        EXPECT_TRUE(g1_equal(r, expect)) << n;
        std::vector<blst_p1> same(n, p);
        std::vector<Fr> ones(n, fr_one());
        EXPECT_TRUE(g1_equal(g1_lincomb(same, ones), g1_mul(p, fr_from_u64(n)))) << n;
    }
    std::vector<blst_p1> none;
    std::vector<Fr> no_scalars;
    blst_p1 r = g1_lincomb(none, no_scalars);
    EXPECT_TRUE(blst_p1_is_inf(&r));
}

TEST(G1LincombAffine, MatchesNaiveSum) {
    unit::Rng rng(34);
    for (std::size_t n : {1u, 2u, 7u, 8u, 9u, 33u, 100u}) {
        for (int rep = 0; rep < 3; rep++) {
            Case c = awkward_case(rng, n);
            // Affine bases are never infinity (trusted-setup points).
            for (auto& p : c.points)
                if (blst_p1_is_inf(&p)) p = random_point(rng);
            std::vector<blst_p1_affine> aff(n);
            for (std::size_t i = 0; i < n; i++) blst_p1_to_affine(&aff[i], &c.points[i]);
            const blst_p1 got = g1_lincomb_affine(aff, c.scalars);
            const blst_p1 want = naive_sum(c.points, c.scalars);
            ASSERT_TRUE(g1_equal(got, want)) << "n " << n << " rep " << rep;
        }
    }
}

// ---- scalar multiplication and pairings -------------------------------------------------------------

TEST(G1, MulAddSub) {
    unit::Rng rng(35);
    const blst_p1 p = random_point(rng);
    EXPECT_TRUE(blst_p1_is_inf(&g1_identity()));
    blst_p1 r = g1_mul(p, fr_zero());
    EXPECT_TRUE(blst_p1_is_inf(&r));
    EXPECT_TRUE(g1_equal(g1_mul(p, fr_one()), p));
    EXPECT_TRUE(g1_equal(g1_add(p, p), g1_mul(p, fr_from_u64(2))));
    r = g1_sub(p, p);
    EXPECT_TRUE(blst_p1_is_inf(&r));
    EXPECT_TRUE(g1_equal(g1_add(p, g1_identity()), p));
    const Fr a = unit::random_fr(rng), b = unit::random_fr(rng);
    EXPECT_TRUE(g1_equal(g1_add(g1_mul(p, a), g1_mul(p, b)), g1_mul(p, fr_add(a, b))));
    EXPECT_TRUE(g1_equal(g1_mul(g1_mul(p, a), b), g1_mul(p, fr_mul(a, b))));
}

// ---- batched scalar multiplication ---------------------------------------------------------------

// The 128-bit GLV constant lambda = z^2 - 1 as a field element, plus delta.
Fr lambda_plus(std::int64_t delta) {
    const std::uint64_t limbs[4] = {0x00000000ffffffffull, 0xac45a4010001a402ull, 0, 0};
    Fr l;
    blst_fr_from_uint64(&l, limbs);
    return delta >= 0 ? fr_add(l, fr_from_u64(static_cast<std::uint64_t>(delta)))
                      : fr_sub(l, fr_from_u64(static_cast<std::uint64_t>(-delta)));
}

void expect_batch_matches(std::vector<blst_p1> points, const std::vector<Fr>& scalars) {
    std::vector<blst_p1> want(points.size());
    for (std::size_t i = 0; i < points.size(); i++) want[i] = g1_mul(points[i], scalars[i]);
    g1_mul_batch(points, scalars);
    for (std::size_t i = 0; i < points.size(); i++) EXPECT_TRUE(g1_equal(points[i], want[i])) << "entry " << i;
}

// With IFMA, calls of up to 40 points run on the lanes (g1_mul_ifma.cpp) and
// larger ones in affine lockstep: sizes on both sides of that line, and of
// the lanes' groups of eight.
TEST(G1MulBatch, RandomPointsAndScalars) {
    unit::Rng rng(0x61f0u);
    for (std::size_t n : {1u, 5u, 8u, 9u, 17u, 40u, 41u, 64u}) {
        std::vector<blst_p1> pts(n);
        std::vector<Fr> sc(n);
        for (std::size_t i = 0; i < n; i++) {
            pts[i] = random_point(rng);
            sc[i] = unit::random_fr(rng);
        }
        expect_batch_matches(pts, sc);
    }
}

TEST(G1MulBatch, EdgeScalarsAndPoints) {
    unit::Rng rng(0x61f1u);
    const blst_p1 p = random_point(rng);
    const Fr minus_one = fr_neg(fr_one());
    std::vector<Fr> sc = {fr_zero(),          fr_one(),          minus_one,        fr_from_u64(2),
                          fr_from_u64(16),    fr_from_u64(17),   fr_from_u64(31),  fr_from_u64(32),
                          fr_from_u64(33),    lambda_plus(0),    lambda_plus(1),   lambda_plus(-1),
                          fr_neg(lambda_plus(0)), fr_neg(lambda_plus(1)), fr_mul(lambda_plus(0), lambda_plus(0)),
                          fr_from_u64(~0ull), unit::random_fr(rng)};
    // 2^128 and 2^128 - 1: k1 and k2 at their widest.
    const std::uint64_t two128[4] = {0, 0, 1, 0}, two128m1[4] = {~0ull, ~0ull, 0, 0};
    Fr a, b;
    blst_fr_from_uint64(&a, two128);
    blst_fr_from_uint64(&b, two128m1);
    sc.push_back(a);
    sc.push_back(b);
    // The same point under every scalar, the identity, and P, -P, 2P side by side.
    std::vector<blst_p1> pts(sc.size(), p);
    pts[5] = g1_identity();
    blst_p1 neg = p;
    blst_p1_cneg(&neg, true);
    pts[6] = neg;
    pts[7] = g1_add(p, p);
    expect_batch_matches(pts, sc);
    // The same cases three times over: 57 points, past the lanes' 40.
    std::vector<blst_p1> pts3;
    std::vector<Fr> sc3;
    for (int k = 0; k < 3; k++) {
        pts3.insert(pts3.end(), pts.begin(), pts.end());
        sc3.insert(sc3.end(), sc.begin(), sc.end());
    }
    expect_batch_matches(pts3, sc3);
    // Everything trivial: nothing to multiply.
    std::vector<blst_p1> ids(3, g1_identity());
    expect_batch_matches(ids, {fr_one(), minus_one, fr_zero()});
    expect_batch_matches({p, p}, {fr_zero(), fr_zero()});
}

TEST(Pairing, Bilinear) {
    unit::Rng rng(36);
    const Fr a = unit::random_fr(rng), b = unit::random_fr(rng);
    const blst_p1 a1 = g1_mul(g1_generator(), a);
    const blst_p2 b2 = g2_mul(g2_generator(), b);
    const blst_p1 ab1 = g1_mul(g1_generator(), fr_mul(a, b));
    EXPECT_TRUE(pairings_verify(a1, b2, ab1, g2_generator()));
    EXPECT_FALSE(pairings_verify(a1, b2, g1_add(ab1, g1_generator()), g2_generator()));
    EXPECT_FALSE(pairings_verify(a1, b2, a1, g2_generator()));
    // Infinity on both sides.
    EXPECT_TRUE(pairings_verify(g1_identity(), b2, g1_identity(), g2_generator()));
}

}  // namespace

// ---- one Miller loop over several prepared pairs -------------------------------------------

namespace miller {

blst_p1_affine affine(const blst_p1& p) {
    blst_p1_affine a;
    blst_p1_to_affine(&a, &p);
    return a;
}

}  // namespace miller

// The shared loop against the product of blst's own single-pair loops, before
// the final exponentiation: the same Fp12 element, for one to three pairs.
TEST(MillerLoopLinesN, EqualsTheProductOfSinglePairLoops) {
    unit::Rng rng(37);
    std::vector<std::unique_ptr<G2Prepared>> prepared;
    for (int i = 0; i < 3; i++) {
        blst_p2_affine q;
        const blst_p2 qp = g2_mul(g2_generator(), unit::random_fr(rng));
        blst_p2_to_affine(&q, &qp);
        prepared.push_back(std::make_unique<G2Prepared>(q));
    }
    for (std::size_t n = 1; n <= 3; n++) {
        for (int round = 0; round < 3; round++) {
            std::vector<blst_p1_affine> ps;
            std::vector<const blst_fp6*> lines;
            blst_fp12 want;
            for (std::size_t i = 0; i < n; i++) {
                ps.push_back(miller::affine(g1_mul(g1_generator(), unit::random_fr(rng))));
                lines.push_back(prepared[i]->lines);
                blst_fp12 one;
                blst_miller_loop_lines(&one, prepared[i]->lines, &ps.back());
                if (i == 0) want = one;
                else blst_fp12_mul(&want, &want, &one);
            }
            blst_fp12 got;
            miller_loop_lines_n(got, lines, ps);
            ASSERT_TRUE(blst_fp12_is_equal(&got, &want)) << n << " pairs, round " << round;
        }
    }
}

// pairings_verify on prepared points: true exactly when the pairings agree,
// with the identity on either side.
TEST(Pairing, PreparedBilinear) {
    unit::Rng rng(38);
    const Fr a = unit::random_fr(rng), b = unit::random_fr(rng);
    blst_p2_affine b2a, g2a;
    const blst_p2 b2 = g2_mul(g2_generator(), b);
    blst_p2_to_affine(&b2a, &b2);
    blst_p2_to_affine(&g2a, &g2_generator());
    const G2Prepared pb(b2a), pg(g2a);
    const blst_p1 a1 = g1_mul(g1_generator(), a);
    const blst_p1 ab1 = g1_mul(g1_generator(), fr_mul(a, b));
    EXPECT_TRUE(pairings_verify(a1, pb, ab1, pg));
    EXPECT_FALSE(pairings_verify(a1, pb, g1_add(ab1, g1_generator()), pg));
    EXPECT_FALSE(pairings_verify(a1, pb, a1, pg));
    EXPECT_FALSE(pairings_verify(ab1, pb, a1, pg));
    EXPECT_TRUE(pairings_verify(g1_identity(), pb, g1_identity(), pg));
    EXPECT_FALSE(pairings_verify(g1_identity(), pb, a1, pg));
    EXPECT_FALSE(pairings_verify(a1, pb, g1_identity(), pg));
    // Agrees with the unprepared form on random pairs.
    for (int i = 0; i < 4; i++) {
        // e(x, G2) == e(y, [b]G2) exactly when x = [b]y.
        const blst_p1 y = g1_mul(g1_generator(), unit::random_fr(rng));
        const blst_p1 x = i % 2 ? g1_mul(y, b) : g1_mul(g1_generator(), unit::random_fr(rng));
        EXPECT_EQ(pairings_verify(x, pg, y, pb), pairings_verify(x, g2_generator(), y, b2)) << i;
        EXPECT_EQ(pairings_verify(x, pg, y, pb), i % 2 == 1) << i;
    }
}

// ---- [s]G1 from the generator table ---------------------------------------------------------

// Against blst_p1_mult on scalars whose signed digits hit every case: zero,
// small, each digit at its extremes (16 and 17 force the carry), the top of
// the range, and random ones.
TEST(G1GeneratorTable, MatchesTheVariableBaseMultiplication) {
    const G1GeneratorTable table;
    auto check = [&](const Fr& s, const std::string& what) {
        ASSERT_TRUE(g1_equal(table.mul(s), g1_mul(g1_generator(), s))) << what;
    };
    for (std::uint64_t v : {0ull, 1ull, 2ull, 15ull, 16ull, 17ull, 31ull, 32ull, 33ull, 0x10842ull, 0xffffffffull,
                            0x8421084210842108ull, ~0ull})
        check(fr_from_u64(v), "small " + std::to_string(v));
    const Fr minus_one = fr_neg(fr_one());
    check(minus_one, "r - 1");
    check(fr_neg(fr_from_u64(16)), "r - 16");
    // Every window's digit at 16 (no carry) and at 17 (carry into the next).
    for (std::uint64_t d : {16ull, 17ull}) {
        Fr s = fr_zero();
        const Fr base = fr_from_u64(32);
        for (unsigned k = 0; k < 51; k++) s = fr_add(fr_mul(s, base), fr_from_u64(d));
        check(s, "all digits " + std::to_string(d));
    }
    unit::Rng rng(39);
    for (int i = 0; i < 200; i++) check(unit::random_fr(rng), "random " + std::to_string(i));
}
