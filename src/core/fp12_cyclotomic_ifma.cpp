// Runs of Granger-Scott squarings in the cyclotomic subgroup of Fp12 on
// AVX-512 IFMA lanes (issue #16): the final exponentiation spends three
// quarters of its time in 315 such squarings, each 18 independent base-field
// products that blst does one at a time.
//
// blst's formula (fp12_tower.c, cyclotomic_sqr_fp12) pairs the six Fp2
// coordinates a[i][j] of fp6[i].fp2[j] into three Fp4 values
//   Q0 = (a00, a11), Q1 = (a10, a02), Q2 = (a01, a12),
// squares each, (x, y)^2 = (t0, t1) = (x^2 + xi y^2, 2xy), and writes
//   Q0' = (3 t0(Q0) - 2 a00, 3 t1(Q0) + 2 a11)
//   Q2' = (3 t0(Q1) - 2 a01, 3 t1(Q1) + 2 a12)
//   Q1' = (3 xi t1(Q2) + 2 a10, 3 t0(Q2) - 2 a02).
// Here each Q is one vector whose lanes 0-3 hold x0, x1, y0, y1 (lanes 4-7
// zero). Its six products (u0 + u1)(u0 - u1) and u0 u1 for u = x, y, x + y
// run in lanes 0-5 of one Montgomery product; the rest is lane arithmetic.
//
// Values are kept as non-canonical representatives with bounds (in units of
// p) checked below, and brought back under 1.01p after each squaring by one
// quotient estimate from the top limb; canonical values come out at the end.
#include <immintrin.h>

#include "core/fp_ifma.hpp"
#include "core/fp_ifma_lanes.hpp"

