#include "core/msm_variable.hpp"

#include <cassert>
#include <vector>

#include "core/g1.hpp"
#include "core/msm_fixed_base.hpp"

namespace kzg::core {

namespace {

// Window bits by size: about (256 / c) (n + 2^(c - 1) * 3) additions.
unsigned window_bits_for(std::size_t n) {
    if (n >= 8192) return 11;
    if (n >= 2048) return 10;
    if (n >= 512) return 8;
    return 7;
}

// Points per round of accumulation: bounds the term list (12 bytes per term).
constexpr std::size_t kChunk = 2048;

}  // namespace

blst_p1 g1_msm_buckets(std::span<const blst_p1_affine> points, std::span<const Fr> scalars) {
    assert(points.size() == scalars.size());
    const unsigned c = window_bits_for(points.size());
    const std::size_t windows = FixedBaseMsm::windows_for(c), nb = std::size_t{1} << (c - 1);
    // Window j's buckets are j * nb .. j * nb + nb - 1; bucket b holds the
    // points whose digit is +-(b + 1).
    std::vector<blst_p1_affine> buckets(windows * nb);
    std::vector<std::uint8_t> filled(buckets.size(), 0);
    std::vector<BucketAdd> adds;
    std::int32_t d[128];
    for (std::size_t i0 = 0; i0 < points.size(); i0 += kChunk) {
        const std::size_t i1 = std::min(points.size(), i0 + kChunk);
        adds.clear();
        // Point-major: consecutive terms go to different windows' buckets,
        // so that a batch of additions into distinct buckets rarely collides.
        for (std::size_t i = i0; i < i1; i++) {
            if (blst_p1_affine_is_inf(&points[i])) continue;
            scalar_signed_digits(scalars[i], c, d);
            for (std::size_t j = 0; j < windows; j++) push_digit(adds, d[j], i, j * nb);
        }
        accumulate_buckets_sequential(points, adds, buckets, filled);
    }
    std::vector<blst_p1> window_sums(windows);
    weighted_bucket_sums(buckets, filled, nb, window_sums);
    // sum_j 2^(c j) W_j by Horner's rule.
    blst_p1 acc = window_sums[windows - 1];
    for (std::size_t j = windows - 1; j-- > 0;) {
        for (unsigned k = 0; k < c; k++) blst_p1_double(&acc, &acc);
        acc = g1_add(acc, window_sums[j]);
    }
    return acc;
}

}  // namespace kzg::core
