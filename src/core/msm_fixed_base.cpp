#include "core/msm_fixed_base.hpp"

#include <algorithm>
#include <cassert>
#include <cstring>

#include "core/affine_add.hpp"
#include "core/batch_inverse.hpp"
#include "core/fp_ifma.hpp"
#include "core/g1.hpp"
#include "core/parallel.hpp"

namespace kzg::core {

namespace {

// Bases per round of bucket accumulation: bounds the working memory of one MSM
// (about 96 bytes * (kChunk * windows + buckets)).
constexpr std::size_t kChunk = 1024;

}  // namespace

namespace {

// One level of pairwise additions. Element e of the level is read through
// `get(e)` (the point, or nullptr for infinity); pair k adds elements
// a_k and b_k into out[k]. All slopes share one field inversion.
struct PairAdder {
    struct Pair {
        std::uint32_t a, b, out;
    };
    std::vector<Pair> pairs;
    std::vector<blst_fp> num, den, prefix;
    std::vector<std::uint8_t> kind;  // 0 add, 1 copy a, 2 copy b, 3 infinity
    static constexpr std::size_t kChains = 4;

    template <class Get>
    void run(const Get& get, std::vector<blst_p1_affine>& out, std::vector<std::uint8_t>& out_inf) {
        static const blst_fp one = [] {
            const std::uint64_t limbs[6] = {1, 0, 0, 0, 0, 0};
            blst_fp f;
            blst_fp_from_uint64(&f, limbs);
            return f;
        }();
        const std::size_t np = pairs.size();
        if (np == 0) return;
        if (ifma_enabled()) return run_ifma(get, out, out_inf);
        num.resize(np);
        den.resize(np);
        prefix.resize(np);
        kind.resize(np);
        // Slopes: (y2 - y1) / (x2 - x1), or 3x^2 / 2y when doubling. A pair with
        // an infinity, or P + (-P), needs no slope (denominator 1).
        for (std::size_t k = 0; k < np; k++) {
            const blst_p1_affine* pa = get(pairs[k].a);
            const blst_p1_affine* qa = get(pairs[k].b);
            kind[k] = 0;
            if (!pa) {
                kind[k] = 2;
            } else if (!qa) {
                kind[k] = 1;
            } else if (affine_slope(*pa, qa->x, qa->y, num[k], den[k]) == AffineSlope::kCancel) {
                kind[k] = 3;
            }
            if (kind[k] != 0) den[k] = one;
            // kChains independent product chains: the multiplications of
            // neighbouring elements do not wait on each other.
            batch_inverse_prefix<kChains>(prefix.data(), k, den[k]);
        }
        const auto den_at = [&](std::size_t k) -> const blst_fp& { return den[k]; };
        batch_inverse_each<kChains>(prefix.data(), np, den_at, [&](std::size_t k, const blst_fp& inv_k) {
            const Pair& pr = pairs[k];
            blst_p1_affine& r = out[pr.out];
            const blst_p1_affine* pa = get(pr.a);
            const blst_p1_affine* qa = get(pr.b);
            out_inf[pr.out] = 0;
            switch (kind[k]) {
                case 1: r = *pa; return;
                case 2:
                    if (qa) r = *qa;
                    out_inf[pr.out] = qa ? 0 : 1;
                    return;
                case 3: out_inf[pr.out] = 1; return;
                default: break;
            }
            affine_add_finish(r, *pa, qa->x, num[k], inv_k);
        });
    }

