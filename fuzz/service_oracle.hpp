// Independent oracles for the kzgd request/response codec fuzzers
// (fuzz/targets/fuzz_service_*.cpp). Written from the wire formats of
// docs/service.md, not from src/service: a strict RFC 8259 JSON reader that
// unescapes strings (each escape by the engine's kzg::decode_json_escape, as
// the setup reader does) and optionally validates UTF-8, decoders that say
// which requests must be accepted (and into which arguments), and canonical
// encoders of decoded arguments (JSON and SSZ) for the round trips.
//
// Input framing shared by the request targets:
//   byte 0   the function: kzgd::functions()[byte % kSpecFunctions] (the
//            spec functions' /v1 routes, in the order of docs/service.md)
//   byte 1   the limits: bit 7 clear: the defaults (64 blobs, 8192 cells);
//            set: max_batch_blobs = byte & 3, max_cells = (byte >> 2) & 7
//   rest     the request body
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "fuzz_common.hpp"
#include "kzg/json_string.hpp"  // decode_json_escape
#include "kzg/kzg.hpp"
#include "service/api.hpp"

namespace fuzz::svc {

// ---- framing -------------------------------------------------------------------

struct Framed {
    const kzgd::FunctionSpec* fn = nullptr;
    kzgd::DecodeLimits limits;
    std::string_view body;
};

inline Framed frame(const std::uint8_t* data, std::size_t size) {
    Framed f;
    const auto& fns = kzgd::functions();
    // The spec functions only: the sidecar calls' bodies are not in this oracle.
    f.fn = &fns[(size > 0 ? data[0] : 0) % kzgd::kSpecFunctions];
    const std::uint8_t l = size > 1 ? data[1] : 0;
    if (l & 0x80) {
        f.limits.max_batch_blobs = l & 3;
        f.limits.max_cells = (l >> 2) & 7;
    }
    const std::size_t skip = size < 2 ? size : 2;
    f.body = std::string_view(reinterpret_cast<const char*>(data) + skip, size - skip);
    return f;
}

// ---- a strict JSON reader ------------------------------------------------------------

struct JMember;

struct JNode {
    enum class Kind { kNull, kBool, kNumber, kString, kArray, kObject };
    Kind kind = Kind::kNull;
    bool boolean = false;
    bool escaped = false;  // a string written with at least one backslash escape
    std::string text;      // number literal; string value, unescaped
    std::vector<JNode> items;
    std::vector<JMember> members;
};

struct JMember {
    std::string key;
    JNode value;
};

enum class JStatus { kOk, kInvalid, kTooDeep };

// Recursive descent over the RFC 8259 grammar. Depth is bounded (kTooDeep)
// so that the oracle itself cannot overflow the stack. With utf8 set, string
// contents must be well-formed UTF-8 (RFC 3629).
class JReader {
  public:
    JReader(std::string_view s, int max_depth, bool utf8) : s_(s), max_depth_(max_depth), utf8_(utf8) {}

    JStatus parse(JNode& out) {
        ws();
        if (!value(out, 0)) return status_;
        ws();
        return i_ == s_.size() ? JStatus::kOk : JStatus::kInvalid;
    }

    // Length of the well-formed UTF-8 sequence at s[i] (1 for ASCII), or 0.
    static std::size_t utf8_at(std::string_view s, std::size_t i) {
        const auto c = static_cast<unsigned char>(s[i]);
        if (c < 0x80) return 1;
        std::size_t n;
        unsigned char lo = 0x80, hi = 0xbf;  // bounds of the second byte
        if (c >= 0xc2 && c <= 0xdf) n = 2;
        else if (c == 0xe0) n = 3, lo = 0xa0;
        else if (c >= 0xe1 && c <= 0xec) n = 3;
        else if (c == 0xed) n = 3, hi = 0x9f;  // no surrogates
        else if (c >= 0xee && c <= 0xef) n = 3;
        else if (c == 0xf0) n = 4, lo = 0x90;
        else if (c >= 0xf1 && c <= 0xf3) n = 4;
        else if (c == 0xf4) n = 4, hi = 0x8f;
        else return 0;
        if (s.size() - i < n) return 0;
        const auto b1 = static_cast<unsigned char>(s[i + 1]);
        if (b1 < lo || b1 > hi) return 0;
        for (std::size_t k = 2; k < n; k++)
            if ((static_cast<unsigned char>(s[i + k]) & 0xc0) != 0x80) return 0;
        return n;
    }

