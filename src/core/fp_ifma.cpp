#include "core/fp_ifma.hpp"

#include <immintrin.h>

#include <cstdlib>

// Only the functions marked KZG_IFMA use AVX-512, and only ifma_enabled()
// callers reach them: the file is compiled for the baseline CPU, so nothing
// else here (or inlined from headers) carries AVX-512 instructions.
#define KZG_IFMA __attribute__((target("avx512f,avx512ifma")))

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

constexpr std::uint64_t kMask52 = (std::uint64_t{1} << 52) - 1;

// p, 2p and 4p in 52-bit limbs, and -p^-1 mod 2^52.
struct Constants {
    std::uint64_t p[8], p2[8], p4[8];
    std::uint64_t pinv;
};

constexpr Constants make_constants() {
    constexpr std::uint64_t p64[6] = {0xb9feffffffffaaabull, 0x1eabfffeb153ffffull, 0x6730d2a0f6b0f624ull,
                                      0x64774b84f38512bfull, 0x4b1ba7b6434bacd7ull, 0x1a0111ea397fe69aull};
    Constants c{};
    // k * p for k = 1, 2, 4 (below 2^384 * 0.41), cut into 52-bit limbs.
    for (int k = 0; k < 3; k++) {
        std::uint64_t w[7] = {};
        std::uint64_t carry = 0;
        for (int i = 0; i < 6; i++) {
            w[i] = (p64[i] << k) | carry;
            carry = k == 0 ? 0 : p64[i] >> (64 - k);
        }
        w[6] = carry;
        std::uint64_t* out = k == 0 ? c.p : k == 1 ? c.p2 : c.p4;
        for (int i = 0; i < 8; i++) {
            const int word = 52 * i / 64, off = 52 * i % 64;
            std::uint64_t v = w[word] >> off;
            if (off > 12) v |= w[word + 1] << (64 - off);
            out[i] = v & kMask52;
        }
    }
    std::uint64_t inv = 1;  // p^-1 mod 2^64 by Newton's iteration
    for (int k = 0; k < 7; k++) inv *= 2 - p64[0] * inv;
    c.pinv = (0 - inv) & kMask52;
    return c;
}

constexpr Constants kC = make_constants();

// Eight field elements, limb j of lane l in v[j][l]: values below 2^416 with
// every limb below 2^52 ("normalized").
struct F8 {
    __m512i v[8];
};

KZG_IFMA inline __m512i bcast(std::uint64_t x) { return _mm512_set1_epi64(static_cast<long long>(x)); }

// (g++ 12 warns on the unmasked shifts' undefined source: the masked forms.)
KZG_IFMA inline __m512i shr(__m512i a, unsigned n) { return _mm512_maskz_srli_epi64(0xff, a, n); }
KZG_IFMA inline __m512i shl(__m512i a, unsigned n) { return _mm512_maskz_slli_epi64(0xff, a, n); }
KZG_IFMA inline __m512i sar(__m512i a, unsigned n) { return _mm512_maskz_srai_epi64(0xff, a, n); }

// From six 64-bit limbs (w[j] at w + j * stride) to 52-bit limbs.
KZG_IFMA inline F8 load52(const std::uint64_t* w, std::size_t stride) {
    __m512i x[6];
    for (int j = 0; j < 6; j++) x[j] = _mm512_load_si512(w + static_cast<std::size_t>(j) * stride);
    const __m512i m = bcast(kMask52);
    F8 r;
    r.v[0] = _mm512_and_si512(x[0], m);
    r.v[1] = _mm512_and_si512(_mm512_or_si512(shr(x[0], 52), shl(x[1], 12)), m);
    r.v[2] = _mm512_and_si512(_mm512_or_si512(shr(x[1], 40), shl(x[2], 24)), m);
    r.v[3] = _mm512_and_si512(_mm512_or_si512(shr(x[2], 28), shl(x[3], 36)), m);
    r.v[4] = _mm512_and_si512(_mm512_or_si512(shr(x[3], 16), shl(x[4], 48)), m);
    r.v[5] = _mm512_and_si512(shr(x[4], 4), m);
    r.v[6] = _mm512_and_si512(_mm512_or_si512(shr(x[4], 56), shl(x[5], 8)), m);
    r.v[7] = shr(x[5], 44);
    return r;
}

// Back to six 64-bit limbs; a must be below 2^384.
KZG_IFMA inline void store64(std::uint64_t* w, std::size_t stride, const F8& a) {
    const __m512i* l = a.v;
    const __m512i x[6] = {
        _mm512_or_si512(l[0], shl(l[1], 52)),
        _mm512_or_si512(shr(l[1], 12), shl(l[2], 40)),
        _mm512_or_si512(shr(l[2], 24), shl(l[3], 28)),
        _mm512_or_si512(shr(l[3], 36), shl(l[4], 16)),
        _mm512_or_si512(_mm512_or_si512(shr(l[4], 48), shl(l[5], 4)), shl(l[6], 56)),
        _mm512_or_si512(shr(l[6], 8), shl(l[7], 44)),
    };
    for (int j = 0; j < 6; j++) _mm512_store_si512(w + static_cast<std::size_t>(j) * stride, x[j]);
}

