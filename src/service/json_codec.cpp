// JSON request decoding and response encoding (see json_codec.hpp).
#include "service/json_codec.hpp"

#include <algorithm>
#include <array>
#include <cstring>

#include "service/json_reader.hpp"
#include "service/sidecar_codec.hpp"

namespace kzgd {
namespace {

std::string list_of_fields(const FunctionSpec& fn) {
    std::string s;
    for (Field f : fn.fields) {
        if (!s.empty()) s += ", ";
        s += field_name(f);
    }
    return s;
}

template <class T>
void decode_fixed_list(const JValue& arr, std::string_view name, std::vector<T>& out, std::vector<Failure>& failures) {
    out.resize(arr.items.size());
    for (std::size_t i = 0; i < arr.items.size(); i++) {
        const std::string what = std::string(name) + "[" + std::to_string(i) + "]";
        if (auto e = hex_value(arr.items[i], what, out[i].data(), T::size())) failures.push_back({i, *e});
    }
}

std::optional<ApiError> decode_field(const FunctionSpec& fn, Field f, const JValue& v, const DecodeLimits& limits,
                                     Args& a) {
    const std::string_view name = field_name(f);
    const WireType type = field_type(f);
    auto single = [&](std::optional<std::string> err) -> std::optional<ApiError> {
        if (err) return ApiError{400, *err, {}};
        return std::nullopt;
    };
    switch (f) {
        case Field::kBlob:
            a.blob = std::make_unique<kzg::Blob>();
            return single(hex_value(v, name, a.blob->data(), kzg::BYTES_PER_BLOB));
        case Field::kZ: return single(hex_value(v, name, a.z.data(), 32));
        case Field::kY: return single(hex_value(v, name, a.y.data(), 32));
        case Field::kCommitment: return single(hex_value(v, name, a.commitment.data(), 48));
        case Field::kProof: return single(hex_value(v, name, a.proof.data(), 48));
        case Field::kVersion: return single(index_value(v, name, a.version));
        default: break;
    }
    if (v.kind != JValue::Kind::kArray) {
        const char* what = type == WireType::kIndexList ? "an array of unsigned integers" : "an array of 0x-hex strings";
        return ApiError{400, std::string(name) + ": expected " + what + ", got " + kind_name(v.kind), {}};
    }
    const std::size_t limit = list_limit(fn, f, limits);
    if (v.items.size() > limit) {
        return ApiError{400,
                        std::string(name) + ": " + std::to_string(v.items.size()) +
                            " elements are more than the limit of " + std::to_string(limit),
                        {}};
    }
    std::vector<Failure> failures;
    switch (f) {
        case Field::kBlobs: decode_fixed_list(v, name, a.blobs, failures); break;
        case Field::kCommitments: decode_fixed_list(v, name, a.commitments, failures); break;
        case Field::kProofs: decode_fixed_list(v, name, a.proofs, failures); break;
        case Field::kCells: decode_fixed_list(v, name, a.cells, failures); break;
        case Field::kCellIndices:
            a.cell_indices.resize(v.items.size());
            for (std::size_t i = 0; i < v.items.size(); i++) {
                const std::string what = std::string(name) + "[" + std::to_string(i) + "]";
                if (auto e = index_value(v.items[i], what, a.cell_indices[i])) failures.push_back({i, *e});
            }
            break;
        default: break;
    }
    if (failures.empty()) return std::nullopt;
    return invalid_elements(std::move(failures));
}

// ---- output --------------------------------------------------------------------

struct HexTable {
    std::array<char, 512> pairs{};
    constexpr HexTable() {
        const char* d = "0123456789abcdef";
        for (int i = 0; i < 256; i++) {
            pairs[static_cast<std::size_t>(2 * i)] = d[i >> 4];
            pairs[static_cast<std::size_t>(2 * i + 1)] = d[i & 15];
        }
    }
};
constexpr HexTable kHexOut;

template <class T>
void append_hex_list(std::string& out, const std::vector<T>& list) {
    out += '[';
    for (std::size_t i = 0; i < list.size(); i++) {
        if (i) out += ',';
        out += '"';
        append_hex(out, list[i].data(), T::size());
        out += '"';
    }
    out += ']';
}

// [{"index":i,"message":"..."}, ...]
void append_failures(std::string& out, const std::vector<Failure>& failures) {
    out += '[';
    for (std::size_t i = 0; i < failures.size(); i++) {
        if (i) out += ',';
        out += "{\"index\":" + std::to_string(failures[i].index) + ",\"message\":";
        append_json_string(out, failures[i].message);
        out += '}';
    }
    out += ']';
}

void append_hex_field(std::string& out, std::string_view key, const std::uint8_t* data, std::size_t n) {
    out += '"';
    out += key;
    out += "\":\"";
    append_hex(out, data, n);
    out += '"';
}

}  // namespace

void append_hex(std::string& out, const std::uint8_t* data, std::size_t n) {
    const std::size_t at = out.size();
    out.resize(at + 2 + 2 * n);
    char* p = out.data() + at;
    *p++ = '0';
    *p++ = 'x';
    for (std::size_t i = 0; i < n; i++, p += 2) std::memcpy(p, &kHexOut.pairs[2 * std::size_t{data[i]}], 2);
}

std::optional<ApiError> decode_json_request(const FunctionSpec& fn, std::string_view body, const DecodeLimits& limits,
                                            Args& out) {
    if (fn.body != Body::kFields) return decode_beacon_sidecars(fn, body, limits, out);
    JValue root;
    // Enough for every list at its limit (a request has at most 4 fields), and some slack.
    const std::size_t max_values = 4 * (std::max(limits.max_batch_blobs, limits.max_cells) + 1) + 64;
    if (auto err = parse_json(body, max_values, root)) return ApiError{400, *err, {}};
    if (root.kind != JValue::Kind::kObject) {
        return ApiError{400,
                        std::string("request body: expected a JSON object with the fields ") + list_of_fields(fn) +
                            ", got " + kind_name(root.kind),
                        {}};
    }
    std::array<const JValue*, 8> values{};
    for (const auto& m : root.members) {
        std::size_t k = 0;
        while (k < fn.fields.size() && field_name(fn.fields[k]) != m.key) k++;
        if (k == fn.fields.size()) {
            std::string msg = "unknown field ";
            append_json_string(msg, m.key);
            return ApiError{400, msg + " (expected " + list_of_fields(fn) + ")", {}};
        }
        if (values[k] != nullptr) return ApiError{400, "duplicate field \"" + m.key + "\"", {}};
        values[k] = &m.value;
    }
    for (std::size_t k = 0; k < fn.fields.size(); k++) {
        if (values[k] == nullptr && fn.fields[k] != Field::kVersion) {  // version: optional, 1 by default
            return ApiError{400,
                            "missing field \"" + std::string(field_name(fn.fields[k])) + "\" (expected " +
                                list_of_fields(fn) + ")",
                            {}};
        }
    }
    for (std::size_t k = 0; k < fn.fields.size(); k++)
        if (values[k] != nullptr)
            if (auto e = decode_field(fn, fn.fields[k], *values[k], limits, out)) return e;
    return std::nullopt;
}

std::string encode_json_outcome(const Outcome& r) {
    std::string out;
    switch (r.kind) {
        case Output::kCommitment:
            out.reserve(120);
            out += '{';
            append_hex_field(out, "commitment", r.point.data(), 48);
            out += '}';
            break;
        case Output::kProofAndY:
            out.reserve(200);
            out += '{';
            append_hex_field(out, "proof", r.point.data(), 48);
            out += ',';
            append_hex_field(out, "y", r.y.data(), 32);
            out += '}';
            break;
        case Output::kProof:
            out.reserve(120);
            out += '{';
            append_hex_field(out, "proof", r.point.data(), 48);
            out += '}';
            break;
        case Output::kValid: out = r.valid ? "{\"valid\":true}" : "{\"valid\":false}"; break;
        case Output::kCells:
        case Output::kCellsAndProofs:
            out.reserve(r.cells.size() * (2 * kzg::BYTES_PER_CELL + 5) + r.proofs.size() * 101 + 32);
            out += "{\"cells\":";
            append_hex_list(out, r.cells);
            if (r.kind == Output::kCellsAndProofs) {
                out += ",\"proofs\":";
                append_hex_list(out, r.proofs);
            }
            out += '}';
            break;
        case Output::kBlobSidecar:
            out.reserve(r.commitments.size() * 200 + r.proofs.size() * 101 + 80);
            out += "{\"commitments\":";
            append_hex_list(out, r.commitments);
            out += ",\"versioned_hashes\":";
            append_hex_list(out, r.versioned_hashes);
            out += r.version == 0 ? ",\"proofs\":" : ",\"cell_proofs\":";
            append_hex_list(out, r.proofs);
            out += '}';
            break;
        case Output::kSidecarChecks:
            out = r.valid ? "{\"valid\":true,\"failures\":" : "{\"valid\":false,\"failures\":";
            append_failures(out, r.failures);
            out += '}';
            break;
    }
    return out;
}

std::string encode_json_error(const ApiError& e) {
    std::string out = "{\"code\":" + std::to_string(e.status) + ",\"message\":";
    append_json_string(out, e.message);
    if (!e.failures.empty()) {
        out += ",\"failures\":";
        append_failures(out, e.failures);
    }
    out += '}';
    return out;
}

}  // namespace kzgd
