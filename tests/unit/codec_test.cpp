// kzg/codec.hpp: hex_decode / hex_encode / to_fixed / hex_to_fixed.
#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <vector>

#include "kzg/codec.hpp"
#include "unit/unit_helpers.hpp"

namespace {

using kzg::ErrorCode;
using kzg::HexPrefix;
using Bytes = std::vector<std::uint8_t>;
using unit::contains_all;

TEST(HexDecode, PrefixRequired) {
    auto r = kzg::hex_decode("0x00abff", "commitment");
    ASSERT_TRUE(r.ok()) << r.message();
    EXPECT_EQ(*r, (Bytes{0x00, 0xab, 0xff}));
    r = kzg::hex_decode("0X0a", "commitment");
    ASSERT_TRUE(r.ok()) << r.message();
    EXPECT_EQ(*r, (Bytes{0x0a}));

    r = kzg::hex_decode("00abff", "commitment");
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.code(), ErrorCode::kInvalidInput);
    EXPECT_TRUE(contains_all(r.message(), {"commitment", "missing 0x prefix"}));
    r = kzg::hex_decode("", "blob");
    ASSERT_FALSE(r.ok());
    EXPECT_TRUE(contains_all(r.message(), {"blob", "0x"}));
    r = kzg::hex_decode("x00", "blob");
    EXPECT_FALSE(r.ok());
    r = kzg::hex_decode(" 0x00", "blob");  // no trimming
    EXPECT_FALSE(r.ok());
}

TEST(HexDecode, PrefixOptional) {
    for (std::string_view text : {"0x0aff", "0aff", "0X0AFF", "0AfF"}) {
        auto r = kzg::hex_decode(text, "z", HexPrefix::kOptional);
        ASSERT_TRUE(r.ok()) << text << ": " << r.message();
        EXPECT_EQ(*r, (Bytes{0x0a, 0xff})) << text;
    }
    auto r = kzg::hex_decode("", "z", HexPrefix::kOptional);
    ASSERT_TRUE(r.ok());
    EXPECT_TRUE(r->empty());
    r = kzg::hex_decode("0x", "z", HexPrefix::kOptional);
    ASSERT_TRUE(r.ok());
    EXPECT_TRUE(r->empty());
}

TEST(HexDecode, PrefixNone) {
    auto r = kzg::hex_decode("0aff", "y", HexPrefix::kNone);
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(*r, (Bytes{0x0a, 0xff}));
    // "0x" is not a prefix here: 'x' is a bad digit.
    r = kzg::hex_decode("0x0aff", "y", HexPrefix::kNone);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.code(), ErrorCode::kInvalidInput);
    EXPECT_TRUE(contains_all(r.message(), {"y", "'x'", "digit 1"}));
    r = kzg::hex_decode("", "y", HexPrefix::kNone);
    ASSERT_TRUE(r.ok());
    EXPECT_TRUE(r->empty());
}

TEST(HexDecode, EmptyWithPrefix) {
    auto r = kzg::hex_decode("0x", "proof");
    ASSERT_TRUE(r.ok()) << r.message();
    EXPECT_TRUE(r->empty());
}

TEST(HexDecode, UpperAndMixedCase) {
    auto r = kzg::hex_decode("0xABCDEFabcdef01234567", "x");
    ASSERT_TRUE(r.ok()) << r.message();
    EXPECT_EQ(*r, (Bytes{0xab, 0xcd, 0xef, 0xab, 0xcd, 0xef, 0x01, 0x23, 0x45, 0x67}));
}

TEST(HexDecode, OddLength) {
    for (auto prefix : {HexPrefix::kRequired, HexPrefix::kOptional}) {
        auto r = kzg::hex_decode("0xabc", "blob", prefix);
        ASSERT_FALSE(r.ok());
        EXPECT_EQ(r.code(), ErrorCode::kInvalidInput);
        EXPECT_TRUE(contains_all(r.message(), {"blob", "odd", "(3)"}));
    }
    auto r = kzg::hex_decode("a", "cell", HexPrefix::kNone);
    ASSERT_FALSE(r.ok());
    EXPECT_TRUE(contains_all(r.message(), {"cell", "odd", "(1)"}));
}

