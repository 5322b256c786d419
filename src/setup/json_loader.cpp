// consensus-specs JSON trusted setup:
//   {"g1_lagrange": ["0x..", ...], "g2_monomial": [...], "g1_monomial": [...]}
//
// The engine depends on blst alone, so the document is read by a small strict
// JSON reader here (RFC 8259 grammar, depth-limited) rather than a JSON
// library: the whole document is checked first ("not valid JSON"), then its
// shape, so that errors name the field and index.
#include <memory>
#include <optional>

#include "kzg/codec.hpp"
#include "kzg/json_string.hpp"
#include "setup/trusted_setup.hpp"

namespace kzg::setup {

namespace {

Error setup_error(const std::string& msg) { return Error{ErrorCode::kInvalidSetup, msg}; }

struct JsonMember;

struct JsonValue {
    enum class Kind { kNull, kBool, kNumber, kString, kArray, kObject } kind = Kind::kNull;
    std::string text;  // decoded string
    std::vector<JsonValue> items;
    std::vector<JsonMember> members;  // a vector of an incomplete type is fine; a pair of one is not
};

struct JsonMember {
    std::string key;
    JsonValue value;
};

class JsonReader {
  public:
    explicit JsonReader(std::string_view in) : in_(in) {}

    // The document, or the byte offset and reason it is not JSON.
    std::optional<JsonValue> document(std::string& why) {
        JsonValue v;
        if (value(v, 0)) {
            skip_space();
            if (pos_ == in_.size()) return v;
            fail("unexpected content after the document");
        }
        why = why_ + " at byte " + std::to_string(pos_);
        return std::nullopt;
    }

  private:
    static constexpr int kMaxDepth = 64;

    bool fail(const char* why) {
        if (why_.empty()) why_ = why;
        return false;
    }
    void skip_space() {
        while (pos_ < in_.size() && (in_[pos_] == ' ' || in_[pos_] == '\t' || in_[pos_] == '\n' || in_[pos_] == '\r'))
            pos_++;
    }
    bool literal(std::string_view word) {
        if (in_.substr(pos_, word.size()) != word) return fail("invalid literal");
        pos_ += word.size();
        return true;
    }
    static bool digit(char c) { return c >= '0' && c <= '9'; }

    bool value(JsonValue& v, int depth) {
        if (depth > kMaxDepth) return fail("nested too deeply");
        skip_space();
        if (pos_ >= in_.size()) return fail("unexpected end");
        switch (in_[pos_]) {
            case '{': return object(v, depth);
            case '[': return array(v, depth);
            case '"': v.kind = JsonValue::Kind::kString; return string(v.text);
            case 't': v.kind = JsonValue::Kind::kBool; return literal("true");
            case 'f': v.kind = JsonValue::Kind::kBool; return literal("false");
            case 'n': v.kind = JsonValue::Kind::kNull; return literal("null");
            default: v.kind = JsonValue::Kind::kNumber; return number();
        }
    }

    bool number() {
        const std::size_t start = pos_;
        if (pos_ < in_.size() && in_[pos_] == '-') pos_++;
        if (pos_ < in_.size() && in_[pos_] == '0') {
            pos_++;
        } else {
            if (pos_ >= in_.size() || !digit(in_[pos_])) return fail("invalid value");
            while (pos_ < in_.size() && digit(in_[pos_])) pos_++;
        }
        if (pos_ < in_.size() && in_[pos_] == '.') {
            pos_++;
            if (pos_ >= in_.size() || !digit(in_[pos_])) return fail("invalid number");
            while (pos_ < in_.size() && digit(in_[pos_])) pos_++;
        }
        if (pos_ < in_.size() && (in_[pos_] == 'e' || in_[pos_] == 'E')) {
            pos_++;
            if (pos_ < in_.size() && (in_[pos_] == '+' || in_[pos_] == '-')) pos_++;
            if (pos_ >= in_.size() || !digit(in_[pos_])) return fail("invalid number");
            while (pos_ < in_.size() && digit(in_[pos_])) pos_++;
        }
        return pos_ > start || fail("invalid value");
    }