  private:
    bool bad() {
        status_ = JStatus::kInvalid;
        return false;
    }
    void ws() {
        while (i_ < s_.size() && (s_[i_] == ' ' || s_[i_] == '\t' || s_[i_] == '\n' || s_[i_] == '\r')) i_++;
    }
    bool eat(char c) {
        if (i_ < s_.size() && s_[i_] == c) {
            i_++;
            return true;
        }
        return false;
    }
    static bool is_digit(char c) { return c >= '0' && c <= '9'; }

    bool value(JNode& v, int depth) {
        if (depth > max_depth_) {
            status_ = JStatus::kTooDeep;
            return false;
        }
        if (i_ >= s_.size()) return bad();
        const char c = s_[i_];
        if (c == '{') return object(v, depth);
        if (c == '[') return array(v, depth);
        if (c == '"') {
            v.kind = JNode::Kind::kString;
            return string(v.text, v.escaped);
        }
        for (const char* word : {"true", "false", "null"}) {
            const std::size_t n = std::strlen(word);
            if (s_.substr(i_, n) == word) {
                i_ += n;
                v.kind = word[0] == 'n' ? JNode::Kind::kNull : JNode::Kind::kBool;
                v.boolean = word[0] == 't';
                return true;
            }
        }
        if (c == '-' || is_digit(c)) return number(v);
        return bad();
    }

    bool number(JNode& v) {
        const std::size_t start = i_;
        eat('-');
        if (i_ >= s_.size() || !is_digit(s_[i_])) return bad();
        if (s_[i_] == '0') {
            i_++;
        } else {
            while (i_ < s_.size() && is_digit(s_[i_])) i_++;
        }
        if (eat('.')) {
            if (i_ >= s_.size() || !is_digit(s_[i_])) return bad();
            while (i_ < s_.size() && is_digit(s_[i_])) i_++;
        }
        if (i_ < s_.size() && (s_[i_] == 'e' || s_[i_] == 'E')) {
            i_++;
            if (!eat('+')) eat('-');
            if (i_ >= s_.size() || !is_digit(s_[i_])) return bad();
            while (i_ < s_.size() && is_digit(s_[i_])) i_++;
        }
        v.kind = JNode::Kind::kNumber;
        v.text = std::string(s_.substr(start, i_ - start));
        return true;
    }

    bool string(std::string& out, bool& escaped) {
        i_++;  // the opening quote
        for (;;) {
            if (i_ >= s_.size()) return bad();
            const auto c = static_cast<unsigned char>(s_[i_]);
            if (c == '"') {
                i_++;
                return true;
            }
            if (c < 0x20) return bad();
            if (c != '\\') {
                // A run of plain characters at once (hex strings are long).
                std::size_t j = i_;
                while (j < s_.size()) {
                    const auto d = static_cast<unsigned char>(s_[j]);
                    if (d == '"' || d == '\\' || d < 0x20) break;
                    std::size_t n = 1;
                    if (utf8_ && d >= 0x80 && (n = utf8_at(s_, j)) == 0) return bad();
                    j += n;
                }
                out.append(s_.substr(i_, j - i_));
                i_ = j;
                continue;
            }
            escaped = true;
            i_++;
            if (i_ >= s_.size()) return bad();
            // RFC 8259 escapes; a lone surrogate becomes U+FFFD.
            const kzg::JsonEscape e = kzg::decode_json_escape(s_.substr(i_), out, true);
            if (e.error != kzg::JsonEscapeError::kNone) return bad();
            i_ += e.used;
        }
    }

