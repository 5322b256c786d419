// The JSON reader and value readers (see json_reader.hpp).
#include "service/json_reader.hpp"

#include <array>
#include <charconv>
#include <cstring>

#if defined(__x86_64__)
#include <immintrin.h>
#endif

#include "ops/json_text.hpp"  // append_json_string

namespace kzgd {
namespace {

constexpr int kMaxDepth = 32;

int hex_digit(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

void append_utf8(std::string& out, std::uint32_t cp) {
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

std::uint32_t read_u4(std::string_view s, std::size_t i) {
    std::uint32_t v = 0;
    for (std::size_t k = 0; k < 4; k++) v = v << 4 | static_cast<std::uint32_t>(hex_digit(s[i + k]));
    return v;
}


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
        const char e = raw[++i];
        switch (e) {
            case 'b': out += '\b'; break;
            case 'f': out += '\f'; break;
            case 'n': out += '\n'; break;
            case 'r': out += '\r'; break;
            case 't': out += '\t'; break;
            case 'u': {
                std::uint32_t cp = read_u4(raw, i + 1);
                i += 4;
                if (cp >= 0xd800 && cp < 0xdc00 && i + 6 < raw.size() && raw[i + 1] == '\\' && raw[i + 2] == 'u') {
                    const std::uint32_t lo = read_u4(raw, i + 3);
                    if (lo >= 0xdc00 && lo < 0xe000) {
                        cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
                        i += 6;
                    }
                }
                if (cp >= 0xd800 && cp < 0xe000) cp = 0xfffd;  // lone surrogate
                append_utf8(out, cp);
                break;
            }
            default: out += e; break;  // " \ /
        }
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
                    if (hex_digit(p[k]) < 0) return fail("invalid \\u escape");
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


// ---- hex ---------------------------------------------------------------------

constexpr std::array<std::int8_t, 256> make_hex_table() {
    std::array<std::int8_t, 256> t{};
    for (auto& v : t) v = -1;
    for (int c = '0'; c <= '9'; c++) t[static_cast<std::size_t>(c)] = static_cast<std::int8_t>(c - '0');
    for (int c = 'a'; c <= 'f'; c++) t[static_cast<std::size_t>(c)] = static_cast<std::int8_t>(c - 'a' + 10);
    for (int c = 'A'; c <= 'F'; c++) t[static_cast<std::size_t>(c)] = static_cast<std::int8_t>(c - 'A' + 10);
    return t;
}
constexpr auto kHex = make_hex_table();

std::string printable(char c) {
    const auto u = static_cast<unsigned char>(c);
    if (u >= 0x20 && u < 0x7f) return std::string("'") + c + "'";
    static const char* digits = "0123456789abcdef";
    return std::string("byte 0x") + digits[u >> 4] + digits[u & 15];
}

// Hex digits to bytes, n output bytes; false when a digit is invalid. Portable
// version: branch-free, vectorized by the compiler where it can.
bool hex_to_bytes_generic(const unsigned char* in, std::uint8_t* out, std::size_t n) {
    unsigned invalid = 0;
    for (std::size_t i = 0; i < n; i++) {
        const unsigned hi = in[2 * i], lo = in[2 * i + 1];
        const unsigned hl = hi | 0x20, ll = lo | 0x20;
        invalid |= static_cast<unsigned>(!((hi - '0' < 10u) | (hl - 'a' < 6u)));
        invalid |= static_cast<unsigned>(!((lo - '0' < 10u) | (ll - 'a' < 6u)));
        const unsigned vh = (hi & 0x0f) + 9 * (hi >> 6);
        const unsigned vl = (lo & 0x0f) + 9 * (lo >> 6);
        out[i] = static_cast<std::uint8_t>(vh << 4 | vl);
    }
    return invalid == 0;
}

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define KZGD_HEX_AVX2 1
// AVX2: 32 digits -> 16 bytes per step; chosen at run time (the build is portable).
__attribute__((target("avx2"))) bool hex_to_bytes_avx2(const unsigned char* in, std::uint8_t* out, std::size_t n) {
    const __m256i zero_m1 = _mm256_set1_epi8('0' - 1), nine_p1 = _mm256_set1_epi8('9' + 1);
    const __m256i a_m1 = _mm256_set1_epi8('a' - 1), f_p1 = _mm256_set1_epi8('f' + 1);
    const __m256i lower = _mm256_set1_epi8(0x20), low4 = _mm256_set1_epi8(0x0f), nine = _mm256_set1_epi8(9);
    const __m256i weights = _mm256_set1_epi16(0x0110);  // bytes 16, 1: hi * 16 + lo
    std::size_t i = 0;
    for (; i + 16 <= n; i += 16) {
        const __m256i x = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(in + 2 * i));
        const __m256i l = _mm256_or_si256(x, lower);
        const __m256i digit = _mm256_and_si256(_mm256_cmpgt_epi8(x, zero_m1), _mm256_cmpgt_epi8(nine_p1, x));
        const __m256i letter = _mm256_and_si256(_mm256_cmpgt_epi8(l, a_m1), _mm256_cmpgt_epi8(f_p1, l));
        if (_mm256_movemask_epi8(_mm256_or_si256(digit, letter)) != -1) return false;
        const __m256i v = _mm256_add_epi8(_mm256_and_si256(x, low4), _mm256_and_si256(letter, nine));
        const __m256i pairs = _mm256_maddubs_epi16(v, weights);
        const __m256i packed = _mm256_permute4x64_epi64(_mm256_packus_epi16(pairs, pairs), 0x08);
        _mm_storeu_si128(reinterpret_cast<__m128i*>(out + i), _mm256_castsi256_si128(packed));
    }
    return hex_to_bytes_generic(in + 2 * i, out + i, n - i);
}
#endif

bool hex_to_bytes(const unsigned char* in, std::uint8_t* out, std::size_t n) {
#ifdef KZGD_HEX_AVX2
    static const bool avx2 = __builtin_cpu_supports("avx2");
    if (avx2) return hex_to_bytes_avx2(in, out, n);
#endif
    return hex_to_bytes_generic(in, out, n);
}

// Decodes 0x-hex text of exactly n bytes into out; an error message otherwise.
std::optional<std::string> hex_into(std::string_view s, std::uint8_t* out, std::size_t n) {
    if (s.size() < 2 || s[0] != '0' || (s[1] != 'x' && s[1] != 'X')) return std::string("missing 0x prefix");
    s.remove_prefix(2);
    if (s.size() % 2 != 0) return "odd number of hex digits (" + std::to_string(s.size()) + ")";
    if (s.size() / 2 != n)
        return "expected " + std::to_string(n) + " bytes, got " + std::to_string(s.size() / 2);
    const auto* in = reinterpret_cast<const unsigned char*>(s.data());
    if (!hex_to_bytes(in, out, n)) {
        for (std::size_t pos = 0; pos < 2 * n; pos++)
            if (kHex[in[pos]] < 0)
                return "invalid hex character " + printable(s[pos]) + " at digit " + std::to_string(pos);
    }
    return std::nullopt;
}


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
    std::optional<std::string> err;
    if (v.escaped) {
        const std::string text = unescape(v.text);
        err = hex_into(text, out, n);
    } else {
        err = hex_into(v.text, out, n);
    }
    if (err) return std::string(what) + ": " + *err;
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
