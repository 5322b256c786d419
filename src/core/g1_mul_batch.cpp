#include "core/g1_mul_batch.hpp"

#include <algorithm>
#include <array>
#include <cstring>
#include <vector>

#include "core/affine_add.hpp"
#include "core/batch_inverse.hpp"
#include "core/fp_ifma.hpp"
#include "core/g1.hpp"

namespace kzg::core {

namespace {

// lambda = z^2 - 1 for the BLS parameter z = -0xd201000000010000: a cube root
// of unity mod r (lambda^2 + lambda + 1 = r).
constexpr unsigned __int128 kLambda =
    (static_cast<unsigned __int128>(0xac45a4010001a402ull) << 64) | 0x00000000ffffffffull;

constexpr unsigned kWindow = kG1MulWindowBits;  // 5 (shared with g1_mul_ifma.cpp)
constexpr unsigned kWindows = 26;  // 26 * 5 = 130 bits: 128 and the last carry
constexpr unsigned kTable = static_cast<unsigned>(kG1MulTable);  // multiples 1..16
static_assert(kWindow * kWindows >= 129, "the windows must cover 128 bits and the last carry");
constexpr std::size_t kLanePoints = 40;  // at most this many points go to the IFMA lanes

// beta with (beta x, y) = [lambda](x, y) on G1: one of the two primitive cube
// roots of unity in Fp, the one that matches on the generator.
const blst_fp& beta() {
    static const blst_fp value = [] {
        static const char* const kCandidates[2] = {
            "005f19672fdf76ce51ba69c6076a0f77eaddb3a93be6f89688de17d813620a00022e01fffffffefffe",
            "1a0111ea397fe699ec02408663d4de85aa0d857d89759ad4897d29650fb85f9b409427eb4f49fffd8bfd00000000aaac"};
        std::uint8_t lambda_le[16];
        for (unsigned k = 0; k < 16; k++) lambda_le[k] = static_cast<std::uint8_t>(kLambda >> (8 * k));
        blst_p1 q;
        blst_p1_mult(&q, blst_p1_generator(), lambda_le, 128);
        blst_p1_affine qa, g;
        blst_p1_to_affine(&qa, &q);
        blst_p1_to_affine(&g, blst_p1_generator());
        for (const char* hex : kCandidates) {
            std::uint8_t be[48] = {};
            const std::size_t len = std::strlen(hex) / 2;
            for (std::size_t k = 0; k < len; k++) {
                auto nib = [](char c) { return static_cast<std::uint8_t>(c <= '9' ? c - '0' : c - 'a' + 10); };
                be[48 - len + k] = static_cast<std::uint8_t>(nib(hex[2 * k]) << 4 | nib(hex[2 * k + 1]));
            }
            blst_fp b, x;
            blst_fp_from_bendian(&b, be);
            blst_fp_mul(&x, &b, &g.x);
            if (std::memcmp(&x, &qa.x, sizeof x) == 0) return b;
        }
        std::abort();  // unreachable for BLS12-381: one candidate always matches
    }();
    return value;
}

// s = k1 + k2 lambda with k1 < lambda and k2 = floor(s / lambda) < 2^128.
void glv_split(const Fr& s, unsigned __int128& k1, unsigned __int128& k2) {
    blst_scalar sc;
    blst_scalar_from_fr(&sc, &s);
    unsigned __int128 rem = 0, quo = 0;
    for (int bit = 255; bit >= 0; bit--) {
        const bool carry = (rem >> 127) != 0;
        rem = (rem << 1) | ((sc.b[bit / 8] >> (bit % 8)) & 1);
        quo <<= 1;
        if (carry || rem >= kLambda) {  // with the carry the true remainder is >= 2^128 > lambda
            rem -= kLambda;
            quo |= 1;
        }
    }
    k1 = rem;
    k2 = quo;
}

// Signed 5-bit digits of k (< 2^128), least significant first, in [-15, 16].
void signed_digits(unsigned __int128 k, std::array<std::int8_t, kWindows>& d) {
    unsigned carry = 0;
    for (unsigned j = 0; j < kWindows; j++) {
        const unsigned v = static_cast<unsigned>((k >> (kWindow * j)) & (2 * kTable - 1)) + carry;
        carry = v > kTable ? 1 : 0;
        d[j] = static_cast<std::int8_t>(static_cast<int>(v) - static_cast<int>(carry ? 2 * kTable : 0));
    }
}

// One step for many points at once: slot[i] = slot[i] + (+-)*q, or
// slot[i] = 2 * slot[i] when q is null. All slopes share one inversion.
struct Round {
    struct Op {
        std::uint32_t slot;
        const blst_p1_affine* q;  // nullptr: double the slot
        bool negate;
    };
    std::vector<Op> ops;
    std::vector<blst_fp> num, den, prefix;
    std::vector<std::uint32_t> act;  // the ops that need a slope, in order

