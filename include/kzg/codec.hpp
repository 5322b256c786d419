// kzg/codec.hpp — hex text <-> bytes, as the Beacon API and the consensus-spec
// vectors write them ("0x" + lowercase hex). Errors name what is wrong.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "kzg/kzg.hpp"

namespace kzg {

enum class HexPrefix { kRequired, kOptional, kNone };

// Decodes hex text; `what` names the input in error messages
// ("commitment: missing 0x prefix", "blob: odd number of hex digits (7)").
Result<std::vector<std::uint8_t>> hex_decode(std::string_view text, std::string_view what,
                                             HexPrefix prefix = HexPrefix::kRequired);
std::string hex_encode(std::span<const std::uint8_t> bytes, bool with_prefix = true);

template <std::size_t N>
std::string hex_encode(const ByteArray<N>& b, bool with_prefix = true) {
    return hex_encode(std::span<const std::uint8_t>(b.bytes), with_prefix);
}

// Copies exactly N bytes; "commitment: expected 48 bytes, got 47" otherwise.
template <std::size_t N>
Result<ByteArray<N>> to_fixed(std::span<const std::uint8_t> bytes, std::string_view what) {
    if (bytes.size() != N) {
        return Error{ErrorCode::kInvalidInput, std::string(what) + ": expected " + std::to_string(N) +
                                                   " bytes, got " + std::to_string(bytes.size())};
    }
    ByteArray<N> out;
    std::copy(bytes.begin(), bytes.end(), out.bytes.begin());
    return out;
}

template <std::size_t N>
Result<ByteArray<N>> hex_to_fixed(std::string_view text, std::string_view what,
                                  HexPrefix prefix = HexPrefix::kRequired) {
    auto raw = hex_decode(text, what, prefix);
    if (!raw) return raw.error();
    return to_fixed<N>(*raw, what);
}

}  // namespace kzg
