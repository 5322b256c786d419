#include "kzg/version.hpp"

namespace kzg {

std::string_view version() { return KZG_VERSION; }
std::string_view git_commit() { return KZG_GIT_COMMIT; }
std::string_view blst_version() { return KZG_BLST_VERSION; }

}  // namespace kzg