    // An addition's term: its y (negated if asked) in qy; true when the slot
    // was at infinity and has simply taken the term.
    static bool take_term(const Op& op, blst_p1_affine& a, std::uint8_t& a_inf, blst_fp& qy) {
        qy = op.q->y;
        if (op.negate) blst_fp_cneg(&qy, &qy, true);
        if (!a_inf) return false;
        a.x = op.q->x;  // infinity + Q = Q
        a.y = qy;
        a_inf = 0;
        return true;
    }

    void run(std::vector<blst_p1_affine>& slot, std::vector<std::uint8_t>& inf) {
        if (ifma_enabled()) {
            run_ifma(slot, inf);
        } else {
            run_scalar(slot, inf);
        }
    }

    // The same with eight IFMA lanes: doublings and additions share the batch.
    void run_ifma(std::vector<blst_p1_affine>& slot, std::vector<std::uint8_t>& inf) {
        thread_local IndexedAffineBatch batch;
        batch.size = batch.tangents = 0;
        for (const Op& op : ops) {
            blst_p1_affine& a = slot[op.slot];
            if (!op.q) {  // doubling: infinity stays
                if (inf[op.slot]) continue;
                batch.add_tangent(op.slot, a);
            } else {
                blst_fp qy;
                if (take_term(op, a, inf[op.slot], qy)) continue;
                if (!batch.add_sum(op.slot, a, op.q->x, qy)) {
                    inf[op.slot] = 1;  // P + (-P)
                    continue;
                }
            }
            if (batch.full()) batch.flush(slot);
        }
        batch.flush(slot);
    }

