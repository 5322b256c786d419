#include "core/fp12_compressed_pow.hpp"

#include <array>
#include <cstddef>
#include <cstring>

namespace kzg::core {

namespace {

// (g2, g3, g4, g5): c10, c02, c01, c12 of blst's fp12 (see the header).
struct Compressed {
    blst_fp2 g2, g3, g4, g5;
};

Compressed compress(const blst_fp12& a) { return {a.fp6[1].fp2[0], a.fp6[0].fp2[2], a.fp6[0].fp2[1], a.fp6[1].fp2[2]}; }

// r = xi a with xi = 1 + u (u^2 = -1): (a0 - a1) + (a0 + a1) u.
void mul_by_xi(blst_fp2& r, const blst_fp2& a) {
    blst_fp re;
    blst_fp_sub(&re, &a.fp[0], &a.fp[1]);
    blst_fp_add(&r.fp[1], &a.fp[0], &a.fp[1]);
    r.fp[0] = re;
}

// r = 3 a + 2 b = a + 2 (a + b) and r = 3 a - 2 b = a + 2 (a - b), three
// additions each (r may be b).
void three_a_plus_two_b(blst_fp2& r, const blst_fp2& a, const blst_fp2& b) {
    blst_fp2 t;
    blst_fp2_add(&t, &a, &b);
    blst_fp2_add(&t, &t, &t);
    blst_fp2_add(&r, &t, &a);
}
void three_a_minus_two_b(blst_fp2& r, const blst_fp2& a, const blst_fp2& b) {
    blst_fp2 t;
    blst_fp2_sub(&t, &a, &b);
    blst_fp2_add(&t, &t, &t);
    blst_fp2_add(&r, &t, &a);
}

// sx = x^2, sy = y^2 and t = 2 x y = (x + y)^2 - x^2 - y^2: three squarings.
void squares_and_twice_product(blst_fp2& sx, blst_fp2& sy, blst_fp2& t, const blst_fp2& x, const blst_fp2& y) {
    blst_fp2_sqr(&sx, &x);
    blst_fp2_sqr(&sy, &y);
    blst_fp2_add(&t, &x, &y);
    blst_fp2_sqr(&t, &t);
    blst_fp2_sub(&t, &t, &sx);
    blst_fp2_sub(&t, &t, &sy);
}

void compressed_sqr(Compressed& g) {
    blst_fp2 s2, s3, t23, s4, s5, t45, x;
    squares_and_twice_product(s4, s5, t45, g.g4, g.g5);
    squares_and_twice_product(s2, s3, t23, g.g2, g.g3);
    mul_by_xi(x, t45);
    three_a_plus_two_b(g.g2, x, g.g2);  // h2 = 3 xi (2 g4 g5) + 2 g2
    mul_by_xi(x, s5);
    blst_fp2_add(&x, &x, &s4);
    three_a_minus_two_b(g.g3, x, g.g3);  // h3 = 3 (g4^2 + xi g5^2) - 2 g3
    mul_by_xi(x, s3);
    blst_fp2_add(&x, &x, &s2);
    three_a_minus_two_b(g.g4, x, g.g4);  // h4 = 3 (g2^2 + xi g3^2) - 2 g4
    three_a_plus_two_b(g.g5, t23, g.g5);  // h5 = 3 (2 g2 g3) + 2 g5
}

bool is_zero(const blst_fp2& a) {
    static const blst_fp2 zero{};
    return std::memcmp(&a, &zero, sizeof a) == 0;
}

// 1 / a for a != 0: conj(a) / (a0^2 + a1^2), one base-field inversion
// (~3 us here, where blst_fp2_inverse took ~5).
void fp2_inverse(blst_fp2& r, const blst_fp2& a) {
    blst_fp norm, t;
    blst_fp_sqr(&norm, &a.fp[0]);
    blst_fp_sqr(&t, &a.fp[1]);
    blst_fp_add(&norm, &norm, &t);
    blst_fp_inverse(&norm, &norm);
    blst_fp_mul(&r.fp[0], &a.fp[0], &norm);
    blst_fp_mul(&r.fp[1], &a.fp[1], &norm);
    blst_fp_cneg(&r.fp[1], &r.fp[1], true);
}

// The full element of g, whose g1 = num / (4 g2) is given.
blst_fp12 decompress(const Compressed& g, const blst_fp2& g1) {
    blst_fp12 out;
    // g0 = xi (2 g1^2 + g2 g5 - 3 g3 g4) + 1
    blst_fp2 g0, t;
    blst_fp2_sqr(&g0, &g1);
    blst_fp2_add(&g0, &g0, &g0);
    blst_fp2_mul(&t, &g.g2, &g.g5);
    blst_fp2_add(&g0, &g0, &t);
    blst_fp2_mul(&t, &g.g3, &g.g4);
    blst_fp2_mul_by_3(&t, &t);
    blst_fp2_sub(&g0, &g0, &t);
    mul_by_xi(g0, g0);
    blst_fp_add(&g0.fp[0], &g0.fp[0], &blst_fp12_one()->fp6[0].fp2[0].fp[0]);
    out.fp6[0].fp2[0] = g0;
    out.fp6[1].fp2[1] = g1;
    out.fp6[1].fp2[0] = g.g2;
    out.fp6[0].fp2[2] = g.g3;
    out.fp6[0].fp2[1] = g.g4;
    out.fp6[1].fp2[2] = g.g5;
    return out;
}

}  // namespace

bool cyclotomic_pow_z_div_2_compressed(blst_fp12& ret, const blst_fp12& a) {
    // |z| / 2 = 0x6900800000008000 = 2^62 + 2^61 + 2^59 + 2^56 + 2^47 + 2^15.
    static constexpr unsigned kBits[] = {15, 47, 56, 59, 61, 62};
    constexpr std::size_t k = sizeof kBits / sizeof kBits[0];
    std::array<Compressed, k> kept;
    Compressed g = compress(a);
    unsigned done = 0;
    for (std::size_t i = 0; i < k; i++) {
        for (; done < kBits[i]; done++) compressed_sqr(g);
        kept[i] = g;
    }
    // g1 = num / (4 g2) for every kept power, the denominators inverted
    // together (Montgomery's trick): prefix[i] = den[0] ... den[i].
    std::array<blst_fp2, k> num, den, prefix;
    for (std::size_t i = 0; i < k; i++) {
        const Compressed& c = kept[i];
        if (is_zero(c.g2)) return false;
        blst_fp2 t;
        blst_fp2_sqr(&num[i], &c.g5);
        mul_by_xi(num[i], num[i]);
        blst_fp2_sqr(&t, &c.g4);
        blst_fp2_mul_by_3(&t, &t);
        blst_fp2_add(&num[i], &num[i], &t);
        blst_fp2_sub(&num[i], &num[i], &c.g3);
        blst_fp2_sub(&num[i], &num[i], &c.g3);
        blst_fp2_lshift(&den[i], &c.g2, 2);
        if (i == 0) {
            prefix[i] = den[i];
        } else {
            blst_fp2_mul(&prefix[i], &prefix[i - 1], &den[i]);
        }
    }
    blst_fp2 inv;  // 1 / (den[0] ... den[i]) as i goes down
    fp2_inverse(inv, prefix[k - 1]);
    blst_fp12 powers[k];
    for (std::size_t i = k; i-- > 0;) {
        blst_fp2 inv_i = inv, g1;
        if (i > 0) {
            blst_fp2_mul(&inv_i, &inv, &prefix[i - 1]);
            blst_fp2_mul(&inv, &inv, &den[i]);
        }
        blst_fp2_mul(&g1, &num[i], &inv_i);
        powers[i] = decompress(kept[i], g1);
    }
    blst_fp12 product = powers[0];
    for (std::size_t i = 1; i < k; i++) blst_fp12_mul(&product, &product, &powers[i]);
    blst_fp12_conjugate(&product);  // z is negative; the inverse is the conjugate here
    ret = product;
    return true;
}

}  // namespace kzg::core
