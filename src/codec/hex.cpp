#include <string>

#if defined(__x86_64__)
#include <immintrin.h>
#endif

#include "kzg/codec.hpp"
#include "kzg/json_string.hpp"

namespace kzg {

namespace {

// A character as the errors name it: 'g', or "byte 0x0a" when not printable.
std::string printable(char c) {
    const auto u = static_cast<unsigned char>(c);
    if (u >= 0x20 && u < 0x7f) return std::string("'") + c + "'";
    static const char* digits = "0123456789abcdef";
    return std::string("byte 0x") + digits[u >> 4] + digits[u & 15];
}

// Hex digits to bytes, n output bytes; false when a digit is invalid. Portable
// version: branch-free, vectorized by the compiler where it can.
bool hex_to_bytes_generic(const unsigned char* in, std::uint8_t* out, std::size_t n) {
    unsigned invalid = 0;
    for (std::size_t i = 0; i < n; i++) {
        const unsigned hi = in[2 * i], lo = in[2 * i + 1];
        const unsigned hl = hi | 0x20, ll = lo | 0x20;
        invalid |= static_cast<unsigned>(!((hi - '0' < 10u) | (hl - 'a' < 6u)));
        invalid |= static_cast<unsigned>(!((lo - '0' < 10u) | (ll - 'a' < 6u)));
        const unsigned vh = (hi & 0x0f) + 9 * (hi >> 6);
        const unsigned vl = (lo & 0x0f) + 9 * (lo >> 6);
        out[i] = static_cast<std::uint8_t>(vh << 4 | vl);
    }
    return invalid == 0;
}

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define KZG_HEX_AVX2 1
// AVX2: 32 digits -> 16 bytes per step; chosen at run time (the build is portable).
__attribute__((target("avx2"))) bool hex_to_bytes_avx2(const unsigned char* in, std::uint8_t* out, std::size_t n) {
    const __m256i zero_m1 = _mm256_set1_epi8('0' - 1), nine_p1 = _mm256_set1_epi8('9' + 1);
    const __m256i a_m1 = _mm256_set1_epi8('a' - 1), f_p1 = _mm256_set1_epi8('f' + 1);
    const __m256i lower = _mm256_set1_epi8(0x20), low4 = _mm256_set1_epi8(0x0f), nine = _mm256_set1_epi8(9);
    const __m256i weights = _mm256_set1_epi16(0x0110);  // bytes 16, 1: hi * 16 + lo
    std::size_t i = 0;
    for (; i + 16 <= n; i += 16) {
        const __m256i x = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(in + 2 * i));
        const __m256i l = _mm256_or_si256(x, lower);
        const __m256i digit = _mm256_and_si256(_mm256_cmpgt_epi8(x, zero_m1), _mm256_cmpgt_epi8(nine_p1, x));
        const __m256i letter = _mm256_and_si256(_mm256_cmpgt_epi8(l, a_m1), _mm256_cmpgt_epi8(f_p1, l));
        if (_mm256_movemask_epi8(_mm256_or_si256(digit, letter)) != -1) return false;
        const __m256i v = _mm256_add_epi8(_mm256_and_si256(x, low4), _mm256_and_si256(letter, nine));
        const __m256i pairs = _mm256_maddubs_epi16(v, weights);
        const __m256i packed = _mm256_permute4x64_epi64(_mm256_packus_epi16(pairs, pairs), 0x08);
        _mm_storeu_si128(reinterpret_cast<__m128i*>(out + i), _mm256_castsi256_si128(packed));
    }
    return hex_to_bytes_generic(in + 2 * i, out + i, n - i);
}
#endif

bool hex_to_bytes(const unsigned char* in, std::uint8_t* out, std::size_t n) {
#ifdef KZG_HEX_AVX2
    static const bool avx2 = __builtin_cpu_supports("avx2");
    if (avx2) return hex_to_bytes_avx2(in, out, n);
#endif
    return hex_to_bytes_generic(in, out, n);
}

// Strips the prefix `prefix` asks for and checks the digits come in pairs;
// the error otherwise.
std::optional<std::string> hex_digits(std::string_view& text, HexPrefix prefix) {
    const bool has_prefix = text.size() >= 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X');
    if (prefix == HexPrefix::kRequired && !has_prefix) return std::string("missing 0x prefix");
    if (has_prefix && prefix != HexPrefix::kNone) text.remove_prefix(2);
    if (text.size() % 2 != 0) return "odd number of hex digits (" + std::to_string(text.size()) + ")";
    return std::nullopt;
}

// An even number of digits into digits.size() / 2 bytes; the first invalid
// digit otherwise.
std::optional<std::string> decode_digits(std::string_view digits, std::uint8_t* out) {
    const auto* in = reinterpret_cast<const unsigned char*>(digits.data());
    if (hex_to_bytes(in, out, digits.size() / 2)) return std::nullopt;
    std::size_t pos = 0;
    while (pos < digits.size() && hex_digit_value(digits[pos]) >= 0) pos++;
    return "invalid hex character " + printable(digits[pos]) + " at digit " + std::to_string(pos);
}

}  // namespace

Result<std::vector<std::uint8_t>> hex_decode(std::string_view text, std::string_view what, HexPrefix prefix) {
    auto err = hex_digits(text, prefix);
    std::vector<std::uint8_t> out;
    if (!err) {
        out.resize(text.size() / 2);
        err = decode_digits(text, out.data());
    }
    if (err) return Error{ErrorCode::kInvalidInput, std::string(what) + ": " + *err};
    return out;
}

std::optional<Error> hex_decode(std::string_view text, std::span<std::uint8_t> out, std::string_view what,
                                HexPrefix prefix) {
    auto err = hex_digits(text, prefix);
    if (!err && text.size() / 2 != out.size())
        err = "expected " + std::to_string(out.size()) + " bytes, got " + std::to_string(text.size() / 2);
    if (!err) err = decode_digits(text, out.data());
    if (err) return Error{ErrorCode::kInvalidInput, std::string(what) + ": " + *err};
    return std::nullopt;
}

std::string hex_encode(std::span<const std::uint8_t> bytes, bool with_prefix) {
    static const char* digits = "0123456789abcdef";
    std::string out;
    out.reserve(bytes.size() * 2 + 2);
    if (with_prefix) out += "0x";
    for (auto b : bytes) {
        out += digits[b >> 4];
        out += digits[b & 15];
    }
    return out;
}

std::string_view error_code_name(ErrorCode code) {
    switch (code) {
        case ErrorCode::kOk: return "ok";
        case ErrorCode::kInvalidInput: return "invalid_input";
        case ErrorCode::kInvalidSetup: return "invalid_setup";
        case ErrorCode::kIo: return "io";
        case ErrorCode::kInternal: return "internal";
    }
    return "unknown";
}

}  // namespace kzg
