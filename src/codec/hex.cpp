#include <string>

#include "kzg/codec.hpp"

namespace kzg {

static int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

static std::string printable(char c) {
    const auto u = static_cast<unsigned char>(c);
    if (u >= 0x20 && u < 0x7f) return std::string("'") + c + "'";
    static const char* digits = "0123456789abcdef";
    return std::string("byte 0x") + digits[u >> 4] + digits[u & 15];
}

Result<std::vector<std::uint8_t>> hex_decode(std::string_view text, std::string_view what, HexPrefix prefix) {
    const bool has_prefix = text.size() >= 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X');
    if (prefix == HexPrefix::kRequired && !has_prefix)
        return Error{ErrorCode::kInvalidInput, std::string(what) + ": missing 0x prefix"};
    if (has_prefix && prefix != HexPrefix::kNone) text.remove_prefix(2);
    if (text.size() % 2 != 0) {
        return Error{ErrorCode::kInvalidInput,
                     std::string(what) + ": odd number of hex digits (" + std::to_string(text.size()) + ")"};
    }
    std::vector<std::uint8_t> out(text.size() / 2);
    for (std::size_t i = 0; i < out.size(); i++) {
        const int hi = hex_value(text[2 * i]);
        const int lo = hex_value(text[2 * i + 1]);
        if (hi < 0 || lo < 0) {
            const std::size_t pos = hi < 0 ? 2 * i : 2 * i + 1;
            return Error{ErrorCode::kInvalidInput, std::string(what) + ": invalid hex character " +
                                                       printable(text[pos]) + " at digit " + std::to_string(pos)};
        }
        out[i] = static_cast<std::uint8_t>(hi << 4 | lo);
    }
    return out;
}

std::string hex_encode(std::span<const std::uint8_t> bytes, bool with_prefix) {
    static const char* digits = "0123456789abcdef";
    std::string out;
    out.reserve(bytes.size() * 2 + 2);
    if (with_prefix) out += "0x";
    for (auto b : bytes) {
        out += digits[b >> 4];
        out += digits[b & 15];
    }
    return out;
}

std::string_view error_code_name(ErrorCode code) {
    switch (code) {
        case ErrorCode::kOk: return "ok";
        case ErrorCode::kInvalidInput: return "invalid_input";
        case ErrorCode::kInvalidSetup: return "invalid_setup";
        case ErrorCode::kIo: return "io";
        case ErrorCode::kInternal: return "internal";
    }
    return "unknown";
}

}  // namespace kzg
