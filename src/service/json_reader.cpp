// The JSON reader and value readers (see json_reader.hpp).
#include "service/json_reader.hpp"

#include <charconv>
#include <cstring>

#include "kzg/codec.hpp"        // hex_decode
#include "kzg/json_string.hpp"  // hex_digit_value, decode_json_escape
#include "ops/json_text.hpp"  // append_json_string

namespace kzgd {
namespace {

constexpr int kMaxDepth = 32;

}  // namespace

const char* kind_name(JValue::Kind k) {
    switch (k) {
        case JValue::Kind::kNull: return "null";
        case JValue::Kind::kBool: return "a boolean";
        case JValue::Kind::kNumber: return "a number";
        case JValue::Kind::kString: return "a string";
        case JValue::Kind::kArray: return "an array";
        case JValue::Kind::kObject: return "an object";
    }
    return "?";
}

// Unescapes the raw content of a string the parser has validated.
std::string unescape(std::string_view raw) {
    std::string out;
    out.reserve(raw.size());
    for (std::size_t i = 0; i < raw.size(); i++) {
        if (raw[i] != '\\') {
            out += raw[i];
            continue;
        }
        // Validated: no errors; a lone surrogate is U+FFFD.
        i += kzg::decode_json_escape(raw.substr(i + 1), out, true).used;
    }
    return out;
}

namespace {

class Parser {
  public:
    // max_values bounds the tree built (memory), whatever the body's size.
    Parser(std::string_view s, std::size_t max_values) : s_(s), max_values_(max_values) {}

    // Parses the whole input as one JSON value; an error message otherwise.
    std::optional<std::string> parse(JValue& out) {
        skip_ws();
        if (!value(out, 0)) return error_;
        skip_ws();
        if (pos_ != s_.size()) {
            fail("unexpected data after the JSON value");
            return error_;
        }
        return std::nullopt;
    }

  private:
    bool fail(const std::string& what) {
        error_ = "invalid JSON at byte " + std::to_string(pos_) + ": " + what;
        return false;
    }

    void skip_ws() {
        while (pos_ < s_.size() && (s_[pos_] == ' ' || s_[pos_] == '\t' || s_[pos_] == '\n' || s_[pos_] == '\r'))
            pos_++;
    }

    bool expect(char c) {
        skip_ws();
        if (pos_ < s_.size() && s_[pos_] == c) {
            pos_++;
            return true;
        }
        return fail(std::string("expected '") + c + "'" + found());
    }

    std::string found() const {
        if (pos_ >= s_.size()) return ", found the end of the input";
        const auto u = static_cast<unsigned char>(s_[pos_]);
        if (u >= 0x20 && u < 0x7f) return std::string(", found '") + s_[pos_] + "'";
        return ", found byte " + std::to_string(u);
    }

    bool value(JValue& v, int depth) {
        if (depth > kMaxDepth) return fail("nested deeper than " + std::to_string(kMaxDepth) + " levels");
        if (++values_ > max_values_)
            return fail("more than " + std::to_string(max_values_) + " values (more elements than any request needs)");
        if (pos_ >= s_.size()) return fail("expected a value, found the end of the input");
        switch (s_[pos_]) {
            case '{': return object(v, depth);
            case '[': return array(v, depth);
            case '"': v.kind = JValue::Kind::kString; return string(v.text, v.escaped);
            case 't': v.kind = JValue::Kind::kBool, v.boolean = true; return literal("true");
            case 'f': v.kind = JValue::Kind::kBool, v.boolean = false; return literal("false");
            case 'n': v.kind = JValue::Kind::kNull; return literal("null");
            default:
                if (s_[pos_] == '-' || (s_[pos_] >= '0' && s_[pos_] <= '9')) return number(v);
                return fail("expected a value" + found());
        }
    }

    bool literal(std::string_view word) {
        if (s_.substr(pos_, word.size()) != word) return fail("invalid literal (expected " + std::string(word) + ")");
        pos_ += word.size();
        return true;
    }

    bool digits() {
        const std::size_t start = pos_;
        while (pos_ < s_.size() && s_[pos_] >= '0' && s_[pos_] <= '9') pos_++;
        return pos_ > start;
    }

    bool number(JValue& v) {
        const std::size_t start = pos_;
        if (s_[pos_] == '-') pos_++;
        if (pos_ < s_.size() && s_[pos_] == '0') {
            pos_++;
        } else if (!digits()) {
            return fail("invalid number");
        }
        if (pos_ < s_.size() && s_[pos_] == '.') {
            pos_++;
            if (!digits()) return fail("invalid number (digits expected after '.')");
        }
        if (pos_ < s_.size() && (s_[pos_] == 'e' || s_[pos_] == 'E')) {
            pos_++;
            if (pos_ < s_.size() && (s_[pos_] == '+' || s_[pos_] == '-')) pos_++;
            if (!digits()) return fail("invalid number (digits expected in the exponent)");
        }
        v.kind = JValue::Kind::kNumber;
        v.text = s_.substr(start, pos_ - start);
        return true;
    }

