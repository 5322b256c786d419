// Small text helpers shared by the service and the tools (kzgd's config file,
// kzgctl's inputs and roll-out reports).
#pragma once

#include <string_view>

namespace kzgd {

// s without leading and trailing spaces, tabs, CRs and LFs.
inline std::string_view trim(std::string_view s) {
    constexpr std::string_view kSpace = " \t\r\n";
    const auto b = s.find_first_not_of(kSpace);
    if (b == std::string_view::npos) return {};
    return s.substr(b, s.find_last_not_of(kSpace) - b + 1);
}

}  // namespace kzgd
