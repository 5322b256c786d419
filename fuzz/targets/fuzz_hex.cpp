// kzg::hex_decode / hex_to_fixed on arbitrary text, in every prefix mode.
// Properties: never crashes; the result matches a straightforward reference
// decoder (accept/reject and bytes); an accepted text re-encodes to itself
// modulo case and prefix; hex_to_fixed<N> accepts exactly the N-byte decodes.
#include <cctype>

#include "fuzz_common.hpp"

namespace {

// The reference: optional/required/no "0x" prefix, then pairs of hex digits.
bool reference_decode(std::string_view text, kzg::HexPrefix mode, std::vector<std::uint8_t>& out) {
    const bool has_prefix = text.size() >= 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X');
    if (mode == kzg::HexPrefix::kRequired && !has_prefix) return false;
    if (mode != kzg::HexPrefix::kNone && has_prefix) text.remove_prefix(2);
    if (text.size() % 2) return false;
    out.clear();
    for (std::size_t i = 0; i < text.size(); i += 2) {
        unsigned v = 0;
        for (std::size_t j = i; j < i + 2; j++) {
            const char c = text[j];
            unsigned d;
            if (c >= '0' && c <= '9') d = static_cast<unsigned>(c - '0');
            else if (c >= 'a' && c <= 'f') d = static_cast<unsigned>(c - 'a' + 10);
            else if (c >= 'A' && c <= 'F') d = static_cast<unsigned>(c - 'A' + 10);
            else return false;
            v = v * 16 + d;
        }
        out.push_back(static_cast<std::uint8_t>(v));
    }
    return true;
}

template <std::size_t N>
void check_fixed(std::string_view text, kzg::HexPrefix mode, bool ref_ok, const std::vector<std::uint8_t>& ref) {
    auto r = kzg::hex_to_fixed<N>(text, "x", mode);
    const bool want = ref_ok && ref.size() == N;
    FUZZ_CHECK(r.ok() == want, "hex_to_fixed<" + std::to_string(N) + "> accept/reject");
    if (r.ok()) FUZZ_CHECK(std::equal(ref.begin(), ref.end(), r->bytes.begin()), "hex_to_fixed bytes");
    if (!r.ok()) FUZZ_CHECK(r.code() == kzg::ErrorCode::kInvalidInput && r.message().rfind("x: ", 0) == 0,
                            "error code/message: " + r.message());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    for (auto mode : {kzg::HexPrefix::kRequired, kzg::HexPrefix::kOptional, kzg::HexPrefix::kNone}) {
        std::vector<std::uint8_t> ref;
        const bool ref_ok = reference_decode(text, mode, ref);
        auto r = kzg::hex_decode(text, "input", mode);
        FUZZ_CHECK(r.ok() == ref_ok, "hex_decode accept/reject, mode " + std::to_string(static_cast<int>(mode)));
        if (r.ok()) {
            FUZZ_CHECK(*r == ref, "hex_decode bytes");
            // Re-encoding gives the input back, lowercased, with the prefix if it was there.
            const bool had_prefix = text.size() != 2 * r->size();
            std::string lower(text);
            for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
            FUZZ_CHECK(kzg::hex_encode(*r, had_prefix) == lower, "re-encoding");
        } else {
            FUZZ_CHECK(r.code() == kzg::ErrorCode::kInvalidInput, "error code");
            FUZZ_CHECK(r.message().rfind("input: ", 0) == 0, "message names the input: " + r.message());
        }
        check_fixed<32>(text, mode, ref_ok, ref);
        check_fixed<48>(text, mode, ref_ok, ref);
    }
    // Encoding arbitrary bytes and decoding them is the identity.
    auto back = kzg::hex_decode(kzg::hex_encode(std::span<const std::uint8_t>(data, size)), "bytes");
    FUZZ_CHECK(back.ok() && back->size() == size && std::equal(back->begin(), back->end(), data), "round trip");
    return 0;
}