TEST(HexDecode, BadCharacters) {
    struct Case {
        std::string text;
        std::vector<std::string> parts;
    };
    const std::vector<Case> cases = {
        {"0xzz", {"commitment", "'z'", "digit 0"}},
        {"0x0g", {"commitment", "'g'", "digit 1"}},
        {"0x00 1", {"commitment", "' '", "digit 2"}},
        {"0x00-1", {"commitment", "'-'", "digit 2"}},
        {"0xG0", {"commitment", "'G'", "digit 0"}},
        {std::string("0x\xc3\xa9", 4), {"commitment", "byte 0xc3", "digit 0"}},  // UTF-8 'é'
        {std::string("0x0\xff", 4), {"commitment", "byte 0xff", "digit 1"}},
        {std::string("0x\0\0", 4), {"commitment", "byte 0x00", "digit 0"}},  // NUL
        {std::string("0x00\0" "0", 6), {"commitment", "byte 0x00", "digit 2"}},
        {"0x0\n", {"commitment", "byte 0x0a", "digit 1"}},
    };
    for (const auto& c : cases) {
        auto r = kzg::hex_decode(c.text, "commitment");
        ASSERT_FALSE(r.ok()) << c.parts[1];
        EXPECT_EQ(r.code(), ErrorCode::kInvalidInput);
        for (const auto& p : c.parts) EXPECT_NE(r.message().find(p), std::string::npos) << r.message() << " lacks " << p;
        // The message is printable: no raw control or non-ASCII bytes.
        for (unsigned char ch : r.message()) EXPECT_TRUE(ch >= 0x20 && ch < 0x7f) << r.message();
    }
}

TEST(HexDecode, MessagesNameTheInput) {
    for (std::string_view what : {"blob", "cells[3]", "g1_lagrange[17]"}) {
        for (std::string_view text : {"00", "0x0", "0xq0"}) {
            auto r = kzg::hex_decode(text, what);
            ASSERT_FALSE(r.ok()) << text;
            EXPECT_EQ(r.message().rfind(std::string(what) + ":", 0), 0u) << r.message();
        }
    }
}

// hex_decode into a caller's buffer: the same decoder (AVX2 blocks of 32
// digits and a scalar tail), checked against the vector form and a digit
// table written here, for lengths around the block size and a blob's.
TEST(HexDecodeInto, AgreesWithTheVectorFormAndATable) {
    unit::Rng rng(0xdec);
    const char* digits = "0123456789abcdefABCDEF";
    for (std::size_t n : {std::size_t{0}, std::size_t{1}, std::size_t{15}, std::size_t{16}, std::size_t{17},
                          std::size_t{31}, std::size_t{32}, std::size_t{33}, std::size_t{48}, std::size_t{100},
                          kzg::BYTES_PER_BLOB}) {
        std::string text = "0x";
        for (std::size_t i = 0; i < 2 * n; i++) text += digits[rng.below(22)];
        std::vector<std::uint8_t> out(n);
        ASSERT_FALSE(kzg::hex_decode(text, out, "blob").has_value()) << n;
        for (std::size_t i = 0; i < n; i++) {
            auto v = [](char c) { return c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10; };
            ASSERT_EQ(out[i], v(text[2 + 2 * i]) * 16 + v(text[3 + 2 * i])) << "n " << n << " byte " << i;
        }
        auto vec = kzg::hex_decode(text, "blob");
        ASSERT_TRUE(vec.ok());
        EXPECT_EQ(*vec, out);
        if (n == 0) continue;
        // A bad digit anywhere, including inside an AVX2 block and the tail.
        const std::size_t at = rng.below(2 * n);
        std::string bad = text;
        bad[2 + at] = 'g';
        const auto e = kzg::hex_decode(bad, out, "blob");
        ASSERT_TRUE(e.has_value());
        EXPECT_EQ(e->code, ErrorCode::kInvalidInput);
        EXPECT_EQ(e->message, "blob: invalid hex character 'g' at digit " + std::to_string(at));
        EXPECT_EQ(kzg::hex_decode(bad, "blob").message(), e->message);
    }
}

TEST(HexDecodeInto, ErrorsInOrder) {
    std::vector<std::uint8_t> out(2);
    auto msg = [&](std::string_view text, HexPrefix p = HexPrefix::kRequired) {
        const auto e = kzg::hex_decode(text, out, "z", p);
        return e ? e->message : std::string("ok");
    };
    EXPECT_EQ(msg("00zz"), "z: missing 0x prefix");
    EXPECT_EQ(msg("0x0zz"), "z: odd number of hex digits (3)");
    EXPECT_EQ(msg("0xzz"), "z: expected 2 bytes, got 1");
    EXPECT_EQ(msg("0x00zz"), "z: invalid hex character 'z' at digit 2");
    EXPECT_EQ(msg("0x00ff"), "ok");
    EXPECT_EQ(msg("00ff", HexPrefix::kOptional), "ok");
    EXPECT_EQ(msg("00ff", HexPrefix::kNone), "ok");
}

