// A strict RFC 8259 JSON reader that keeps string values as views into the
// body (a 17 MiB batch of hex is decoded straight into blobs, no copies), and
// the 0x-hex and unsigned-integer readers of request values. Shared by the
// request codec (json_codec.cpp) and the Beacon-API sidecar bodies
// (sidecar_codec.cpp).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace kzgd {

struct JMember;

struct JValue {
    enum class Kind : std::uint8_t { kNull, kBool, kNumber, kString, kArray, kObject };
    Kind kind = Kind::kNull;
    bool boolean = false;
    bool escaped = false;   // a string with backslash escapes (text is raw)
    std::string_view text;  // number literal, or raw string content between the quotes
    std::vector<JValue> items;
    std::vector<JMember> members;
};

struct JMember {
    std::string key;
    JValue value;
};

const char* kind_name(JValue::Kind k);

// Parses all of `body` as one JSON value into `out`; "invalid JSON at byte N:
// ..." otherwise. max_values bounds the tree built (memory), whatever the
// body's size; nesting is bounded too.
std::optional<std::string> parse_json(std::string_view body, std::size_t max_values, JValue& out);

// The member `key` of an object, or null.
const JValue* find_member(const JValue& object, std::string_view key);

// Unescapes the raw content of a string the parser has validated.
std::string unescape(std::string_view raw);

// A 0x-hex string value of exactly n bytes into out; the error names `what`.
std::optional<std::string> hex_value(const JValue& v, std::string_view what, std::uint8_t* out, std::size_t n);

// An unsigned 64-bit integer: a JSON number, or a decimal string as the Beacon
// API writes uint64 (no sign, no leading zeros); the error names `what`.
std::optional<std::string> index_value(const JValue& v, std::string_view what, std::uint64_t& out);

}  // namespace kzgd
