// One Miller loop for a product of pairings against prepared G2 points.
#pragma once

#include <blst.h>

#include <cstddef>
#include <span>

namespace kzg::core {

// Pairs one loop takes (the verifications use two).
inline constexpr std::size_t kMillerLoopMaxPairs = 4;

// ret = prod_i miller_loop(lines[i], ps[i]), before the final exponentiation,
// for lines[i] from blst_precompute_lines (68 each): equal to the product of
// blst_miller_loop_lines over the pairs. The 63 squarings of the accumulator
// are shared by all pairs instead of done once per pair: each pair then costs
// only its 68 sparse line products.
// 1 <= lines.size() == ps.size() <= kMillerLoopMaxPairs. A point at infinity
// (affine (0, 0)) contributes what blst's loop gives it, a factor in Fp2 that
// the final exponentiation maps to 1.
void miller_loop_lines_n(blst_fp12& ret, std::span<const blst_fp6* const> lines,
                         std::span<const blst_p1_affine> ps);

}  // namespace kzg::core
