// JSON bodies: requests ({"blob":"0x..", ...}) into Args, outputs and errors
// into JSON text. The reader is a small strict RFC 8259 parser that keeps
// string values as views into the body, so a 64-blob batch (17 MiB of hex) is
// decoded straight into the blobs without intermediate copies.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "ops/json_text.hpp"  // append_json_string
#include "service/api.hpp"

namespace kzgd {

// Decodes a JSON request for `fn`. Errors name the field and the problem:
// "blob: missing 0x prefix", "missing field \"z\"", "unknown field \"foo\"",
// "invalid JSON at byte 17: expected ':'"; list elements are reported
// per element in failures ("blobs[3]: expected 131072 bytes, got 131071").
std::optional<ApiError> decode_json_request(const FunctionSpec& fn, std::string_view body,
                                            const DecodeLimits& limits, Args& out);

std::string encode_json_outcome(const Outcome& outcome);
std::string encode_json_error(const ApiError& error);

// Lowercase 0x-hex of bytes, appended.
void append_hex(std::string& out, const std::uint8_t* data, std::size_t n);

}  // namespace kzgd
