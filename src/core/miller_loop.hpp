// One Miller loop for a product of pairings against prepared G2 points.
#pragma once

#include <blst.h>

#include <span>

namespace kzg::core {

// Precomputed Miller-loop lines of a fixed G2 point (blst_precompute_lines).
using G2Lines = blst_fp6[68];

// ret = prod_i miller_loop(lines[i], ps[i]), before the final exponentiation,
// equal to the product of blst_miller_loop_lines over the pairs. The 63
// squarings of the accumulator are shared by all pairs instead of done once
// per pair: each pair then costs only its 68 sparse line products.
// lines.size() == ps.size() >= 1. A point at infinity (affine (0, 0))
// contributes what blst's loop gives it, a factor in Fp2 that the final
// exponentiation maps to 1.
void miller_loop_lines_n(blst_fp12& ret, std::span<const blst_fp6* const> lines,
                         std::span<const blst_p1_affine> ps);

}  // namespace kzg::core
