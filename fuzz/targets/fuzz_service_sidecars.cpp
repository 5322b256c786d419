// kzgd's Beacon API sidecar decoder (service/sidecar_codec.hpp) on arbitrary
// bodies: byte 0 bit 0 picks blob or data-column sidecars, byte 1 the limits
// (as in fuzz/service_oracle.hpp), the rest is the body.
// Properties:
//   - no crash, no leak, no unbounded allocation (the parser's value bound);
//   - a rejected body is a 400 with a message and no sidecars kept;
//   - an accepted one keeps one entry per element of "data", within the
//     limits; a sidecar without an error has every value decoded (blob
//     sidecars: one blob each, in order; columns: lists as long as the body's
//     arrays), and one with an error has no values;
//   - the JSON of a sidecar check's outcome is strict UTF-8 JSON.
#include "fuzz_common.hpp"
#include "service/json_codec.hpp"
#include "service/sidecar_codec.hpp"
#include "service_oracle.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    auto in = fuzz::svc::frame(data, size);
    const auto& fns = kzgd::functions();
    const bool columns = size > 0 && (data[0] & 1);
    const kzgd::FunctionSpec* fn = kzgd::find_function(columns ? "verify_data_column_sidecars" : "verify_blob_sidecars");
    FUZZ_CHECK(fn != nullptr && fn->body != kzgd::Body::kFields && fns.size() > kzgd::kSpecFunctions,
               "the sidecar functions are in the table");
    kzgd::Args got;
    const auto err = kzgd::decode_beacon_sidecars(*fn, in.body, in.limits, got);
    if (err) {
        FUZZ_CHECK(err->status == 400 && !err->message.empty(), "a rejection is a 400 with a message");
        FUZZ_CHECK(got.blob_sidecars.empty() && got.column_sidecars.empty() && got.blobs.empty(),
                   "a rejected body keeps no sidecars");
        return 0;
    }
    kzgd::Outcome out;
    out.kind = kzgd::Output::kSidecarChecks;
    if (columns) {
        FUZZ_CHECK(got.blob_sidecars.empty() && got.column_sidecars.size() <= 128, "at most 128 column sidecars");
        std::size_t cells = 0;
        for (std::size_t i = 0; i < got.column_sidecars.size(); i++) {
            const auto& s = got.column_sidecars[i];
            cells += s.column.size();
            if (!s.error.empty()) {
                FUZZ_CHECK(s.column.empty() && s.commitments.empty() && s.proofs.empty(),
                           "a sidecar with an error keeps no values");
                out.failures.push_back({i, s.error});
            }
        }
        FUZZ_CHECK(cells <= in.limits.max_cells, "cells within max-cells");
    } else {
        FUZZ_CHECK(got.column_sidecars.empty() && got.blob_sidecars.size() <= in.limits.max_batch_blobs,
                   "blob sidecars within max-batch-blobs");
        std::size_t decoded = 0;
        for (std::size_t i = 0; i < got.blob_sidecars.size(); i++) {
            const auto& s = got.blob_sidecars[i];
            if (s.error.empty()) {
                FUZZ_CHECK(s.blob == decoded, "decoded sidecars own the blobs in order");
                decoded++;
            } else {
                out.failures.push_back({i, s.error});
            }
        }
        FUZZ_CHECK(decoded == got.blobs.size(), "one blob per decoded sidecar");
    }
    const std::string text = kzgd::encode_json_outcome(out);
    fuzz::svc::JNode doc;
    FUZZ_CHECK(fuzz::svc::JReader(text, 8, true).parse(doc) == fuzz::svc::JStatus::kOk,
               "the outcome is not strict UTF-8 JSON: " + text.substr(0, 200));
    return 0;
}
