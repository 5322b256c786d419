// The OpenAPI 3.1 description of kzgd's routes: docs/openapi.json, embedded at
// build time (src/service/embed_openapi.cmake) and served at GET /openapi.json.
#pragma once

#include <string_view>

namespace kzgd {

// The exact bytes of docs/openapi.json (a JSON document, UTF-8).
std::string_view openapi_json();

}  // namespace kzgd
