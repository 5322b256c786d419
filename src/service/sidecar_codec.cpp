// Beacon API sidecar bodies (see sidecar_codec.hpp).
#include "service/sidecar_codec.hpp"

#include <string>

#include "service/json_reader.hpp"

namespace kzgd {
namespace {

ApiError bad(std::string message) { return ApiError{400, std::move(message), {}}; }

// The member `key` of a sidecar object, or why it is missing.
const JValue* member(const JValue& sidecar, std::string_view key, std::string& error) {
    const JValue* v = find_member(sidecar, key);
    if (v == nullptr && error.empty()) error = "missing field \"" + std::string(key) + "\"";
    return v;
}

// An array of 0x-hex values of one size; false (and error) at the first bad one.
template <class T>
bool hex_list(const JValue* v, std::string_view name, std::vector<T>& out, std::string& error) {
    if (v == nullptr || !error.empty()) return false;
    if (v->kind != JValue::Kind::kArray) {
        error = std::string(name) + ": expected an array of 0x-hex strings, got " + kind_name(v->kind);
        return false;
    }
    out.resize(v->items.size());
    for (std::size_t k = 0; k < v->items.size(); k++) {
        const std::string what = std::string(name) + "[" + std::to_string(k) + "]";
        if (auto e = hex_value(v->items[k], what, out[k].data(), T::size())) {
            error = *e;
            return false;
        }
    }
    return true;
}

void decode_blob_sidecar(const JValue& item, Args& out) {
    Args::BlobSidecar s;
    std::uint64_t index = 0;
    const JValue* i = member(item, "index", s.error);
    const JValue* blob = member(item, "blob", s.error);
    const JValue* commitment = member(item, "kzg_commitment", s.error);
    const JValue* proof = member(item, "kzg_proof", s.error);
    if (s.error.empty()) {
        if (auto e = index_value(*i, "index", index)) s.error = *e;
    }
    if (s.error.empty()) {
        if (auto e = hex_value(*commitment, "kzg_commitment", s.commitment.data(), 48)) s.error = *e;
    }
    if (s.error.empty()) {
        if (auto e = hex_value(*proof, "kzg_proof", s.proof.data(), 48)) s.error = *e;
    }
    if (s.error.empty()) {
        out.blobs.emplace_back();
        if (auto e = hex_value(*blob, "blob", out.blobs.back().data(), kzg::BYTES_PER_BLOB)) {
            s.error = *e;
            out.blobs.pop_back();
        }
    }
    if (s.error.empty()) s.blob = out.blobs.size() - 1;
    out.blob_sidecars.push_back(std::move(s));
}

void decode_column_sidecar(const JValue& item, Args& out) {
    Args::ColumnSidecar s;
    const JValue* i = member(item, "index", s.error);
    const JValue* column = member(item, "column", s.error);
    const JValue* commitments = member(item, "kzg_commitments", s.error);
    const JValue* proofs = member(item, "kzg_proofs", s.error);
    if (s.error.empty()) {
        if (auto e = index_value(*i, "index", s.index)) s.error = *e;
    }
    // The first field that does not decode sets s.error; the rest are skipped.
    const bool decoded = hex_list(commitments, "kzg_commitments", s.commitments, s.error) &&
                         hex_list(proofs, "kzg_proofs", s.proofs, s.error) &&
                         hex_list(column, "column", s.column, s.error);
    if (!decoded) {
        s.column.clear();
        s.commitments.clear();
        s.proofs.clear();
    }
    out.column_sidecars.push_back(std::move(s));
}

}  // namespace

std::optional<ApiError> decode_beacon_sidecars(const FunctionSpec& fn, std::string_view body,
                                               const DecodeLimits& limits, Args& out) {
    const bool columns = fn.body == Body::kBeaconDataColumnSidecars;
    // A Beacon API sidecar has about 40 JSON values besides its lists (the
    // block header, the inclusion proof); a column has 3 per cell.
    const std::size_t max_sidecars = columns ? kzg::CELLS_PER_EXT_BLOB : limits.max_batch_blobs;
    const std::size_t max_values = 64 * (max_sidecars + 1) + 3 * limits.max_cells + 64;
    JValue root;
    if (auto err = parse_json(body, max_values, root)) return bad(*err);
    const JValue* data = root.kind == JValue::Kind::kObject ? find_member(root, "data") : nullptr;
    if (data == nullptr || data->kind != JValue::Kind::kArray) {
        return bad(std::string("request body: expected a Beacon API response, {\"data\": [") +
                   (columns ? "DataColumnSidecar" : "BlobSidecar") + ", ...]}" +
                   (root.kind != JValue::Kind::kObject ? std::string(", got ") + kind_name(root.kind)
                    : data == nullptr                  ? std::string(" (no \"data\" field)")
                                                       : std::string(": \"data\" is ") + kind_name(data->kind)));
    }
    if (data->items.size() > max_sidecars) {
        return bad("data: " + std::to_string(data->items.size()) + " sidecars are more than the limit of " +
                   std::to_string(max_sidecars) + (columns ? " (NUMBER_OF_COLUMNS)" : " (max-batch-blobs)"));
    }
    if (columns) {
        std::size_t cells = 0;
        for (const auto& item : data->items) {
            const JValue* c = item.kind == JValue::Kind::kObject ? find_member(item, "column") : nullptr;
            if (c != nullptr && c->kind == JValue::Kind::kArray) cells += c->items.size();
        }
        if (cells > limits.max_cells) {
            return bad("data: " + std::to_string(cells) + " cells in all are more than the limit of " +
                       std::to_string(limits.max_cells) + " (max-cells)");
        }
    }
    for (const auto& item : data->items) {
        if (item.kind != JValue::Kind::kObject) {
            const std::string error = std::string("expected a sidecar object, got ") + kind_name(item.kind);
            if (columns) out.column_sidecars.push_back({error, 0, {}, {}, {}});
            else out.blob_sidecars.push_back({error, 0, {}, {}});
            continue;
        }
        if (columns) decode_column_sidecar(item, out);
        else decode_blob_sidecar(item, out);
    }
    return std::nullopt;
}

}  // namespace kzgd
