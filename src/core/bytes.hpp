// Big-endian integer encodings used by the spec's Fiat-Shamir transcripts.
#pragma once

#include <cstdint>
#include <vector>

namespace kzg::core {

inline void append_u64_be(std::vector<std::uint8_t>& out, std::uint64_t v) {
    for (int shift = 56; shift >= 0; shift -= 8) out.push_back(static_cast<std::uint8_t>(v >> shift));
}

template <class Bytes>
inline void append_bytes(std::vector<std::uint8_t>& out, const Bytes& b) {
    out.insert(out.end(), b.data(), b.data() + b.size());
}

}  // namespace kzg::core