    bool string(std::string& out) {
        pos_++;  // the opening quote
        while (pos_ < in_.size()) {
            const char c = in_[pos_++];
            if (c == '"') return true;
            if (static_cast<unsigned char>(c) < 0x20) return fail("control character in a string");
            if (c != '\\') {
                out += c;
                continue;
            }
            if (pos_ >= in_.size()) break;
            const JsonEscape e = decode_json_escape(in_.substr(pos_), out, false);
            pos_ += e.used;
            switch (e.error) {
                case JsonEscapeError::kNone: break;
                case JsonEscapeError::kInvalid: return fail("invalid escape");
                case JsonEscapeError::kTruncatedU: return fail("truncated \\u escape");
                case JsonEscapeError::kInvalidU: return fail("invalid \\u escape");
                case JsonEscapeError::kUnpairedSurrogate: return fail("unpaired surrogate");
            }
        }
        return fail("unterminated string");
    }

    bool array(JsonValue& v, int depth) {
        v.kind = JsonValue::Kind::kArray;
        pos_++;
        skip_space();
        if (pos_ < in_.size() && in_[pos_] == ']') return pos_++, true;
        for (;;) {
            v.items.emplace_back();
            if (!value(v.items.back(), depth + 1)) return false;
            skip_space();
            if (pos_ >= in_.size()) return fail("unterminated array");
            const char c = in_[pos_++];
            if (c == ']') return true;
            if (c != ',') return fail("expected ',' or ']'");
        }
    }

    bool object(JsonValue& v, int depth) {
        v.kind = JsonValue::Kind::kObject;
        pos_++;
        skip_space();
        if (pos_ < in_.size() && in_[pos_] == '}') return pos_++, true;
        for (;;) {
            skip_space();
            if (pos_ >= in_.size() || in_[pos_] != '"') return fail("expected a member name");
            v.members.emplace_back();
            if (!string(v.members.back().key)) return false;
            skip_space();
            if (pos_ >= in_.size() || in_[pos_++] != ':') return fail("expected ':'");
            if (!value(v.members.back().value, depth + 1)) return false;
            skip_space();
            if (pos_ >= in_.size()) return fail("unterminated object");
            const char c = in_[pos_++];
            if (c == '}') return true;
            if (c != ',') return fail("expected ',' or '}'");
        }
    }

    std::string_view in_;
    std::size_t pos_ = 0;
    std::string why_;
};

const JsonValue* member(const JsonValue& doc, std::string_view name) {
    for (const auto& m : doc.members)
        if (m.key == name) return &m.value;
    return nullptr;
}

template <std::size_t N>
std::optional<Error> read_field(const JsonValue& doc, const char* field, std::vector<std::array<std::uint8_t, N>>& out) {
    const JsonValue* list = member(doc, field);
    if (!list) return setup_error(std::string("missing field \"") + field + "\"");
    if (list->kind != JsonValue::Kind::kArray) return setup_error(std::string(field) + ": expected an array of hex strings");
    out.resize(list->items.size());
    for (std::size_t i = 0; i < list->items.size(); i++) {
        const JsonValue& v = list->items[i];
        const std::string name = std::string(field) + "[" + std::to_string(i) + "]";
        if (v.kind != JsonValue::Kind::kString) return setup_error(name + ": expected a hex string");
        auto bytes = hex_decode(v.text, name, HexPrefix::kOptional);
        if (!bytes) return setup_error(bytes.message());
        if (bytes->size() != N)
            return setup_error(name + ": expected " + std::to_string(N) + " bytes, got " + std::to_string(bytes->size()));
        std::copy(bytes->begin(), bytes->end(), out[i].begin());
    }
    return std::nullopt;
}

}  // namespace

Result<TrustedSetup> parse_json_setup(std::string_view json) {
    std::string why;
    const auto doc = JsonReader(json).document(why);
    if (!doc) return setup_error("not valid JSON: " + why);
    if (doc->kind != JsonValue::Kind::kObject)
        return setup_error("expected a JSON object with g1_lagrange, g2_monomial, g1_monomial");
    for (const auto& m : doc->members) {
        if (m.key != "g1_lagrange" && m.key != "g2_monomial" && m.key != "g1_monomial")
            return setup_error("unknown field \"" + m.key + "\"");
    }
    CompressedSetup c;
    if (auto e = read_field(*doc, "g1_lagrange", c.g1_lagrange)) return *e;
    if (auto e = read_field(*doc, "g2_monomial", c.g2_monomial)) return *e;
    if (auto e = read_field(*doc, "g1_monomial", c.g1_monomial)) return *e;
    return validate_setup(c);
}

}  // namespace kzg::setup
