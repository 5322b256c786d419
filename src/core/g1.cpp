#include "core/g1.hpp"

#include <algorithm>
#include <cstring>
#include <vector>

#include "core/final_exp.hpp"
#include "core/miller_loop.hpp"
#include "core/msm_variable.hpp"

namespace kzg::core {

const char* point_status_text(PointStatus s) {
    switch (s) {
        case PointStatus::kOk: return "valid";
        case PointStatus::kBadEncoding: return "is not a valid compressed point on the curve";
        case PointStatus::kNotInSubgroup: return "is not in the prime-order subgroup";
    }
    return "is invalid";
}

// blst reports some on-curve points outside the subgroup (x = 0) while
// decompressing; every other failure is a bad encoding or an x off the curve.
static PointStatus status_of(BLST_ERROR e) {
    return e == BLST_POINT_NOT_IN_GROUP ? PointStatus::kNotInSubgroup : PointStatus::kBadEncoding;
}

static bool is_compressed_infinity(const std::uint8_t* in, std::size_t n) {
    if (in[0] != 0xc0) return false;
    for (std::size_t i = 1; i < n; i++)
        if (in[i] != 0) return false;
    return true;
}

PointStatus g1_decode_affine_on_curve(blst_p1_affine& out, const std::uint8_t in[48]) {
    if (is_compressed_infinity(in, 48)) {
        std::memset(&out, 0, sizeof out);
        return PointStatus::kOk;
    }
    if (const BLST_ERROR e = blst_p1_uncompress(&out, in); e != BLST_SUCCESS) return status_of(e);
    return PointStatus::kOk;
}

PointStatus g1_decode_affine(blst_p1_affine& out, const std::uint8_t in[48]) {
    if (const PointStatus s = g1_decode_affine_on_curve(out, in); s != PointStatus::kOk) return s;
    if (!blst_p1_affine_is_inf(&out) && !blst_p1_affine_in_g1(&out)) return PointStatus::kNotInSubgroup;
    return PointStatus::kOk;
}

PointStatus g1_decode(blst_p1& out, const std::uint8_t in[48]) {
    if (is_compressed_infinity(in, 48)) {
        out = g1_identity();
        return PointStatus::kOk;
    }
    blst_p1_affine a;
    if (const BLST_ERROR e = blst_p1_uncompress(&a, in); e != BLST_SUCCESS) return status_of(e);
    blst_p1_from_affine(&out, &a);
    if (!blst_p1_in_g1(&out)) return PointStatus::kNotInSubgroup;
    return PointStatus::kOk;
}

PointStatus g2_decode(blst_p2_affine& out, const std::uint8_t in[96]) {
    if (const BLST_ERROR e = blst_p2_uncompress(&out, in); e != BLST_SUCCESS) return status_of(e);
    if (!blst_p2_affine_in_g2(&out)) return PointStatus::kNotInSubgroup;
    return PointStatus::kOk;
}

const blst_p1& g1_generator() { return *blst_p1_generator(); }
const blst_p2& g2_generator() { return *blst_p2_generator(); }
const blst_p1& g1_identity() {
    static const blst_p1 identity = [] {
        blst_p1 p;
        std::memset(&p, 0, sizeof p);
        return p;
    }();
    return identity;
}

// [s] p with blst's multiplication for the group (blst_p1_mult, blst_p2_mult).
template <class P, void (*Mult)(P*, const P*, const byte*, std::size_t)>
static P mul_by_fr(const P& p, const Fr& s) {
    blst_scalar sc;
    blst_scalar_from_fr(&sc, &s);
    P r;
    Mult(&r, &p, sc.b, 255);
    return r;
}

blst_p1 g1_mul(const blst_p1& p, const Fr& s) { return mul_by_fr<blst_p1, blst_p1_mult>(p, s); }
blst_p2 g2_mul(const blst_p2& p, const Fr& s) { return mul_by_fr<blst_p2, blst_p2_mult>(p, s); }

// Below this many terms a plain double-and-add loop beats Pippenger's set-up
// (and blst's Pippenger needs at least 2 points).
static constexpr std::size_t kPippengerThreshold = 8;

static blst_p1 pippenger(const blst_p1_affine* points, const blst_scalar* scalars, std::size_t n) {
    std::vector<limb_t> scratch(blst_p1s_mult_pippenger_scratch_sizeof(n) / sizeof(limb_t) + 1);
    const blst_p1_affine* pts[2] = {points, nullptr};
    const byte* scs[2] = {reinterpret_cast<const byte*>(scalars), nullptr};
    blst_p1 out;
    blst_p1s_mult_pippenger(&out, pts, n, scs, 255, scratch.data());
    return out;
}

blst_p1 g1_lincomb_affine(std::span<const blst_p1_affine> points, std::span<const Fr> scalars) {
    const std::size_t n = points.size();
    if (n < kPippengerThreshold) {
        blst_p1 acc = g1_identity();
        for (std::size_t i = 0; i < n; i++) {
            blst_p1 p;
            blst_p1_from_affine(&p, &points[i]);
            acc = g1_add(acc, g1_mul(p, scalars[i]));
        }
        return acc;
    }
    if (n >= kBucketMsmMinPoints) return g1_msm_buckets(points, scalars);
    std::vector<blst_scalar> sc(n);
    for (std::size_t i = 0; i < n; i++) blst_scalar_from_fr(&sc[i], &scalars[i]);
    return pippenger(points.data(), sc.data(), n);
}

// The indices of the finite points, and those points in affine form, all
// converted with one inversion (blst 0.3.12's batch conversion takes finite
// points only: one Z = 0 zeroes the shared product).
static std::vector<std::size_t> finite_indices(std::span<const blst_p1> points) {
    std::vector<std::size_t> at;
    at.reserve(points.size());
    for (std::size_t i = 0; i < points.size(); i++)
        if (!blst_p1_is_inf(&points[i])) at.push_back(i);
    return at;
}

static std::vector<blst_p1_affine> affine_at(std::span<const blst_p1> points, std::span<const std::size_t> at) {
    std::vector<blst_p1> finite(at.size());
    for (std::size_t k = 0; k < at.size(); k++) finite[k] = points[at[k]];
    std::vector<blst_p1_affine> affine(at.size());
    const blst_p1* arg[2] = {finite.data(), nullptr};
    if (!finite.empty()) blst_p1s_to_affine(affine.data(), arg, finite.size());
    return affine;
}

blst_p1 g1_lincomb(std::span<const blst_p1> points, std::span<const Fr> scalars) {
    const std::vector<std::size_t> at = finite_indices(points);
    if (at.size() < kPippengerThreshold) {
        blst_p1 acc = g1_identity();
        for (const std::size_t i : at) {
            blst_scalar s;
            blst_scalar_from_fr(&s, &scalars[i]);
            blst_p1 r;
            blst_p1_mult(&r, &points[i], s.b, 255);
            acc = g1_add(acc, r);
        }
        return acc;
    }
    std::vector<Fr> kept_scalars(at.size());
    for (std::size_t k = 0; k < at.size(); k++) kept_scalars[k] = scalars[at[k]];
    return g1_lincomb_affine(affine_at(points, at), kept_scalars);  // bucket MSM or Pippenger, by size
}

blst_p1 g1_lincomb(std::span<const blst_p1> points, std::span<const Fr> scalars, std::size_t pieces,
                   const ParallelFor& par) {
    // Below a few hundred points per slice the split costs more than it saves.
    pieces = std::max<std::size_t>(1, std::min(pieces, points.size() / 256));
    std::vector<blst_p1> partial(pieces, g1_identity());
    par(pieces, [&](std::size_t p0, std::size_t p1) {
        for (std::size_t p = p0; p < p1; p++) {
            const std::size_t b = points.size() * p / pieces, e = points.size() * (p + 1) / pieces;
            partial[p] = g1_lincomb(points.subspan(b, e - b), scalars.subspan(b, e - b));
        }
    });
    blst_p1 sum = partial[0];
    for (std::size_t p = 1; p < pieces; p++) sum = g1_add(sum, partial[p]);
    return sum;
}

void g1_encode_all(std::uint8_t* out, std::span<const blst_p1> points) {
    for (std::size_t i = 0; i < points.size(); i++)  // the identity apart (affine_at takes finite points)
        if (blst_p1_is_inf(&points[i])) blst_p1_compress(out + 48 * i, &points[i]);
    const std::vector<std::size_t> at = finite_indices(points);
    const std::vector<blst_p1_affine> affine = affine_at(points, at);
    for (std::size_t k = 0; k < at.size(); k++) blst_p1_affine_compress(out + 48 * at[k], &affine[k]);
}

void g1_lincomb_two(blst_p1& a, std::span<const blst_p1> pa, std::span<const Fr> sa, blst_p1& b,
                    std::span<const blst_p1> pb, std::span<const Fr> sb, std::size_t threads, const ParallelFor& par) {
    const std::size_t share = std::max<std::size_t>(1, threads / 2);
    par(2, [&](std::size_t i0, std::size_t i1) {
        for (std::size_t i = i0; i < i1; i++) {
            if (i == 0) {
                a = g1_lincomb(pa, sa, share, par);
            } else {
                b = g1_lincomb(pb, sb, share, par);
            }
        }
    });
}

bool pairings_verify(const blst_p1& a1, const blst_p2& a2, const blst_p1& b1, const blst_p2& b2) {
    // e(a1, a2) * e(-b1, b2) == 1, with a single final exponentiation.
    blst_p1 b1_neg = b1;
    blst_p1_cneg(&b1_neg, true);
    blst_p1_affine aa1, bb1;
    blst_p2_affine aa2, bb2;
    blst_p1_to_affine(&aa1, &a1);
    blst_p1_to_affine(&bb1, &b1_neg);
    blst_p2_to_affine(&aa2, &a2);
    blst_p2_to_affine(&bb2, &b2);
    blst_fp12 loop0, loop1, gt;
    blst_miller_loop(&loop0, &aa2, &aa1);
    blst_miller_loop(&loop1, &bb2, &bb1);
    blst_fp12_mul(&gt, &loop0, &loop1);
    final_exp(gt, gt);
    return blst_fp12_is_one(&gt);
}

G2Prepared::G2Prepared(const blst_p2_affine& q) { blst_precompute_lines(lines, &q); }

bool pairings_verify(const blst_p1& a1, const G2Prepared& a2, const blst_p1& b1, const G2Prepared& b2) {
    // e(a1, a2) * e(-b1, b2) == 1: one Miller loop for both pairs, one final
    // exponentiation. The loop equals the product of blst's per-pair loops, so
    // the identity (affine (0, 0)) behaves as there: its factor lies in Fp2,
    // which the final exponentiation maps to 1.
    blst_p1 b1_neg = b1;
    blst_p1_cneg(&b1_neg, true);
    blst_p1_affine ps[2];
    blst_p1_to_affine(&ps[0], &a1);
    blst_p1_to_affine(&ps[1], &b1_neg);
    const blst_fp6* const lines[2] = {a2.lines, b2.lines};
    blst_fp12 gt;
    miller_loop_lines_n(gt, lines, ps);
    final_exp(gt, gt);
    return blst_fp12_is_one(&gt);
}

}  // namespace kzg::core
