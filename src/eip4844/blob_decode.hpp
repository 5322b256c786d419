// The opening of every public function that takes a blob (EIP-4844 and
// EIP-7594): the call's "decode" phase, which decodes the blob, and perhaps
// further inputs, or returns the first input's error.
#pragma once

#include <optional>
#include <span>
#include <string_view>

#include "context/inputs.hpp"
#include "context/phase.hpp"
#include "core/fr.hpp"
#include "kzg/kzg.hpp"

namespace kzg::detail {

// Times `operation`'s "decode" phase (no clock read without an observer)
// while it decodes `blob` into poly (FIELD_ELEMENTS_PER_BLOB elements) and
// then runs more(), the call's other decoding (an std::optional<Error>).
// Returns the first error; the phase is recorded either way.
template <class More>
std::optional<Error> decode_blob_phase(const ContextOptions& options, std::string_view operation,
                                       std::span<core::Fr> poly, const Blob& blob, const More& more) {
    PhaseTimer t(options, operation, "decode");
    if (auto e = blob_to_polynomial(poly, blob, "blob")) return e;
    return more();
}

inline std::optional<Error> decode_blob_phase(const ContextOptions& options, std::string_view operation,
                                              std::span<core::Fr> poly, const Blob& blob) {
    return decode_blob_phase(options, operation, poly, blob, [] { return std::optional<Error>(); });
}

// The "decode" phase for callers that keep the blob's elements outside
// Montgomery form (blob_to_plain_polynomial).
inline std::optional<Error> decode_blob_plain_phase(const ContextOptions& options, std::string_view operation,
                                                    std::span<core::Fr> poly, const Blob& blob) {
    PhaseTimer t(options, operation, "decode");
    return blob_to_plain_polynomial(poly, blob, "blob");
}

}  // namespace kzg::detail
