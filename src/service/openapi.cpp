// GET /openapi.json: docs/openapi.json, embedded by the build (openapi_data.inc
// is generated in the build tree from the document; never committed).
#include "service/openapi.hpp"

namespace kzgd {
namespace {

#include "openapi_data.inc"

}  // namespace

std::string_view openapi_json() { return {reinterpret_cast<const char*>(kOpenapiJson), sizeof kOpenapiJson}; }

}  // namespace kzgd
