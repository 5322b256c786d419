// The conformance runner's case parsing (kzg::conformance::run_case, used by
// `kzgctl vectors` and test_conformance) on arbitrary data.yaml text.
//   byte 0: the function (index into known_functions()), then the file.
// Properties: no crash and no exception escapes run_case: a malformed case
// is a failed case with a reason, never the end of the run.
#include <unistd.h>

#include <fstream>

#include "conformance/vectors.hpp"
#include "fuzz_common.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size > 400000) return -1;  // a few blobs at most
    const kzg::Context& ctx = fuzz::context();
    fuzz::Reader r(data, size);
    const auto& functions = kzg::conformance::known_functions();
    const std::string& function = functions[r.u8() % functions.size()];
    const auto rest = r.rest();
    static const std::filesystem::path dir = [] {
        auto d = std::filesystem::temp_directory_path() / ("kzg-fuzz-case-" + std::to_string(getpid())) /
                 "kzg-mainnet" / "case";
        std::filesystem::create_directories(d);
        return d;
    }();
    const auto file = dir / "data.yaml";
    {
        std::ofstream out(file, std::ios::binary | std::ios::trunc);
        out.write(reinterpret_cast<const char*>(rest.data()), static_cast<std::streamsize>(rest.size()));
    }
    kzg::conformance::CaseResult res;
    try {
        res = kzg::conformance::run_case(ctx, function, file);
    } catch (const std::exception& e) {
        fuzz::fail(std::string("run_case threw: ") + e.what());
    }
    FUZZ_CHECK(res.passed || !res.detail.empty(), "a failed case without a reason");
    return 0;
}