    void run_scalar(std::vector<blst_p1_affine>& slot, std::vector<std::uint8_t>& inf) {
        const std::size_t n = ops.size();
        num.resize(n);
        den.resize(n);
        prefix.resize(n);
        act.clear();
        for (std::size_t k = 0; k < n; k++) {
            const Op& op = ops[k];
            blst_p1_affine& a = slot[op.slot];
            if (!op.q) {  // doubling: infinity stays
                if (inf[op.slot]) continue;
                affine_slope(a, a.x, a.y, num[k], den[k]);
            } else {
                blst_fp qy;
                if (take_term(op, a, inf[op.slot], qy)) continue;
                if (affine_slope(a, op.q->x, qy, num[k], den[k]) == AffineSlope::kCancel) {  // P + (-P)
                    inf[op.slot] = 1;
                    continue;
                }
            }
            batch_inverse_prefix(prefix.data(), act.size(), den[k]);
            act.push_back(static_cast<std::uint32_t>(k));
        }
        // The slopes' denominators, in the order of act.
        const auto den_at = [&](std::size_t m) -> const blst_fp& { return den[act[m]]; };
        batch_inverse_each(prefix.data(), act.size(), den_at, [&](std::size_t m, const blst_fp& inv_k) {
            const std::size_t k = act[m];
            blst_p1_affine& a = slot[ops[k].slot];
            const blst_fp bx = ops[k].q ? ops[k].q->x : a.x;  // a copy: a.x changes
            affine_add_finish(a, a, bx, num[k], inv_k);
        });
    }
};

}  // namespace

void g1_mul_batch(std::span<blst_p1> points, std::span<const Fr> scalars) {
    // Identity points and zero scalars give the identity and take no part.
    std::vector<std::uint32_t> idx;
    for (std::size_t i = 0; i < points.size(); i++) {
        if (blst_p1_is_inf(&points[i]) || fr_is_zero(scalars[i])) {
            points[i] = g1_identity();
        } else {
            idx.push_back(static_cast<std::uint32_t>(i));
        }
    }
    const std::size_t n = idx.size();
    if (n == 0) return;

    // Tables: tab[i * 16 + m - 1] = [m] P_i, phi_tab likewise for phi(P_i).
    // Every round (one shared inversion) doubles what is known: from [1..k],
    // [k + j] = [k] + [j] for j < k; [2] P, then k = 3, 5, 9, 16: 5 rounds.
    std::vector<blst_p1> proj(n);
    for (std::size_t i = 0; i < n; i++) proj[i] = points[idx[i]];
    std::vector<blst_p1_affine> tab(n * kTable), phi_tab(n * kTable);
    std::vector<std::uint8_t> tab_inf(n * kTable, 0);
    Round round;
    {
        std::vector<blst_p1_affine> base(n);
        const blst_p1* arg[2] = {proj.data(), nullptr};
        blst_p1s_to_affine(base.data(), arg, n);
        for (std::size_t i = 0; i < n; i++) tab[i * kTable] = tab[i * kTable + 1] = base[i];
        for (std::size_t i = 0; i < n; i++) round.ops.push_back({static_cast<std::uint32_t>(i * kTable + 1), nullptr, false});
        round.run(tab, tab_inf);  // [2] P
        for (unsigned known = 2; known < kTable;) {
            const unsigned next = std::min(kTable, 2 * known - 1);
            round.ops.clear();
            for (std::size_t i = 0; i < n; i++) {
                blst_p1_affine* t = &tab[i * kTable];
                for (unsigned m = known + 1; m <= next; m++) {
                    t[m - 1] = t[known - 1];
                    round.ops.push_back({static_cast<std::uint32_t>(i * kTable + m - 1), &t[m - known - 1], false});
                }
            }
            round.run(tab, tab_inf);
            known = next;
        }
        for (std::size_t e = 0; e < tab.size(); e++) {
            phi_tab[e] = tab[e];
            blst_fp_mul(&phi_tab[e].x, &tab[e].x, &beta());
        }
    }
    // [m] P for m <= 16 is never infinity: P has prime order r.
    std::vector<std::array<std::int8_t, kWindows>> d1(n), d2(n);
    for (std::size_t i = 0; i < n; i++) {
        unsigned __int128 k1, k2;
        glv_split(scalars[idx[i]], k1, k2);
        signed_digits(k1, d1[i]);
        signed_digits(k2, d2[i]);
    }

    // Few points: one per IFMA lane, with no inversions at all. The lockstep
    // affine steps below cost ~560 us per call (157 shared inversions) plus
    // ~22 us a point, the lanes ~30 us a point: equal at ~48 points here,
    // and a G1 FFT level split over threads gives each far fewer.
    if (ifma_enabled() && n <= kLanePoints) {
        std::vector<blst_p1> out(n);
        g1_windows_ifma(out.data(), n, tab.data(), phi_tab.data(), d1[0].data(), d2[0].data(), kWindows);
        for (std::size_t i = 0; i < n; i++) points[idx[i]] = out[i];
        return;
    }

    // acc[i] the running sum of point i; acc[n + i] its window's term
    // s_i = [d1] P_i + [d2] phi(P_i), summed during the window's first
    // doubling round (their additions share its inversion), so that each
    // window costs one addition round, not two.
    std::vector<blst_p1_affine> acc(2 * n);
    std::vector<std::uint8_t> inf(2 * n, 1);
    for (unsigned j = kWindows; j-- > 0;) {
        round.ops.clear();
        for (std::size_t i = 0; i < n; i++) {
            const int v1 = d1[i][j], v2 = d2[i][j];
            blst_p1_affine& si = acc[n + i];
            inf[n + i] = v1 == 0 ? 1 : 0;
            if (v1 != 0) {
                si = tab[i * kTable + static_cast<unsigned>(v1 < 0 ? -v1 : v1) - 1];
                if (v1 < 0) blst_fp_cneg(&si.y, &si.y, true);
            }
            if (v2 != 0)
                round.ops.push_back({static_cast<std::uint32_t>(n + i),
                                     &phi_tab[i * kTable + static_cast<unsigned>(v2 < 0 ? -v2 : v2) - 1], v2 < 0});
        }
        for (unsigned b = 0; b < (j + 1 < kWindows ? kWindow : 1); b++) {
            if (b > 0) round.ops.clear();
            if (j + 1 < kWindows)
                for (std::size_t i = 0; i < n; i++)
                    if (!inf[i]) round.ops.push_back({static_cast<std::uint32_t>(i), nullptr, false});
            round.run(acc, inf);
        }
        round.ops.clear();
        for (std::size_t i = 0; i < n; i++)
            if (!inf[n + i]) round.ops.push_back({static_cast<std::uint32_t>(i), &acc[n + i], false});
        round.run(acc, inf);
    }
    for (std::size_t i = 0; i < n; i++) {
        if (inf[i]) {
            points[idx[i]] = g1_identity();
        } else {
            blst_p1_from_affine(&points[idx[i]], &acc[i]);
        }
    }
}

}  // namespace kzg::core
