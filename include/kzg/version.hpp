// kzg/version.hpp — build identity, for --version, /v1/info and metrics.
#pragma once

#include <string_view>

namespace kzg {

std::string_view version();      // "0.1.0"
std::string_view git_commit();   // short commit hash, or "unknown"
std::string_view blst_version(); // "0.3.12"

}  // namespace kzg
