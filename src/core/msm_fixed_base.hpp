// Fixed-base multi-scalar multiplication with precomputed tables.
//
// For fixed bases P_i (the trusted setup) we store T[i][j] = 2^(w*j) * P_i in
// affine form for every window j. A scalar's signed w-bit digits d_ij then turn
// the MSM into one bucket sum, sum_b b * (sum of +-T[i][j] with |d_ij| = b),
// over 2^(w-1) buckets: N * ceil(256/w) additions instead of Pippenger's
// ~(255/c) * (N + 2^c), and those additions are done in affine coordinates in
// batches that share one field inversion (Montgomery's trick).
//
// The classic failure modes of batched affine addition are handled explicitly:
// zero digits (skipped), a bucket at infinity (empty), P + P (doubling, done
// projectively) and P + (-P) (the bucket becomes empty).
#pragma once

#include <blst.h>

#include <cstddef>
#include <span>
#include <vector>

#include "core/fr.hpp"

namespace kzg::core {

// One term of a bucket sum: buckets[bucket] += (negate ? -1 : 1) * points[point].
struct BucketAdd {
    std::uint32_t point;
    std::uint32_t bucket;
    bool negate;
};

class FixedBaseMsm {
  public:
    // Bases must be finite points (trusted-setup points are validated so).
    // The table is built on up to `threads` threads.
    FixedBaseMsm(std::span<const blst_p1_affine> bases, unsigned window_bits, unsigned threads = 1);

    // sum scalars[i] * bases[i]; scalars.size() <= bases.size().
    blst_p1 msm(std::span<const Fr> scalars) const;
    // The same over the range [begin, end) of bases and scalars (for splitting
    // one MSM across threads).
    blst_p1 msm_range(std::span<const Fr> scalars, std::size_t begin, std::size_t end) const;
    // Many small MSMs at once: out[g] = sum over bases and scalars of group g,
    // the groups being consecutive runs of group_size. Their buckets share the
    // batched additions.
    // first_base: where the first group starts among the bases (to split the
    // groups across threads).
    void msm_groups(std::span<const Fr> scalars, std::size_t group_size, std::span<blst_p1> out,
                    std::size_t first_base = 0) const;

    std::size_t num_bases() const { return n_; }
    unsigned window_bits() const { return w_; }
    std::size_t table_bytes() const { return table_.size() * sizeof(blst_p1_affine); }
    std::span<const blst_p1_affine> table() const { return table_; }

    // Adopts a table computed earlier (e.g. read from a verified cache).
    FixedBaseMsm(std::size_t n, unsigned window_bits, std::vector<blst_p1_affine> table);
    // The table the first constructor builds.
    static std::vector<blst_p1_affine> build_table(std::span<const blst_p1_affine> bases, unsigned window_bits,
                                                   unsigned threads);
    static std::size_t windows_for(unsigned window_bits) { return (256 + window_bits - 1) / window_bits; }

  private:
    // d[0 .. windows_): the scalar's signed digits.
    void digits(const Fr& scalar, std::int32_t* d) const;

    std::size_t n_;
    unsigned w_;
    std::size_t windows_;
    std::vector<blst_p1_affine> table_;  // [i * windows_ + j] = 2^(w*j) * P_i
};

// Adds every term into its bucket with batched affine additions; `filled`
// says which buckets hold a point (an empty bucket is the identity). Exposed
// for tests.
void accumulate_buckets(std::span<const blst_p1_affine> points, std::span<const BucketAdd> adds,
                        std::vector<blst_p1_affine>& buckets, std::vector<std::uint8_t>& filled);
// The same result, adding the terms in order into the buckets in place (the
// MSMs use this; conflicts within a batch fall back to accumulate_buckets).
void accumulate_buckets_sequential(std::span<const blst_p1_affine> points, std::span<const BucketAdd> adds,
                                   std::vector<blst_p1_affine>& buckets, std::vector<std::uint8_t>& filled);
// The two implementations it picks from (ifma_enabled()): blst's products, and
// eight AVX-512 IFMA lanes (only where cpu_has_ifma()). Exposed for tests.
void accumulate_buckets_sequential_scalar(std::span<const blst_p1_affine> points, std::span<const BucketAdd> adds,
                                          std::vector<blst_p1_affine>& buckets, std::vector<std::uint8_t>& filled);
void accumulate_buckets_sequential_ifma(std::span<const blst_p1_affine> points, std::span<const BucketAdd> adds,
                                        std::vector<blst_p1_affine>& buckets, std::vector<std::uint8_t>& filled);
// The signed w-bit digits of a scalar (2 <= w <= 20), d[j] in
// [-2^(w-1), 2^(w-1)] for j < FixedBaseMsm::windows_for(w), with
// sum_j d[j] 2^(w j) = scalar.
void scalar_signed_digits(const Fr& scalar, unsigned w, std::int32_t* d);
// The bucket addition of digit d of point `point` (none for d = 0), into
// bucket bucket_base + |d| - 1, negated for a negative digit.
void push_digit(std::vector<BucketAdd>& adds, std::int32_t d, std::size_t point, std::size_t bucket_base);
// For each group g of nb consecutive buckets: out[g] = sum_i (i + 1) * buckets[g * nb + i].
void weighted_bucket_sums(const std::vector<blst_p1_affine>& buckets, const std::vector<std::uint8_t>& filled,
                          std::size_t nb, std::span<blst_p1> out);

}  // namespace kzg::core
