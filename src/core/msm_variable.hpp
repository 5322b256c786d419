// Variable-base MSM by bucket sums in batched affine coordinates: the
// fixed-base MSM's accumulation (core/msm_fixed_base.hpp, IFMA lanes where
// the CPU has them) with one bucket set per window of the scalars, instead of
// blst's Pippenger, whose bucket additions are projective. About 3x faster
// than blst_p1s_mult_pippenger for 1024 points here with IFMA, and faster
// without it too (README "Where the time goes").
#pragma once

#include <blst.h>

#include <cstddef>
#include <span>

#include "core/fr.hpp"

namespace kzg::core {

// Fewer points than this go to blst's Pippenger (the batches would be too
// small to share their inversions well).
inline constexpr std::size_t kBucketMsmMinPoints = 128;

// sum scalars[i] * points[i]; points at infinity are skipped.
blst_p1 g1_msm_buckets(std::span<const blst_p1_affine> points, std::span<const Fr> scalars);

}  // namespace kzg::core
