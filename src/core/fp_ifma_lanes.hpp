// The AVX-512 IFMA lane primitives shared by the kernels (fp_ifma.cpp, the
// batched affine additions; fp12_cyclotomic_ifma.cpp, the final
// exponentiation's squarings): eight field elements in 52-bit limbs, blst's
// Montgomery product on them, and the carries. Internal to src/core; only
// functions marked KZG_IFMA use AVX-512, and only ifma_enabled() callers
// reach them.
#pragma once

#include <immintrin.h>

#include <cstddef>
#include <cstdint>

#define KZG_IFMA __attribute__((target("avx512f,avx512ifma")))

namespace kzg::core::ifma {

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

inline constexpr Constants kC = make_constants();

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

// Montgomery products r[n] = a[n] * b[n] * 2^-384 mod p, blst's own, for
// inputs below 2^400 with normalized limbs. The result, (a b + q p) / 2^384
// for some q < 2^384, lies below a b / 2^384 + p: below 1.82p for
// a b < 8p^2 (2^384 > 9.8p), and a valid representative below 2^416 for any
// such inputs. N independent products run round by round side by side, so
// that one's dependent steps overlap the others'.
//
// Operand scanning over 52-bit limbs reduces 52 bits per round, but 384 is
// not a multiple of 52: seven full rounds (364 bits) are followed by one of
// 20 bits, and only then are the carries propagated and the sum shifted.
// A limb slot gathers at most 4 products of 52 bits per round over 8 rounds
// plus the carries (below 2^58), so the 64-bit lanes never overflow.
template <int N>
KZG_IFMA inline void mont_mul_n(F8 (&r)[N], const F8 (&a)[N], const F8 (&b)[N]) {
    const __m512i zero = _mm512_setzero_si512(), pinv = bcast(kC.pinv);
    __m512i t[N][9];
    for (auto& tn : t)
        for (auto& v : tn) v = zero;
    for (int i = 0; i < 8; i++) {
        for (int n = 0; n < N; n++)
            for (int j = 0; j < 8; j++) {
                t[n][j] = _mm512_madd52lo_epu64(t[n][j], a[n].v[i], b[n].v[j]);
                t[n][j + 1] = _mm512_madd52hi_epu64(t[n][j + 1], a[n].v[i], b[n].v[j]);
            }
        for (int n = 0; n < N; n++) {
            // t + q p = 0 mod 2^52 (the last round: mod 2^20, and no shift yet).
            __m512i q = _mm512_madd52lo_epu64(zero, t[n][0], pinv);
            if (i == 7) q = _mm512_and_si512(q, bcast((std::uint64_t{1} << 20) - 1));
            for (int j = 0; j < 8; j++) {
                t[n][j] = _mm512_madd52lo_epu64(t[n][j], q, bcast(kC.p[j]));
                t[n][j + 1] = _mm512_madd52hi_epu64(t[n][j + 1], q, bcast(kC.p[j]));
            }
        }
        if (i == 7) break;
        for (int n = 0; n < N; n++) {
            const __m512i carry = shr(t[n][0], 52);
            for (int j = 0; j < 8; j++) t[n][j] = t[n][j + 1];
            t[n][0] = _mm512_add_epi64(t[n][0], carry);
            t[n][8] = zero;
        }
    }
    // Normalize, then drop the 20 low bits (zero by construction).
    const __m512i m = bcast(kMask52);
    for (int n = 0; n < N; n++) {
        __m512i carry = zero;
        for (int j = 0; j < 9; j++) {
            const __m512i v = _mm512_add_epi64(t[n][j], carry);
            carry = shr(v, 52);
            t[n][j] = _mm512_and_si512(v, m);
        }
        for (int j = 0; j < 8; j++)
            r[n].v[j] = _mm512_and_si512(_mm512_or_si512(shr(t[n][j], 20), shl(t[n][j + 1], 32)), m);
    }
}

KZG_IFMA inline F8 mont_mul(const F8& a, const F8& b) {
    F8 r[1];
    const F8 a1[1] = {a}, b1[1] = {b};
    mont_mul_n<1>(r, a1, b1);
    return r[0];
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

// Lane l from b where bit l of take_b is set, else from a.
KZG_IFMA inline F8 blend(__mmask8 take_b, const F8& a, const F8& b) {
    F8 r;
    for (int j = 0; j < 8; j++) r.v[j] = _mm512_mask_blend_epi64(take_b, a.v[j], b.v[j]);
    return r;
}

}  // namespace kzg::core::ifma
