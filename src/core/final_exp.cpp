#include "core/final_exp.hpp"

#include <cstddef>
#include <initializer_list>

#include "core/fp12_compressed_pow.hpp"
#include "core/fp_ifma.hpp"

namespace kzg::core {

namespace {

void sqr_n(blst_fp12& a, unsigned n) {
    if (ifma_enabled()) {
        fp12_cyclotomic_sqr_n_ifma(a, n);
        return;
    }
    for (unsigned k = 0; k < n; k++) blst_fp12_cyclotomic_sqr(&a, &a);
}

void mul(blst_fp12& ret, const blst_fp12& a, const blst_fp12& b) { blst_fp12_mul(&ret, &a, &b); }

// a^(z / 2) for blst's |z| = 0xd201000000010000, z negative: the chain of
// raise_to_z_div_by_2 in blst's pairing.c, run by run.
// Without IFMA the squarings go compressed (fp12_compressed_pow.hpp), 12
// base-field products each instead of 18, unless a power cannot be
// decompressed.
void raise_to_z_div_by_2(blst_fp12& ret, const blst_fp12& a) {
    if (!ifma_enabled() && cyclotomic_pow_z_div_2_compressed(ret, a)) return;
    ret = a;
    sqr_n(ret, 1);  // 0x2
    for (unsigned run : {2u, 3u, 9u, 32u, 15u}) {  // ..0xc, ..0x68, ..0xd200, ..0xd20100000000, ..0x6900800000008000
        mul(ret, ret, a);
        sqr_n(ret, run);
    }
    blst_fp12_conjugate(&ret);
}

void raise_to_z(blst_fp12& ret, const blst_fp12& a) {
    raise_to_z_div_by_2(ret, a);
    sqr_n(ret, 1);
}

void frobenius(blst_fp12& ret, const blst_fp12& a, std::size_t n) { blst_fp12_frobenius_map(&ret, &a, n); }

blst_fp12 conjugated(blst_fp12 a) {
    blst_fp12_conjugate(&a);
    return a;
}

}  // namespace

void final_exp(blst_fp12& ret, const blst_fp12& f) {
    // blst's final_exp (pairing.c), step for step.
    blst_fp12 y0, y1, y2, y3, r;
    blst_fp12_inverse(&y2, &f);
    mul(r, conjugated(f), y2);  // f^(p^6 - 1)
    frobenius(y2, r, 2);
    mul(r, r, y2);  // ^(p^2 + 1): r is in the cyclotomic subgroup from here on

    y0 = r;
    sqr_n(y0, 1);
    raise_to_z(y1, y0);
    raise_to_z_div_by_2(y2, y1);
    mul(y1, y1, conjugated(r));
    blst_fp12_conjugate(&y1);
    mul(y1, y1, y2);
    raise_to_z(y2, y1);
    raise_to_z(y3, y2);
    blst_fp12_conjugate(&y1);
    mul(y3, y3, y1);
    blst_fp12_conjugate(&y1);
    frobenius(y1, y1, 3);
    frobenius(y2, y2, 2);
    mul(y1, y1, y2);
    raise_to_z(y2, y3);
    mul(y2, y2, y0);
    mul(y2, y2, r);
    mul(y1, y1, y2);
    frobenius(y2, y3, 1);
    mul(ret, y1, y2);
}

}  // namespace kzg::core
