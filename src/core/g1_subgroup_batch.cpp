#include "core/g1_subgroup_batch.hpp"

#include <sys/random.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstdint>
#include <vector>

#include "core/affine_add.hpp"
#include "core/batch_inverse.hpp"
#include "core/fp_ifma.hpp"

namespace kzg::core {

bool os_random_trits(std::span<signed char> out) {
    std::uint8_t buf[256];
    std::size_t have = 0, used = 0, k = 0;
    while (k < out.size()) {
        if (used == have) {
            const ssize_t got = getrandom(buf, sizeof buf, 0);
            if (got < 0 && errno == EINTR) continue;
            if (got <= 0) return false;
            have = static_cast<std::size_t>(got);
            used = 0;
        }
        unsigned b = buf[used++];
        if (b >= 243) continue;  // 243 = 3^5: below it, five uniform base-3 digits
        for (int d = 0; d < 5 && k < out.size(); d++, b /= 3) out[k++] = static_cast<signed char>(int(b % 3) - 1);
    }
    return true;
}

namespace {

// Rounds are summed a few at a time so that their points stay in cache.
constexpr std::size_t kRoundsPerChunk = 8;
constexpr std::size_t kChains = 4;  // independent products in the batch inversion

// out[k] = a(k) + b(k) for k < n with every slope inverted together; a(k)
// and b(k) are finite, a sum that is the point at infinity (a(k) == -b(k))
// comes out all-zero. out must not alias the inputs.
class PairAdder {
  public:
    template <class A, class B>
    void add(std::size_t n, const A& a, const B& b, blst_p1_affine* out) {
        if (ifma_enabled()) return add_ifma(n, a, b, out);
        num_.resize(n);
        den_.resize(n);
        prefix_.resize(n);
        live_.resize(n);
        std::size_t m = 0;
        for (std::size_t k = 0; k < n; k++) {
            const blst_p1_affine& bk = b(k);
            if (affine_slope(a(k), bk.x, bk.y, num_[m], den_[m]) == AffineSlope::kCancel) {
                out[k] = blst_p1_affine{};
                continue;
            }
            live_[m] = k;
            batch_inverse_prefix<kChains>(prefix_.data(), m, den_[m]);
            m++;
        }
        batch_inverse_each<kChains>(
            prefix_.data(), m, [&](std::size_t j) -> const blst_fp& { return den_[j]; },
            [&](std::size_t j, const blst_fp& inv) {
                const std::size_t k = live_[j];
                affine_add_finish(out[k], a(k), b(k).x, num_[j], inv);
            });
    }

  private:
    // The same with eight IFMA lanes (core/fp_ifma.hpp).
    template <class A, class B>
    void add_ifma(std::size_t n, const A& a, const B& b, blst_p1_affine* out) {
        thread_local IndexedAffineBatch batch;
        batch.size = batch.tangents = 0;
        for (std::size_t k = 0; k < n; k++) {
            const blst_p1_affine& bk = b(k);
            if (!batch.add_sum(static_cast<std::uint32_t>(k), a(k), bk.x, bk.y)) {
                out[k] = blst_p1_affine{};  // a == -b
                continue;
            }
            if (batch.full()) batch.flush(out);
        }
        batch.flush(out);
    }

    std::vector<blst_fp> num_, den_, prefix_;
    std::vector<std::size_t> live_;
};

blst_p1_affine negated(blst_p1_affine p) {
    blst_fp_cneg(&p.y, &p.y, true);
    return p;
}

// The finite points grouped in threes (a, b, c) with the 13 sums
// c0 a + c1 b + c2 c whose first non-zero coefficient is +1: a round then
// adds one term per triple instead of up to three (about 30% of the
// additions of summing points one by one, the table included). Entry
// code - 14 holds the sum for code = 9 (c0 + 1) + 3 (c1 + 1) + (c2 + 1) >
// 13; code 26 - code is its negation, 13 the zero combination.
class TripleTable {
  public:
    // The triples are independent: `par` splits them.
    void build(std::span<const blst_p1_affine> points, const ParallelFor& par) {
        for (std::size_t i = 0; i < points.size(); i++)
            if (!blst_p1_affine_is_inf(&points[i])) finite_.push_back(static_cast<std::uint32_t>(i));
        const std::size_t t = finite_.size() / 3;
        sums_.resize(13 * t);
        par(t, [&](std::size_t g0, std::size_t g1) { build_triples(points, g0, g1); });
    }

