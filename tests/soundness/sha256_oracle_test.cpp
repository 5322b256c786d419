// The oracle's own foundations: SHA-256 against the FIPS 180-4 / NIST example
// digests, and the reduction of hash_to_bls_field.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <string>

#include "soundness/curve_support.hpp"
#include "soundness/sha256_oracle.hpp"
#include "soundness/spec_oracle.hpp"

namespace soundness {
namespace {

std::string hex(std::span<const std::uint8_t> b) {
    static constexpr char digits[] = "0123456789abcdef";
    std::string s;
    for (auto x : b) {
        s += digits[x >> 4];
        s += digits[x & 15];
    }
    return s;
}

std::string sha_hex(std::string_view s) { return hex(Sha256().update(s).finish()); }

TEST(Sha256Oracle, NistExamples) {
    EXPECT_EQ(sha_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    EXPECT_EQ(sha_hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    // Two blocks: the padding does not fit after 56 bytes.
    EXPECT_EQ(sha_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
              "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}

TEST(Sha256Oracle, MillionA) {
    // Fed in uneven pieces: the block buffering is exercised as well.
    Sha256 h;
    const std::string chunk(997, 'a');
    std::size_t left = 1000000;
    while (left) {
        const std::size_t k = std::min(left, chunk.size());
        h.update(std::string_view(chunk).substr(0, k));
        left -= k;
    }
    EXPECT_EQ(hex(h.finish()), "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

TEST(Sha256Oracle, PaddingBoundaries) {
    // 55, 56, 63, 64 and 65 bytes: one-shot and byte-by-byte hashing agree.
    for (std::size_t len : {55u, 56u, 63u, 64u, 65u, 119u, 120u}) {
        const std::string m(len, 'x');
        Sha256 h;
        for (char c : m) h.update(std::string_view(&c, 1));
        EXPECT_EQ(hex(h.finish()), sha_hex(m)) << len;
    }
    EXPECT_EQ(sha_hex(std::string(64, 'a')), "ffe054fe7ae0cb6dc65c3af9b61d5209f439851db43d0ba5997337df154668eb");
}

TEST(HashToBlsField, ReducesModuloTheModulus) {
    std::array<std::uint8_t, 32> x = kBlsModulus;
    EXPECT_EQ(reduce_mod_bls_modulus(x), Bytes32{});  // r mod r = 0
    x[31] -= 1;                                        // r - 1 stays
    EXPECT_EQ(reduce_mod_bls_modulus(x).bytes, x);
    // 2^256 - 1 = 2r + (2^256 - 1 - 2r): the result plus 2r in Fr arithmetic
    // (blst's own reduction of the same bytes) must agree.
    std::array<std::uint8_t, 32> ones;
    ones.fill(0xff);
    const Bytes32 red = reduce_mod_bls_modulus(ones);
    EXPECT_LT(std::memcmp(red.data(), kBlsModulus.data(), 32), 0);
    blst_scalar s;
    blst_scalar_from_bendian(&s, ones.data());
    Fr via_blst;
    blst_fr_from_scalar(&via_blst, &s);
    EXPECT_EQ(fr_to_be(via_blst), red);
    // And a carry across limbs: r + 2^64 - 1 reduces to 2^64 - 1.
    std::array<std::uint8_t, 32> y = kBlsModulus;
    int carry = 0;
    for (std::size_t i = 32; i-- > 0;) {
        const int add = i >= 24 ? 0xff : 0;
        const int v = int{y[i]} + add + carry;
        y[i] = static_cast<std::uint8_t>(v & 0xff);
        carry = v >> 8;
    }
    Bytes32 expect{};
    for (std::size_t i = 24; i < 32; i++) expect.bytes[i] = 0xff;
    EXPECT_EQ(reduce_mod_bls_modulus(y), expect);
}

}  // namespace
}  // namespace soundness
