// Beacon API bodies into Args: the response of GET
// /eth/v1/beacon/blob_sidecars/{block_id} ({"data": [BlobSidecar, ...]}) and a
// list of data-column sidecars ({"data": [DataColumnSidecar, ...]}). Fields
// the KZG checks do not need (signed_block_header, inclusion proofs, ...) are
// ignored; uint64 values are decimal strings, as the Beacon API writes them.
#pragma once

#include <optional>
#include <string_view>

#include "service/api.hpp"

namespace kzgd {

// A body that is not a JSON object with a "data" array, or has more sidecars
// or cells than the limits, is an ApiError (400). A sidecar that does not
// decode is not: it is kept in Args with its error, for the response's failures.
std::optional<ApiError> decode_beacon_sidecars(const FunctionSpec& fn, std::string_view body,
                                               const DecodeLimits& limits, Args& out);

}  // namespace kzgd
