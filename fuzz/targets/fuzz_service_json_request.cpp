// kzgd's JSON request decoder (service/json_codec.hpp, decode_json_request)
// for every /v1 function: byte 0 picks the function, byte 1 the decode limits,
// the rest is the body (fuzz/service_oracle.hpp).
// Properties:
//   - accepted iff the independent rules accept (strict RFC 8259 JSON, one
//     object with exactly the function's fields, exact-size 0x-hex, cell
//     indices as unsigned 64-bit integers, lists within the limits), with the
//     same decoded arguments;
//   - a rejection is 400 with a message, at the stage the rules reject
//     (invalid JSON; members; else the first bad field, named, with exactly
//     the bad elements of a list as failures, in order; valid JSON may also
//     be refused as too deep or too many values); the encoded error is
//     strict, UTF-8 JSON;
//   - accepted arguments round-trip: re-encoded as JSON (other member order,
//     upper-case hex, indices as strings) and as SSZ, both decoders give them
//     back unchanged.
#include "fuzz_common.hpp"
#include "service/json_codec.hpp"
#include "service/ssz_codec.hpp"
#include "service_oracle.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const auto in = fuzz::svc::frame(data, size);
    const kzgd::FunctionSpec& fn = *in.fn;
    kzgd::Args got;
    const auto err = kzgd::decode_json_request(fn, in.body, in.limits, got);
    kzgd::Args want;
    const fuzz::svc::Verdict verdict = fuzz::svc::oracle_json_request(fn, in.body, in.limits, want);
    FUZZ_CHECK(!err == verdict.accepted(), std::string(fn.name) + ": decoder " +
                                               (err ? "rejected (" + err->message + ")" : "accepted") +
                                               ", the rules say " + (verdict.accepted() ? "accept" : "reject"));
    if (err) {
        fuzz::svc::check_decode_error(fn, *err);
        fuzz::svc::check_same_rejection(fn, *err, verdict, true);
        const std::string text = kzgd::encode_json_error(*err);
        fuzz::svc::JNode doc;
        FUZZ_CHECK(fuzz::svc::JReader(text, 4, true).parse(doc) == fuzz::svc::JStatus::kOk,
                   "the error is not strict UTF-8 JSON: " + text.substr(0, 200));
        return 0;
    }
    FUZZ_CHECK(fuzz::svc::same_args(fn, got, want), std::string(fn.name) + ": decoded arguments differ from the rules'");
    // Round trips.
    const std::uint8_t style = size > 2 ? data[size - 1] : 0;
    const std::string json =
        fuzz::svc::encode_json_request(fn, got, style & 1, style & 2, style & 4);
    kzgd::Args again;
    auto e2 = kzgd::decode_json_request(fn, json, in.limits, again);
    FUZZ_CHECK(!e2, "re-encoded JSON rejected: " + (e2 ? e2->message : std::string()));
    FUZZ_CHECK(fuzz::svc::same_args(fn, got, again), "re-encoded JSON decodes differently");
    const std::string ssz = fuzz::svc::encode_ssz_request(fn, got);
    kzgd::Args from_ssz;
    auto e3 = kzgd::decode_ssz_request(fn, ssz, in.limits, from_ssz);
    FUZZ_CHECK(!e3, "the SSZ encoding of accepted JSON rejected: " + (e3 ? e3->message : std::string()));
    FUZZ_CHECK(fuzz::svc::same_args(fn, got, from_ssz), "the SSZ encoding decodes differently");
    return 0;
}
