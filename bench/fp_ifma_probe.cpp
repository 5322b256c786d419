// The AVX-512 IFMA lever of issue #16, measured before it is built: an 8-lane
// Montgomery product over the BLS12-381 base field (8 limbs of 52 bits,
// R = 2^416) against blst_fp_mul, on this CPU. Not used by the library.
//
//   build/bin/kzg_fp_ifma_probe
//
// It checks every lane of 8192 random products against blst first (exit 1 on
// a mismatch), then prints the median time per product of both over 15 runs.
// Exit 2 when the CPU has no avx512ifma.
//
// The kernel is operand scanning with lazy reduction: inputs and output lie in
// [0, 2p), which 4p < 2^416 keeps closed under the product. A limb slot takes
// at most 4 products of 52 bits per round over 8 rounds (< 2^57), so the
// 64-bit lanes never overflow before the final carry pass.
#include <blst.h>
#include <immintrin.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <random>
#include <vector>

namespace {

using u128 = unsigned __int128;
constexpr std::uint64_t kMask52 = (std::uint64_t{1} << 52) - 1;
// p as little-endian 64-bit limbs.
constexpr std::uint64_t kP64[6] = {0xb9feffffffffaaabull, 0x1eabfffeb153ffffull, 0x6730d2a0f6b0f624ull,
                                   0x64774b84f38512bfull, 0x4b1ba7b6434bacd7ull, 0x1a0111ea397fe69aull};

void to52(const std::uint64_t x[6], std::uint64_t out[8]) {
    for (int i = 0; i < 8; i++) {
        const int w = 52 * i / 64, o = 52 * i % 64;
        const u128 v = u128{w < 6 ? x[w] : 0} | (u128{w + 1 < 6 ? x[w + 1] : 0} << 64);
        out[i] = static_cast<std::uint64_t>(v >> o) & kMask52;
    }
}

void from52(const std::uint64_t in[8], std::uint64_t x[6]) {
    std::memset(x, 0, 6 * sizeof(std::uint64_t));
    for (int i = 0; i < 8; i++) {
        const int w = 52 * i / 64, o = 52 * i % 64;
        const u128 v = u128{in[i]} << o;
        if (w < 6) x[w] |= static_cast<std::uint64_t>(v);
        if (w + 1 < 6) x[w + 1] |= static_cast<std::uint64_t>(v >> 64);
    }
}

// Limb j of 8 field elements in limb[j] (plain words, so that the vectors'
// alignment holds in code built without AVX-512).
struct alignas(64) Lanes {
    std::uint64_t limb[8][8];
};

struct Modulus {
    std::uint64_t p52[8];
    std::uint64_t pinv;  // -p^-1 mod 2^52
};

// r = a * b * 2^-416 mod p, for a, b < 2p; r < 2p.
__attribute__((target("avx512f,avx512ifma"))) void mont_mul8(Lanes& r, const Lanes& a, const Lanes& b,
                                                             const Modulus& m) {
    const __m512i zero = _mm512_setzero_si512(), pinv = _mm512_set1_epi64(static_cast<long long>(m.pinv));
    __m512i av[8], bv[8];
    for (int j = 0; j < 8; j++) {
        av[j] = _mm512_load_si512(a.limb[j]);
        bv[j] = _mm512_load_si512(b.limb[j]);
    }
    __m512i p[8];
    for (int j = 0; j < 8; j++) p[j] = _mm512_set1_epi64(static_cast<long long>(m.p52[j]));
    __m512i t[9];
    for (auto& v : t) v = zero;
    for (int i = 0; i < 8; i++) {
        for (int j = 0; j < 8; j++) {
            t[j] = _mm512_madd52lo_epu64(t[j], av[i], bv[j]);
            t[j + 1] = _mm512_madd52hi_epu64(t[j + 1], av[i], bv[j]);
        }
        const __m512i q = _mm512_madd52lo_epu64(zero, t[0], pinv);  // t + q p = 0 mod 2^52
        for (int j = 0; j < 8; j++) {
            t[j] = _mm512_madd52lo_epu64(t[j], q, p[j]);
            t[j + 1] = _mm512_madd52hi_epu64(t[j + 1], q, p[j]);
        }
        // (maskz_: g++ 12 warns on the unmasked form's undefined source)
        const __m512i carry = _mm512_maskz_srli_epi64(0xff, t[0], 52);
        for (int j = 0; j < 8; j++) t[j] = t[j + 1];
        t[0] = _mm512_add_epi64(t[0], carry);
        t[8] = zero;
    }
    const __m512i mask = _mm512_set1_epi64(static_cast<long long>(kMask52));
    __m512i carry = zero;
    for (int j = 0; j < 8; j++) {
        const __m512i v = _mm512_add_epi64(t[j], carry);
        carry = _mm512_maskz_srli_epi64(0xff, v, 52);
        _mm512_store_si512(r.limb[j], _mm512_and_si512(v, mask));
    }
}

std::uint64_t lane_of(const Lanes& v, int limb, int lane) { return v.limb[limb][lane]; }

Lanes pack(const std::vector<std::uint64_t>& x, std::size_t first) {
    Lanes v;
    for (int lane = 0; lane < 8; lane++) {
        std::uint64_t l52[8];
        to52(&x[(first + static_cast<std::size_t>(lane)) * 6], l52);
        for (int j = 0; j < 8; j++) v.limb[j][lane] = l52[j];
    }
    return v;
}

double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
}

}  // namespace

