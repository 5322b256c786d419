// The sidecar calls: what a blob submitter puts in a blob transaction, and
// the KZG checks of Beacon API blob and data-column sidecars. Built on the
// engine's spec functions; no HTTP here (docs/service.md, "Sidecars").
#pragma once

#include <optional>

#include "kzg/kzg.hpp"
#include "service/api.hpp"

namespace kzgd {

// compute_blob_sidecar: per blob its commitment, versioned hash and either
// its 128 cell proofs (version 1, the EIP-7594 network wrapper; flattened in
// blob order) or its blob proof (version 0, the EIP-4844 wrapper). Blobs run
// in parallel on `pool` when given. A bad blob is a 400 naming it in failures.
std::optional<ApiError> compute_blob_sidecar(const kzg::Context& ctx, const Args& args, Outcome& out,
                                             kzg::ThreadPool* pool);

// The KZG checks of Beacon API sidecars: out.valid, and out.failures naming
// each sidecar (its position in `data`) that fails and why. One batch check
// first; only when it fails is each sidecar checked alone, to name it.
void verify_blob_sidecars(const kzg::Context& ctx, const Args& args, Outcome& out);
// Per data-column sidecar (fulu p2p verify_data_column_sidecar and
// verify_data_column_sidecar_kzg_proofs): index < 128, at least one cell, as
// many cells as commitments and proofs, every cell proof valid.
void verify_data_column_sidecars(const kzg::Context& ctx, const Args& args, Outcome& out);

}  // namespace kzgd
