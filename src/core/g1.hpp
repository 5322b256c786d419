// G1/G2 helpers over blst: decoding with the spec's validation, encoding,
// scalar multiplication, linear combinations, and the pairing check.
#pragma once

#include <blst.h>

#include <cstdint>
#include <span>

#include "core/fr.hpp"
#include "core/parallel.hpp"

namespace kzg::core {

enum class PointStatus {
    kOk,
    kBadEncoding,   // not a valid compressed encoding, or x is not on the curve
    kNotInSubgroup, // on the curve but outside the prime-order subgroup
};

const char* point_status_text(PointStatus s);

// Spec validate_kzg_g1 / bytes_to_kzg_commitment: the compressed point at
// infinity is accepted, any other point must decode and lie in G1.
PointStatus g1_decode(blst_p1& out, const std::uint8_t in[48]);
// Same for compressed G2 points (trusted-setup loading).
PointStatus g2_decode(blst_p2_affine& out, const std::uint8_t in[96]);
PointStatus g1_decode_affine(blst_p1_affine& out, const std::uint8_t in[48]);
// g1_decode_affine without the subgroup check (kNotInSubgroup only where
// blst's decompression itself reports it), for callers that check many points
// at once (core/g1_subgroup_batch.hpp). Infinity decodes to all-zero.
PointStatus g1_decode_affine_on_curve(blst_p1_affine& out, const std::uint8_t in[48]);

inline void g1_encode(std::uint8_t out[48], const blst_p1& p) { blst_p1_compress(out, &p); }
// g1_encode of every point, point i to out + 48 i: one inversion for all (to
// affine together) where g1_encode pays one each (~2.4 us).
void g1_encode_all(std::uint8_t* out, std::span<const blst_p1> points);

const blst_p1& g1_generator();
const blst_p2& g2_generator();
const blst_p1& g1_identity();

blst_p1 g1_mul(const blst_p1& p, const Fr& s);
blst_p2 g2_mul(const blst_p2& p, const Fr& s);
inline blst_p1 g1_add(const blst_p1& a, const blst_p1& b) { blst_p1 r; blst_p1_add_or_double(&r, &a, &b); return r; }
inline blst_p1 g1_sub(const blst_p1& a, const blst_p1& b) {
    blst_p1 nb = b;
    blst_p1_cneg(&nb, true);
    return g1_add(a, nb);
}
inline bool g1_equal(const blst_p1& a, const blst_p1& b) { return blst_p1_is_equal(&a, &b); }

// sum(scalars[i] * points[i]) over affine points that are never infinity
// (trusted-setup bases): blst's Pippenger, or a simple loop for short inputs.
blst_p1 g1_lincomb_affine(std::span<const blst_p1_affine> points, std::span<const Fr> scalars);
// Same over arbitrary (possibly infinity) projective points: infinities are
// filtered out before Pippenger, which does not handle them.
blst_p1 g1_lincomb(std::span<const blst_p1> points, std::span<const Fr> scalars);
// g1_lincomb split into `pieces` slices run by `par` (partial sums added).
blst_p1 g1_lincomb(std::span<const blst_p1> points, std::span<const Fr> scalars, std::size_t pieces,
                   const ParallelFor& par);
// Two independent sums a = sum sa[i] pa[i] and b = sum sb[i] pb[i], side by
// side: with `threads` >= 2 each runs whole on its own share of the threads
// (halving each small MSM would pay its fixed cost, bucket sums and window
// doublings, twice), and splits only when that share is 2+ threads.
void g1_lincomb_two(blst_p1& a, std::span<const blst_p1> pa, std::span<const Fr> sa, blst_p1& b,
                    std::span<const blst_p1> pb, std::span<const Fr> sb, std::size_t threads, const ParallelFor& par);

// e(a1, a2) == e(b1, b2)
bool pairings_verify(const blst_p1& a1, const blst_p2& a2, const blst_p1& b1, const blst_p2& b2);

// A fixed G2 point with its Miller-loop lines precomputed (18 KiB): pairings
// against setup points skip the G2 arithmetic of the Miller loop.
struct G2Prepared {
    explicit G2Prepared(const blst_p2_affine& q);
    blst_fp6 lines[68];
};

// e(a1, a2) == e(b1, b2) for prepared G2 points.
bool pairings_verify(const blst_p1& a1, const G2Prepared& a2, const blst_p1& b1, const G2Prepared& b2);

}  // namespace kzg::core