    // Appends round `c`'s terms (c[i]: point i's coefficient) to `terms`.
    void append_terms(const signed char* c, std::span<const blst_p1_affine> points,
                      std::vector<blst_p1_affine>& terms) const {
        const std::size_t t = finite_.size() / 3;
        for (std::size_t g = 0; g < t; g++) {
            const int code = 9 * (c[finite_[3 * g]] + 1) + 3 * (c[finite_[3 * g + 1]] + 1) + (c[finite_[3 * g + 2]] + 1);
            if (code == 13) continue;
            const blst_p1_affine& e = sums_[13 * g + (code > 13 ? code - 14 : 12 - code)];
            if (blst_p1_affine_is_inf(&e)) continue;
            terms.push_back(e);
            if (code < 13) blst_fp_cneg(&terms.back().y, &terms.back().y, true);
        }
        for (std::size_t k = 3 * t; k < finite_.size(); k++) {  // the one or two points left over
            const std::uint32_t i = finite_[k];
            if (c[i] == 0) continue;
            terms.push_back(points[i]);
            if (c[i] < 0) blst_fp_cneg(&terms.back().y, &terms.back().y, true);
        }
    }

  private:
    // Triples g0 .. g1 - 1 of the table.
    void build_triples(std::span<const blst_p1_affine> points, std::size_t g0, std::size_t g1) {
        const std::size_t m = g1 - g0;
        // Two-term sums: codes 15 b-c, 17 b+c, 19 a-b, 21 a-c, 23 a+c, 25 a+b.
        static constexpr int kPairCode[6] = {15, 17, 19, 21, 23, 25};
        static constexpr int kPairA[6] = {1, 1, 0, 0, 0, 0}, kPairB[6] = {2, 2, 1, 2, 2, 1};
        static constexpr bool kPairNeg[6] = {true, false, true, true, false, false};
        std::vector<blst_p1_affine> lhs(6 * m), rhs(6 * m), out(6 * m);
        for (std::size_t g = g0; g < g1; g++) {
            const blst_p1_affine* p[3] = {&points[finite_[3 * g]], &points[finite_[3 * g + 1]],
                                          &points[finite_[3 * g + 2]]};
            entry(g, 22) = *p[0];
            entry(g, 16) = *p[1];
            entry(g, 14) = *p[2];
            for (int j = 0; j < 6; j++) {
                lhs[6 * (g - g0) + j] = *p[kPairA[j]];
                rhs[6 * (g - g0) + j] = kPairNeg[j] ? negated(*p[kPairB[j]]) : *p[kPairB[j]];
            }
        }
        PairAdder adder;
        adder.add(6 * m, [&](std::size_t k) -> const blst_p1_affine& { return lhs[k]; },
                  [&](std::size_t k) -> const blst_p1_affine& { return rhs[k]; }, out.data());
        for (std::size_t g = g0; g < g1; g++)
            for (int j = 0; j < 6; j++) entry(g, kPairCode[j]) = out[6 * (g - g0) + j];
        // Three-term sums: 18 (a-b)-c, 20 (a-b)+c, 24 (a+b)-c, 26 (a+b)+c.
        static constexpr int kTripleCode[4] = {18, 20, 24, 26}, kTripleFrom[4] = {19, 19, 25, 25};
        static constexpr bool kTripleNeg[4] = {true, false, true, false};
        lhs.resize(4 * m);
        rhs.resize(4 * m);
        out.resize(4 * m);
        std::vector<std::size_t> jobs;  // (g, j) as 4 g + j, where the two-term sum is finite
        for (std::size_t g = g0; g < g1; g++)
            for (int j = 0; j < 4; j++) {
                const blst_p1_affine& c = entry(g, 14);
                const blst_p1_affine& two = entry(g, kTripleFrom[j]);
                if (blst_p1_affine_is_inf(&two)) {  // (a -+ b) = 0: the sum is +-c
                    entry(g, kTripleCode[j]) = kTripleNeg[j] ? negated(c) : c;
                    continue;
                }
                lhs[jobs.size()] = two;
                rhs[jobs.size()] = kTripleNeg[j] ? negated(c) : c;
                jobs.push_back(4 * g + static_cast<std::size_t>(j));
            }
        adder.add(jobs.size(), [&](std::size_t k) -> const blst_p1_affine& { return lhs[k]; },
                  [&](std::size_t k) -> const blst_p1_affine& { return rhs[k]; }, out.data());
        for (std::size_t k = 0; k < jobs.size(); k++) entry(jobs[k] / 4, kTripleCode[jobs[k] % 4]) = out[k];
    }

