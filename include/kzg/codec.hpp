// kzg/codec.hpp — hex text <-> bytes, as the Beacon API and the consensus-spec
// vectors write them ("0x" + lowercase hex). Errors name what is wrong.
#pragma once

#include <algorithm>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "kzg/kzg.hpp"

namespace kzg {

enum class HexPrefix { kRequired, kOptional, kNone };

// Decodes hex text (either case); `what` names the input in error messages
// ("commitment: missing 0x prefix", "blob: odd number of hex digits (7)").
// prefix: whether "0x" must, may or must not lead. Errors: kInvalidInput.
Result<std::vector<std::uint8_t>> hex_decode(std::string_view text, std::string_view what,
                                             HexPrefix prefix = HexPrefix::kRequired);
// Lowercase hex, "0x"-prefixed unless with_prefix is false. No errors.
std::string hex_encode(std::span<const std::uint8_t> bytes, bool with_prefix = true);

// hex_decode straight into out, for text of exactly out.size() bytes (a
// blob's 128 KiB without a copy; both decode 32 digits a step with AVX2 where
// the CPU has it). The error (kInvalidInput), checked in this order: "blob:
// missing 0x prefix", "blob: odd number of hex digits (7)", "blob: expected
// 131072 bytes, got 3", "blob: invalid hex character 'g' at digit 3"; out
// holds no meaning then.
std::optional<Error> hex_decode(std::string_view text, std::span<std::uint8_t> out, std::string_view what,
                                HexPrefix prefix = HexPrefix::kRequired);

// Any ByteArray (Bytes32, Blob, KZGCommitment, KZGProof, ...).
template <std::size_t N, class Tag>
std::string hex_encode(const ByteArray<N, Tag>& b, bool with_prefix = true) {
    return hex_encode(std::span<const std::uint8_t>(b.bytes), with_prefix);
}

namespace detail {
template <class T>
inline constexpr bool is_byte_array = false;
template <std::size_t N, class Tag>
inline constexpr bool is_byte_array<ByteArray<N, Tag>> = true;
}  // namespace detail

// Copies exactly T::size() bytes into a T, a ByteArray: to_fixed<KZGProof>(b,
// "proof"). Error (kInvalidInput): "proof: expected 48 bytes, got 47".
template <class T>
    requires detail::is_byte_array<T>
Result<T> to_fixed(std::span<const std::uint8_t> bytes, std::string_view what) {
    if (bytes.size() != T::size()) {
        return Error{ErrorCode::kInvalidInput, std::string(what) + ": expected " + std::to_string(T::size()) +
                                                   " bytes, got " + std::to_string(bytes.size())};
    }
    T out;
    std::copy(bytes.begin(), bytes.end(), out.bytes.begin());
    return out;
}

// The same into an untyped ByteArray<N>: to_fixed<32>(b, "z").
template <std::size_t N>
Result<ByteArray<N>> to_fixed(std::span<const std::uint8_t> bytes, std::string_view what) {
    return to_fixed<ByteArray<N>>(bytes, what);
}

// hex_decode, then to_fixed: hex_to_fixed<KZGCommitment>(text, "commitment")
// or hex_to_fixed<32>(text, "z"). Errors: those of both (kInvalidInput).
template <class T>
    requires detail::is_byte_array<T>
Result<T> hex_to_fixed(std::string_view text, std::string_view what, HexPrefix prefix = HexPrefix::kRequired) {
    auto raw = hex_decode(text, what, prefix);
    if (!raw) return raw.error();
    return to_fixed<T>(*raw, what);
}

template <std::size_t N>
Result<ByteArray<N>> hex_to_fixed(std::string_view text, std::string_view what,
                                  HexPrefix prefix = HexPrefix::kRequired) {
    return hex_to_fixed<ByteArray<N>>(text, what, prefix);
}

}  // namespace kzg
