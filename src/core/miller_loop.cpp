#include "core/miller_loop.hpp"

#include <array>
#include <cassert>
#include <cstring>

namespace kzg::core {

namespace {

// A pair's point in the form its lines are evaluated at: (-2x, 2y).
struct Px2 {
    blst_fp x, y;
};

Px2 px2_of(const blst_p1_affine& p) {
    Px2 out;
    blst_fp_add(&out.x, &p.x, &p.x);
    blst_fp_cneg(&out.x, &out.x, true);
    blst_fp_add(&out.y, &p.y, &p.y);
    return out;
}

// A precomputed line (three packed Fp2 "xy00z0") evaluated at P: the second
// Fp2 scaled by -2 P.x, the third by 2 P.y (blst's post_line_by_Px2).
void line_at(blst_fp6& out, const blst_fp6& in, const Px2& p) {
    out.fp2[0] = in.fp2[0];
    blst_fp_mul(&out.fp2[1].fp[0], &in.fp2[1].fp[0], &p.x);
    blst_fp_mul(&out.fp2[1].fp[1], &in.fp2[1].fp[1], &p.x);
    blst_fp_mul(&out.fp2[2].fp[0], &in.fp2[2].fp[0], &p.y);
    blst_fp_mul(&out.fp2[2].fp[1], &in.fp2[2].fp[1], &p.y);
}

}  // namespace

void miller_loop_lines_n(blst_fp12& ret, std::span<const blst_fp6* const> lines, std::span<const blst_p1_affine> ps) {
    assert(!lines.empty() && lines.size() == ps.size() && ps.size() <= kMillerLoopMaxPairs);
    std::array<Px2, kMillerLoopMaxPairs> px{};  // no allocation on the verification path
    const std::size_t n = ps.size();
    for (std::size_t i = 0; i < n; i++) px[i] = px2_of(ps[i]);
    blst_fp6 line;
    auto mul_lines = [&](std::size_t idx) {
        for (std::size_t i = 0; i < n; i++) {
            line_at(line, lines[i][idx], px[i]);
            blst_fp12_mul_by_xy00z0(&ret, &ret, &line);
        }
    };

    // blst's schedule for |z| = 0xd201000000010000 (precompute_lines and
    // miller_loop_lines in blst's pairing.c): line 0 is the first doubling;
    // then each run starts with an addition line followed by n doubling lines,
    // each doubling after a squaring of the accumulator.
    // The first step is 1^2 * line: the first pair's line 0 as an Fp12.
    line_at(line, lines[0][0], px[0]);
    std::memset(&ret, 0, sizeof ret);
    ret.fp6[0].fp2[0] = line.fp2[0];
    ret.fp6[0].fp2[1] = line.fp2[1];
    ret.fp6[1].fp2[1] = line.fp2[2];
    for (std::size_t i = 1; i < n; i++) {
        line_at(line, lines[i][0], px[i]);
        blst_fp12_mul_by_xy00z0(&ret, &ret, &line);
    }
    struct Run {
        std::size_t first, doublings;
    };
    static constexpr Run kRuns[] = {{1, 2}, {4, 3}, {8, 9}, {18, 32}, {51, 16}};
    for (const Run& run : kRuns) {
        mul_lines(run.first);
        for (std::size_t k = 1; k <= run.doublings; k++) {
            blst_fp12_sqr(&ret, &ret);
            mul_lines(run.first + k);
        }
    }
    blst_fp12_conjugate(&ret);  // z is negative
}

}  // namespace kzg::core
