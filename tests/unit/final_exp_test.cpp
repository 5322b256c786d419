// core/final_exp.hpp against blst_final_exp, and the compressed
// exponentiation by z / 2 (core/fp12_compressed_pow.hpp) against plain
// square-and-multiply written here. kzg_unit_core_scalar (KZG_NO_IFMA) runs
// the final exponentiation down the compressed path; on a CPU with IFMA,
// kzg_unit_core takes the IFMA squarings instead.
#include <gtest/gtest.h>

#include <cstring>
#include <string>
#include <vector>

#include "core/final_exp.hpp"
#include "core/fp12_compressed_pow.hpp"
#include "unit/unit_helpers.hpp"

namespace {

using namespace kzg::core;

bool fp12_equal(const blst_fp12& a, const blst_fp12& b) { return std::memcmp(&a, &b, sizeof a) == 0; }

blst_fp12 random_fp12(unit::Rng& rng) {
    blst_fp12 f;
    for (auto& fp6 : f.fp6)
        for (auto& fp2 : fp6.fp2)
            for (auto& fp : fp2.fp) {
                std::uint8_t b[48];
                rng.fill(b, 48);
                b[0] %= 0x1a;  // below the modulus 0x1a0111ea...
                blst_fp_from_bendian(&fp, b);
            }
    return f;
}

blst_fp12 miller_loop_of(std::uint64_t k) {
    blst_p1 p;
    const std::uint8_t scalar[8] = {static_cast<std::uint8_t>(k), static_cast<std::uint8_t>(k >> 8),
                                    static_cast<std::uint8_t>(k >> 16), static_cast<std::uint8_t>(k >> 24),
                                    static_cast<std::uint8_t>(k >> 32), static_cast<std::uint8_t>(k >> 40),
                                    static_cast<std::uint8_t>(k >> 48), static_cast<std::uint8_t>(k >> 56)};
    blst_p1_mult(&p, blst_p1_generator(), scalar, 64);
    blst_p1_affine pa;
    blst_p1_to_affine(&pa, &p);
    blst_fp12 m;
    blst_miller_loop(&m, blst_p2_affine_generator(), &pa);
    return m;
}

// a^(|z| / 2), conjugated, by square-and-multiply over the bits of
// 0x6900800000008000 with blst's cyclotomic squaring.
blst_fp12 pow_z_div_2_reference(const blst_fp12& a) {
    constexpr std::uint64_t e = 0x6900800000008000ull;
    blst_fp12 r = *blst_fp12_one();
    for (int bit = 63; bit >= 0; bit--) {
        blst_fp12_cyclotomic_sqr(&r, &r);
        if ((e >> bit) & 1) blst_fp12_mul(&r, &r, &a);
    }
    blst_fp12_conjugate(&r);
    return r;
}

// The easy part of the final exponentiation: f^((p^6 - 1)(p^2 + 1)), in the
// cyclotomic subgroup.
blst_fp12 cyclotomic_of(const blst_fp12& f) {
    blst_fp12 inv, r, frob;
    blst_fp12_inverse(&inv, &f);
    r = f;
    blst_fp12_conjugate(&r);
    blst_fp12_mul(&r, &r, &inv);
    blst_fp12_frobenius_map(&frob, &r, 2);
    blst_fp12_mul(&r, &r, &frob);
    return r;
}

TEST(FinalExp, MatchesBlst) {
    unit::Rng rng(7594);
    std::vector<blst_fp12> inputs = {*blst_fp12_one()};
    blst_fp12 zero;
    std::memset(&zero, 0, sizeof zero);
    inputs.push_back(zero);
    for (int i = 0; i < 12; i++) inputs.push_back(random_fp12(rng));
    for (std::uint64_t k : {1ull, 2ull, 3ull, 0xffffffffffffffffull, 0x123456789abcdefull}) inputs.push_back(miller_loop_of(k));
    // A product that the final exponentiation takes to 1: e(P, G2) e(-P, G2),
    // what a passing verification computes.
    blst_fp12 pm = miller_loop_of(5), neg;
    {
        blst_p1 p;
        const std::uint8_t five = 5;
        blst_p1_mult(&p, blst_p1_generator(), &five, 8);
        blst_p1_cneg(&p, true);
        blst_p1_affine pa;
        blst_p1_to_affine(&pa, &p);
        blst_miller_loop(&neg, blst_p2_affine_generator(), &pa);
    }
    blst_fp12_mul(&pm, &pm, &neg);
    inputs.push_back(pm);
    for (std::size_t i = 0; i < inputs.size(); i++) {
        blst_fp12 want, got;
        blst_final_exp(&want, &inputs[i]);
        final_exp(got, inputs[i]);
        EXPECT_TRUE(fp12_equal(got, want)) << "input " << i;
    }
    blst_fp12 one;
    final_exp(one, pm);
    EXPECT_TRUE(blst_fp12_is_one(&one));
}

TEST(FinalExp, CompressedPowerMatchesSquareAndMultiply) {
    unit::Rng rng(4844);
    std::vector<blst_fp12> inputs;
    for (int i = 0; i < 8; i++) inputs.push_back(cyclotomic_of(random_fp12(rng)));
    for (std::uint64_t k : {1ull, 7ull, 0xfedcba9876543210ull}) inputs.push_back(cyclotomic_of(miller_loop_of(k)));
    for (std::size_t i = 0; i < inputs.size(); i++) {
        blst_fp12 got;
        ASSERT_TRUE(cyclotomic_pow_z_div_2_compressed(got, inputs[i])) << "input " << i;
        EXPECT_TRUE(fp12_equal(got, pow_z_div_2_reference(inputs[i]))) << "input " << i;
    }
}

// 1 compresses to zeros, which cannot be decompressed (g2 = 0): the function
// says so and leaves its output alone, and the final exponentiation takes the
// uncompressed chain (MatchesBlst covers its value).
TEST(FinalExp, CompressedPowerRefusesWhatItCannotDecompress) {
    blst_fp12 out = miller_loop_of(9);
    const blst_fp12 before = out;
    EXPECT_FALSE(cyclotomic_pow_z_div_2_compressed(out, *blst_fp12_one()));
    EXPECT_TRUE(fp12_equal(out, before));
}

}  // namespace
