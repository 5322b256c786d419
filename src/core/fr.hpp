// Scalar-field (Fr, the BLS12-381 group order r) helpers over blst_fr.
// Values stay in blst's Montgomery form; bytes are the spec's 32-byte
// big-endian encoding.
#pragma once

#include <blst.h>

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>

namespace kzg::core {

using Fr = blst_fr;

inline Fr fr_from_u64(std::uint64_t v) {
    const std::uint64_t limbs[4] = {v, 0, 0, 0};
    Fr out;
    blst_fr_from_uint64(&out, limbs);
    return out;
}

inline const Fr& fr_zero() {
    static const Fr zero = fr_from_u64(0);
    return zero;
}
inline const Fr& fr_one() {
    static const Fr one = fr_from_u64(1);
    return one;
}

inline bool fr_equal(const Fr& a, const Fr& b) { return std::memcmp(&a, &b, sizeof(Fr)) == 0; }
inline bool fr_is_zero(const Fr& a) { return fr_equal(a, fr_zero()); }
inline bool fr_is_one(const Fr& a) { return fr_equal(a, fr_one()); }

inline Fr fr_add(const Fr& a, const Fr& b) { Fr r; blst_fr_add(&r, &a, &b); return r; }
inline Fr fr_sub(const Fr& a, const Fr& b) { Fr r; blst_fr_sub(&r, &a, &b); return r; }
inline Fr fr_mul(const Fr& a, const Fr& b) { Fr r; blst_fr_mul(&r, &a, &b); return r; }
inline Fr fr_sqr(const Fr& a) { Fr r; blst_fr_sqr(&r, &a); return r; }
inline Fr fr_neg(const Fr& a) { Fr r; blst_fr_cneg(&r, &a, true); return r; }
// Inverse of a non-zero element (zero maps to zero).
inline Fr fr_inv(const Fr& a) { Fr r; blst_fr_eucl_inverse(&r, &a); return r; }
inline Fr fr_div(const Fr& a, const Fr& b) { return fr_mul(a, fr_inv(b)); }

Fr fr_pow(const Fr& base, std::uint64_t exponent);

// Decodes a canonical 32-byte big-endian field element; false when >= r.
// The 32-byte big-endian integer as plain limbs (not Montgomery form); false
// when it is not below the modulus. (Blob data is public: not constant time.)
inline bool fr_plain_from_bytes(blst_fr& plain, const std::uint8_t in[32]) {
    // BLS_MODULUS as little-endian 64-bit limbs.
    constexpr std::uint64_t kModulus[4] = {0xffffffff00000001ull, 0x53bda402fffe5bfeull, 0x3339d80809a1d805ull,
                                           0x73eda753299d7d48ull};
    for (std::size_t k = 0; k < 4; k++) {
        std::uint64_t v;
        std::memcpy(&v, in + 8 * k, 8);
        plain.l[3 - k] = __builtin_bswap64(v);
    }
    for (std::size_t k = 4; k-- > 0;)
        if (plain.l[k] != kModulus[k]) return plain.l[k] < kModulus[k];
    return false;  // equal to the modulus
}

// The inverse of fr_plain_from_bytes: plain limbs (below the modulus) as the
// spec's 32-byte big-endian encoding.
inline void fr_plain_to_bytes(std::uint8_t out[32], const blst_fr& plain) {
    for (std::size_t k = 0; k < 4; k++) {
        const std::uint64_t v = __builtin_bswap64(plain.l[3 - k]);
        std::memcpy(out + 8 * k, &v, 8);
    }
}

// A plain integer below the modulus into Montgomery form.
inline Fr fr_from_plain(const blst_fr& plain) {
    Fr out;
    blst_fr_from_uint64(&out, plain.l);
    return out;
}

inline bool fr_from_bytes(Fr& out, const std::uint8_t in[32]) {
    blst_fr plain;
    if (!fr_plain_from_bytes(plain, in)) return false;
    out = fr_from_plain(plain);
    return true;
}

inline void fr_to_bytes(std::uint8_t out[32], const Fr& a) {
    blst_scalar s;
    blst_scalar_from_fr(&s, &a);
    blst_bendian_from_scalar(out, &s);
}

// Spec hash_to_bls_field: a 32-byte digest read as a big-endian integer mod r.
inline Fr hash_to_bls_field(const std::uint8_t digest[32]) {
    blst_scalar s;
    blst_scalar_from_bendian(&s, digest);
    Fr out;
    blst_fr_from_scalar(&out, &s);
    return out;
}

// Inverts every element in place with one field inversion (Montgomery's trick).
// Returns false, leaving `values` unchanged, when any element is zero.
bool fr_batch_inverse(std::span<Fr> values);

// [1, x, x^2, ..., x^(n-1)] into out (out.size() == n).
void fr_powers(std::span<Fr> out, const Fr& x);

}  // namespace kzg::core