TEST(HexEncode, Basics) {
    EXPECT_EQ(kzg::hex_encode(Bytes{}), "0x");
    EXPECT_EQ(kzg::hex_encode(Bytes{}, false), "");
    EXPECT_EQ(kzg::hex_encode(Bytes{0x00, 0x01, 0xab, 0xff}), "0x0001abff");
    EXPECT_EQ(kzg::hex_encode(Bytes{0x00, 0x01, 0xab, 0xff}, false), "0001abff");
    kzg::Bytes32 b;
    b.bytes[31] = 0x7f;
    EXPECT_EQ(kzg::hex_encode(b), "0x" + std::string(62, '0') + "7f");
    EXPECT_EQ(kzg::hex_encode(b, false).size(), 64u);
}

TEST(HexEncode, RoundTrip) {
    unit::Rng rng(1);
    for (std::size_t n : {0u, 1u, 2u, 31u, 32u, 48u, 1000u}) {
        Bytes b(n);
        rng.fill(b.data(), n);
        for (bool prefix : {true, false}) {
            const std::string s = kzg::hex_encode(b, prefix);
            EXPECT_EQ(s.size(), 2 * n + (prefix ? 2 : 0));
            auto r = kzg::hex_decode(s, "x", prefix ? HexPrefix::kRequired : HexPrefix::kNone);
            ASSERT_TRUE(r.ok()) << r.message();
            EXPECT_EQ(*r, b);
        }
    }
}

TEST(ToFixed, Lengths) {
    const Bytes three{1, 2, 3}, four{1, 2, 3, 4}, five{1, 2, 3, 4, 5};
    auto r = kzg::to_fixed<4>(four, "z");
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r->bytes, (std::array<std::uint8_t, 4>{1, 2, 3, 4}));
    r = kzg::to_fixed<4>(three, "z");
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.code(), ErrorCode::kInvalidInput);
    EXPECT_EQ(r.message(), "z: expected 4 bytes, got 3");
    r = kzg::to_fixed<4>(five, "z");
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.message(), "z: expected 4 bytes, got 5");
    r = kzg::to_fixed<4>(Bytes{}, "z");
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.message(), "z: expected 4 bytes, got 0");
}

TEST(HexToFixed, Lengths) {
    const std::string h48 = "0x" + std::string(96, 'a');
    auto r = kzg::hex_to_fixed<48>(h48, "commitment");
    ASSERT_TRUE(r.ok()) << r.message();
    for (auto b : r->bytes) EXPECT_EQ(b, 0xaa);

    r = kzg::hex_to_fixed<48>(h48.substr(0, h48.size() - 2), "commitment");
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.message(), "commitment: expected 48 bytes, got 47");
    r = kzg::hex_to_fixed<48>(h48 + "00", "commitment");
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.message(), "commitment: expected 48 bytes, got 49");
    r = kzg::hex_to_fixed<48>("0x", "commitment");
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.message(), "commitment: expected 48 bytes, got 0");
    // The decoder's own errors come through unchanged.
    r = kzg::hex_to_fixed<48>(h48.substr(2), "commitment");
    ASSERT_FALSE(r.ok());
    EXPECT_TRUE(contains_all(r.message(), {"commitment", "missing 0x prefix"}));
    r = kzg::hex_to_fixed<48>(h48.substr(2), "commitment", HexPrefix::kOptional);
    EXPECT_TRUE(r.ok());
    r = kzg::hex_to_fixed<48>("0x" + std::string(95, 'a'), "commitment");
    ASSERT_FALSE(r.ok());
    EXPECT_TRUE(contains_all(r.message(), {"commitment", "odd", "(95)"}));
    auto r32 = kzg::hex_to_fixed<32>("0x" + std::string(63, '0') + "z", "z");
    ASSERT_FALSE(r32.ok());
    EXPECT_TRUE(contains_all(r32.message(), {"z:", "'z'", "digit 63"}));
}

}  // namespace
