#include "setup/trusted_setup.hpp"

extern "C" const std::uint8_t kzg_embedded_setup_begin[];
extern "C" const std::uint8_t kzg_embedded_setup_end[];

namespace kzg::setup {

std::span<const std::uint8_t> embedded_mainnet_binary() {
    return {kzg_embedded_setup_begin, static_cast<std::size_t>(kzg_embedded_setup_end - kzg_embedded_setup_begin)};
}

}  // namespace kzg::setup
