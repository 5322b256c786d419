// kzg::setup::deserialize_binary (the embedded raw form).
//   byte 0 even: the rest is the whole file.
//   byte 0 odd:  the embedded mainnet file, then edits: u8 count x (u24 offset
//                into the 88-byte header or, high bit set, anywhere; u8 xor),
//                then u8: 1 truncate by u16 bytes, 2 append u8 bytes.
// Properties: no crash or out-of-bounds read; failures are kInvalidSetup; an
// accepted file carries exactly the mainnet identity and points (the checksum
// covers them), so only the unused reserved header word may have changed.
#include "fuzz_common.hpp"
#include "setup/trusted_setup.hpp"

namespace {

constexpr std::size_t kHeader = 88;
constexpr std::size_t kReservedBegin = 20, kReservedEnd = 24;

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    fuzz::Reader r(data, size);
    const auto base = kzg::setup::embedded_mainnet_binary();
    std::vector<std::uint8_t> file;
    if ((r.u8() & 1) == 0) {
        const auto rest = r.rest();
        file.assign(rest.begin(), rest.end());
    } else {
        file.assign(base.begin(), base.end());
        for (std::size_t k = r.u8() % 8; k > 0; k--) {
            const std::uint32_t at = r.u24();
            const std::size_t pos = (at & 0x800000) ? (at & 0x7fffff) % file.size() : at % kHeader;
            file[pos] ^= r.u8();
        }
        switch (r.u8() % 4) {
            case 1: file.resize(file.size() - std::min<std::size_t>(file.size(), r.u16())); break;
            case 2: file.resize(file.size() + r.u8(), 0); break;
            default: break;
        }
    }
    auto s = kzg::setup::deserialize_binary(file);
    if (s.ok()) {
        FUZZ_CHECK(file.size() == base.size(), "accepted a file of another size");
        for (std::size_t i = 0; i < file.size(); i++)
            if (i < kReservedBegin || i >= kReservedEnd)
                FUZZ_CHECK(file[i] == base[i], "accepted a changed byte at offset " + std::to_string(i));
    } else {
        FUZZ_CHECK(s.code() == kzg::ErrorCode::kInvalidSetup, "error code");
        FUZZ_CHECK(s.message().rfind("binary setup: ", 0) == 0, "message: " + s.message());
    }
    return 0;
}
