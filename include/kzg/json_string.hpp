// kzg/json_string.hpp — the pieces of JSON string decoding that the engine's
// setup reader (src/setup/json_loader.cpp) and kzgd's request reader
// (src/service/json_reader.cpp) share: hex digits, UTF-8, backslash escapes.
// Not installed and not part of the library's API: it sits beside the public
// headers only because it is the one folder both layers may include.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace kzg {

// The value of one hex digit (either case), or -1.
inline int hex_digit_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

// Appends code point cp (below 0x110000) as UTF-8, 1 to 4 bytes.
inline void append_utf8(std::string& out, std::uint32_t cp) {
    if (cp < 0x80) {
        out += static_cast<char>(cp);
    } else if (cp < 0x800) {
        out += static_cast<char>(0xc0 | (cp >> 6));
        out += static_cast<char>(0x80 | (cp & 0x3f));
    } else if (cp < 0x10000) {
        out += static_cast<char>(0xe0 | (cp >> 12));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3f));
        out += static_cast<char>(0x80 | (cp & 0x3f));
    } else {
        out += static_cast<char>(0xf0 | (cp >> 18));
        out += static_cast<char>(0x80 | ((cp >> 12) & 0x3f));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3f));
        out += static_cast<char>(0x80 | (cp & 0x3f));
    }
}

enum class JsonEscapeError { kNone, kInvalid, kTruncatedU, kInvalidU, kUnpairedSurrogate };

struct JsonEscape {
    std::size_t used = 0;  // bytes read; on an error, up to and including the one at fault
    JsonEscapeError error = JsonEscapeError::kNone;
};

// One escape of a JSON string, s starting just after its backslash: appends
// what it stands for to out (a u-escape as UTF-8, a surrogate pair of them as
// one code point). A lone surrogate (a high one not followed by an escaped
// low one, or a low one) is U+FFFD when replace_lone_surrogates, else
// kUnpairedSurrogate.
inline JsonEscape decode_json_escape(std::string_view s, std::string& out, bool replace_lone_surrogates) {
    using E = JsonEscapeError;
    if (s.empty()) return {0, E::kInvalid};
    switch (s[0]) {
        case '"':
        case '\\':
        case '/': out += s[0]; return {1, E::kNone};
        case 'b': out += '\b'; return {1, E::kNone};
        case 'f': out += '\f'; return {1, E::kNone};
        case 'n': out += '\n'; return {1, E::kNone};
        case 'r': out += '\r'; return {1, E::kNone};
        case 't': out += '\t'; return {1, E::kNone};
        case 'u': break;
        default: return {1, E::kInvalid};
    }
    const auto hex4 = [s](std::size_t at, std::uint32_t& v) -> JsonEscape {
        if (s.size() < at + 4) return {at, E::kTruncatedU};
        v = 0;
        for (std::size_t k = at; k < at + 4; k++) {
            const int d = hex_digit_value(s[k]);
            if (d < 0) return {k + 1, E::kInvalidU};
            v = v << 4 | static_cast<std::uint32_t>(d);
        }
        return {at + 4, E::kNone};
    };
    std::uint32_t cp = 0;
    if (const auto r = hex4(1, cp); r.error != E::kNone) return r;
    std::size_t used = 5;
    if (cp >= 0xd800 && cp < 0xdc00 && s.substr(5, 2) == "\\u") {
        std::uint32_t lo = 0;
        if (const auto r = hex4(7, lo); r.error != E::kNone) return r;
        if (lo >= 0xdc00 && lo < 0xe000) {
            cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
            used = 11;
        } else if (!replace_lone_surrogates) {
            return {11, E::kUnpairedSurrogate};
        }
    }
    if (cp >= 0xd800 && cp < 0xe000) {
        if (!replace_lone_surrogates) return {used, E::kUnpairedSurrogate};
        cp = 0xfffd;
    }
    append_utf8(out, cp);
    return {used, E::kNone};
}

}  // namespace kzg
