// SHA-256 from blst (declared in blst_aux.h, which blst.h includes).
#pragma once

#include <blst.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

namespace kzg::core {

inline std::array<std::uint8_t, 32> sha256(std::span<const std::uint8_t> data) {
    std::array<std::uint8_t, 32> out;
    blst_sha256(out.data(), data.data(), data.size());
    return out;
}

}  // namespace kzg::core
