// The two halves of an affine point addition whose slope's denominator is
// inverted in a batch (Montgomery's trick): the slope's numerator and
// denominator first, the sum once the inverse is known. Shared by the
// fixed-base MSM's bucket additions and the batched scalar multiplication.
#pragma once

#include <blst.h>

#include <cstring>

namespace kzg::core {

enum class AffineSlope {
    kChord,    // a != +-b: (by - ay) / (bx - ax)
    kTangent,  // a == b: 3 ax^2 / 2 ay (ay is never 0: G1's order is odd)
    kCancel,   // a == -b: the sum is the point at infinity, no slope
};

// The slope of a + b for finite a and b = (bx, by).
inline AffineSlope affine_slope(const blst_p1_affine& a, const blst_fp& bx, const blst_fp& by, blst_fp& num,
                                blst_fp& den) {
    if (std::memcmp(&a.x, &bx, sizeof bx) != 0) {
        blst_fp_sub(&num, &by, &a.y);
        blst_fp_sub(&den, &bx, &a.x);
        return AffineSlope::kChord;
    }
    if (std::memcmp(&a.y, &by, sizeof by) != 0) return AffineSlope::kCancel;
    blst_fp_sqr(&num, &a.x);
    blst_fp_mul_by_3(&num, &num);
    blst_fp_add(&den, &a.y, &a.y);
    return AffineSlope::kTangent;
}

// r = a + b given num and 1/den from affine_slope: lambda = num / den,
// x3 = lambda^2 - ax - bx, y3 = lambda (ax - x3) - ay. r may be a.
inline void affine_add_finish(blst_p1_affine& r, const blst_p1_affine& a, const blst_fp& bx, const blst_fp& num,
                              const blst_fp& inv_den) {
    blst_fp lambda, x3, t;
    blst_fp_mul(&lambda, &num, &inv_den);
    blst_fp_sqr(&x3, &lambda);
    blst_fp_sub(&x3, &x3, &a.x);
    blst_fp_sub(&x3, &x3, &bx);
    blst_fp_sub(&t, &a.x, &x3);
    blst_fp_mul(&t, &lambda, &t);
    blst_fp_sub(&r.y, &t, &a.y);
    r.x = x3;
}

}  // namespace kzg::core
