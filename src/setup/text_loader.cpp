// c-kzg's trusted-setup text format:
//   line 1: number of G1 points (4096)    line 2: number of G2 points (65)
//   then the G1 Lagrange points, the G2 monomial points and the G1 monomial
//   points, one compressed point in hex (no 0x) per line.
#include <charconv>

#include "kzg/codec.hpp"
#include "setup/trusted_setup.hpp"

namespace kzg::setup {

namespace {

struct LineReader {
    std::string_view text;
    std::size_t pos = 0;
    std::size_t line = 0;

    // Next line with surrounding whitespace (and a CR) removed; false at the end.
    bool next(std::string_view& out) {
        if (pos >= text.size()) return false;
        std::size_t end = text.find('\n', pos);
        if (end == std::string_view::npos) end = text.size();
        out = text.substr(pos, end - pos);
        pos = end + 1;
        line++;
        while (!out.empty() && (out.back() == '\r' || out.back() == ' ' || out.back() == '\t')) out.remove_suffix(1);
        while (!out.empty() && (out.front() == ' ' || out.front() == '\t')) out.remove_prefix(1);
        return true;
    }
};

Error at(std::size_t line, const std::string& msg) {
    return Error{ErrorCode::kInvalidSetup, "line " + std::to_string(line) + ": " + msg};
}

Result<std::size_t> read_count(LineReader& r, const char* what, std::size_t expected) {
    std::string_view l;
    if (!r.next(l)) return at(r.line + 1, std::string("missing the number of ") + what);
    std::size_t v = 0;
    auto [p, ec] = std::from_chars(l.data(), l.data() + l.size(), v);
    if (ec != std::errc() || p != l.data() + l.size())
        return at(r.line, std::string("the number of ") + what + " is not a number: '" + std::string(l.substr(0, 40)) + "'");
    if (v != expected)
        return at(r.line, std::string("expected ") + std::to_string(expected) + " " + what + ", the file says " +
                              std::to_string(v));
    return v;
}

template <std::size_t N>
std::optional<Error> read_points(LineReader& r, std::size_t count, const char* field,
                                 std::vector<std::array<std::uint8_t, N>>& out, std::vector<std::string>& where) {
    out.resize(count);
    where.resize(count);
    for (std::size_t i = 0; i < count; i++) {
        std::string_view l;
        if (!r.next(l))
            return at(r.line + 1, std::string("unexpected end of file: ") + field + " has " + std::to_string(i) +
                                      " of " + std::to_string(count) + " points");
        auto bytes = hex_decode(l, std::string(field) + "[" + std::to_string(i) + "]", HexPrefix::kOptional);
        if (!bytes) return at(r.line, bytes.message());
        if (bytes->size() != N)
            return at(r.line, std::string(field) + "[" + std::to_string(i) + "]: expected " + std::to_string(N) +
                                  " bytes, got " + std::to_string(bytes->size()));
        std::copy(bytes->begin(), bytes->end(), out[i].begin());
        where[i] = "line " + std::to_string(r.line);
    }
    return std::nullopt;
}

}  // namespace

Result<TrustedSetup> parse_text_setup(std::string_view text) {
    LineReader r{text};
    auto n1 = read_count(r, "G1 points", NUM_G1_POINTS);
    if (!n1) return n1.error();
    auto n2 = read_count(r, "G2 points", NUM_G2_POINTS);
    if (!n2) return n2.error();

    CompressedSetup c;
    if (auto e = read_points(r, NUM_G1_POINTS, "g1_lagrange", c.g1_lagrange, c.g1_lagrange_where)) return *e;
    if (auto e = read_points(r, NUM_G2_POINTS, "g2_monomial", c.g2_monomial, c.g2_monomial_where)) return *e;
    if (auto e = read_points(r, NUM_G1_POINTS, "g1_monomial", c.g1_monomial, c.g1_monomial_where)) return *e;
    std::string_view l;
    while (r.next(l)) {
        if (!l.empty()) return at(r.line, "unexpected content after the last point");
    }
    return validate_setup(c);
}

}  // namespace kzg::setup