    blst_p1_affine& entry(std::size_t g, int code) { return sums_[13 * g + static_cast<std::size_t>(code - 14)]; }

    std::vector<std::uint32_t> finite_;  // indices of the finite points
    std::vector<blst_p1_affine> sums_;
};

// The sums of several rounds at once: round q's terms are pts[begin[q] ..
// begin[q + 1]); each level adds neighbours pairwise until one point (or
// none: the point at infinity) is left per round.
class RoundSums {
  public:
    bool all_in_g1(const TripleTable& table, std::span<const blst_p1_affine> points,
                   std::span<const signed char> trits, std::size_t round_begin, std::size_t round_end) {
        pts_.clear();
        begin_.assign(1, 0);
        for (std::size_t q = round_begin; q < round_end; q++) {
            table.append_terms(trits.data() + q * points.size(), points, pts_);
            begin_.push_back(static_cast<std::uint32_t>(pts_.size()));
        }
        while (add_level()) {
        }
        for (std::size_t q = 0; q + 1 < begin_.size(); q++)
            if (begin_[q] != begin_[q + 1] && !blst_p1_affine_in_g1(&pts_[begin_[q]])) return false;
        return true;
    }

  private:
    // One level: every round's list halves. False when no list had two points.
    bool add_level() {
        const std::size_t rounds = begin_.size() - 1;
        left_.clear();
        pair_begin_.assign(1, 0);
        for (std::size_t q = 0; q < rounds; q++) {
            for (std::uint32_t j = begin_[q]; j + 1 < begin_[q + 1]; j += 2) left_.push_back(j);
            pair_begin_.push_back(left_.size());
        }
        if (left_.empty()) return false;
        sums_.resize(left_.size());
        adder_.add(left_.size(), [&](std::size_t k) -> const blst_p1_affine& { return pts_[left_[k]]; },
                   [&](std::size_t k) -> const blst_p1_affine& { return pts_[left_[k] + 1]; }, sums_.data());
        // The next level: each round's finite sums, then its odd term out.
        next_.clear();
        next_begin_.assign(1, 0);
        for (std::size_t q = 0; q < rounds; q++) {
            for (std::size_t k = pair_begin_[q]; k < pair_begin_[q + 1]; k++)
                if (!blst_p1_affine_is_inf(&sums_[k])) next_.push_back(sums_[k]);
            if ((begin_[q + 1] - begin_[q]) % 2) next_.push_back(pts_[begin_[q + 1] - 1]);
            next_begin_.push_back(static_cast<std::uint32_t>(next_.size()));
        }
        pts_.swap(next_);
        begin_.swap(next_begin_);
        return true;
    }

    PairAdder adder_;
    std::vector<blst_p1_affine> pts_, next_, sums_;
    std::vector<std::uint32_t> begin_, next_begin_, left_;
    std::vector<std::size_t> pair_begin_;
};

}  // namespace

SubgroupBatch g1_batch_in_g1_with(std::span<const blst_p1_affine> points, std::span<const signed char> trits,
                                  std::size_t rounds, const ParallelFor& par) {
    const std::size_t n = points.size();
    if (trits.size() < rounds * n) return SubgroupBatch::kNoRandomness;
    const std::size_t chunks = (rounds + kRoundsPerChunk - 1) / kRoundsPerChunk;
    TripleTable table;
    table.build(points, par);
    std::atomic<bool> ok{true};
    par(chunks, [&](std::size_t c0, std::size_t c1) {
        RoundSums sums;
        for (std::size_t c = c0; c < c1 && ok.load(std::memory_order_relaxed); c++) {
            const std::size_t r0 = c * kRoundsPerChunk, r1 = std::min(rounds, r0 + kRoundsPerChunk);
            if (!sums.all_in_g1(table, points, trits, r0, r1)) ok.store(false, std::memory_order_relaxed);
        }
    });
    return ok.load() ? SubgroupBatch::kAllInG1 : SubgroupBatch::kNotAllInG1;
}

SubgroupBatch g1_batch_in_g1(std::span<const blst_p1_affine> points, const ParallelFor& par) {
    std::vector<signed char> trits(kSubgroupBatchRounds * points.size());
    if (!os_random_trits(trits)) return SubgroupBatch::kNoRandomness;
    return g1_batch_in_g1_with(points, trits, kSubgroupBatchRounds, par);
}

}  // namespace kzg::core