    bool array(JNode& v, int depth) {
        v.kind = JNode::Kind::kArray;
        i_++;
        ws();
        if (eat(']')) return true;
        for (;;) {
            ws();
            v.items.emplace_back();
            if (!value(v.items.back(), depth + 1)) return false;
            ws();
            if (eat(',')) continue;
            if (eat(']')) return true;
            return bad();
        }
    }

    bool object(JNode& v, int depth) {
        v.kind = JNode::Kind::kObject;
        i_++;
        ws();
        if (eat('}')) return true;
        for (;;) {
            ws();
            if (i_ >= s_.size() || s_[i_] != '"') return bad();
            v.members.emplace_back();
            bool esc = false;
            if (!string(v.members.back().key, esc)) return false;
            ws();
            if (!eat(':')) return bad();
            ws();
            if (!value(v.members.back().value, depth + 1)) return false;
            ws();
            if (eat(',')) continue;
            if (eat('}')) return true;
            return bad();
        }
    }

    std::string_view s_;
    std::size_t i_ = 0;
    int max_depth_;
    bool utf8_;
    JStatus status_ = JStatus::kInvalid;
};

// ---- what a request decodes to ------------------------------------------------------

// Equal on the fields of fn (the only ones a decoder sets).
inline bool same_args(const kzgd::FunctionSpec& fn, const kzgd::Args& a, const kzgd::Args& b) {
    using F = kzgd::Field;
    for (F f : fn.fields) {
        bool eq = true;
        switch (f) {
            case F::kBlob: eq = a.blob && b.blob && a.blob->bytes == b.blob->bytes; break;
            case F::kZ: eq = a.z.bytes == b.z.bytes; break;
            case F::kY: eq = a.y.bytes == b.y.bytes; break;
            case F::kCommitment: eq = a.commitment.bytes == b.commitment.bytes; break;
            case F::kProof: eq = a.proof.bytes == b.proof.bytes; break;
            case F::kBlobs: eq = a.blobs.size() == b.blobs.size() && std::equal(a.blobs.begin(), a.blobs.end(), b.blobs.begin(), [](const auto& x, const auto& y) { return x.bytes == y.bytes; }); break;
            case F::kCommitments: eq = a.commitments.size() == b.commitments.size() && std::equal(a.commitments.begin(), a.commitments.end(), b.commitments.begin(), [](const auto& x, const auto& y) { return x.bytes == y.bytes; }); break;
            case F::kProofs: eq = a.proofs.size() == b.proofs.size() && std::equal(a.proofs.begin(), a.proofs.end(), b.proofs.begin(), [](const auto& x, const auto& y) { return x.bytes == y.bytes; }); break;
            case F::kCells: eq = a.cells.size() == b.cells.size() && std::equal(a.cells.begin(), a.cells.end(), b.cells.begin(), [](const auto& x, const auto& y) { return x.bytes == y.bytes; }); break;
            case F::kCellIndices: eq = a.cell_indices == b.cell_indices; break;
            case F::kVersion: eq = a.version == b.version; break;  // not a spec function's field
        }
        if (!eq) return false;
    }
    return true;
}

// ---- the JSON request rules -------------------------------------------------------------

// "0x"/"0X" then exactly 2n hex digits (either case).
inline bool oracle_hex(const JNode& v, std::uint8_t* out, std::size_t n) {
    if (v.kind != JNode::Kind::kString) return false;
    const std::string& t = v.text;
    if (t.size() != 2 + 2 * n || t[0] != '0' || (t[1] != 'x' && t[1] != 'X')) return false;
    auto val = [](char c) -> int {
        if (c >= '0' && c <= '9') return c - '0';
        if (c >= 'a' && c <= 'f') return c - 'a' + 10;
        if (c >= 'A' && c <= 'F') return c - 'A' + 10;
        return -1;
    };
    for (std::size_t i = 0; i < n; i++) {
        const int hi = val(t[2 + 2 * i]), lo = val(t[3 + 2 * i]);
        if (hi < 0 || lo < 0) return false;
        out[i] = static_cast<std::uint8_t>(hi * 16 + lo);
    }
    return true;
}

// Decimal digits only, at most 2^64 - 1 (a JSON number has no leading zeros).
inline bool oracle_u64(const std::string& t, std::uint64_t& out) {
    if (t.empty()) return false;
    std::uint64_t v = 0;
    for (char c : t) {
        if (c < '0' || c > '9') return false;
        const auto d = static_cast<std::uint64_t>(c - '0');
        if (v > (UINT64_MAX - d) / 10) return false;
        v = v * 10 + d;
    }
    out = v;
    return true;
}

// A cell index: a JSON number that is an unsigned integer, or an unescaped
// string of decimal digits without leading zeros (the Beacon API's uint64).
inline bool oracle_index(const JNode& v, std::uint64_t& out) {
    if (v.kind == JNode::Kind::kNumber) return oracle_u64(v.text, out);
    if (v.kind != JNode::Kind::kString || v.escaped) return false;
    if (v.text.size() > 1 && v.text[0] == '0') return false;
    return oracle_u64(v.text, out);
}

// Where the rules reject a request first (kzgd reports the first problem it
// finds, in this order): the JSON text, the object's members (not an object,
// unknown, duplicate or missing fields), or the first field in the function's
// order whose value is wrong; for a list, the indices of its bad elements
// (empty when the value is not an array or is over the limit).
struct Verdict {
    enum class Stage { kAccept, kSyntax, kMembers, kField } stage = Stage::kAccept;
    std::string field;
    std::vector<std::size_t> failures;
    bool accepted() const { return stage == Stage::kAccept; }
};

template <class T>
void oracle_hex_list(const JNode& v, std::vector<T>& out, std::vector<std::size_t>& bad) {
    out.resize(v.items.size());
    for (std::size_t i = 0; i < v.items.size(); i++)
        if (!oracle_hex(v.items[i], out[i].data(), T::size())) bad.push_back(i);
}

// What kzgd must do with `body` as a JSON request for fn (and the arguments
// when it accepts). The rules: one JSON object; exactly the function's
// fields, each once (keys compared after unescaping); fixed fields 0x-hex of
// their exact size; lists arrays within the limit, of such strings or of cell
// indices.
inline Verdict oracle_json_request(const kzgd::FunctionSpec& fn, std::string_view body,
                                   const kzgd::DecodeLimits& limits, kzgd::Args& out) {
    Verdict v;
    JNode root;
    if (JReader(body, 48, false).parse(root) != JStatus::kOk) {
        v.stage = Verdict::Stage::kSyntax;
        return v;
    }
    v.stage = Verdict::Stage::kMembers;
    if (root.kind != JNode::Kind::kObject) return v;
    std::vector<const JNode*> values(fn.fields.size(), nullptr);
    for (const auto& m : root.members) {
        std::size_t k = 0;
        while (k < fn.fields.size() && kzgd::field_name(fn.fields[k]) != m.key) k++;
        if (k == fn.fields.size() || values[k] != nullptr) return v;
        values[k] = &m.value;
    }
    for (const JNode* value : values)
        if (value == nullptr) return v;
    using F = kzgd::Field;
    v.stage = Verdict::Stage::kField;
    for (std::size_t k = 0; k < fn.fields.size(); k++) {
        const JNode& x = *values[k];
        const F f = fn.fields[k];
        v.field = std::string(kzgd::field_name(f));
        bool ok = true;
        switch (f) {
            case F::kBlob:
                out.blob = std::make_unique<kzg::Blob>();
                ok = oracle_hex(x, out.blob->data(), kzg::BYTES_PER_BLOB);
                break;
            case F::kZ: ok = oracle_hex(x, out.z.data(), 32); break;
            case F::kY: ok = oracle_hex(x, out.y.data(), 32); break;
            case F::kCommitment: ok = oracle_hex(x, out.commitment.data(), 48); break;
            case F::kProof: ok = oracle_hex(x, out.proof.data(), 48); break;
            default:
                ok = x.kind == JNode::Kind::kArray && x.items.size() <= kzgd::list_limit(fn, f, limits);
                if (!ok) break;
                if (f == F::kBlobs) oracle_hex_list(x, out.blobs, v.failures);
                if (f == F::kCommitments) oracle_hex_list(x, out.commitments, v.failures);
                if (f == F::kProofs) oracle_hex_list(x, out.proofs, v.failures);
                if (f == F::kCells) oracle_hex_list(x, out.cells, v.failures);
                if (f == F::kCellIndices) {
                    out.cell_indices.resize(x.items.size());
                    for (std::size_t i = 0; i < x.items.size(); i++)
                        if (!oracle_index(x.items[i], out.cell_indices[i])) v.failures.push_back(i);
                }
                ok = v.failures.empty();
                break;
        }
        if (!ok) return v;
    }
    v.stage = Verdict::Stage::kAccept;
    v.field.clear();
    return v;
}

// The field a decoder's message names first ("blobs[3]: ...", "z: ..."), or
// "" for a message about the body or its members.
inline std::string named_field(const kzgd::FunctionSpec& fn, const std::string& message) {
    const std::size_t end = message.find_first_of(":[");
    if (end == std::string::npos) return "";
    const std::string name = message.substr(0, end);
    for (auto f : fn.fields)
        if (kzgd::field_name(f) == name) return name;
    return "";
}

// ---- the SSZ request rules ------------------------------------------------------------

inline bool is_list_field(kzgd::Field f) {
    using F = kzgd::Field;
    return f == F::kBlobs || f == F::kCommitments || f == F::kProofs || f == F::kCells || f == F::kCellIndices;
}

inline std::size_t wire_size(kzgd::Field f) {
    using F = kzgd::Field;
    switch (f) {
        case F::kBlob:
        case F::kBlobs: return kzg::BYTES_PER_BLOB;
        case F::kZ:
        case F::kY: return 32;
        case F::kCommitment:
        case F::kProof:
        case F::kCommitments:
        case F::kProofs: return 48;
        case F::kCells: return kzg::BYTES_PER_CELL;
        case F::kCellIndices:
        case F::kVersion: return 8;
    }
    return 0;
}

// What kzgd must do with body as the SSZ container of fn's fields: fixed
// fields in order, each list as a 4-byte little-endian offset; the body at
// least as long as the fixed part (exactly, without lists); the first offset
// is the size of the fixed part, offsets do not decrease and stay in the body,
// each list's bytes are whole elements, within the limit. A rejection names
// the body (kMembers) or the first list (in field order) whose offset is
// wrong, else the first whose bytes are (kField).
inline Verdict oracle_ssz_request(const kzgd::FunctionSpec& fn, std::string_view body,
                                  const kzgd::DecodeLimits& limits) {
    Verdict v;
    std::size_t fixed = 0;
    bool any_list = false;
    for (auto f : fn.fields) {
        fixed += is_list_field(f) ? 4 : wire_size(f);
        any_list = any_list || is_list_field(f);
    }
    v.stage = Verdict::Stage::kMembers;
    if (any_list ? body.size() < fixed : body.size() != fixed) return v;
    v.stage = Verdict::Stage::kField;
    std::vector<std::size_t> offs;
    std::vector<kzgd::Field> lists;
    std::size_t at = 0;
    for (auto f : fn.fields) {
        if (!is_list_field(f)) {
            at += wire_size(f);
            continue;
        }
        std::size_t o = 0;
        for (int b = 3; b >= 0; b--) o = o << 8 | static_cast<unsigned char>(body[at + static_cast<std::size_t>(b)]);
        at += 4;
        v.field = std::string(kzgd::field_name(f));
        if (offs.empty() ? o != fixed : o < offs.back()) return v;
        if (o > body.size()) return v;
        offs.push_back(o);
        lists.push_back(f);
    }
    offs.push_back(body.size());
    for (std::size_t k = 0; k < lists.size(); k++) {
        const std::size_t bytes = offs[k + 1] - offs[k], size = wire_size(lists[k]);
        v.field = std::string(kzgd::field_name(lists[k]));
        if (bytes % size != 0 || bytes / size > kzgd::list_limit(fn, lists[k], limits)) return v;
    }
    v.stage = Verdict::Stage::kAccept;
    v.field.clear();
    return v;
}

// A rejection where the rules say where: the same stage, the same field and
// the same failing list elements. `syntax_limits`: the decoder may also
// reject valid JSON as "invalid JSON" (its depth and value-count bounds).
inline void check_same_rejection(const kzgd::FunctionSpec& fn, const kzgd::ApiError& e, const Verdict& v,
                                 bool syntax_limits) {
    const bool says_syntax = e.message.rfind("invalid JSON at byte ", 0) == 0;
    const std::string named = named_field(fn, e.message);
    std::vector<std::size_t> got;
    for (const auto& f : e.failures) got.push_back(f.index);
    const std::string where = std::string(fn.name) + ": \"" + e.message.substr(0, 200) + "\"";
    switch (v.stage) {
        case Verdict::Stage::kAccept: fuzz::fail("rejected what the rules accept: " + where);
        case Verdict::Stage::kSyntax:
            FUZZ_CHECK(says_syntax, "invalid JSON not reported as such: " + where);
            return;
        case Verdict::Stage::kMembers:
            FUZZ_CHECK((syntax_limits && says_syntax) || (!says_syntax && named.empty()),
                       "want an error about the body or its members: " + where);
            return;
        case Verdict::Stage::kField:
            if (syntax_limits && says_syntax) return;
            FUZZ_CHECK(named == v.field, "want an error naming " + v.field + ": " + where);
            FUZZ_CHECK(got == v.failures, "failing elements differ from the rules': " + where);
            return;
    }
}

// ---- canonical encoders of decoded arguments ------------------------------------------------

inline void put_hex(std::string& out, const std::uint8_t* p, std::size_t n, bool upper) {
    const char* d = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    out += upper ? "\"0X" : "\"0x";
    for (std::size_t i = 0; i < n; i++) {
        out += d[p[i] >> 4];
        out += d[p[i] & 15];
    }
    out += '"';
}

template <class T>
void put_hex_list(std::string& out, const std::vector<T>& v, bool upper) {
    out += '[';
    for (std::size_t i = 0; i < v.size(); i++) {
        if (i) out += ", ";
        put_hex(out, v[i].data(), T::size(), upper);
    }
    out += ']';
}

// The JSON request of args, fields in reverse order when `reverse` (member
// order is free), hex in upper case when `upper`, indices as decimal strings
// when `index_strings`.
inline std::string encode_json_request(const kzgd::FunctionSpec& fn, const kzgd::Args& a, bool reverse, bool upper,
                                       bool index_strings) {
    using F = kzgd::Field;
    std::string out = "{";
    for (std::size_t j = 0; j < fn.fields.size(); j++) {
        const F f = fn.fields[reverse ? fn.fields.size() - 1 - j : j];
        if (j) out += ",\n ";
        out += '"';
        out += kzgd::field_name(f);
        out += "\" : ";
        switch (f) {
            case F::kBlob: put_hex(out, a.blob->data(), kzg::BYTES_PER_BLOB, upper); break;
            case F::kZ: put_hex(out, a.z.data(), 32, upper); break;
            case F::kY: put_hex(out, a.y.data(), 32, upper); break;
            case F::kCommitment: put_hex(out, a.commitment.data(), 48, upper); break;
            case F::kProof: put_hex(out, a.proof.data(), 48, upper); break;
            case F::kBlobs: put_hex_list(out, a.blobs, upper); break;
            case F::kCommitments: put_hex_list(out, a.commitments, upper); break;
            case F::kProofs: put_hex_list(out, a.proofs, upper); break;
            case F::kCells: put_hex_list(out, a.cells, upper); break;
            case F::kCellIndices:
                out += '[';
                for (std::size_t i = 0; i < a.cell_indices.size(); i++) {
                    if (i) out += ',';
                    if (index_strings) out += '"';
                    out += std::to_string(a.cell_indices[i]);
                    if (index_strings) out += '"';
                }
                out += ']';
                break;
            case F::kVersion: out += std::to_string(a.version); break;  // not a spec function's field
        }
    }
    return out + "}";
}

inline std::string encode_ssz_request(const kzgd::FunctionSpec& fn, const kzgd::Args& a) {
    using F = kzgd::Field;
    std::string fixed, tail;
    std::size_t fixed_size = 0;
    for (auto f : fn.fields) fixed_size += is_list_field(f) ? 4 : wire_size(f);
    auto raw = [](std::string& out, const std::uint8_t* p, std::size_t n) {
        out.append(reinterpret_cast<const char*>(p), n);
    };
    for (auto f : fn.fields) {
        if (is_list_field(f)) {
            const std::size_t off = fixed_size + tail.size();
            for (int b = 0; b < 4; b++) fixed += static_cast<char>((off >> (8 * b)) & 0xff);
        }
        switch (f) {
            case F::kBlob: raw(fixed, a.blob->data(), kzg::BYTES_PER_BLOB); break;
            case F::kZ: raw(fixed, a.z.data(), 32); break;
            case F::kY: raw(fixed, a.y.data(), 32); break;
            case F::kCommitment: raw(fixed, a.commitment.data(), 48); break;
            case F::kProof: raw(fixed, a.proof.data(), 48); break;
            case F::kBlobs:
                for (const auto& x : a.blobs) raw(tail, x.data(), x.size());
                break;
            case F::kCommitments:
                for (const auto& x : a.commitments) raw(tail, x.data(), x.size());
                break;
            case F::kProofs:
                for (const auto& x : a.proofs) raw(tail, x.data(), x.size());
                break;
            case F::kCells:
                for (const auto& x : a.cells) raw(tail, x.data(), x.size());
                break;
            case F::kCellIndices:
                for (std::uint64_t v : a.cell_indices)
                    for (int b = 0; b < 8; b++) tail += static_cast<char>((v >> (8 * b)) & 0xff);
                break;
            case F::kVersion:  // not a spec function's field
                for (int b = 0; b < 8; b++) fixed += static_cast<char>((a.version >> (8 * b)) & 0xff);
                break;
        }
    }
    return fixed + tail;
}

// ---- the error shape ---------------------------------------------------------------------

// A decoder's rejection: 400, a message, failures (if any) in increasing index
// order, each "<list field>[<index>]: ...", the first one's message leading
// the error message.
inline void check_decode_error(const kzgd::FunctionSpec& fn, const kzgd::ApiError& e) {
    FUZZ_CHECK(e.status == 400, "decoder status " + std::to_string(e.status) + ": " + e.message);
    FUZZ_CHECK(!e.message.empty(), "empty error message");
    for (std::size_t i = 0; i < e.failures.size(); i++) {
        const auto& f = e.failures[i];
        if (i) FUZZ_CHECK(f.index > e.failures[i - 1].index, "failure indices not increasing");
        const auto open = f.message.find('[');
        FUZZ_CHECK(open != std::string::npos, "failure message without an index: " + f.message);
        const std::string name = f.message.substr(0, open);
        bool known = false;
        for (auto g : fn.fields) known = known || (is_list_field(g) && kzgd::field_name(g) == name);
        FUZZ_CHECK(known, "failure names no list field of " + std::string(fn.name) + ": " + f.message);
        const std::string at = "[" + std::to_string(f.index) + "]: ";
        FUZZ_CHECK(f.message.compare(open, at.size(), at) == 0, "failure message does not name its index: " + f.message);
    }
    if (!e.failures.empty())
        FUZZ_CHECK(e.message.rfind(e.failures.front().message, 0) == 0, "message does not lead with the first failure");
}

}  // namespace fuzz::svc
