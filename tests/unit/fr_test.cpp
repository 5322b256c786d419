// core/fr.hpp: scalar-field helpers.
#include <gtest/gtest.h>

#include "core/fr.hpp"
#include "unit/unit_helpers.hpp"

namespace {

using namespace kzg::core;

const std::uint8_t kModulus[32] = {0x73, 0xed, 0xa7, 0x53, 0x29, 0x9d, 0x7d, 0x48, 0x33, 0x39, 0xd8,
                                   0x08, 0x09, 0xa1, 0xd8, 0x05, 0x53, 0xbd, 0xa4, 0x02, 0xff, 0xfe,
                                   0x5b, 0xfe, 0xff, 0xff, 0xff, 0xff, 0x00, 0x00, 0x00, 0x01};

std::array<std::uint8_t, 32> modulus_minus(std::uint8_t k) {
    std::array<std::uint8_t, 32> b;
    std::copy(kModulus, kModulus + 32, b.begin());
    // r ends in ...00000001: r - k for k <= 1 touches the last byte only; for
    // larger k borrow through the zero bytes.
    int borrow = k;
    for (int i = 31; i >= 0 && borrow; i--) {
        int v = b[i] - borrow;
        borrow = 0;
        if (v < 0) { v += 256; borrow = 1; }
        b[i] = static_cast<std::uint8_t>(v);
    }
    return b;
}

std::array<std::uint8_t, 32> modulus_plus_small(std::uint8_t k) {
    std::array<std::uint8_t, 32> b;
    std::copy(kModulus, kModulus + 32, b.begin());
    b[31] = static_cast<std::uint8_t>(b[31] + k);  // r ends in 0x01: no carry for k < 0xff
    return b;
}

TEST(Fr, BytesCanonicalBoundary) {
    Fr f;
    auto b = modulus_minus(1);
    ASSERT_TRUE(fr_from_bytes(f, b.data()));
    EXPECT_TRUE(fr_equal(fr_add(f, fr_one()), fr_zero()));  // r - 1 == -1
    std::uint8_t back[32];
    fr_to_bytes(back, f);
    EXPECT_EQ(0, std::memcmp(back, b.data(), 32));

    b = modulus_minus(0);
    EXPECT_FALSE(fr_from_bytes(f, b.data()));
    b = modulus_plus_small(1);
    EXPECT_FALSE(fr_from_bytes(f, b.data()));
    std::uint8_t ff[32];
    std::memset(ff, 0xff, 32);
    EXPECT_FALSE(fr_from_bytes(f, ff));
    std::uint8_t zero[32] = {};
    ASSERT_TRUE(fr_from_bytes(f, zero));
    EXPECT_TRUE(fr_is_zero(f));
}

TEST(Fr, BytesRoundTrip) {
    unit::Rng rng(11);
    for (int i = 0; i < 1000; i++) {
        std::uint8_t b[32], back[32];
        rng.fill(b, 32);
        b[0] %= 0x74;
        Fr f;
        const bool canonical = std::lexicographical_compare(b, b + 32, kModulus, kModulus + 32);
        ASSERT_EQ(fr_from_bytes(f, b), canonical);
        if (!canonical) continue;
        fr_to_bytes(back, f);
        ASSERT_EQ(0, std::memcmp(b, back, 32));
    }
}

TEST(Fr, SmallValues) {
    EXPECT_TRUE(fr_is_zero(fr_from_u64(0)));
    EXPECT_TRUE(fr_is_one(fr_from_u64(1)));
    EXPECT_TRUE(fr_equal(fr_add(fr_from_u64(2), fr_from_u64(3)), fr_from_u64(5)));
    EXPECT_TRUE(fr_equal(fr_mul(fr_from_u64(6), fr_from_u64(7)), fr_from_u64(42)));
    EXPECT_TRUE(fr_equal(fr_sub(fr_from_u64(2), fr_from_u64(3)), fr_neg(fr_one())));
    EXPECT_TRUE(fr_equal(fr_sqr(fr_from_u64(12)), fr_from_u64(144)));
    std::uint8_t b[32];
    fr_to_bytes(b, fr_from_u64(0x0102030405060708ull));
    for (int i = 0; i < 24; i++) EXPECT_EQ(b[i], 0) << i;
    for (int i = 24; i < 32; i++) EXPECT_EQ(b[i], i - 23) << i;
}

TEST(Fr, HashToBlsFieldReduces) {
    std::uint8_t d[32];
    std::copy(kModulus, kModulus + 32, d);
    EXPECT_TRUE(fr_is_zero(hash_to_bls_field(d)));  // r mod r
    auto b = modulus_plus_small(5);
    EXPECT_TRUE(fr_equal(hash_to_bls_field(b.data()), fr_from_u64(5)));
    // 2^256 - 1 mod r, from 2^256 = (2^128)^2.
    std::memset(d, 0xff, 32);
    const Fr two128 = fr_pow(fr_from_u64(2), 128);
    EXPECT_TRUE(fr_equal(hash_to_bls_field(d), fr_sub(fr_sqr(two128), fr_one())));
    // Below r: unchanged.
    unit::Rng rng(12);
    for (int i = 0; i < 100; i++) {
        rng.fill(d, 32);
        d[0] %= 0x73;
        Fr f;
        ASSERT_TRUE(fr_from_bytes(f, d));
        EXPECT_TRUE(fr_equal(hash_to_bls_field(d), f));
    }
}

TEST(Fr, PowAndInverse) {
    unit::Rng rng(13);
    for (int i = 0; i < 50; i++) {
        const Fr x = unit::random_fr(rng);
        EXPECT_TRUE(fr_is_one(fr_pow(x, 0)));
        EXPECT_TRUE(fr_equal(fr_pow(x, 1), x));
        Fr acc = fr_one();
        for (std::uint64_t e = 0; e < 40; e++) {
            ASSERT_TRUE(fr_equal(fr_pow(x, e), acc)) << e;
            acc = fr_mul(acc, x);
        }
        EXPECT_TRUE(fr_is_one(fr_mul(x, fr_inv(x))));
        const Fr y = unit::random_fr(rng);
        EXPECT_TRUE(fr_equal(fr_mul(fr_div(x, y), y), x));
        // x^(2^64 - 1) via the full exponent range.
        const Fr big = fr_pow(x, ~std::uint64_t{0});
        Fr sq = x;
        for (int k = 0; k < 64; k++) sq = fr_sqr(sq);  // x^(2^64)
        EXPECT_TRUE(fr_equal(fr_mul(big, x), sq));
    }
    EXPECT_TRUE(fr_is_zero(fr_inv(fr_zero())));
}

TEST(Fr, BatchInverseMatchesSingleInverses) {
    unit::Rng rng(14);
    for (std::size_t n : {1u, 2u, 3u, 17u, 1000u}) {
        std::vector<Fr> v(n), expect(n);
        for (std::size_t i = 0; i < n; i++) {
            v[i] = unit::random_fr(rng);
            expect[i] = fr_inv(v[i]);
        }
        v[0] = fr_one();  // also an easy one
        expect[0] = fr_one();
        if (n > 2) {
            v[n - 1] = v[1];  // and a repeated value
            expect[n - 1] = expect[1];
        }
        ASSERT_TRUE(fr_batch_inverse(v));
        for (std::size_t i = 0; i < n; i++) ASSERT_TRUE(fr_equal(v[i], expect[i])) << "n " << n << " i " << i;
    }
    std::vector<Fr> empty;
    EXPECT_TRUE(fr_batch_inverse(empty));
}

TEST(Fr, BatchInverseRefusesZero) {
    unit::Rng rng(15);
    for (std::size_t at : {0u, 5u, 9u}) {
        std::vector<Fr> v(10);
        for (auto& x : v) x = unit::random_fr(rng);
        v[at] = fr_zero();
        const auto copy = v;
        EXPECT_FALSE(fr_batch_inverse(v)) << at;
        EXPECT_EQ(0, std::memcmp(v.data(), copy.data(), v.size() * sizeof(Fr))) << "changed with zero at " << at;
    }
    std::vector<Fr> one_zero{fr_zero()};
    EXPECT_FALSE(fr_batch_inverse(one_zero));
    EXPECT_TRUE(fr_is_zero(one_zero[0]));
}

TEST(Fr, Powers) {
    unit::Rng rng(16);
    const Fr x = unit::random_fr(rng);
    std::vector<Fr> p(20);
    fr_powers(p, x);
    for (std::size_t i = 0; i < p.size(); i++) EXPECT_TRUE(fr_equal(p[i], fr_pow(x, i))) << i;
    std::vector<Fr> none;
    fr_powers(none, x);  // no-op
}

}  // namespace
