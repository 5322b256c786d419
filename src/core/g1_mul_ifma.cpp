// g1_mul_batch's window loop on eight IFMA lanes, one point per lane (issue
// #16). The scalar path walks all points in lockstep in affine coordinates,
// one shared inversion per step: ~157 steps per call whatever the number of
// points, which a G1 FFT level pays again on every thread. Here each lane
// keeps its point in homogeneous projective coordinates and uses the
// complete formulas of Renes, Costello and Batina (eprint 2015/1060,
// algorithm 8, mixed addition, and algorithm 9, doubling, for a = 0 and
// b3 = 3b = 12): they are correct for every input, the identity and P = +-Q
// included, so lanes need no special cases and no inversion at all.
//
// Bounds: coordinates stay below 2p between steps. mont_mul_n takes inputs
// whose product is below 8p^2 and returns values below 1.82p; every sum or
// difference is brought back below 2p (red2 from below 4p, red4 from below
// 8p) before it is multiplied. The comment on each line gives the bound.
#include <immintrin.h>

#include "core/fp_ifma.hpp"
#include "core/fp_ifma_lanes.hpp"
#include "core/g1.hpp"

namespace kzg::core {

namespace {

using namespace ifma;

constexpr std::size_t kTable = kG1MulTable;  // [1..16] P per point
constexpr unsigned kWindowBits = kG1MulWindowBits;

KZG_IFMA inline F8 red2(const F8& a) { return cond_sub(a, kC.p2); }                   // [0, 4p) -> [0, 2p)
KZG_IFMA inline F8 red4(const F8& a) { return cond_sub(cond_sub(a, kC.p4), kC.p2); }  // [0, 8p) -> [0, 2p)

// 12 a = b3 a by additions (cheaper than a product). In: below 2p. Out: below 2p.
KZG_IFMA inline F8 times_b3(const F8& a) {
    F8 r = red4(add(add(a, a), a));  // 3a < 6p
    r = red2(add(r, r));             // 6a
    return red2(add(r, r));          // 12a
}

// Eight points, one per lane, in homogeneous projective coordinates.
struct Point {
    F8 x, y, z;
};

// Eight lanes of a constant (canonical, Montgomery form).
KZG_IFMA F8 broadcast(const blst_fp& c) {
    alignas(64) std::uint64_t w[6][8];
    for (int j = 0; j < 6; j++)
        for (int l = 0; l < 8; l++) w[j][l] = c.l[j];
    return load52(&w[0][0], 8);
}

// 2 p (algorithm 9, its steps in order). In: coordinates below 2p. Out: below 2p.
KZG_IFMA void double_point(Point& p) {
    F8 t0 = mont_mul(p.y, p.y);
    F8 z3 = red2(add(t0, t0));  // 8 t0, reduced after each doubling
    z3 = red2(add(z3, z3));
    z3 = red2(add(z3, z3));
    F8 t1 = mont_mul(p.y, p.z);
    F8 t2 = times_b3(mont_mul(p.z, p.z));
    F8 x3 = mont_mul(t2, z3);
    F8 y3 = red2(add(t0, t2));              // < 3.82p
    z3 = mont_mul(t1, z3);
    t2 = red4(add(add(t2, t2), t2));        // 3 t2 < 6p
    t0 = red2(sub_plus(t0, t2, kC.p2));     // t0 - t2 + 2p < 3.82p
    y3 = red2(add(x3, mont_mul(t0, y3)));   // < 3.64p
    t1 = mont_mul(p.x, p.y);
    x3 = mont_mul(t0, t1);
    p.x = red2(add(x3, x3));
    p.y = y3;
    p.z = z3;
}

// p + q in the lanes set in take (the others keep p), q affine and canonical
// (algorithm 8, its steps in order). In: p's coordinates below 2p. Out: below 2p.
KZG_IFMA void add_affine(Point& p, const F8& qx, const F8& qy, __mmask8 take) {
    F8 t0 = mont_mul(p.x, qx);
    F8 t1 = mont_mul(p.y, qy);
    F8 t3 = mont_mul(add(qx, qy), add(p.x, p.y));  // (< 2p)(< 4p) < 8p^2
    F8 t4 = add(t0, t1);                           // < 3.64p
    t3 = red4(sub_plus(t3, t4, kC.p4));            // t3 - t4 + 4p < 5.82p
    t4 = red2(add(mont_mul(qy, p.z), p.y));        // < 3.82p
    F8 y3 = red2(add(mont_mul(qx, p.z), p.x));     // < 3.82p
    t0 = red4(add(add(t0, t0), t0));               // 3 t0 < 5.46p
    F8 t2 = times_b3(p.z);
    F8 z3 = red2(add(t1, t2));                     // < 3.82p
    t1 = red2(sub_plus(t1, t2, kC.p2));            // t1 - t2 + 2p < 3.82p
    y3 = times_b3(y3);
    F8 x3 = mont_mul(t4, y3);
    t2 = mont_mul(t3, t1);
    x3 = red2(sub_plus(t2, x3, kC.p2));            // t2 - x3 + 2p < 3.82p
    y3 = mont_mul(y3, t0);
    t1 = mont_mul(t1, z3);
    y3 = red2(add(t1, y3));                        // < 3.64p
    t0 = mont_mul(t0, t3);
    z3 = mont_mul(z3, t4);
    z3 = red2(add(z3, t0));                        // < 3.64p
    p.x = blend(take, p.x, x3);
    p.y = blend(take, p.y, y3);
    p.z = blend(take, p.z, z3);
}

// One window's terms for points first .. first + 7: lane l takes
// +-table[(first + l) * 16 + |d| - 1] for its digit d (negated for d < 0);
// only lanes whose digit is not 0 (and whose point exists) take part.
KZG_IFMA __mmask8 load_terms(F8& qx, F8& qy, const blst_p1_affine* table, const std::int8_t* digits,
                             std::size_t windows, std::size_t window, std::size_t first, std::size_t n) {
    alignas(64) std::uint64_t wx[6][8], wy[6][8];
    unsigned mask = 0;
    for (unsigned l = 0; l < 8; l++) {
        const std::size_t i = first + l;
        const int d = i < n ? digits[i * windows + window] : 0;
        if (d == 0) {
            for (int j = 0; j < 6; j++) wx[j][l] = wy[j][l] = 0;
            continue;
        }
        mask |= 1u << l;
        const blst_p1_affine& q = table[i * kTable + static_cast<std::size_t>(d < 0 ? -d : d) - 1];
        blst_fp y = q.y;
        if (d < 0) blst_fp_cneg(&y, &y, true);
        for (int j = 0; j < 6; j++) {
            wx[j][l] = q.x.l[j];
            wy[j][l] = y.l[j];
        }
    }
    qx = load52(&wx[0][0], 8);
    qy = load52(&wy[0][0], 8);
    return static_cast<__mmask8>(mask);
}

// Points first .. first + 7 (those below n).
KZG_IFMA void windows_block(blst_p1* out, std::size_t n, std::size_t first, const blst_p1_affine* tab,
                            const blst_p1_affine* phi_tab, const std::int8_t* d1, const std::int8_t* d2,
                            std::size_t windows) {
    static const blst_fp one = [] {
        blst_fp b;
        const std::uint64_t limbs[6] = {1, 0, 0, 0, 0, 0};
        blst_fp_from_uint64(&b, limbs);
        return b;
    }();
    Point acc;  // the identity (0 : 1 : 0)
    for (auto& v : acc.x.v) v = _mm512_setzero_si512();
    acc.y = broadcast(one);
    acc.z = acc.x;
    F8 qx, qy;
    for (std::size_t j = windows; j-- > 0;) {
        if (j + 1 < windows)
            for (unsigned b = 0; b < kWindowBits; b++) double_point(acc);
        __mmask8 take = load_terms(qx, qy, tab, d1, windows, j, first, n);
        add_affine(acc, qx, qy, take);
        take = load_terms(qx, qy, phi_tab, d2, windows, j, first, n);
        add_affine(acc, qx, qy, take);
    }
    // Projective (X : Y : Z) to blst's Jacobian (X Z, Y Z^2, Z).
    const F8 zz = mont_mul(acc.z, acc.z);
    alignas(64) std::uint64_t wx[6][8], wy[6][8], wz[6][8];
    store64(&wx[0][0], 8, canonical(mont_mul(acc.x, acc.z)));
    store64(&wy[0][0], 8, canonical(mont_mul(acc.y, zz)));
    store64(&wz[0][0], 8, canonical(acc.z));
    for (unsigned l = 0; l < 8 && first + l < n; l++) {
        blst_p1& r = out[first + l];
        for (int k = 0; k < 6; k++) {
            r.x.l[k] = wx[k][l];
            r.y.l[k] = wy[k][l];
            r.z.l[k] = wz[k][l];
        }
        if (blst_p1_is_inf(&r)) r = g1_identity();
    }
}

}  // namespace

void g1_windows_ifma(blst_p1* out, std::size_t n, const blst_p1_affine* tab, const blst_p1_affine* phi_tab,
                     const std::int8_t* d1, const std::int8_t* d2, std::size_t windows) {
    // Eight points at a time: two or four groups interleaved measured no
    // faster (the lanes are bound by the IFMA unit's throughput, not by one
    // product's latency).
    for (std::size_t first = 0; first < n; first += 8) windows_block(out, n, first, tab, phi_tab, d1, d2, windows);
}

}  // namespace kzg::core
