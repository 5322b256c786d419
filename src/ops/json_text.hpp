// JSON string literals for the JSON that kzgd writes (logs, health, API
// responses): one escaper, so every line and body agrees on what is escaped.
#pragma once

#include <string>
#include <string_view>

namespace kzgd {

// Appends s as a JSON string literal: quotes, backslash and control
// characters escaped; valid UTF-8 copied; any invalid byte becomes U+FFFD.
void append_json_string(std::string& out, std::string_view s);

}  // namespace kzgd
