#include "core/fp_ifma.hpp"

#include <immintrin.h>

#include <cstdlib>

#include "core/fp_ifma_lanes.hpp"

// Only the functions marked KZG_IFMA use AVX-512, and only ifma_enabled()
// callers reach them: the file is compiled for the baseline CPU, so nothing
// else here (or inlined from headers) carries AVX-512 instructions.

namespace kzg::core {

bool cpu_has_ifma() {
#if defined(__x86_64__)
    static const bool has = __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512ifma");
    return has;
#else
    return false;
#endif
}

bool ifma_enabled() {
    static const bool enabled = cpu_has_ifma() && std::getenv("KZG_NO_IFMA") == nullptr;
    return enabled;
}

namespace {

using namespace ifma;

// Working memory of one batch beyond the caller's coordinates.
struct alignas(64) ChordScratch {
    static constexpr std::size_t kGroups = AffineChordBatch::kCapacity / 8;
    std::uint64_t den[kGroups][8][8];     // x_b - x_a + p
    std::uint64_t prefix[kGroups][8][8];  // running products of den, one chain per lane
    std::uint64_t lanes[6][8];
};

}  // namespace

// a_k = a_k + b_k (chords), a_k = 2 a_k (tangents), or each as its tangent
// bit says (mixed), for k < n.
enum class Kind { kChord, kTangent, kMixed };

template <Kind kKind>
KZG_IFMA void affine_batch(AffineChordBatch& batch, std::size_t n) {
    if (n == 0) return;
    constexpr std::size_t S = 8;  // stride between a group's limbs
    const std::size_t groups = (n + 7) / 8;
    // Lanes past n: a = (0, 1), b = (1, 0) (raw limbs): nonzero denominators.
    for (std::size_t k = n; k < groups * 8; k++)
        for (int j = 0; j < 6; j++) {
            const std::size_t g = k / 8, l = k % 8;
            batch.ax[g][j][l] = batch.by[g][j][l] = 0;
            batch.ay[g][j][l] = batch.bx[g][j][l] = j == 0 ? 1 : 0;
        }
    thread_local ChordScratch s;

    // Forward: den = xb - xa (+ p, both canonical: in (0, 2p)) or 2 ya, and
    // the running products.
    F8 run{};
    for (std::size_t g = 0; g < groups; g++) {
        F8 d;
        if constexpr (kKind == Kind::kTangent) {
            const F8 ya = load52(batch.ay[g][0], S);
            d = add(ya, ya);
        } else if constexpr (kKind == Kind::kChord) {
            d = sub_plus(load52(batch.bx[g][0], S), load52(batch.ax[g][0], S), kC.p);
        } else {
            const F8 ya = load52(batch.ay[g][0], S);
            d = blend(batch.tangent[g], sub_plus(load52(batch.bx[g][0], S), load52(batch.ax[g][0], S), kC.p),
                      add(ya, ya));
        }
        store_raw(s.den[g], d);
        run = g == 0 ? d : mont_mul(run, d);
        store_raw(s.prefix[g], run);
    }
    // The eight lanes' totals inverted together with blst.
    store64(&s.lanes[0][0], 8, canonical(run));
    blst_fp tot[8], acc[8], inv[8];
    for (int l = 0; l < 8; l++)
        for (int j = 0; j < 6; j++) tot[l].l[j] = s.lanes[j][l];
    acc[0] = tot[0];
    for (int l = 1; l < 8; l++) blst_fp_mul(&acc[l], &acc[l - 1], &tot[l]);
    blst_fp t;
    blst_fp_inverse(&t, &acc[7]);
    for (int l = 7; l > 0; l--) {
        blst_fp_mul(&inv[l], &t, &acc[l - 1]);
        blst_fp_mul(&t, &t, &tot[l]);
    }
    inv[0] = t;
    for (int l = 0; l < 8; l++)
        for (int j = 0; j < 6; j++) s.lanes[j][l] = inv[l].l[j];
    F8 inv_run = load52(&s.lanes[0][0], 8);

    // Backward: 1 / den, the slope, the sum.
    for (std::size_t g = groups; g-- > 0;) {
        F8 inv_d;
        if (g == 0) {
            inv_d = inv_run;
        } else {
            inv_d = mont_mul(inv_run, load_raw(s.prefix[g - 1]));
            inv_run = mont_mul(inv_run, load_raw(s.den[g]));
        }
        const F8 xa = load52(batch.ax[g][0], S), ya = load52(batch.ay[g][0], S);
        F8 num, xb;
        if constexpr (kKind == Kind::kChord) {
            num = sub_plus(load52(batch.by[g][0], S), ya, kC.p);  // < 2p
            xb = load52(batch.bx[g][0], S);
        } else {
            const F8 sq = mont_mul(xa, xa);                // < 1.1p
            const F8 num_t = add(add(sq, sq), sq);         // < 3.3p: 3.3p * 1.82p < 8p^2
            if constexpr (kKind == Kind::kTangent) {
                num = num_t;
                xb = xa;
            } else {
                const __mmask8 is_t = batch.tangent[g];
                num = blend(is_t, sub_plus(load52(batch.by[g][0], S), ya, kC.p), num_t);
                xb = blend(is_t, load52(batch.bx[g][0], S), xa);
            }
        }
        const F8 lambda = mont_mul(num, inv_d);  // < 1.82p
        // x3 = lambda^2 - xa - xb: lambda^2 < 1.34p, + 2p keeps it positive.
        F8 x3 = mont_mul(lambda, lambda);
        x3 = canonical(sub_plus(sub_plus(x3, xa, kC.p), xb, kC.p));
        // y3 = lambda (xa - x3) - ya: the product < 1.82p.
        const F8 y3 = canonical(sub_plus(mont_mul(lambda, sub_plus(xa, x3, kC.p)), ya, kC.p));
        store64(batch.ax[g][0], S, x3);
        store64(batch.ay[g][0], S, y3);
    }
}

void affine_chord_batch_ifma(AffineChordBatch& batch, std::size_t n) { affine_batch<Kind::kChord>(batch, n); }
void affine_tangent_batch_ifma(AffineChordBatch& batch, std::size_t n) { affine_batch<Kind::kTangent>(batch, n); }
void affine_mixed_batch_ifma(AffineChordBatch& batch, std::size_t n) { affine_batch<Kind::kMixed>(batch, n); }

KZG_IFMA void fp_mul_ifma(blst_fp* r, const blst_fp* a, const blst_fp* b, std::size_t n) {
    alignas(64) std::uint64_t la[6][8], lb[6][8];
    for (std::size_t i0 = 0; i0 < n; i0 += 8) {
        for (std::size_t l = 0; l < 8; l++)
            for (int j = 0; j < 6; j++) {
                la[j][l] = i0 + l < n ? a[i0 + l].l[j] : 0;
                lb[j][l] = i0 + l < n ? b[i0 + l].l[j] : 0;
            }
        store64(&la[0][0], 8, canonical(mont_mul(load52(&la[0][0], 8), load52(&lb[0][0], 8))));
        for (std::size_t l = 0; l < 8 && i0 + l < n; l++)
            for (int j = 0; j < 6; j++) r[i0 + l].l[j] = la[j][l];
    }
}

}  // namespace kzg::core
