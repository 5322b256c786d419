// The known-answer self-test: a fixed blob (field element i, big-endian, is
// i*i*7919 + 12345*i + 1 mod 2^64), and its commitment and blob proof,
// computed once with kzgctl on the mainnet setup (a library that passes every
// consensus-spec vector) and cross-checked: verify-blob-proof says true.
// Deterministic and small, so kzgd, kzgctl doctor and the tests share it
// without shipping a 128 KiB file.
#pragma once

#include <cstdint>
#include <memory>
#include <string_view>

#include "kzg/kzg.hpp"

namespace kzgd::ops {

inline constexpr std::string_view kKnownCommitmentHex =
    "0x8e5c3f4168591eab0c9d5460f99f95a9ca5da9c318839dd18754404794ec60793b90ac27cad8e609a8808c0d0560191b";
inline constexpr std::string_view kKnownProofHex =
    "0xaa9e61be4ebd0628e1c89f9b2afbee0ca35e04ba35be1989577aaed67802aa1ba72d48b9f49a06ac502af8221fe7e2c0";

inline std::unique_ptr<kzg::Blob> known_answer_blob() {
    auto blob = std::make_unique<kzg::Blob>();
    for (std::uint64_t i = 0; i < kzg::FIELD_ELEMENTS_PER_BLOB; i++) {
        const std::uint64_t v = i * i * 7919 + 12345 * i + 1;  // wraps mod 2^64
        for (int b = 0; b < 8; b++) blob->bytes[i * 32 + 31 - static_cast<std::size_t>(b)] = static_cast<std::uint8_t>(v >> (8 * b));
    }
#ifdef KZGD_BROKEN_BUILD_FOR_TESTS
    // tests/fleet: a deliberately broken build, whose answers disagree with the
    // known ones as a miscompiled or wrongly configured build's would.
    blob->bytes[31] ^= 1;
#endif
    return blob;
}

}  // namespace kzgd::ops