KZG_IFMA inline F8 load_raw(const std::uint64_t (*src)[8]) {
    F8 r;
    for (int j = 0; j < 8; j++) r.v[j] = _mm512_load_si512(src[j]);
    return r;
}

KZG_IFMA inline void store_raw(std::uint64_t (*dst)[8], const F8& a) {
    for (int j = 0; j < 8; j++) _mm512_store_si512(dst[j], a.v[j]);
}

// Montgomery product a * b * 2^-384 mod p, blst's own, for a * b < 8p^2;
// the result lies below 8p^2 / 2^384 + p < 1.82p.
//
// Operand scanning over 52-bit limbs reduces 52 bits per round, but 384 is
// not a multiple of 52: seven full rounds (364 bits) are followed by one of
// 20 bits, and only then are the carries propagated and the sum shifted.
// A limb slot gathers at most 4 products of 52 bits per round over 8 rounds
// plus the carries (below 2^58), so the 64-bit lanes never overflow.
KZG_IFMA inline F8 mont_mul(const F8& a, const F8& b) {
    const __m512i zero = _mm512_setzero_si512(), pinv = bcast(kC.pinv);
    __m512i t[9];
    for (auto& v : t) v = zero;
    for (int i = 0; i < 8; i++) {
        for (int j = 0; j < 8; j++) {
            t[j] = _mm512_madd52lo_epu64(t[j], a.v[i], b.v[j]);
            t[j + 1] = _mm512_madd52hi_epu64(t[j + 1], a.v[i], b.v[j]);
        }
        // t + q p = 0 mod 2^52 (the last round: mod 2^20, and no shift yet).
        __m512i q = _mm512_madd52lo_epu64(zero, t[0], pinv);
        if (i == 7) q = _mm512_and_si512(q, bcast((std::uint64_t{1} << 20) - 1));
        for (int j = 0; j < 8; j++) {
            t[j] = _mm512_madd52lo_epu64(t[j], q, bcast(kC.p[j]));
            t[j + 1] = _mm512_madd52hi_epu64(t[j + 1], q, bcast(kC.p[j]));
        }
        if (i == 7) break;
        const __m512i carry = shr(t[0], 52);
        for (int j = 0; j < 8; j++) t[j] = t[j + 1];
        t[0] = _mm512_add_epi64(t[0], carry);
        t[8] = zero;
    }
    // Normalize, then drop the 20 low bits (zero by construction).
    const __m512i m = bcast(kMask52);
    __m512i carry = zero;
    for (int j = 0; j < 9; j++) {
        const __m512i v = _mm512_add_epi64(t[j], carry);
        carry = shr(v, 52);
        t[j] = _mm512_and_si512(v, m);
    }
    F8 r;
    for (int j = 0; j < 8; j++) r.v[j] = _mm512_and_si512(_mm512_or_si512(shr(t[j], 20), shl(t[j + 1], 32)), m);
    return r;
}

// Propagates signed limb carries; returns the carry out of the top limb
// (0, or -1 for a negative value).
KZG_IFMA inline __m512i propagate(F8& r) {
    const __m512i m = bcast(kMask52);
    __m512i carry = _mm512_setzero_si512();
    for (int j = 0; j < 8; j++) {
        const __m512i v = _mm512_add_epi64(r.v[j], carry);
        carry = sar(v, 52);
        r.v[j] = _mm512_and_si512(v, m);
    }
    return carry;
}

// a - b + k, k one of kC.p / p2 / p4 (chosen so the result is not negative).
KZG_IFMA inline F8 sub_plus(const F8& a, const F8& b, const std::uint64_t* k) {
    F8 r;
    for (int j = 0; j < 8; j++) r.v[j] = _mm512_add_epi64(_mm512_sub_epi64(a.v[j], b.v[j]), bcast(k[j]));
    propagate(r);
    return r;
}

// a + b.
KZG_IFMA inline F8 add(const F8& a, const F8& b) {
    F8 r;
    for (int j = 0; j < 8; j++) r.v[j] = _mm512_add_epi64(a.v[j], b.v[j]);
    propagate(r);
    return r;
}

// a - k if that is not negative, else a.
KZG_IFMA inline F8 cond_sub(const F8& a, const std::uint64_t* k) {
    F8 r;
    for (int j = 0; j < 8; j++) r.v[j] = _mm512_sub_epi64(a.v[j], bcast(k[j]));
    const __mmask8 keep = _mm512_cmpeq_epi64_mask(propagate(r), _mm512_setzero_si512());
    for (int j = 0; j < 8; j++) r.v[j] = _mm512_mask_blend_epi64(keep, a.v[j], r.v[j]);
    return r;
}

// From [0, 4p) to canonical.
KZG_IFMA inline F8 canonical(const F8& a) { return cond_sub(cond_sub(a, kC.p2), kC.p); }

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

KZG_IFMA inline F8 blend(__mmask8 take_b, const F8& a, const F8& b) {
    F8 r;
    for (int j = 0; j < 8; j++) r.v[j] = _mm512_mask_blend_epi64(take_b, a.v[j], b.v[j]);
    return r;
}

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
