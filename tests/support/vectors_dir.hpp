// Where the consensus-spec reference tests are: $KZG_TEST_VECTORS, else the
// shared folder beside the repository. Tests that need them fail (never skip)
// when the folder is missing.
#pragma once

#include <cstdlib>
#include <filesystem>

namespace kzg::testing {

inline std::filesystem::path vectors_dir() {
    if (const char* env = std::getenv("KZG_TEST_VECTORS"); env && *env) return env;
    return KZG_TEST_VECTORS_DEFAULT;
}

}  // namespace kzg::testing
