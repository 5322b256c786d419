// kzg::setup::parse_json_setup on small documents (at most a few KiB: they are
// rejected early, by the JSON parser, the field checks or the counts).
// Properties: no crash, no exception escapes; nothing small is accepted;
// failures are kInvalidSetup with a message.
#include "fuzz_common.hpp"
#include "setup/trusted_setup.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size > 65536) return -1;  // keep the runs about the parser, not about validation
    auto s = kzg::setup::parse_json_setup(std::string_view(reinterpret_cast<const char*>(data), size));
    FUZZ_CHECK(!s.ok(), "a small JSON document was accepted");
    FUZZ_CHECK(s.code() == kzg::ErrorCode::kInvalidSetup, "error code " + std::string(kzg::error_code_name(s.code())));
    FUZZ_CHECK(!s.message().empty(), "empty error message");
    return 0;
}
