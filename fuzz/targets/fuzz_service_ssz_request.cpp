// kzgd's SSZ request decoder (service/ssz_codec.hpp, decode_ssz_request) for
// every /v1 function: byte 0 picks the function, byte 1 the decode limits, the
// rest is the body (fuzz/service_oracle.hpp).
// Properties:
//   - accepted iff the independent container rules accept (fixed part,
//     offsets: first = fixed size, non-decreasing, inside the body; whole
//     elements; lists within the limits);
//   - a rejection is 400 with a message naming the body, or the first list
//     whose offset (else whose bytes) the rules reject;
//   - SSZ is canonical: the accepted arguments re-encode to the very body;
//   - the same arguments as JSON decode to the same arguments.
#include "fuzz_common.hpp"
#include "service/json_codec.hpp"
#include "service/ssz_codec.hpp"
#include "service_oracle.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const auto in = fuzz::svc::frame(data, size);
    const kzgd::FunctionSpec& fn = *in.fn;
    kzgd::Args got;
    const auto err = kzgd::decode_ssz_request(fn, in.body, in.limits, got);
    const fuzz::svc::Verdict verdict = fuzz::svc::oracle_ssz_request(fn, in.body, in.limits);
    FUZZ_CHECK(!err == verdict.accepted(), std::string(fn.name) + ": decoder " +
                                               (err ? "rejected (" + err->message + ")" : "accepted") +
                                               ", the rules say " + (verdict.accepted() ? "accept" : "reject"));
    if (err) {
        fuzz::svc::check_decode_error(fn, *err);
        fuzz::svc::check_same_rejection(fn, *err, verdict, false);
        FUZZ_CHECK(err->failures.empty(), "SSZ errors have no per-element failures");
        return 0;
    }
    const std::string again = fuzz::svc::encode_ssz_request(fn, got);
    FUZZ_CHECK(again == in.body, std::string(fn.name) + ": re-encoding gives other bytes (" +
                                     std::to_string(again.size()) + " for " + std::to_string(in.body.size()) + ")");
    const std::string json = fuzz::svc::encode_json_request(fn, got, false, false, false);
    kzgd::Args from_json;
    auto e2 = kzgd::decode_json_request(fn, json, in.limits, from_json);
    FUZZ_CHECK(!e2, "the JSON encoding of accepted SSZ rejected: " + (e2 ? e2->message : std::string()));
    FUZZ_CHECK(fuzz::svc::same_args(fn, got, from_json), "the JSON encoding decodes differently");
    return 0;
}
