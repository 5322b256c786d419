// A validated trusted setup: the points every KZG function needs, and its identity.
#pragma once

#include <blst.h>

#include <array>
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "kzg/kzg.hpp"

namespace kzg::setup {

inline constexpr std::size_t NUM_G1_POINTS = FIELD_ELEMENTS_PER_BLOB;  // 4096
inline constexpr std::size_t NUM_G2_POINTS = 65;

struct TrustedSetup {
    std::vector<blst_p1_affine> g1_lagrange;  // natural (file) order: [L_i(s)]G1 for w^i
    std::vector<blst_p2_affine> g2_monomial;  // [s^i]G2
    std::vector<blst_p1_affine> g1_monomial;  // [s^i]G1
    std::array<std::uint8_t, 32> sha256{};    // of the canonical compressed bytes
};

// Compressed points as read from a file, before validation. `where` holds,
// per point, a location for error messages ("line 17", "g1_lagrange[14]").
struct CompressedSetup {
    std::vector<std::array<std::uint8_t, 48>> g1_lagrange, g1_monomial;
    std::vector<std::array<std::uint8_t, 96>> g2_monomial;
    std::vector<std::string> g1_lagrange_where, g1_monomial_where, g2_monomial_where;
};

// Decompresses and validates every point (on the curve, in the subgroup, not
// infinity) and the counts; computes the canonical sha256.
Result<TrustedSetup> validate_setup(const CompressedSetup& in);

// c-kzg's text format; errors name the line.
Result<TrustedSetup> parse_text_setup(std::string_view text);
// consensus-specs JSON; errors name the field and index.
Result<TrustedSetup> parse_json_setup(std::string_view json);

// The compact binary form embedded in the library (raw affine points, so that
// loading it is a copy): generated at build time from a validated setup.
std::vector<std::uint8_t> serialize_binary(const TrustedSetup& s);
// Checks the header, sizes and the payload checksum; the points themselves
// were validated when the file was generated.
Result<TrustedSetup> deserialize_binary(std::span<const std::uint8_t> bytes);

// The mainnet setup linked into the library.
std::span<const std::uint8_t> embedded_mainnet_binary();

}  // namespace kzg::setup
