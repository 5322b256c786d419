// kzg_commitment_to_versioned_hash (deneb beacon-chain.md, "Helper functions").
#include <algorithm>

#include "core/sha256.hpp"
#include "kzg/kzg.hpp"

namespace kzg {

namespace {
constexpr std::uint8_t VERSIONED_HASH_VERSION_KZG = 0x01;
}

Bytes32 kzg_commitment_to_versioned_hash(const KZGCommitment& commitment) {
    const auto digest = core::sha256(std::span<const std::uint8_t>(commitment.data(), commitment.size()));
    Bytes32 out;
    out.bytes[0] = VERSIONED_HASH_VERSION_KZG;
    std::copy(digest.begin() + 1, digest.end(), out.bytes.begin() + 1);
    return out;
}

}  // namespace kzg