namespace kzg::core {

namespace {

using namespace ifma;

using Idx = std::uint64_t[8];

KZG_IFMA inline F8 perm(const F8& a, const Idx& idx, __mmask8 keep) {
    const __m512i i = _mm512_loadu_si512(idx);
    F8 r;
    for (int j = 0; j < 8; j++) r.v[j] = _mm512_maskz_permutexvar_epi64(keep, i, a.v[j]);
    return r;
}

// Limb-wise, without carries: limbs may leave [0, 2^52) and turn negative;
// propagate() (or reduce()) normalizes once the value is known not negative.
KZG_IFMA inline F8 lazy_add(const F8& a, const F8& b) {
    F8 r;
    for (int j = 0; j < 8; j++) r.v[j] = _mm512_add_epi64(a.v[j], b.v[j]);
    return r;
}
KZG_IFMA inline F8 lazy_sub(const F8& a, const F8& b) {
    F8 r;
    for (int j = 0; j < 8; j++) r.v[j] = _mm512_sub_epi64(a.v[j], b.v[j]);
    return r;
}
// a + b in the lanes of `add`, a - b in those of `sub`, a elsewhere.
KZG_IFMA inline F8 lazy_add_sub(const F8& a, const F8& b, __mmask8 add, __mmask8 sub) {
    F8 r;
    for (int j = 0; j < 8; j++)
        r.v[j] = _mm512_mask_sub_epi64(_mm512_mask_add_epi64(a.v[j], add, a.v[j], b.v[j]), sub, a.v[j], b.v[j]);
    return r;
}
KZG_IFMA inline F8 normalized(F8 a) {
    propagate(a);
    return a;
}

// c_l * p in lane l (c_l < 2^20), limbs not normalized (each below 2^53).
KZG_IFMA inline F8 times_p(__m512i c) {
    const __m512i zero = _mm512_setzero_si512();
    F8 r;
    __m512i hi_prev = zero;
    for (int j = 0; j < 8; j++) {
        const __m512i pj = bcast(kC.p[j]);
        r.v[j] = _mm512_add_epi64(_mm512_madd52lo_epu64(zero, c, pj), hi_prev);
        hi_prev = _mm512_madd52hi_epu64(zero, c, pj);
    }
    return r;  // hi_prev of the top limb is 0: c p < 2^401 fits in 8 limbs
}

KZG_IFMA F8 p_times(const Idx& c) { return times_p(_mm512_loadu_si512(c)); }

// floor(2^42 / (floor(p / 2^364) + 1)): k = floor(top * kQuot / 2^42) for the
// top limb `top` of v (bits 364 and up) never exceeds floor(v / p), and for
// v < 2^390 falls short of v / p by less than 1.003, so v - k p < 1.01p.
// top < 2^26 and kQuot < 2^26, so the product is exact in 52 bits.
constexpr std::uint64_t kQuot = 41290783;

// v (not negative, below 2^390, limbs as lazily left) to a representative
// below 1.01p, normalized.
KZG_IFMA inline F8 reduce(F8 v) {
    propagate(v);
    const __m512i k = shr(_mm512_madd52lo_epu64(_mm512_setzero_si512(), v.v[7], bcast(kQuot)), 42);
    return normalized(lazy_sub(v, times_p(k)));
}

struct Offsets {
    F8 in_sub;   // 4p in lanes 0-2: (u0 - u1) + 4p
    F8 t;        // [6p, 0, 16p, 12p]: keeps t0, t1 non-negative
    F8 g;        // [4p, 4p, 0, 0]: 3T + (4p - 2a.x, 2a.y)
    F8 g_xi;     // [0, 0, 4p, 4p]: 3V + (2a.x, 4p - 2a.y)
    F8 v;        // [24p, 0, 0, 0]: t1_0 - t1_1 + 24p
};

KZG_IFMA Offsets make_offsets() {
    static constexpr Idx in_sub = {4, 4, 4, 0, 0, 0, 0, 0}, t = {6, 0, 16, 12, 0, 0, 0, 0},
                         g = {4, 4, 0, 0, 0, 0, 0, 0}, g_xi = {0, 0, 4, 4, 0, 0, 0, 0},
                         v = {24, 0, 0, 0, 0, 0, 0, 0};
    return {p_times(in_sub), p_times(t), p_times(g), p_times(g_xi), p_times(v)};
}

// One squaring. Bounds, state below 2p (1.01p after reduce(), p when loaded):
//   products' inputs: (u0 + u1) < 8p, (u0 - u1 + 4p) < 8p, u0, u1 < 4p, so
//   m1 = (u0 + u1)(u0 - u1 + 4p) R^-1 < 64p^2 / 2^384 + p < 7.5p and
//   m2 = u0 u1 R^-1 < 2.7p (2^384 > 9.8p);
//   t lanes [t0_0, t0_1, t1_0, t1_1] from M = [m1x, m1y, m1s, m2x, m2y, m2s]:
//     t0_0 = M0 + M1 - 2 M4 + 6p, t0_1 = 2 M3 + M1 + 2 M4,
//     t1_0 = M2 - M0 - M1 + 16p, t1_1 = 2 M5 - 2 M3 - 2 M4 + 12p,
//   each in (0, 24p); outputs 3T + D < 76p and 3V + D < 148p, below 2^390.
KZG_IFMA void cyclotomic_sqr_lanes(F8 (&q)[3], const Offsets& o) {
    static constexpr Idx e1 = {0, 1, 2, 3, 0, 1, 0, 0}, e2 = {0, 0, 0, 0, 2, 3, 0, 0};
    static constexpr Idx u_of = {0, 2, 4, 0, 2, 4, 0, 0}, w_of = {1, 3, 5, 1, 3, 5, 0, 0};
    static constexpr Idx a_of = {0, 3, 2, 5, 0, 0, 0, 0}, b_of = {1, 1, 0, 3, 0, 0, 0, 0},
                         c_of = {4, 4, 1, 4, 0, 0, 0, 0};
    static constexpr Idx v1_of = {2, 2, 0, 1, 0, 0, 0, 0}, v2_of = {3, 3, 0, 0, 0, 0, 0, 0};

    F8 l[3], r[3], m[3];
    for (int k = 0; k < 3; k++) {
        // e = [x0, x1, y0, y1, x0 + y0, x1 + y1, 0, 0]
        const F8 e = lazy_add(perm(q[k], e1, 0x3f), perm(q[k], e2, 0x30));
        const F8 u = perm(e, u_of, 0x3f), w = perm(e, w_of, 0x3f);
        l[k] = normalized(lazy_add_sub(u, w, 0x07, 0));
        F8 d = lazy_add(lazy_sub(u, w), o.in_sub);
        for (int j = 0; j < 8; j++) d.v[j] = _mm512_mask_blend_epi64(0x07, w.v[j], d.v[j]);
        r[k] = normalized(d);
    }
    mont_mul_n<3>(m, l, r);
    F8 t[3];
    for (int k = 0; k < 3; k++) {
        // T = A (coefficients 1, 2, 1, 2) + B (1, 1, -1, -2) + C (-2, 2, -1, -2) + offsets
        F8 a = perm(m[k], a_of, 0x0f);
        a = lazy_add_sub(a, a, 0x0a, 0);
        F8 b = perm(m[k], b_of, 0x0f);
        const F8 b2 = lazy_add_sub(b, b, 0x08, 0);
        F8 c = perm(m[k], c_of, 0x0f);
        const F8 c2 = lazy_add_sub(c, c, 0x0b, 0);
        F8 s = lazy_add(a, o.t);
        s = lazy_add_sub(s, b2, 0x03, 0x0c);
        t[k] = lazy_add_sub(s, c2, 0x02, 0x0d);
    }
    auto twice = [](const F8& a) { return lazy_add(a, a); };
    auto thrice = [](const F8& a) { return lazy_add(lazy_add(a, a), a); };
    // Q0' = 3 T(Q0) + (4p - 2 a00, 2 a11), Q2' = 3 T(Q1) + (4p - 2 a01, 2 a12)
    const F8 q0 = reduce(lazy_add(thrice(t[0]), lazy_add_sub(o.g, twice(q[0]), 0x0c, 0x03)));
    const F8 q2 = reduce(lazy_add(thrice(t[1]), lazy_add_sub(o.g, twice(q[2]), 0x0c, 0x03)));
    // Q1' = 3 V + (2 a10, 4p - 2 a02), V = (xi t1, t0) of Q2:
    //   V = [t1_0 - t1_1 + 24p, t1_0 + t1_1, t0_0, t0_1]
    const F8 v = lazy_add_sub(lazy_add(perm(t[2], v1_of, 0x0f), o.v), perm(t[2], v2_of, 0x03), 0x02, 0x01);
    const F8 q1 = reduce(lazy_add(thrice(v), lazy_add_sub(o.g_xi, twice(q[1]), 0x03, 0x0c)));
    q[0] = q0;
    q[1] = q1;
    q[2] = q2;
}

// The Fp2 coordinates of each Q: (fp6 index, fp2 index) of x, then of y.
constexpr int kQ[3][2][2] = {{{0, 0}, {1, 1}}, {{1, 0}, {0, 2}}, {{0, 1}, {1, 2}}};

}  // namespace

KZG_IFMA void fp12_cyclotomic_sqr_n_ifma(blst_fp12& a, unsigned n) {
    if (n == 0) return;
    alignas(64) std::uint64_t w[6][8] = {};
    F8 q[3];
    for (int k = 0; k < 3; k++) {
        for (int c = 0; c < 2; c++) {
            const blst_fp2& f = a.fp6[kQ[k][c][0]].fp2[kQ[k][c][1]];
            for (int j = 0; j < 6; j++) {
                w[j][2 * c] = f.fp[0].l[j];
                w[j][2 * c + 1] = f.fp[1].l[j];
            }
        }
        q[k] = load52(&w[0][0], 8);
    }
    const Offsets o = make_offsets();
    for (unsigned i = 0; i < n; i++) cyclotomic_sqr_lanes(q, o);
    for (int k = 0; k < 3; k++) {
        store64(&w[0][0], 8, canonical(q[k]));
        for (int c = 0; c < 2; c++) {
            blst_fp2& f = a.fp6[kQ[k][c][0]].fp2[kQ[k][c][1]];
            for (int j = 0; j < 6; j++) {
                f.fp[0].l[j] = w[j][2 * c];
                f.fp[1].l[j] = w[j][2 * c + 1];
            }
        }
    }
}

}  // namespace kzg::core