    bool string(std::string_view& text, bool& escaped) {
        pos_++;  // opening quote
        const std::size_t start = pos_;
        const char* p = s_.data() + pos_;
        const char* end = s_.data() + s_.size();
        // Fast path, for the long hex strings: find the closing quote with memchr,
        // then check the span for backslashes and control characters in one
        // vectorizable pass.
        if (const void* q = std::memchr(p, '"', static_cast<std::size_t>(end - p))) {
            const auto* b = reinterpret_cast<const unsigned char*>(p);
            const auto n = static_cast<std::size_t>(static_cast<const char*>(q) - p);
            unsigned bad = 0;
            for (std::size_t i = 0; i < n; i++) bad |= static_cast<unsigned>(b[i] < 0x20) | (b[i] == '\\');
            if (bad == 0) {
                text = s_.substr(start, n);
                pos_ = start + n + 1;
                return true;
            }
        }
        for (;;) {
            while (p < end) {
                const auto c = static_cast<unsigned char>(*p);
                if (c == '"' || c == '\\' || c < 0x20) break;
                p++;
            }
            pos_ = static_cast<std::size_t>(p - s_.data());
            if (p == end) return fail("unterminated string");
            if (*p == '"') break;
            if (*p != '\\') return fail("control character in a string (escape it)");
            escaped = true;
            if (p + 1 == end) return fail("unterminated string");
            const char e = p[1];
            if (e == 'u') {
                if (end - p < 6) return fail("truncated \\u escape");
                for (int k = 2; k < 6; k++)
                    if (kzg::hex_digit_value(p[k]) < 0) return fail("invalid \\u escape");
                p += 6;
            } else if (std::strchr("\"\\/bfnrt", e) != nullptr && e != '\0') {
                p += 2;
            } else {
                return fail("invalid escape in a string");
            }
        }
        text = s_.substr(start, pos_ - start);
        pos_++;  // closing quote
        return true;
    }

    bool array(JValue& v, int depth) {
        v.kind = JValue::Kind::kArray;
        pos_++;
        skip_ws();
        if (pos_ < s_.size() && s_[pos_] == ']') {
            pos_++;
            return true;
        }
        for (;;) {
            skip_ws();
            v.items.emplace_back();
            if (!value(v.items.back(), depth + 1)) return false;
            skip_ws();
            if (pos_ < s_.size() && s_[pos_] == ',') {
                pos_++;
                continue;
            }
            if (pos_ < s_.size() && s_[pos_] == ']') {
                pos_++;
                return true;
            }
            return fail("expected ',' or ']'" + found());
        }
    }

    bool object(JValue& v, int depth) {
        v.kind = JValue::Kind::kObject;
        pos_++;
        skip_ws();
        if (pos_ < s_.size() && s_[pos_] == '}') {
            pos_++;
            return true;
        }
        for (;;) {
            skip_ws();
            if (pos_ >= s_.size() || s_[pos_] != '"') return fail("expected a field name" + found());
            std::string_view raw;
            bool escaped = false;
            if (!string(raw, escaped)) return false;
            v.members.emplace_back();
            v.members.back().key = escaped ? unescape(raw) : std::string(raw);
            if (!expect(':')) return false;
            skip_ws();
            if (!value(v.members.back().value, depth + 1)) return false;
            skip_ws();
            if (pos_ < s_.size() && s_[pos_] == ',') {
                pos_++;
                continue;
            }
            if (pos_ < s_.size() && s_[pos_] == '}') {
                pos_++;
                return true;
            }
            return fail("expected ',' or '}'" + found());
        }
    }

    std::string_view s_;
    std::size_t max_values_;
    std::size_t values_ = 0;
    std::size_t pos_ = 0;
    std::string error_;
};

}  // namespace

std::optional<std::string> parse_json(std::string_view body, std::size_t max_values, JValue& out) {
    Parser parser(body, max_values);
    return parser.parse(out);
}

const JValue* find_member(const JValue& object, std::string_view key) {
    for (const auto& m : object.members)
        if (m.key == key) return &m.value;
    return nullptr;
}

// A 0x-hex string value of exactly n bytes; the error names `what`.
std::optional<std::string> hex_value(const JValue& v, std::string_view what, std::uint8_t* out, std::size_t n) {
    if (v.kind != JValue::Kind::kString)
        return std::string(what) + ": expected a 0x-hex string, got " + kind_name(v.kind);
    std::optional<kzg::Error> err;
    if (v.escaped) {
        const std::string text = unescape(v.text);
        err = kzg::hex_decode(text, {out, n}, what);
    } else {
        err = kzg::hex_decode(v.text, {out, n}, what);
    }
    if (err) return std::move(err->message);
    return std::nullopt;
}

std::optional<std::string> index_value(const JValue& v, std::string_view what, std::uint64_t& out) {
    std::string_view digits;
    if (v.kind == JValue::Kind::kNumber) {
        digits = v.text;
    } else if (v.kind == JValue::Kind::kString && !v.escaped) {
        digits = v.text;  // the Beacon API writes uint64 as decimal strings
    } else {
        return std::string(what) + ": expected an unsigned integer, got " + kind_name(v.kind);
    }
    const char* end = digits.data() + digits.size();
    bool ok = !digits.empty() && digits[0] >= '0' && digits[0] <= '9';
    if (ok) {
        auto [p, ec] = std::from_chars(digits.data(), end, out);
        ok = ec == std::errc() && p == end;
    }
    if (ok && v.kind == JValue::Kind::kString && digits.size() > 1 && digits[0] == '0') ok = false;
    if (!ok) {
        std::string msg = std::string(what) + ": expected an unsigned 64-bit integer, got ";
        append_json_string(msg, digits.substr(0, 40));
        return msg;
    }
    return std::nullopt;
}

}  // namespace kzgd
