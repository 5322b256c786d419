// Sidecar calls (see sidecars.hpp).
#include "service/sidecars.hpp"

#include <algorithm>
#include <cstring>
#include <string>
#include <string_view>
#include <utility>

#include "kzg/thread_pool.hpp"

namespace kzgd {
namespace {

// The library names its arguments by the spec's parameter names (Error::argument);
// the Beacon API's fields are called differently. "commitment: ..." ->
// "kzg_commitment: ...", "cells[3]: ..." -> "column[3]: ...".
std::string rename_argument(const kzg::Error& error,
                            std::initializer_list<std::pair<std::string_view, std::string_view>> names) {
    for (const auto& [from, to] : names)
        if (error.argument == from) return std::string(to) + error.message.substr(from.size());
    return error.message;
}

}  // namespace

std::optional<ApiError> compute_blob_sidecar(const kzg::Context& ctx, const Args& a, Outcome& out,
                                             kzg::ThreadPool* pool) {
    if (a.version > 1) {
        return ApiError{400,
                        "version: must be 0 (EIP-4844: one blob proof per blob) or 1 (EIP-7594: 128 cell proofs per "
                        "blob), got " + std::to_string(a.version),
                        {}};
    }
    const std::size_t n = a.blobs.size();
    const std::size_t per_blob = a.version == 1 ? kzg::CELLS_PER_EXT_BLOB : 1;
    out.version = a.version;
    out.commitments.assign(n, {});
    out.versioned_hashes.assign(n, {});
    out.proofs.assign(n * per_blob, {});
    std::vector<kzg::Error> errors(n, kzg::Error{kzg::ErrorCode::kOk, {}});

    auto one_blob = [&](std::size_t i) {
        const kzg::Blob& blob = a.blobs[i];
        auto commitment = ctx.blob_to_kzg_commitment(blob);
        if (!commitment) return void(errors[i] = commitment.error());
        out.commitments[i] = *commitment;
        out.versioned_hashes[i] = kzg::kzg_commitment_to_versioned_hash(*commitment);
        if (a.version == 1) {
            auto r = ctx.compute_cells_and_kzg_proofs(blob);
            if (!r) return void(errors[i] = r.error());
            std::memcpy(out.proofs[i * per_blob].data(), r->proofs.data(), per_blob * sizeof(kzg::KZGProof));
        } else {
            auto r = ctx.compute_blob_kzg_proof(blob, *commitment);
            if (!r) return void(errors[i] = r.error());
            out.proofs[i] = *r;
        }
    };
    if (pool != nullptr && n > 1) {
        pool->parallel_for(n, n, [&](std::size_t begin, std::size_t end) {
            for (std::size_t i = begin; i < end; i++) one_blob(i);
        });
    } else {
        for (std::size_t i = 0; i < n; i++) one_blob(i);
    }

    std::vector<Failure> failures;
    for (std::size_t i = 0; i < n; i++) {
        if (errors[i].code == kzg::ErrorCode::kOk) continue;
        std::string message = "blobs[" + std::to_string(i) + "]";
        const std::string& m = errors[i].message;
        message += errors[i].argument == "blob" ? m.substr(4) : ": " + m;  // "blob: ..." -> "blobs[i]: ..."
        if (errors[i].code != kzg::ErrorCode::kInvalidInput) {
            return ApiError{500, "compute_blob_sidecar: " + message, {}};
        }
        failures.push_back({i, std::move(message)});
    }
    if (failures.empty()) return std::nullopt;
    return invalid_elements(std::move(failures));
}

// The sidecars' failures in the order of `data`; valid when there are none.
static void conclude(Outcome& out) {
    std::sort(out.failures.begin(), out.failures.end(),
              [](const Failure& x, const Failure& y) { return x.index < y.index; });
    out.valid = out.failures.empty();
}

void verify_blob_sidecars(const kzg::Context& ctx, const Args& a, Outcome& out) {
    out.failures.clear();
    std::vector<kzg::KZGCommitment> commitments;
    std::vector<kzg::KZGProof> proofs;
    std::vector<std::size_t> decoded;  // positions in data of the sidecars that decoded
    for (std::size_t i = 0; i < a.blob_sidecars.size(); i++) {
        const auto& s = a.blob_sidecars[i];
        if (!s.error.empty()) {
            out.failures.push_back({i, s.error});
            continue;
        }
        decoded.push_back(i);
        commitments.push_back(s.commitment);
        proofs.push_back(s.proof);
    }
    // The blobs of the decoded sidecars are a.blobs, in the same order.
    bool all_valid = decoded.empty();
    if (!decoded.empty()) {
        auto batch = ctx.verify_blob_kzg_proof_batch(a.blobs, commitments, proofs);
        all_valid = batch.ok() && *batch;
    }
    if (!all_valid) {
        for (std::size_t k = 0; k < decoded.size(); k++) {
            auto r = ctx.verify_blob_kzg_proof(a.blobs[k], commitments[k], proofs[k]);
            if (r.ok() && *r) continue;
            out.failures.push_back(
                {decoded[k], r.ok() ? std::string("kzg_proof: the proof does not verify against the blob and kzg_commitment")
                               : rename_argument(r.error(), {{"commitment", "kzg_commitment"},
                                                             {"proof", "kzg_proof"}})});
        }
    }
    conclude(out);
}

void verify_data_column_sidecars(const kzg::Context& ctx, const Args& a, Outcome& out) {
    out.failures.clear();
    // Every cell of every well-formed sidecar, for one batch check.
    std::vector<kzg::KZGCommitment> commitments;
    std::vector<kzg::KZGProof> proofs;
    std::vector<std::uint64_t> cell_indices;
    std::vector<kzg::Cell> cells;
    std::vector<std::size_t> checked;
    for (std::size_t i = 0; i < a.column_sidecars.size(); i++) {
        const auto& s = a.column_sidecars[i];
        std::string why = s.error;
        if (why.empty() && s.index >= kzg::CELLS_PER_EXT_BLOB) {
            why = "index: " + std::to_string(s.index) + " is not a column (NUMBER_OF_COLUMNS is " +
                  std::to_string(kzg::CELLS_PER_EXT_BLOB) + ")";
        } else if (why.empty() && s.commitments.empty()) {
            why = "kzg_commitments: empty (a data-column sidecar carries at least one blob)";
        } else if (why.empty() &&
                   (s.column.size() != s.commitments.size() || s.proofs.size() != s.commitments.size())) {
            why = "length mismatch: " + std::to_string(s.column.size()) + " cells in column, " +
                  std::to_string(s.commitments.size()) + " kzg_commitments, " + std::to_string(s.proofs.size()) +
                  " kzg_proofs";
        }
        if (!why.empty()) {
            out.failures.push_back({i, std::move(why)});
            continue;
        }
        checked.push_back(i);
        commitments.insert(commitments.end(), s.commitments.begin(), s.commitments.end());
        proofs.insert(proofs.end(), s.proofs.begin(), s.proofs.end());
        cells.insert(cells.end(), s.column.begin(), s.column.end());
        cell_indices.insert(cell_indices.end(), s.column.size(), s.index);
    }
    bool all_valid = true;
    if (!checked.empty()) {
        auto batch = ctx.verify_cell_kzg_proof_batch(commitments, cell_indices, cells, proofs);
        all_valid = batch.ok() && *batch;
    }
    if (!all_valid) {
        for (std::size_t i : checked) {
            const auto& s = a.column_sidecars[i];
            const std::vector<std::uint64_t> column_index(s.column.size(), s.index);
            auto r = ctx.verify_cell_kzg_proof_batch(s.commitments, column_index, s.column, s.proofs);
            if (r.ok() && *r) continue;
            if (!r.ok()) {
                out.failures.push_back({i, rename_argument(r.error(), {{"commitments", "kzg_commitments"},
                                                                         {"cells", "column"},
                                                                         {"proofs", "kzg_proofs"}})});
                continue;
            }
            // Name the first row whose cell proof fails.
            std::string why = "kzg_proofs: a cell proof does not verify";
            for (std::size_t k = 0; k < s.column.size(); k++) {
                auto one = ctx.verify_cell_kzg_proof_batch(std::span(&s.commitments[k], 1), std::span(&s.index, 1),
                                                           std::span(&s.column[k], 1), std::span(&s.proofs[k], 1));
                if (one.ok() && !*one) {
                    why = "kzg_proofs[" + std::to_string(k) + "]: the cell proof of column[" + std::to_string(k) +
                          "] does not verify against kzg_commitments[" + std::to_string(k) + "]";
                    break;
                }
            }
            out.failures.push_back({i, std::move(why)});
        }
    }
    conclude(out);
}

}  // namespace kzgd
