// SSZ request decoding and response encoding (see ssz_codec.hpp).
#include "service/ssz_codec.hpp"

#include <cstring>

namespace kzgd {
namespace {

constexpr std::size_t kOffsetBytes = 4;

std::uint32_t read_u32le(const std::uint8_t* p) {
    return std::uint32_t{p[0]} | std::uint32_t{p[1]} << 8 | std::uint32_t{p[2]} << 16 | std::uint32_t{p[3]} << 24;
}

std::uint64_t read_u64le(const std::uint8_t* p) {
    std::uint64_t v = 0;
    for (int i = 7; i >= 0; i--) v = v << 8 | p[i];
    return v;
}

template <class T>
void copy_list(const std::uint8_t* p, std::size_t count, std::vector<T>& out) {
    out.resize(count);
    for (std::size_t i = 0; i < count; i++) std::memcpy(out[i].data(), p + i * T::size(), T::size());
}

void copy_fixed(Field f, const std::uint8_t* p, Args& a) {
    switch (f) {
        case Field::kBlob:
            a.blob = std::make_unique<kzg::Blob>();
            std::memcpy(a.blob->data(), p, kzg::BYTES_PER_BLOB);
            break;
        case Field::kZ: std::memcpy(a.z.data(), p, 32); break;
        case Field::kY: std::memcpy(a.y.data(), p, 32); break;
        case Field::kCommitment: std::memcpy(a.commitment.data(), p, 48); break;
        case Field::kProof: std::memcpy(a.proof.data(), p, 48); break;
        case Field::kVersion: a.version = read_u64le(p); break;
        default: break;
    }
}

void copy_variable(Field f, const std::uint8_t* p, std::size_t count, Args& a) {
    switch (f) {
        case Field::kBlobs: copy_list(p, count, a.blobs); break;
        case Field::kCommitments: copy_list(p, count, a.commitments); break;
        case Field::kProofs: copy_list(p, count, a.proofs); break;
        case Field::kCells: copy_list(p, count, a.cells); break;
        case Field::kCellIndices:
            a.cell_indices.resize(count);
            for (std::size_t i = 0; i < count; i++) a.cell_indices[i] = read_u64le(p + 8 * i);
            break;
        default: break;
    }
}

ApiError bad(std::string message) { return ApiError{400, std::move(message), {}}; }

}  // namespace

std::size_t ssz_fixed_size(const FunctionSpec& fn) {
    std::size_t n = 0;
    for (Field f : fn.fields) n += is_list(field_type(f)) ? kOffsetBytes : element_size(field_type(f));
    return n;
}

std::optional<ApiError> decode_ssz_request(const FunctionSpec& fn, std::string_view body, const DecodeLimits& limits,
                                           Args& out) {
    const auto* data = reinterpret_cast<const std::uint8_t*>(body.data());
    const std::size_t fixed = ssz_fixed_size(fn);
    bool variable = false;
    for (Field f : fn.fields) variable = variable || is_list(field_type(f));
    if (!variable && body.size() != fixed) {
        return bad("request body: expected " + std::to_string(fixed) + " bytes (SSZ " + std::string(fn.name) +
                   "), got " + std::to_string(body.size()));
    }
    if (body.size() < fixed) {
        return bad("request body: " + std::to_string(body.size()) + " bytes is shorter than the " +
                   std::to_string(fixed) + "-byte fixed part of the SSZ container");
    }
    // Offsets of the variable fields, in order, with the body's end appended.
    std::vector<std::size_t> offsets;
    std::size_t at = 0;
    for (Field f : fn.fields) {
        if (is_list(field_type(f))) {
            const std::size_t off = read_u32le(data + at);
            const std::string name(field_name(f));
            if (offsets.empty() && off != fixed) {
                return bad(name + ": offset " + std::to_string(off) + " must be " + std::to_string(fixed) +
                           " (the size of the fixed part)");
            }
            if (!offsets.empty() && off < offsets.back())
                return bad(name + ": offset " + std::to_string(off) + " is before the previous offset");
            if (off > body.size()) {
                return bad(name + ": offset " + std::to_string(off) + " is past the end of the " +
                           std::to_string(body.size()) + "-byte body");
            }
            offsets.push_back(off);
            at += kOffsetBytes;
        } else {
            at += element_size(field_type(f));
        }
    }
    offsets.push_back(body.size());
    // Check every list before copying anything.
    std::size_t k = 0;
    for (Field f : fn.fields) {
        if (!is_list(field_type(f))) continue;
        const std::size_t bytes = offsets[k + 1] - offsets[k];
        const std::size_t size = element_size(field_type(f));
        const std::string name(field_name(f));
        if (bytes % size != 0) {
            return bad(name + ": " + std::to_string(bytes) + " bytes is not a multiple of the " + std::to_string(size) +
                       "-byte element");
        }
        const std::size_t limit = list_limit(fn, f, limits);
        if (bytes / size > limit) {
            return bad(name + ": " + std::to_string(bytes / size) + " elements are more than the limit of " +
                       std::to_string(limit));
        }
        k++;
    }
    at = 0;
    k = 0;
    for (Field f : fn.fields) {
        if (is_list(field_type(f))) {
            copy_variable(f, data + offsets[k], (offsets[k + 1] - offsets[k]) / element_size(field_type(f)), out);
            k++;
            at += kOffsetBytes;
        } else {
            copy_fixed(f, data + at, out);
            at += element_size(field_type(f));
        }
    }
    return std::nullopt;
}

namespace {
void append_bytes(std::string& out, const std::uint8_t* p, std::size_t n) {
    out.append(reinterpret_cast<const char*>(p), n);
}
void append_u32le(std::string& out, std::uint32_t v) {
    for (int i = 0; i < 4; i++) out.push_back(static_cast<char>(v >> (8 * i) & 0xff));
}
}  // namespace

std::string encode_ssz_outcome(const Outcome& r) {
    std::string out;
    switch (r.kind) {
        case Output::kCommitment:
        case Output::kProof: append_bytes(out, r.point.data(), 48); break;
        case Output::kProofAndY:
            append_bytes(out, r.point.data(), 48);
            append_bytes(out, r.y.data(), 32);
            break;
        case Output::kValid: out.push_back(r.valid ? '\x01' : '\x00'); break;
        case Output::kCells:
        case Output::kCellsAndProofs:
            out.reserve(r.cells.size() * kzg::BYTES_PER_CELL + r.proofs.size() * 48);
            for (const auto& c : r.cells) append_bytes(out, c.data(), kzg::BYTES_PER_CELL);
            if (r.kind == Output::kCellsAndProofs)
                for (const auto& p : r.proofs) append_bytes(out, p.data(), 48);
            break;
        case Output::kBlobSidecar: {
            // Container {commitments: List[Bytes48], versioned_hashes: List[Bytes32],
            // proofs: List[Bytes48]}: three offsets, then the lists.
            const std::size_t c = r.commitments.size() * 48, h = r.versioned_hashes.size() * 32;
            out.reserve(12 + c + h + r.proofs.size() * 48);
            append_u32le(out, 12);
            append_u32le(out, static_cast<std::uint32_t>(12 + c));
            append_u32le(out, static_cast<std::uint32_t>(12 + c + h));
            for (const auto& x : r.commitments) append_bytes(out, x.data(), 48);
            for (const auto& x : r.versioned_hashes) append_bytes(out, x.data(), 32);
            for (const auto& x : r.proofs) append_bytes(out, x.data(), 48);
            break;
        }
        case Output::kSidecarChecks: out.push_back(r.valid ? '\x01' : '\x00'); break;  // JSON-only routes
    }
    return out;
}

}  // namespace kzgd
