// kzg::setup::parse_text_setup (c-kzg's text format).
//   byte 0 even: the rest is the whole file (small: rejected early, never accepted).
//   byte 0 odd:  the mainnet file with one of its first 32 lines (the counts and
//                the first G1 points) replaced by the rest of the input (byte 1
//                picks the line), or, byte 1 >= 128, the rest appended at its end.
// Properties: no crash; failures are kInvalidSetup with a message naming a
// line; anything accepted is the mainnet setup itself (its sha256), since a
// changed point cannot pass the checks (curve, subgroup, Lagrange = monomial).
#include <fstream>
#include <sstream>

#include "fuzz_common.hpp"
#include "setup/trusted_setup.hpp"

namespace {

const std::string& mainnet_text() {
    static const std::string text = [] {
        std::ifstream in(KZG_TRUSTED_SETUP_TXT, std::ios::binary);
        if (!in) fuzz::fail("cannot read " KZG_TRUSTED_SETUP_TXT);
        std::stringstream ss;
        ss << in.rdbuf();
        return ss.str();
    }();
    return text;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    fuzz::Reader r(data, size);
    const std::uint8_t mode = r.u8();
    std::string text;
    const bool spliced = mode & 1;
    if (!spliced) {
        const auto rest = r.rest();
        text.assign(reinterpret_cast<const char*>(rest.data()), rest.size());
    } else {
        const std::string& base = mainnet_text();
        const std::uint8_t where = r.u8();
        const auto rest = r.rest();
        const std::string_view piece(reinterpret_cast<const char*>(rest.data()), rest.size());
        if (where >= 128) {
            text = base + std::string(piece);
        } else {
            std::size_t begin = 0;
            for (unsigned line = where % 32; line > 0; line--) begin = base.find('\n', begin) + 1;
            const std::size_t end = base.find('\n', begin);
            text = base.substr(0, begin) + std::string(piece) + base.substr(end);
        }
    }
    auto s = kzg::setup::parse_text_setup(text);
    if (s.ok()) {
        FUZZ_CHECK(spliced, "a short file was accepted");
        static const auto want = kzg::setup::deserialize_binary(kzg::setup::embedded_mainnet_binary());
        FUZZ_CHECK(want.ok() && s->sha256 == want->sha256, "accepted a setup that is not mainnet");
    } else {
        FUZZ_CHECK(s.code() == kzg::ErrorCode::kInvalidSetup, "error code " + std::string(kzg::error_code_name(s.code())));
        FUZZ_CHECK(!s.message().empty(), "empty error message");
    }
    return 0;
}
