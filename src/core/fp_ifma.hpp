// Eight base-field products at once with AVX-512 IFMA (issue #16): the
// batched affine additions of the fixed-base MSMs do six independent
// products per addition, and eight 52-bit-limb lanes beat blst's scalar
// product about 3x on CPUs that have the instructions (Ice Lake and later
// servers, Zen 4 and later).
//
// The lanes hold blst's own Montgomery form (x * 2^384 mod p), only cut into
// 52-bit limbs, so moving values in and out is a repacking of bits, not a
// product. Everything here runs only where cpu_has_ifma() says so; callers
// keep the scalar path for the other CPUs (ifma_enabled() dispatches).
#pragma once

#include <blst.h>

#include <cstddef>
#include <cstdint>
#include <cstring>

namespace kzg::core {

// The CPU has AVX-512F and AVX-512 IFMA.
bool cpu_has_ifma();
// cpu_has_ifma() unless the environment sets KZG_NO_IFMA (to any value): the
// switch that sends the engine down the scalar path on any CPU, for
// comparisons and as a way out. Read once.
bool ifma_enabled();

// A batch of affine additions a_k + b_k and doublings 2 a_k in structure-of-
// arrays form: limb j of item k's coordinate at [k / 8][j][k % 8] (blst's
// 64-bit limbs), so that eight items' limbs load as one vector; bit k % 8 of
// tangent[k / 8] marks a doubling (read by affine_mixed_batch_ifma only).
// Every coordinate must be a canonical blst value (below p).
struct alignas(64) AffineChordBatch {
    static constexpr std::size_t kCapacity = 256;
    static constexpr std::size_t kGroups = kCapacity / 8;
    std::uint64_t ax[kGroups][6][8], ay[kGroups][6][8], bx[kGroups][6][8], by[kGroups][6][8];
    std::uint8_t tangent[kGroups];

    void set_a(std::size_t k, const blst_fp& x, const blst_fp& y) {
        for (int j = 0; j < 6; j++) {
            ax[k / 8][j][k % 8] = x.l[j];
            ay[k / 8][j][k % 8] = y.l[j];
        }
    }
    void set_b(std::size_t k, const blst_fp& x, const blst_fp& y) {
        for (int j = 0; j < 6; j++) {
            bx[k / 8][j][k % 8] = x.l[j];
            by[k / 8][j][k % 8] = y.l[j];
        }
    }
    void set_tangent(std::size_t k, bool is_tangent) {
        const auto bit = static_cast<std::uint8_t>(1u << (k % 8));
        tangent[k / 8] = static_cast<std::uint8_t>(is_tangent ? tangent[k / 8] | bit : tangent[k / 8] & ~bit);
    }
    void get_a(std::size_t k, blst_p1_affine& out) const {
        for (int j = 0; j < 6; j++) {
            out.x.l[j] = ax[k / 8][j][k % 8];
            out.y.l[j] = ay[k / 8][j][k % 8];
        }
    }
};

// a_k = a_k + b_k for k < n (n <= kCapacity), canonical results; the slopes'
// denominators share one field inversion. Every a_k.x must differ from b_k.x
// (callers route P + (-P) elsewhere). Requires cpu_has_ifma().
void affine_chord_batch_ifma(AffineChordBatch& batch, std::size_t n);
// a_k = 2 a_k for k < n (the b fields are not read); a_k.y is never 0 on G1
// (its order is odd). Requires cpu_has_ifma().
void affine_tangent_batch_ifma(AffineChordBatch& batch, std::size_t n);
// Each item as its tangent bit says: one inversion for both kinds (one more
// product per item than the pure kernels). Requires cpu_has_ifma().
void affine_mixed_batch_ifma(AffineChordBatch& batch, std::size_t n);

// A batch whose results go back to where each item came from: flush() writes
// item k's result to out[target[k]], with the kernel that fits the batch's
// mix of additions and doublings, and empties the batch.
struct IndexedAffineBatch {
    static constexpr std::size_t kCapacity = AffineChordBatch::kCapacity;
    AffineChordBatch items;
    std::uint32_t target[kCapacity];
    std::size_t size = 0, tangents = 0;

    bool full() const { return size == kCapacity; }
    // out[t] + (bx, by) (a = out[t]).
    void add_chord(std::uint32_t t, const blst_p1_affine& a, const blst_fp& bx, const blst_fp& by) {
        items.set_a(size, a.x, a.y);
        items.set_b(size, bx, by);
        items.set_tangent(size, false);
        target[size++] = t;
    }
    // 2 out[t] (a = out[t]).
    void add_tangent(std::uint32_t t, const blst_p1_affine& a) {
        items.set_a(size, a.x, a.y);
        items.set_tangent(size, true);
        target[size++] = t;
        tangents++;
    }
    // a + (bx, by) into out[t], a chord or a doubling as the points say
    // (both finite). False, with nothing added, when the sum is the point at
    // infinity (b == -a).
    bool add_sum(std::uint32_t t, const blst_p1_affine& a, const blst_fp& bx, const blst_fp& by) {
        if (std::memcmp(&a.x, &bx, sizeof bx) != 0) {
            add_chord(t, a, bx, by);
        } else if (std::memcmp(&a.y, &by, sizeof by) != 0) {
            return false;
        } else {
            add_tangent(t, a);
        }
        return true;
    }
    template <class Out>
    void flush(Out& out) {
        if (tangents == 0) {
            affine_chord_batch_ifma(items, size);
        } else if (tangents == size) {
            affine_tangent_batch_ifma(items, size);
        } else {
            affine_mixed_batch_ifma(items, size);
        }
        for (std::size_t k = 0; k < size; k++) items.get_a(k, out[target[k]]);
        size = tangents = 0;
    }
};

// n successive blst_fp12_cyclotomic_sqr of a, the same values (for any a:
// the formula is a polynomial map, only meaningful on the cyclotomic
// subgroup). Requires cpu_has_ifma(). In fp12_cyclotomic_ifma.cpp.
void fp12_cyclotomic_sqr_n_ifma(blst_fp12& a, unsigned n);

// The window layout that g1_mul_batch and g1_windows_ifma share: signed
// digits of kG1MulWindowBits bits, tables of [1 .. kG1MulTable] P.
inline constexpr unsigned kG1MulWindowBits = 5;
inline constexpr std::size_t kG1MulTable = std::size_t{1} << (kG1MulWindowBits - 1);  // 16

// The window loop of g1_mul_batch (g1_mul_batch.cpp) for n points, one per
// lane, with complete projective formulas and no inversion (in
// g1_mul_ifma.cpp): out[i] = sum over windows j < `windows` of
// 32^j ([d1[i * windows + j]] P_i + [d2[i * windows + j]] phi(P_i)), where
// tab[i * 16 + m - 1] = [m] P_i and phi_tab[...] = phi([m] P_i) are finite,
// canonical affine points and the digits lie in [-16, 16]. Requires
// cpu_has_ifma().
void g1_windows_ifma(blst_p1* out, std::size_t n, const blst_p1_affine* tab, const blst_p1_affine* phi_tab,
                     const std::int8_t* d1, const std::int8_t* d2, std::size_t windows);

// r[i] = a[i] * b[i] for i < n, the same values blst_fp_mul gives. Requires
// cpu_has_ifma(). For tests and benchmarks of the kernel.
void fp_mul_ifma(blst_fp* r, const blst_fp* a, const blst_fp* b, std::size_t n);

}  // namespace kzg::core