int main() {
    if (!__builtin_cpu_supports("avx512ifma")) {
        std::printf("kzg_fp_ifma_probe: this CPU has no avx512ifma\n");
        return 2;
    }
    Modulus m;
    to52(kP64, m.p52);
    std::uint64_t inv = 1;  // p^-1 mod 2^64 by Newton's iteration
    for (int k = 0; k < 7; k++) inv *= 2 - kP64[0] * inv;
    m.pinv = (0 - inv) & kMask52;

    constexpr std::size_t n = 8192;
    std::mt19937_64 rng(4844);
    std::vector<std::uint64_t> a(n * 6), b(n * 6);
    for (std::size_t i = 0; i < n * 6; i++) {
        a[i] = rng();
        b[i] = rng();
    }
    for (std::size_t i = 0; i < n; i++) {  // below p: the top limb below p's
        a[i * 6 + 5] %= kP64[5];
        b[i * 6 + 5] %= kP64[5];
    }
    std::vector<Lanes> va(n / 8), vb(n / 8), vr(n / 8);
    for (std::size_t v = 0; v < n / 8; v++) {
        va[v] = pack(a, 8 * v);
        vb[v] = pack(b, 8 * v);
        mont_mul8(vr[v], va[v], vb[v], m);
    }

    // blst's view: a * b * 2^-416 mod p, through its own Montgomery form.
    blst_fp two, pow416, inv416;
    const std::uint64_t two_limbs[6] = {2, 0, 0, 0, 0, 0};
    blst_fp_from_uint64(&two, two_limbs);
    pow416 = two;
    for (int k = 1; k < 416; k++) blst_fp_mul(&pow416, &pow416, &two);
    blst_fp_inverse(&inv416, &pow416);
    std::size_t bad = 0;
    for (std::size_t i = 0; i < n; i++) {
        blst_fp fa, fb, fc;
        blst_fp_from_uint64(&fa, &a[i * 6]);
        blst_fp_from_uint64(&fb, &b[i * 6]);
        blst_fp_mul(&fc, &fa, &fb);
        blst_fp_mul(&fc, &fc, &inv416);
        std::uint64_t want[6], got[6], got52[8];
        blst_uint64_from_fp(want, &fc);
        for (int j = 0; j < 8; j++) got52[j] = lane_of(vr[i / 8], j, static_cast<int>(i % 8));
        from52(got52, got);
        bool at_least_p = true;  // the lazy result is below 2p: one subtraction at most
        for (int k = 5; k >= 0; k--)
            if (got[k] != kP64[k]) {
                at_least_p = got[k] > kP64[k];
                break;
            }
        if (at_least_p) {
            std::uint64_t borrow = 0;
            for (int k = 0; k < 6; k++) {
                const u128 d = u128{got[k]} - kP64[k] - borrow;
                got[k] = static_cast<std::uint64_t>(d);
                borrow = static_cast<std::uint64_t>(d >> 64) & 1;
            }
        }
        if (std::memcmp(got, want, sizeof want) != 0) bad++;
    }
    if (bad != 0) {
        std::printf("kzg_fp_ifma_probe: %zu of %zu products differ from blst\n", bad, n);
        return 1;
    }
    std::printf("kzg_fp_ifma_probe: %zu products agree with blst\n", n);

    std::vector<blst_fp> fa(n), fb(n);
    for (std::size_t i = 0; i < n; i++) {
        std::memcpy(&fa[i], &a[i * 6], sizeof(blst_fp));
        std::memcpy(&fb[i], &b[i * 6], sizeof(blst_fp));
    }
    std::vector<double> t_ifma, t_blst;
    constexpr int kRounds = 8;
    for (int rep = 0; rep < 15; rep++) {
        const auto t0 = std::chrono::steady_clock::now();
        for (int k = 0; k < kRounds; k++)
            for (std::size_t v = 0; v < n / 8; v++) mont_mul8(vr[v], vr[v], vb[v], m);
        const auto t1 = std::chrono::steady_clock::now();
        for (int k = 0; k < kRounds; k++)
            for (std::size_t i = 0; i < n; i++) blst_fp_mul(&fa[i], &fa[i], &fb[i]);
        const auto t2 = std::chrono::steady_clock::now();
        t_ifma.push_back(std::chrono::duration<double, std::nano>(t1 - t0).count() / (kRounds * n));
        t_blst.push_back(std::chrono::duration<double, std::nano>(t2 - t1).count() / (kRounds * n));
    }
    std::uint64_t sink = 0;  // keeps both loops' results alive
    for (std::size_t v = 0; v < n / 8; v++) sink ^= lane_of(vr[v], 3, 5);
    for (const auto& f : fa) sink ^= f.l[2];
    const double ifma = median(t_ifma), blst = median(t_blst);
    std::printf("per product (median of 15): IFMA 8-lane %.1f ns, blst_fp_mul %.1f ns, ratio %.2f (sink %llx)\n",
                ifma, blst, ifma / blst, static_cast<unsigned long long>(sink & 0xff));
    return 0;
}
