// The function table and the calls into kzg::Context.
#include "service/api.hpp"

#include "service/sidecars.hpp"

namespace kzgd {

std::string_view field_name(Field f) {
    switch (f) {
        case Field::kBlob: return "blob";
        case Field::kZ: return "z";
        case Field::kY: return "y";
        case Field::kCommitment: return "commitment";
        case Field::kProof: return "proof";
        case Field::kBlobs: return "blobs";
        case Field::kCommitments: return "commitments";
        case Field::kProofs: return "proofs";
        case Field::kCellIndices: return "cell_indices";
        case Field::kCells: return "cells";
        case Field::kVersion: return "version";
    }
    return "?";
}

WireType field_type(Field f) {
    switch (f) {
        case Field::kBlob: return WireType::kBlob;
        case Field::kZ:
        case Field::kY: return WireType::kBytes32;
        case Field::kCommitment:
        case Field::kProof: return WireType::kBytes48;
        case Field::kBlobs: return WireType::kBlobList;
        case Field::kCommitments:
        case Field::kProofs: return WireType::kBytes48List;
        case Field::kCellIndices: return WireType::kIndexList;
        case Field::kCells: return WireType::kCellList;
        case Field::kVersion: return WireType::kUint64;
    }
    return WireType::kBytes32;
}

bool is_list(WireType t) {
    return t == WireType::kBlobList || t == WireType::kBytes48List || t == WireType::kCellList ||
           t == WireType::kIndexList;
}

std::size_t element_size(WireType t) {
    switch (t) {
        case WireType::kBlob:
        case WireType::kBlobList: return kzg::BYTES_PER_BLOB;
        case WireType::kBytes32: return 32;
        case WireType::kBytes48:
        case WireType::kBytes48List: return 48;
        case WireType::kCellList: return kzg::BYTES_PER_CELL;
        case WireType::kIndexList:
        case WireType::kUint64: return 8;
    }
    return 0;
}

const std::vector<FunctionSpec>& functions() {
    using F = Field;
    static const std::vector<FunctionSpec> table = {
        {FunctionId::kBlobToKzgCommitment, "blob_to_kzg_commitment", {F::kBlob}, Output::kCommitment},
        {FunctionId::kComputeKzgProof, "compute_kzg_proof", {F::kBlob, F::kZ}, Output::kProofAndY},
        {FunctionId::kComputeBlobKzgProof, "compute_blob_kzg_proof", {F::kBlob, F::kCommitment}, Output::kProof},
        {FunctionId::kVerifyKzgProof, "verify_kzg_proof", {F::kCommitment, F::kZ, F::kY, F::kProof}, Output::kValid},
        {FunctionId::kVerifyBlobKzgProof, "verify_blob_kzg_proof", {F::kBlob, F::kCommitment, F::kProof},
         Output::kValid},
        {FunctionId::kVerifyBlobKzgProofBatch, "verify_blob_kzg_proof_batch", {F::kBlobs, F::kCommitments, F::kProofs},
         Output::kValid},
        {FunctionId::kComputeCells, "compute_cells", {F::kBlob}, Output::kCells},
        {FunctionId::kComputeCellsAndKzgProofs, "compute_cells_and_kzg_proofs", {F::kBlob}, Output::kCellsAndProofs},
        {FunctionId::kRecoverCellsAndKzgProofs, "recover_cells_and_kzg_proofs", {F::kCellIndices, F::kCells},
         Output::kCellsAndProofs},
        {FunctionId::kVerifyCellKzgProofBatch,
         "verify_cell_kzg_proof_batch",
         {F::kCommitments, F::kCellIndices, F::kCells, F::kProofs},
         Output::kValid},
        {FunctionId::kComputeBlobSidecar, "compute_blob_sidecar", {F::kBlobs, F::kVersion}, Output::kBlobSidecar},
        {FunctionId::kVerifyBlobSidecars, "verify_blob_sidecars", {}, Output::kSidecarChecks,
         Body::kBeaconBlobSidecars},
        {FunctionId::kVerifyDataColumnSidecars, "verify_data_column_sidecars", {}, Output::kSidecarChecks,
         Body::kBeaconDataColumnSidecars},
    };
    return table;
}

const FunctionSpec* find_function(std::string_view name) {
    for (const auto& f : functions())
        if (f.name == name) return &f;
    return nullptr;
}

std::size_t list_limit(const FunctionSpec& fn, Field, const DecodeLimits& limits) {
    switch (fn.id) {
        case FunctionId::kVerifyBlobKzgProofBatch:
        case FunctionId::kComputeBlobSidecar:
        case FunctionId::kVerifyBlobSidecars: return limits.max_batch_blobs;
        // The spec allows at most CELLS_PER_EXT_BLOB cells; more is an input error
        // the library reports, so the decoder only needs a memory bound here.
        case FunctionId::kRecoverCellsAndKzgProofs:
        case FunctionId::kVerifyCellKzgProofBatch:
        case FunctionId::kVerifyDataColumnSidecars: return limits.max_cells;
        default: return 0;
    }
}

std::optional<std::size_t> failure_index(const FunctionSpec& fn, const kzg::Error& error) {
    if (!error.index) return std::nullopt;
    for (Field f : fn.fields)
        if (is_list(field_type(f)) && field_name(f) == error.argument) return error.index;
    return std::nullopt;
}

namespace {

template <class T>
std::optional<ApiError> error_of(const FunctionSpec& fn, const kzg::Result<T>& r) {
    if (r.ok()) return std::nullopt;
    ApiError e;
    if (r.code() == kzg::ErrorCode::kInvalidInput) {
        e.status = 400;
        e.message = r.message();
        if (auto i = failure_index(fn, r.error())) e.failures.push_back({*i, r.message()});
    } else {
        e.status = 500;
        e.message = std::string(fn.name) + ": " + r.message();
    }
    return e;
}

}  // namespace

ApiError invalid_elements(std::vector<Failure> failures) {
    ApiError e{400, failures.empty() ? std::string() : failures.front().message, std::move(failures)};
    if (e.failures.size() > 1) e.message += " (and " + std::to_string(e.failures.size() - 1) + " more)";
    return e;
}

std::optional<ApiError> invoke(const kzg::Context& ctx, const FunctionSpec& fn, const Args& a, Outcome& out,
                               kzg::ThreadPool* pool) {
    out.kind = fn.output;
    switch (fn.id) {
        case FunctionId::kBlobToKzgCommitment: {
            auto r = ctx.blob_to_kzg_commitment(*a.blob);
            if (r) out.point = kzg::Bytes48{r->bytes};
            return error_of(fn, r);
        }
        case FunctionId::kComputeKzgProof: {
            auto r = ctx.compute_kzg_proof(*a.blob, a.z);
            if (r) out.point = kzg::Bytes48{r->proof.bytes}, out.y = r->y;
            return error_of(fn, r);
        }
        case FunctionId::kComputeBlobKzgProof: {
            auto r = ctx.compute_blob_kzg_proof(*a.blob, a.commitment);
            if (r) out.point = kzg::Bytes48{r->bytes};
            return error_of(fn, r);
        }
        case FunctionId::kVerifyKzgProof: {
            auto r = ctx.verify_kzg_proof(a.commitment, a.z, a.y, a.proof);
            if (r.ok()) out.valid = *r;
            return error_of(fn, r);
        }
        case FunctionId::kVerifyBlobKzgProof: {
            auto r = ctx.verify_blob_kzg_proof(*a.blob, a.commitment, a.proof);
            if (r.ok()) out.valid = *r;
            return error_of(fn, r);
        }
        case FunctionId::kVerifyBlobKzgProofBatch: {
            auto r = ctx.verify_blob_kzg_proof_batch(a.blobs, a.commitments, a.proofs);
            if (r.ok()) out.valid = *r;
            return error_of(fn, r);
        }
        case FunctionId::kComputeCells: {
            auto r = ctx.compute_cells(*a.blob);
            if (r) out.cells = std::move(r).value();
            return error_of(fn, r);
        }
        case FunctionId::kComputeCellsAndKzgProofs: {
            auto r = ctx.compute_cells_and_kzg_proofs(*a.blob);
            if (!r) return error_of(fn, r);
            auto v = std::move(r).value();
            out.cells = std::move(v.cells);
            out.proofs = std::move(v.proofs);
            return std::nullopt;
        }
        case FunctionId::kRecoverCellsAndKzgProofs: {
            auto r = ctx.recover_cells_and_kzg_proofs(a.cell_indices, a.cells);
            if (!r) return error_of(fn, r);
            auto v = std::move(r).value();
            out.cells = std::move(v.cells);
            out.proofs = std::move(v.proofs);
            return std::nullopt;
        }
        case FunctionId::kVerifyCellKzgProofBatch: {
            auto r = ctx.verify_cell_kzg_proof_batch(a.commitments, a.cell_indices, a.cells, a.proofs);
            if (r.ok()) out.valid = *r;
            return error_of(fn, r);
        }
        case FunctionId::kComputeBlobSidecar: return compute_blob_sidecar(ctx, a, out, pool);
        case FunctionId::kVerifyBlobSidecars: verify_blob_sidecars(ctx, a, out); return std::nullopt;
        case FunctionId::kVerifyDataColumnSidecars: verify_data_column_sidecars(ctx, a, out); return std::nullopt;
    }
    return ApiError{500, "unknown function", {}};
}

}  // namespace kzgd