    // The same with eight IFMA lanes (core/fp_ifma.hpp).
    template <class Get>
    void run_ifma(const Get& get, std::vector<blst_p1_affine>& out, std::vector<std::uint8_t>& out_inf) {
        thread_local IndexedAffineBatch batch;
        batch.size = batch.tangents = 0;
        for (const Pair& pr : pairs) {
            const blst_p1_affine* pa = get(pr.a);
            const blst_p1_affine* qa = get(pr.b);
            out_inf[pr.out] = 0;
            if (!pa || !qa) {  // a copy, or infinity
                if (pa || qa) out[pr.out] = pa ? *pa : *qa;
                out_inf[pr.out] = (pa || qa) ? 0 : 1;
                continue;
            }
            if (!batch.add_sum(pr.out, *pa, qa->x, qa->y)) {
                out_inf[pr.out] = 1;  // P + (-P)
                continue;
            }
            if (batch.full()) batch.flush(out);
        }
        batch.flush(out);
    }
};

}  // namespace

namespace {

// Working memory of accumulate_buckets, kept per thread between calls: a
// commitment's MSM would otherwise map (and the kernel zero) megabytes of
// fresh pages on every call.
struct BucketScratch {
    std::vector<std::uint32_t> start, len, fill;
    std::vector<blst_p1_affine> cur, nxt;
    std::vector<std::uint8_t> cur_inf, nxt_inf;
    PairAdder adder;
};

BucketScratch& bucket_scratch() {
    thread_local BucketScratch scratch;
    return scratch;
}

}  // namespace

// Tree reduction in batched affine coordinates. Every bucket's points (its
// current value first, if any) are listed contiguously; each level adds them
// in pairs, and all pairs of a level, across all buckets, are independent, so
// they share one field inversion. log2(largest bucket) levels finish the job.
void accumulate_buckets(std::span<const blst_p1_affine> points, std::span<const BucketAdd> adds,
                        std::vector<blst_p1_affine>& buckets, std::vector<std::uint8_t>& filled) {
    BucketScratch& s = bucket_scratch();
    const std::size_t nb = buckets.size();
    auto& start = s.start;
    auto& len = s.len;
    start.assign(nb + 1, 0);
    len.assign(nb, 0);
    for (const BucketAdd& add : adds) len[add.bucket]++;
    for (std::size_t b = 0; b < nb; b++) len[b] += filled[b] ? 1 : 0;
    for (std::size_t b = 0; b < nb; b++) start[b + 1] = start[b] + len[b];
    const std::size_t total = start[nb];

    // Level 0: every bucket's points copied contiguously (its current value
    // first), so that the levels read memory in order.
    auto& cur = s.cur;
    auto& nxt = s.nxt;
    auto& cur_inf = s.cur_inf;
    auto& nxt_inf = s.nxt_inf;
    if (cur.size() < total) cur.resize(total);
    if (nxt.size() < total / 2 + nb) nxt.resize(total / 2 + nb);
    cur_inf.assign(std::max(cur.size(), nxt.size()), 0);
    nxt_inf.assign(cur_inf.size(), 0);
    {
        auto& fill = s.fill;
        fill.assign(start.begin(), start.end() - 1);
        for (std::size_t b = 0; b < nb; b++)
            if (filled[b]) cur[fill[b]++] = buckets[b];
        for (const BucketAdd& add : adds) {
            blst_p1_affine& dst = cur[fill[add.bucket]++];
            dst = points[add.point];
            if (add.negate) blst_fp_cneg(&dst.y, &dst.y, true);
        }
    }

    PairAdder& adder = s.adder;
    for (;;) {
        std::size_t longest = 0;
        for (std::size_t b = 0; b < nb; b++) longest = std::max<std::size_t>(longest, len[b]);
        if (longest <= 1) break;
        // Pair up each bucket's elements; an odd last element moves down as is.
        adder.pairs.clear();
        std::uint32_t out = 0;
        for (std::size_t b = 0; b < nb; b++) {
            const std::uint32_t st = start[b], l = len[b];
            start[b] = out;
            for (std::uint32_t k = 0; k + 1 < l; k += 2) adder.pairs.push_back({st + k, st + k + 1, out++});
            if (l % 2 == 1) {
                nxt[out] = cur[st + l - 1];
                nxt_inf[out] = cur_inf[st + l - 1];
                out++;
            }
            len[b] = (l + 1) / 2;
        }
        // The element, or nullptr for the point at infinity.
        const auto get = [&](std::uint32_t e) -> const blst_p1_affine* { return cur_inf[e] ? nullptr : &cur[e]; };
        adder.run(get, nxt, nxt_inf);
        cur.swap(nxt);
        cur_inf.swap(nxt_inf);
    }

    for (std::size_t b = 0; b < nb; b++) {
        filled[b] = (len[b] == 1 && !cur_inf[start[b]]) ? 1 : 0;
        if (filled[b]) buckets[b] = cur[start[b]];
    }
}

namespace {

// Working memory of accumulate_buckets_sequential, kept per thread.
struct SequentialScratch {
    std::vector<std::uint32_t> stamp;  // stamp[b] == epoch: bucket b has an addition in the open batch
    std::uint32_t epoch = 0;
    std::vector<BucketAdd> deferred;
};

SequentialScratch& sequential_scratch() {
    thread_local SequentialScratch scratch;
    return scratch;
}

// One open batch of additions into distinct buckets, the slopes sharing one
// inversion: blst's scalar products.
struct ScalarBatch {
    static constexpr std::size_t kCapacity = 256;
    struct Item {
        std::uint32_t bucket;
        const blst_fp* px;  // the term's x (its sign is already in num)
    };
    Item items[kCapacity];
    blst_fp num[kCapacity], den[kCapacity], prefix[kCapacity];
    std::size_t size = 0;

