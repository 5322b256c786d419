// Whether many G1 points lie in the prime-order subgroup, checked together.
//
// Checking points one by one (blst_p1_affine_in_g1, an endomorphism test of
// about 85 point additions' cost each) dominates the decoding of the 1024
// proofs of a cell batch. Random combinations check them together:
//
//   E(Fp) = G1 x H, with #G1 = r and #H = h the cofactor (odd, coprime to r).
//   A point P = P_r + P_h is in G1 exactly when its H-component P_h is 0.
//   One round draws c_i uniformly from {-1, 0, 1} for every point and tests
//   S = sum c_i P_i for membership in G1. Suppose P_j has P_h != 0. Fix every
//   c_i but c_j: S's H-component is T + c_j P_h, three distinct values as c_j
//   runs over {-1, 0, 1} (P_h != -P_h because H has no element of order 2),
//   so at most one of them is 0: the round misses the bad point with
//   probability at most 1/3. 81 independent rounds miss it with probability
//   at most 3^-81 < 2^-128.
//
// The c_i come from the OS (getrandom), drawn after the points are fixed,
// never from the inputs: an attacker who chooses the points cannot know them.
// The points are grouped in threes whose 13 signed sums are computed once,
// so that a round adds one term per three points; each round's sum is a tree
// of affine additions whose slopes are inverted together
// (core/batch_inverse.hpp), about 6 field multiplications per addition. For
// n = 1024: 3.4k additions for the table, 81 rounds of about 330, and 81
// single checks, 13.4 ms against 47.9 ms for 1024 single checks (one thread).
//
// Callers pass points already decoded onto the curve (blst_p1_uncompress);
// the result says only "all in G1" or "maybe not": on "maybe not", they
// check point by point to name the bad one.
#pragma once

#include <blst.h>

#include <cstddef>
#include <span>

#include "core/parallel.hpp"

namespace kzg::core {

inline constexpr std::size_t kSubgroupBatchRounds = 81;  // 3^-81 < 2^-128
// Below this many points the 81 rounds cost more than single checks.
inline constexpr std::size_t kSubgroupBatchMinPoints = 128;

enum class SubgroupBatch {
    kAllInG1,     // every point is in G1 (error probability < 2^-128)
    kNotAllInG1,  // some point is not in G1: check one by one to find it
    kNoRandomness // the OS gave no randomness: check one by one
};

// Points on the curve (the point at infinity, all-zero, is allowed and in
// G1). `par` splits the rounds across threads.
SubgroupBatch g1_batch_in_g1(std::span<const blst_p1_affine> points, const ParallelFor& par = run_sequential);

// The same with the coefficients given: trits[round * points.size() + i] in
// {-1, 0, 1} is point i's coefficient in that round (tests choose them).
SubgroupBatch g1_batch_in_g1_with(std::span<const blst_p1_affine> points, std::span<const signed char> trits,
                                  std::size_t rounds, const ParallelFor& par = run_sequential);

// Fills `out` with uniform draws from {-1, 0, 1} from getrandom(2); false if
// the OS gave no randomness.
bool os_random_trits(std::span<signed char> out);

}  // namespace kzg::core
