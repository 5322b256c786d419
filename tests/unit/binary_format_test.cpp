// The binary (embedded) trusted-setup format: serialize_binary / deserialize_binary.
#include <gtest/gtest.h>

#include <cstring>

#include "setup/trusted_setup.hpp"
#include "unit/unit_helpers.hpp"

namespace {

using kzg::ErrorCode;
using kzg::setup::deserialize_binary;
using kzg::setup::embedded_mainnet_binary;
using kzg::setup::serialize_binary;
using kzg::setup::TrustedSetup;
using unit::contains_all;

constexpr std::size_t kHeader = 8 + 16 + 32 + 32;

std::vector<std::uint8_t> embedded_copy() {
    const auto e = embedded_mainnet_binary();
    return {e.begin(), e.end()};
}

template <class T>
bool same_points(const std::vector<T>& a, const std::vector<T>& b) {
    return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(T)) == 0;
}

void expect_error(const std::vector<std::uint8_t>& bytes, std::initializer_list<std::string> parts) {
    auto r = deserialize_binary(bytes);
    ASSERT_FALSE(r.ok()) << "accepted";
    EXPECT_EQ(r.code(), ErrorCode::kInvalidSetup);
    EXPECT_TRUE(contains_all(r.message(), parts));
}

TEST(BinaryFormat, EmbeddedLoads) {
    const auto e = embedded_mainnet_binary();
    ASSERT_EQ(e.size(), kHeader + 2 * 4096 * sizeof(blst_p1_affine) + 65 * sizeof(blst_p2_affine));
    EXPECT_EQ(std::memcmp(e.data(), "KZGSETUP", 8), 0);
    auto s = deserialize_binary(e);
    ASSERT_TRUE(s.ok()) << s.message();
    EXPECT_EQ(s->g1_lagrange.size(), 4096u);
    EXPECT_EQ(s->g2_monomial.size(), 65u);
    EXPECT_EQ(s->g1_monomial.size(), 4096u);
    auto ctx = kzg::Context::mainnet();
    ASSERT_TRUE(ctx.ok()) << ctx.message();
    EXPECT_EQ(s->sha256, (*ctx)->setup_sha256());
    // The points are usable: in G1/G2 and not infinity (spot checks).
    for (std::size_t i : {0u, 1u, 2047u, 4095u}) {
        EXPECT_TRUE(blst_p1_affine_in_g1(&s->g1_lagrange[i])) << i;
        EXPECT_FALSE(blst_p1_affine_is_inf(&s->g1_lagrange[i])) << i;
        EXPECT_TRUE(blst_p1_affine_in_g1(&s->g1_monomial[i])) << i;
    }
    EXPECT_TRUE(blst_p2_affine_in_g2(&s->g2_monomial[64]));
    // g1_monomial[0] is the generator.
    blst_p1_affine g;
    blst_p1_to_affine(&g, blst_p1_generator());
    EXPECT_TRUE(blst_p1_affine_is_equal(&g, &s->g1_monomial[0]));
}

TEST(BinaryFormat, RoundTrip) {
    auto s = deserialize_binary(embedded_mainnet_binary());
    ASSERT_TRUE(s.ok()) << s.message();
    const auto bytes = serialize_binary(*s);
    EXPECT_TRUE(bytes == embedded_copy());
    auto back = deserialize_binary(bytes);
    ASSERT_TRUE(back.ok()) << back.message();
    EXPECT_TRUE(same_points(back->g1_lagrange, s->g1_lagrange));
    EXPECT_TRUE(same_points(back->g2_monomial, s->g2_monomial));
    EXPECT_TRUE(same_points(back->g1_monomial, s->g1_monomial));
    EXPECT_EQ(back->sha256, s->sha256);
}

TEST(BinaryFormat, TextFileSerializesToTheEmbeddedBytes) {
    ASSERT_FALSE(unit::mainnet_text().empty()) << "cannot read " << KZG_TRUSTED_SETUP_TXT;
    auto s = kzg::setup::parse_text_setup(unit::mainnet_text());
    ASSERT_TRUE(s.ok()) << s.message();
    const auto bytes = serialize_binary(*s);
    EXPECT_EQ(bytes.size(), embedded_mainnet_binary().size());
    EXPECT_TRUE(bytes == embedded_copy());
}

TEST(BinaryFormat, Truncated) {
    const auto e = embedded_copy();
    expect_error({}, {"binary setup", "bad magic"});
    expect_error({e.begin(), e.begin() + 8}, {"binary setup"});
    expect_error({e.begin(), e.begin() + kHeader - 1}, {"binary setup"});
    expect_error({e.begin(), e.begin() + kHeader}, {"binary setup", "truncated"});
    expect_error({e.begin(), e.end() - 1}, {"binary setup", "truncated"});
    expect_error({e.begin(), e.begin() + static_cast<std::ptrdiff_t>(e.size() / 2)}, {"binary setup", "truncated"});
    auto longer = e;
    longer.push_back(0);
    expect_error(longer, {"binary setup", "oversized"});
}

TEST(BinaryFormat, BadHeader) {
    auto b = embedded_copy();
    b[0] ^= 1;
    expect_error(b, {"bad magic"});
    b = embedded_copy();
    b[7] = 'Q';
    expect_error(b, {"bad magic"});
    b = embedded_copy();
    b[8] = 2;  // version (host byte order; little-endian here)
    expect_error(b, {"version"});
    b = embedded_copy();
    b[12] ^= 1;  // n_g1
    expect_error(b, {"point counts"});
    b = embedded_copy();
    b[16] ^= 2;  // n_g2
    expect_error(b, {"point counts"});
}

TEST(BinaryFormat, FlippedPayloadByte) {
    const auto e = embedded_copy();
    for (std::size_t at : {kHeader, kHeader + 1000, kHeader + 4096 * sizeof(blst_p1_affine) + 7, e.size() / 2,
                           e.size() - 1}) {
        auto b = e;
        b[at] ^= 0x10;
        expect_error(b, {"checksum"});
    }
    // The stored payload checksum itself.
    auto b = e;
    b[8 + 16 + 32] ^= 1;
    expect_error(b, {"checksum"});
}

}  // namespace