    void add_chord(std::uint32_t b, const blst_p1_affine& q, const blst_fp& px, const blst_fp& py) {
        blst_fp_sub(&num[size], &py, &q.y);
        blst_fp_sub(&den[size], &px, &q.x);
        items[size++] = {b, &px};
    }
    // q + q: 3x^2 / 2y.
    void add_tangent(std::uint32_t b, const blst_p1_affine& q, const blst_fp& px) {
        affine_slope(q, q.x, q.y, num[size], den[size]);
        items[size++] = {b, &px};
    }
    void reset() { size = 0; }
    // buckets[b] = buckets[b] + p for every item: lambda = num / den, then
    // x3 = lambda^2 - xb - xp, y3 = lambda (xb - x3) - yb.
    void flush(std::vector<blst_p1_affine>& buckets) {
        if (size == 0) return;
        for (std::size_t k = 0; k < size; k++) batch_inverse_prefix(prefix, k, den[k]);
        const auto den_at = [&](std::size_t k) -> const blst_fp& { return den[k]; };
        batch_inverse_each(prefix, size, den_at, [&](std::size_t k, const blst_fp& inv_k) {
            blst_p1_affine& q = buckets[items[k].bucket];
            affine_add_finish(q, q, *items[k].px, num[k], inv_k);
        });
        size = 0;
    }
};

// The same with eight IFMA lanes (core/fp_ifma.hpp).
struct IfmaBatch : IndexedAffineBatch {
    // (The term's x is the bucket's: the lanes take it from there.)
    void add_tangent(std::uint32_t b, const blst_p1_affine& q, const blst_fp&) { IndexedAffineBatch::add_tangent(b, q); }
    void reset() { size = tangents = 0; }
};

// Adds the terms into their buckets in order, in place: up to
// kCapacity additions into distinct buckets share one inversion, and the
// points are read straight from the table (no copies, as the tree needs).
// A term whose bucket already has an addition in the open batch is deferred;
// the deferred terms (a few percent for uniform digits, all but a few for
// degenerate scalars) then go through the tree, which handles any skew.
template <class Batch>
void accumulate_sequential_with(Batch& batch, std::span<const blst_p1_affine> points,
                                std::span<const BucketAdd> adds, std::vector<blst_p1_affine>& buckets,
                                std::vector<std::uint8_t>& filled) {
    SequentialScratch& s = sequential_scratch();
    const std::size_t nb = buckets.size();
    if (s.stamp.size() < nb || s.epoch > 0xfffffff0u) {
        s.stamp.assign(std::max(nb, s.stamp.size()), 0);
        s.epoch = 0;
    }
    s.deferred.clear();
    batch.reset();
    std::uint32_t epoch = ++s.epoch;
    for (const BucketAdd& add : adds) {
        const std::uint32_t b = add.bucket;
        if (s.stamp[b] == epoch) {
            s.deferred.push_back(add);
            continue;
        }
        const blst_p1_affine& p = points[add.point];
        if (!filled[b]) {  // an empty bucket takes the term as it is
            buckets[b] = p;
            if (add.negate) blst_fp_cneg(&buckets[b].y, &p.y, true);
            filled[b] = 1;
            continue;
        }
        blst_fp py = p.y;
        if (add.negate) blst_fp_cneg(&py, &p.y, true);
        const blst_p1_affine& q = buckets[b];
        if (std::memcmp(&q.x, &p.x, sizeof p.x) != 0) {
            batch.add_chord(b, q, p.x, py);
        } else if (std::memcmp(&q.y, &py, sizeof py) != 0) {
            filled[b] = 0;  // P + (-P): the bucket empties
            continue;
        } else {
            batch.add_tangent(b, q, p.x);
        }
        s.stamp[b] = epoch;
        if (batch.size == Batch::kCapacity) {
            batch.flush(buckets);
            epoch = ++s.epoch;
        }
    }
    batch.flush(buckets);
    ++s.epoch;
    // (accumulate_buckets has its own scratch: the deferred list stays valid.)
    if (!s.deferred.empty()) accumulate_buckets(points, s.deferred, buckets, filled);
}

}  // namespace

void accumulate_buckets_sequential_scalar(std::span<const blst_p1_affine> points, std::span<const BucketAdd> adds,
                                          std::vector<blst_p1_affine>& buckets, std::vector<std::uint8_t>& filled) {
    thread_local ScalarBatch batch;
    accumulate_sequential_with(batch, points, adds, buckets, filled);
}

void accumulate_buckets_sequential_ifma(std::span<const blst_p1_affine> points, std::span<const BucketAdd> adds,
                                        std::vector<blst_p1_affine>& buckets, std::vector<std::uint8_t>& filled) {
    assert(cpu_has_ifma());
    thread_local IfmaBatch batch;
    accumulate_sequential_with(batch, points, adds, buckets, filled);
}

void accumulate_buckets_sequential(std::span<const blst_p1_affine> points, std::span<const BucketAdd> adds,
                                   std::vector<blst_p1_affine>& buckets, std::vector<std::uint8_t>& filled) {
    if (ifma_enabled()) {
        accumulate_buckets_sequential_ifma(points, adds, buckets, filled);
    } else {
        accumulate_buckets_sequential_scalar(points, adds, buckets, filled);
    }
}

// For each group g of nb consecutive buckets: out[g] = sum_i (i + 1) * B[g, i].
// Writing i = hi * 2^k + lo, that is
//   sum_lo (lo + 1) L[lo] + 2^k * (sum_hi (hi + 1) H[hi] - S),
// where L[lo] = sum_hi B[hi, lo], H[hi] = sum_lo B[hi, lo] and S = sum of all B.
// L and H come from batched affine additions (all groups at once), leaving two
// short running sums per group instead of one over every bucket.
void weighted_bucket_sums(const std::vector<blst_p1_affine>& buckets, const std::vector<std::uint8_t>& filled,
                          std::size_t nb, std::span<blst_p1> out) {
    const std::size_t groups = out.size();
    auto running_sum = [](const blst_p1_affine* pts, const std::uint8_t* ok, std::size_t n, blst_p1* sum) {
        blst_p1 running = g1_identity(), total = g1_identity();
        for (std::size_t i = n; i-- > 0;) {
            if (ok[i]) blst_p1_add_or_double_affine(&running, &running, &pts[i]);
            blst_p1_add_or_double(&total, &total, &running);
        }
        if (sum) *sum = running;
        return total;
    };
    if (nb <= 16) {
        for (std::size_t g = 0; g < groups; g++) out[g] = running_sum(&buckets[g * nb], &filled[g * nb], nb, nullptr);
        return;
    }
    unsigned m = 0;
    while ((std::size_t{1} << m) < nb) m++;
    const unsigned k = m / 2;
    const std::size_t n_lo = std::size_t{1} << k, n_hi = nb >> k;
    std::vector<BucketAdd> to_lo, to_hi;
    for (std::size_t g = 0; g < groups; g++) {
        for (std::uint32_t i = 0; i < nb; i++) {
            const auto idx = static_cast<std::uint32_t>(g * nb + i);
            if (!filled[idx]) continue;
            to_lo.push_back({idx, static_cast<std::uint32_t>(g * n_lo + (i & (n_lo - 1))), false});
            to_hi.push_back({idx, static_cast<std::uint32_t>(g * n_hi + (i >> k)), false});
        }
    }
    std::vector<blst_p1_affine> lo(groups * n_lo), hi(groups * n_hi);
    std::vector<std::uint8_t> lo_ok(lo.size(), 0), hi_ok(hi.size(), 0);
    accumulate_buckets(buckets, to_lo, lo, lo_ok);
    accumulate_buckets(buckets, to_hi, hi, hi_ok);
    for (std::size_t g = 0; g < groups; g++) {
        blst_p1 s;
        const blst_p1 total_lo = running_sum(&lo[g * n_lo], &lo_ok[g * n_lo], n_lo, &s);
        blst_p1 high = g1_sub(running_sum(&hi[g * n_hi], &hi_ok[g * n_hi], n_hi, nullptr), s);
        for (unsigned d = 0; d < k; d++) blst_p1_double(&high, &high);
        out[g] = g1_add(total_lo, high);
    }
}

std::vector<blst_p1_affine> FixedBaseMsm::build_table(std::span<const blst_p1_affine> bases, unsigned window_bits,
                                                      unsigned threads) {
    assert(window_bits >= 2 && window_bits <= 20);
    const std::size_t n = bases.size(), windows = windows_for(window_bits);
    std::vector<blst_p1_affine> table(n * windows);
    // 2^(w*j) * P_i by repeated doubling, converted to affine in slices of 256
    // bases (one inversion each) to bound the projective staging memory.
    constexpr std::size_t kSlice = 256;
    parallel_for((n + kSlice - 1) / kSlice, threads, [&](std::size_t s0, std::size_t s1) {
        std::vector<blst_p1> proj(kSlice * windows);
        for (std::size_t s = s0; s < s1; s++) {
            const std::size_t i0 = s * kSlice, i1 = std::min(n, i0 + kSlice);
            for (std::size_t i = i0; i < i1; i++) {
                blst_p1 p;
                blst_p1_from_affine(&p, &bases[i]);
                for (std::size_t j = 0; j < windows; j++) {
                    proj[(i - i0) * windows + j] = p;
                    for (unsigned d = 0; d < window_bits; d++) blst_p1_double(&p, &p);
                }
            }
            const blst_p1* arg[2] = {proj.data(), nullptr};
            blst_p1s_to_affine(&table[i0 * windows], arg, (i1 - i0) * windows);
        }
    });
    return table;
}

FixedBaseMsm::FixedBaseMsm(std::span<const blst_p1_affine> bases, unsigned window_bits, unsigned threads)
    : FixedBaseMsm(bases.size(), window_bits, build_table(bases, window_bits, threads)) {}

FixedBaseMsm::FixedBaseMsm(std::size_t n, unsigned window_bits, std::vector<blst_p1_affine> table)
    : n_(n), w_(window_bits), windows_(windows_for(window_bits)), table_(std::move(table)) {
    assert(table_.size() == n_ * windows_);
}

blst_p1 FixedBaseMsm::msm(std::span<const Fr> scalars) const { return msm_range(scalars, 0, scalars.size()); }

void scalar_signed_digits(const Fr& scalar, unsigned w, std::int32_t* d) {
    const std::uint32_t half = 1u << (w - 1), full = 1u << w, mask = full - 1;
    const std::size_t windows = FixedBaseMsm::windows_for(w);
    blst_scalar s;
    blst_scalar_from_fr(&s, &scalar);
    std::uint32_t carry = 0;
    // The carry moves up; the scalar is below 2^255, so ceil(256 / w) windows
    // always absorb the last carry.
    for (std::size_t j = 0; j < windows; j++) {
        const std::size_t bit = j * w;
        std::uint32_t v = 0;  // w bits at `bit` of the little-endian scalar
        for (std::size_t byte = bit / 8, shift = 0; byte < 32 && shift < w + (bit % 8); byte++, shift += 8)
            v |= static_cast<std::uint32_t>(s.b[byte]) << shift;
        v = ((v >> (bit % 8)) & mask) + carry;
        carry = v > half ? 1 : 0;
        d[j] = carry ? -static_cast<std::int32_t>(full - v) : static_cast<std::int32_t>(v);
    }
    assert(carry == 0);
}

void FixedBaseMsm::digits(const Fr& scalar, std::int32_t* d) const { scalar_signed_digits(scalar, w_, d); }

// The bucket addition of digit d of table point `point` (none for d = 0),
// into buckets bucket_base + |d| - 1.
void push_digit(std::vector<BucketAdd>& adds, std::int32_t d, std::size_t point, std::size_t bucket_base) {
    if (d == 0) return;
    const auto mag = static_cast<std::uint32_t>(d < 0 ? -d : d);
    adds.push_back({static_cast<std::uint32_t>(point), static_cast<std::uint32_t>(bucket_base + mag - 1), d < 0});
}

blst_p1 FixedBaseMsm::msm_range(std::span<const Fr> scalars, std::size_t begin, std::size_t end) const {
    assert(end <= n_ && end <= scalars.size());
    const std::size_t nb = std::size_t{1} << (w_ - 1);
    std::vector<blst_p1_affine> buckets(nb);
    std::vector<std::uint8_t> filled(nb, 0);
    std::vector<BucketAdd> adds;
    adds.reserve(std::min(end - begin, kChunk) * windows_);
    std::int32_t d[256];
    for (std::size_t chunk = begin; chunk < end; chunk += kChunk) {
        adds.clear();
        for (std::size_t i = chunk; i < std::min(end, chunk + kChunk); i++) {
            digits(scalars[i], d);
            for (std::size_t j = 0; j < windows_; j++) push_digit(adds, d[j], i * windows_ + j, 0);
        }
        accumulate_buckets_sequential(table_, adds, buckets, filled);
    }
    blst_p1 out;
    weighted_bucket_sums(buckets, filled, nb, std::span<blst_p1>(&out, 1));
    return out;
}

void FixedBaseMsm::msm_groups(std::span<const Fr> scalars, std::size_t group_size, std::span<blst_p1> out,
                              std::size_t first_base) const {
    assert(first_base + group_size * out.size() <= n_ && scalars.size() == group_size * out.size());
    const std::size_t nb = std::size_t{1} << (w_ - 1);
    // Groups per round: bounds the working memory like kChunk does.
    const std::size_t per_round = std::max<std::size_t>(1, kChunk / group_size);
    std::vector<BucketAdd> adds;
    std::vector<std::int32_t> digit;
    for (std::size_t g0 = 0; g0 < out.size(); g0 += per_round) {
        const std::size_t g1 = std::min(out.size(), g0 + per_round);
        // Consecutive terms go to different groups' buckets (group-minor
        // order): a batch of additions into distinct buckets then fills
        // without conflicts, where group-major order would send 256
        // consecutive terms into one group's 2^(w-1) buckets.
        digit.resize((g1 - g0) * group_size * windows_);
        for (std::size_t g = g0; g < g1; g++)
            for (std::size_t i = 0; i < group_size; i++)
                digits(scalars[g * group_size + i], &digit[((g - g0) * group_size + i) * windows_]);
        adds.clear();
        for (std::size_t i = 0; i < group_size; i++)
            for (std::size_t j = 0; j < windows_; j++)
                for (std::size_t g = g0; g < g1; g++)
                    push_digit(adds, digit[((g - g0) * group_size + i) * windows_ + j],
                               (first_base + g * group_size + i) * windows_ + j, (g - g0) * nb);
        std::vector<blst_p1_affine> buckets((g1 - g0) * nb);
        std::vector<std::uint8_t> filled(buckets.size(), 0);
        accumulate_buckets_sequential(table_, adds, buckets, filled);
        weighted_bucket_sums(buckets, filled, nb, out.subspan(g0, g1 - g0));
    }
}

}  // namespace kzg::core
