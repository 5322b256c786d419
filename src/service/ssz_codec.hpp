// application/octet-stream bodies: the SSZ encoding of the request fields as
// one container (fixed-size fields concatenated; each List through a 4-byte
// little-endian offset, the lists' bytes following in field order), and of
// the outputs. docs/service.md lists the layout of every function.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "service/api.hpp"

namespace kzgd {

// Bytes of the fixed part of fn's request container (offsets count 4).
std::size_t ssz_fixed_size(const FunctionSpec& fn);

std::optional<ApiError> decode_ssz_request(const FunctionSpec& fn, std::string_view body,
                                           const DecodeLimits& limits, Args& out);

// commitment: 48 B; proof,y: 48+32 B; proof: 48 B; valid: 1 B (0 or 1);
// cells: Vector[Cell, 128]; cells,proofs: Vector[Cell, 128] || Vector[KZGProof, 128].
std::string encode_ssz_outcome(const Outcome& outcome);

}  // namespace kzgd
