// Field, curve and pairing helpers on blst directly (never the library's own
// helpers), the public setup points the forgeries need, and local
// re-implementations of the two batch equations with a caller-chosen r: a
// forgery is shown to be real by passing the local equation under the buggy r.
#pragma once

#include <blst.h>

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <fstream>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include "soundness/spec_oracle.hpp"

namespace soundness {

using Fr = blst_fr;

// ---- Fr -------------------------------------------------------------------------

inline Fr fr_u64(std::uint64_t v) {
    const std::uint64_t limbs[4] = {v, 0, 0, 0};
    Fr out;
    blst_fr_from_uint64(&out, limbs);
    return out;
}
inline Fr fr_add(const Fr& a, const Fr& b) { Fr r; blst_fr_add(&r, &a, &b); return r; }
inline Fr fr_sub(const Fr& a, const Fr& b) { Fr r; blst_fr_sub(&r, &a, &b); return r; }
inline Fr fr_mul(const Fr& a, const Fr& b) { Fr r; blst_fr_mul(&r, &a, &b); return r; }
inline Fr fr_neg(const Fr& a) { Fr r; blst_fr_cneg(&r, &a, true); return r; }
inline Fr fr_inv(const Fr& a) { Fr r; blst_fr_eucl_inverse(&r, &a); return r; }
inline Fr fr_pow(Fr base, std::uint64_t e) {
    Fr acc = fr_u64(1);
    for (; e; e >>= 1, base = fr_mul(base, base))
        if (e & 1) acc = fr_mul(acc, base);
    return acc;
}
// base^e for a 256-bit big-endian exponent.
inline Fr fr_pow_be(const Fr& base, const std::array<std::uint8_t, 32>& e) {
    Fr acc = fr_u64(1);
    for (std::uint8_t byte : e)
        for (int bit = 7; bit >= 0; bit--) {
            acc = fr_mul(acc, acc);
            if ((byte >> bit) & 1) acc = fr_mul(acc, base);
        }
    return acc;
}
// From a canonical 32-byte big-endian encoding (the oracle's outputs are canonical).
inline Fr fr_from_be(const std::uint8_t* in) {
    if (!std::lexicographical_compare(in, in + 32, kBlsModulus.begin(), kBlsModulus.end()))
        throw std::runtime_error("fr_from_be: not canonical");
    blst_scalar s;
    blst_scalar_from_bendian(&s, in);
    Fr out;
    blst_fr_from_scalar(&out, &s);
    return out;
}
inline Fr fr_from_be(const Bytes32& b) { return fr_from_be(b.data()); }
inline Bytes32 fr_to_be(const Fr& a) {
    blst_scalar s;
    blst_scalar_from_fr(&s, &a);
    Bytes32 out;
    blst_bendian_from_scalar(out.data(), &s);
    return out;
}
// Uniform enough for tests: 254 random bits are below r.
inline Fr random_fr(std::mt19937_64& rng) {
    Bytes32 b;
    for (auto& x : b.bytes) x = static_cast<std::uint8_t>(rng());
    b.bytes[0] &= 0x3f;
    return fr_from_be(b);
}

// ---- G1, G2, pairing ------------------------------------------------------------

inline blst_p1 g1_gen() { return *blst_p1_generator(); }
inline blst_p1 g1_add(const blst_p1& a, const blst_p1& b) { blst_p1 r; blst_p1_add_or_double(&r, &a, &b); return r; }
inline blst_p1 g1_neg(blst_p1 a) { blst_p1_cneg(&a, true); return a; }
inline blst_p1 g1_sub(const blst_p1& a, const blst_p1& b) { return g1_add(a, g1_neg(b)); }
inline blst_p1 g1_mul(const blst_p1& p, const Fr& k) {
    blst_scalar s;
    blst_scalar_from_fr(&s, &k);
    blst_p1 r;
    blst_p1_mult(&r, &p, s.b, 255);
    return r;
}
inline blst_p1 g1_zero() { blst_p1 z{}; return z; }  // all-zero Jacobian: infinity in blst
// T: Bytes48, KZGCommitment or KZGProof (g1_compress<kzg::KZGProof>(p)).
template <class T = Bytes48>
T g1_compress(const blst_p1& p) { T out; blst_p1_compress(out.data(), &p); return out; }
template <class Tag>
blst_p1 g1_decompress(const kzg::ByteArray<48, Tag>& b) {
    blst_p1_affine a;
    if (blst_p1_uncompress(&a, b.data()) != BLST_SUCCESS) throw std::runtime_error("g1_decompress failed");
    blst_p1 p;
    blst_p1_from_affine(&p, &a);
    return p;
}
inline blst_p1 random_g1(std::mt19937_64& rng) { return g1_mul(g1_gen(), random_fr(rng)); }

inline blst_fp12 pairing(const blst_p1& p, const blst_p2& q) {
    blst_fp12 out = *blst_fp12_one();
    if (blst_p1_is_inf(&p) || blst_p2_is_inf(&q)) return out;
    blst_p1_affine pa;
    blst_p2_affine qa;
    blst_p1_to_affine(&pa, &p);
    blst_p2_to_affine(&qa, &q);
    blst_fp12 ml;
    blst_miller_loop(&ml, &qa, &pa);
    blst_final_exp(&out, &ml);
    return out;
}
// e(a, q) == e(b, h)
inline bool pairings_equal(const blst_p1& a, const blst_p2& q, const blst_p1& b, const blst_p2& h) {
    const blst_fp12 x = pairing(a, q), y = pairing(b, h);
    return blst_fp12_is_equal(&x, &y);
}

// ---- setup ----------------------------------------------------------------------

// The public setup points the forgeries use, read from the c-kzg text file
// (4096, 65, then 4096 G1 Lagrange, 65 G2 monomial, 4096 G1 monomial points).
struct SetupPoints {
    std::vector<blst_p1> g1_monomial;  // [s^i]G1, i = 0..64
    blst_p2 g2_gen, s_g2, s64_g2;      // [1]G2, [s]G2, [s^64]G2
};

inline std::vector<std::uint8_t> hex_decode(const std::string& s) {
    auto nib = [](char c) -> int {
        if (c >= '0' && c <= '9') return c - '0';
        if (c >= 'a' && c <= 'f') return c - 'a' + 10;
        if (c >= 'A' && c <= 'F') return c - 'A' + 10;
        throw std::runtime_error("bad hex");
    };
    std::vector<std::uint8_t> out;
    for (std::size_t i = 0; i + 1 < s.size(); i += 2)
        out.push_back(static_cast<std::uint8_t>(nib(s[i]) * 16 + nib(s[i + 1])));
    return out;
}

inline SetupPoints load_setup_points(const std::string& path) {
    std::ifstream in(path);
    if (!in) throw std::runtime_error("cannot open " + path);
    std::vector<std::string> tokens;
    for (std::string t; in >> t;) tokens.push_back(t);
    if (tokens.size() != 2 + 4096 + 65 + 4096 || tokens[0] != "4096" || tokens[1] != "65")
        throw std::runtime_error("unexpected setup layout in " + path);
    auto g2 = [&](std::size_t i) {
        const auto b = hex_decode(tokens[2 + 4096 + i]);
        blst_p2_affine a;
        if (b.size() != 96 || blst_p2_uncompress(&a, b.data()) != BLST_SUCCESS)
            throw std::runtime_error("bad G2 point");
        blst_p2 p;
        blst_p2_from_affine(&p, &a);
        return p;
    };
    SetupPoints s;
    for (std::size_t i = 0; i <= 64; i++) {
        const auto b = hex_decode(tokens[2 + 4096 + 65 + i]);
        if (b.size() != 48) throw std::runtime_error("bad G1 point");
        Bytes48 c;
        std::copy(b.begin(), b.end(), c.bytes.begin());
        s.g1_monomial.push_back(g1_decompress(c));
    }
    s.g2_gen = g2(0);
    s.s_g2 = g2(1);
    s.s64_g2 = g2(64);
    return s;
}

// ---- roots of unity (spec compute_roots_of_unity, PRIMITIVE_ROOT_OF_UNITY = 7) ----

// 7^((r - 1) / order) for a power-of-two order <= 2^32.
inline Fr root_of_unity(std::uint64_t order) {
    std::array<std::uint8_t, 32> e = kBlsModulus;
    e[31] -= 1;  // r - 1 (r is odd)
    for (std::uint64_t o = order; o > 1; o >>= 1) {  // one right shift per factor 2
        int carry = 0;
        for (auto& byte : e) {
            const int next = byte & 1;
            byte = static_cast<std::uint8_t>((byte >> 1) | (carry << 7));
            carry = next;
        }
    }
    return fr_pow_be(fr_u64(7), e);
}

inline std::uint64_t reverse_bits(std::uint64_t x, int bits) {
    std::uint64_t r = 0;
    for (int i = 0; i < bits; i++) r |= ((x >> i) & 1) << (bits - 1 - i);
    return r;
}

// ---- local batch equations --------------------------------------------------------

// Spec verify_kzg_proof_batch's equation with a given r:
//   e(sum r^i proof_i, [s]G2) == e(sum r^i (C_i - [y_i]G1 + z_i proof_i), G2).
inline bool local_verify_kzg_batch(const SetupPoints& setup, const KzgClaims& c, const Bytes32& r_bytes) {
    const Fr r = fr_from_be(r_bytes);
    blst_p1 lhs = g1_zero(), rhs = g1_zero();
    Fr ri = fr_u64(1);
    for (std::size_t i = 0; i < c.size(); i++, ri = fr_mul(ri, r)) {
        const blst_p1 proof = g1_decompress(c.proofs[i]);
        lhs = g1_add(lhs, g1_mul(proof, ri));
        blst_p1 term = g1_sub(g1_decompress(c.commitments[i]), g1_mul(g1_gen(), fr_from_be(c.ys[i])));
        term = g1_add(term, g1_mul(proof, fr_from_be(c.zs[i])));
        rhs = g1_add(rhs, g1_mul(term, ri));
    }
    return pairings_equal(lhs, setup.s_g2, rhs, setup.g2_gen);
}

// The cosets of the extended domain (spec coset_for_cell): coset k is
// h_k * w64^rbo6(j), j = 0..63, with h_k = w8192^rbo7(k).
struct CellDomain {
    Fr w8192, w64;
    Fr shift(std::uint64_t k) const { return fr_pow(w8192, reverse_bits(k, 7)); }
};
inline CellDomain make_cell_domain() {
    CellDomain d;
    d.w8192 = root_of_unity(8192);
    d.w64 = fr_pow(d.w8192, 128);
    return d;
}

// Coefficients of the interpolation polynomial I of a cell over coset_for_cell(k):
// J(x) = I(h x) has J(w64^m) = evals[rbo6(m)], so J = inverse DFT and
// I_t = J_t h^-t. Naive O(64^2): an oracle, not an implementation.
inline std::vector<Fr> cell_interpolation_coeffs(const CellDomain& d, std::uint64_t k, const kzg::Cell& cell) {
    constexpr std::size_t l = kzg::FIELD_ELEMENTS_PER_CELL;
    std::vector<Fr> evals(l);
    for (std::size_t j = 0; j < l; j++) evals[j] = fr_from_be(cell.data() + 32 * j);
    const Fr w_inv = fr_inv(d.w64), h_inv = fr_inv(d.shift(k)), l_inv = fr_inv(fr_u64(l));
    std::vector<Fr> out(l);
    Fr h_pow = fr_u64(1);
    for (std::size_t t = 0; t < l; t++) {
        Fr acc = fr_u64(0);
        const Fr step = fr_pow(w_inv, t);
        Fr x = fr_u64(1);  // w64^(-m t)
        for (std::size_t m = 0; m < l; m++, x = fr_mul(x, step))
            acc = fr_add(acc, fr_mul(evals[reverse_bits(m, 6)], x));
        out[t] = fr_mul(fr_mul(acc, l_inv), h_pow);
        h_pow = fr_mul(h_pow, h_inv);
    }
    return out;
}

// Spec verify_cell_kzg_proof_batch_impl's equation with a given r:
//   e(sum r^k proof_k, [s^64]G2)
//     == e(sum r^k C_idx(k) - [sum r^k I_k(s)]G1 + sum r^k h_k^64 proof_k, G2).
inline bool local_verify_cell_batch(const SetupPoints& setup, const CellDomain& d, const CellClaims& c,
                                    const Bytes32& r_bytes) {
    constexpr std::size_t l = kzg::FIELD_ELEMENTS_PER_CELL;
    const Fr r = fr_from_be(r_bytes);
    blst_p1 ll = g1_zero(), rl = g1_zero();
    std::vector<Fr> interp(l, fr_u64(0));
    Fr rk = fr_u64(1);
    for (std::size_t k = 0; k < c.cell_indices.size(); k++, rk = fr_mul(rk, r)) {
        const blst_p1 proof = g1_decompress(c.proofs[k]);
        ll = g1_add(ll, g1_mul(proof, rk));
        rl = g1_add(rl, g1_mul(g1_decompress(c.commitments[c.commitment_indices[k]]), rk));
        const Fr h64 = fr_pow(d.shift(c.cell_indices[k]), l);
        rl = g1_add(rl, g1_mul(proof, fr_mul(rk, h64)));
        const auto coeffs = cell_interpolation_coeffs(d, c.cell_indices[k], c.cells[k]);
        for (std::size_t t = 0; t < l; t++) interp[t] = fr_add(interp[t], fr_mul(rk, coeffs[t]));
    }
    for (std::size_t t = 0; t < l; t++) rl = g1_sub(rl, g1_mul(setup.g1_monomial[t], interp[t]));
    return pairings_equal(ll, setup.s64_g2, rl, setup.g2_gen);
}

}  // namespace soundness
