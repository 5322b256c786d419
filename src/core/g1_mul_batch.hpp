// Many G1 scalar multiplications at once: [s_i] P_i for independent pairs (the
// twiddle products of a G1 FFT level).
//
// Each scalar is split by the GLV endomorphism phi(x, y) = (beta x, y) = [lambda]P,
// lambda = z^2 - 1 (128 bits), into s = k1 + k2 lambda with k1, k2 < 2^128, and
// both halves are walked together in signed 5-bit windows over tables of
// 1..16 times P and phi(P). Every point takes the same steps, so each step (a
// doubling or an addition for all points) runs in affine coordinates with one
// shared field inversion: about 6-7 multiplications per operation instead of
// the 9-16 of projective formulas. P + P, P + (-P) and the point at infinity
// are handled explicitly. With AVX-512 IFMA, calls of up to 40 points instead
// give each point an IFMA lane and projective complete formulas (no shared
// steps, no inversion: g1_mul_ifma.cpp), faster where the 157 shared
// inversions would be spread over few points.
#pragma once

#include <blst.h>

#include <span>

#include "core/fr.hpp"

namespace kzg::core {

// points[i] = [scalars[i]] points[i] for every i (same sizes).
void g1_mul_batch(std::span<blst_p1> points, std::span<const Fr> scalars);

}  // namespace kzg::core
