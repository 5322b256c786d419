// Trusted-setup loaders: c-kzg's text format, the consensus-specs JSON format
// and files in either, through kzg::Context and kzg::setup::parse_*_setup.
//
// Every malformed input must give ErrorCode::kInvalidSetup with a message that
// names where (line N / field[index]), and never crash. The mutations work on
// in-memory copies of the mainnet file. A complete validation takes about a
// second, so most error cases sit early in the file, where loading stops.
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

#include <unistd.h>

#include "setup/trusted_setup.hpp"
#include "unit/unit_helpers.hpp"

namespace {

using kzg::ErrorCode;
using unit::contains_all;
using unit::kG1LagrangeLine;
using unit::kG1MonomialLine;
using unit::kG2Line;
using unit::kTotalLines;
using unit::mainnet_lines;
using unit::mainnet_text;

const kzg::Context& mainnet() {
    static const auto ctx = kzg::Context::mainnet();
    EXPECT_TRUE(ctx.ok()) << ctx.message();
    return **ctx;
}

class SetupLoader : public ::testing::Test {
  protected:
    void SetUp() override {
        ASSERT_FALSE(mainnet_text().empty()) << "cannot read " << KZG_TRUSTED_SETUP_TXT;
        ASSERT_EQ(mainnet_lines().size(), kTotalLines);
    }
};

// The text with line `line` (1-based) replaced.
std::string with_line(std::size_t line, const std::string& content) {
    auto lines = mainnet_lines();
    lines.at(line - 1) = content;
    return unit::join_lines(lines);
}

std::string without_line(std::size_t line) {
    auto lines = mainnet_lines();
    lines.erase(lines.begin() + static_cast<std::ptrdiff_t>(line - 1));
    return unit::join_lines(lines);
}

// Expects a text-format load to fail with kInvalidSetup and every fragment.
void expect_text_error(const std::string& text, std::initializer_list<std::string> parts) {
    auto r = kzg::setup::parse_text_setup(text);
    ASSERT_FALSE(r.ok()) << "accepted";
    EXPECT_EQ(r.code(), ErrorCode::kInvalidSetup) << r.message();
    EXPECT_TRUE(contains_all(r.message(), parts));
    // Context::from_text reports the same error.
    auto c = kzg::Context::from_text(text);
    ASSERT_FALSE(c.ok());
    EXPECT_EQ(c.code(), ErrorCode::kInvalidSetup);
    EXPECT_EQ(c.message(), r.message());
}

void expect_json_error(const std::string& json, std::initializer_list<std::string> parts) {
    auto r = kzg::setup::parse_json_setup(json);
    ASSERT_FALSE(r.ok()) << "accepted";
    EXPECT_EQ(r.code(), ErrorCode::kInvalidSetup) << r.message();
    EXPECT_TRUE(contains_all(r.message(), parts));
    auto c = kzg::Context::from_json(json);
    ASSERT_FALSE(c.ok());
    EXPECT_EQ(c.code(), ErrorCode::kInvalidSetup);
    EXPECT_EQ(c.message(), r.message());
}

// A JSON document built from the text file's points.
std::string json_from_text(bool prefix = true, std::size_t drop_g2 = 0) {
    const auto& lines = mainnet_lines();
    auto list = [&](std::size_t first, std::size_t count) {
        std::string s = "[";
        for (std::size_t i = 0; i < count; i++) {
            if (i) s += ",\n    ";
            s += prefix ? "\"0x" : "\"";
            s += lines[first - 1 + i];
            s += "\"";
        }
        return s + "]";
    };
    return "{\n  \"g1_lagrange\": " + list(kG1LagrangeLine, 4096) + ",\n  \"g2_monomial\": " +
           list(kG2Line, 65 - drop_g2) + ",\n  \"g1_monomial\": " + list(kG1MonomialLine, 4096) + "\n}\n";
}

std::string hex48(const std::array<std::uint8_t, 48>& b) { return unit::hex(b); }

std::string temp_path(const std::string& name) {
    return (std::filesystem::path(::testing::TempDir()) / ("kzg_unit_" + std::to_string(::getpid()) + "_" + name))
        .string();
}

void write_file(const std::string& path, const std::string& content) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << content;
    ASSERT_TRUE(out.good()) << path;
}

// ---- loads that succeed ------------------------------------------------------------------

TEST_F(SetupLoader, MainnetTextMatchesTheEmbeddedSetup) {
    auto ctx = kzg::Context::from_text(mainnet_text());
    ASSERT_TRUE(ctx.ok()) << ctx.message();
    EXPECT_EQ((*ctx)->setup_sha256(), mainnet().setup_sha256());
    EXPECT_EQ((*ctx)->setup_sha256_hex(), mainnet().setup_sha256_hex());

    unit::Rng rng(0x5e7u);
    auto blob = unit::random_blob(rng);
    auto a = (*ctx)->blob_to_kzg_commitment(*blob);
    auto b = mainnet().blob_to_kzg_commitment(*blob);
    ASSERT_TRUE(a.ok() && b.ok());
    EXPECT_EQ(kzg::hex_encode(*a), kzg::hex_encode(*b));
    kzg::Bytes32 z;
    rng.fill(z.data(), 32);
    z.bytes[0] = 0x12;
    auto pa = (*ctx)->compute_kzg_proof(*blob, z);
    auto pb = mainnet().compute_kzg_proof(*blob, z);
    ASSERT_TRUE(pa.ok() && pb.ok());
    EXPECT_EQ(kzg::hex_encode(pa->proof), kzg::hex_encode(pb->proof));
    EXPECT_EQ(kzg::hex_encode(pa->y), kzg::hex_encode(pb->y));
}

TEST_F(SetupLoader, Sha256IsOfTheCompressedPointsInFileOrder) {
    // Computed here straight from the file's hex, without any loader.
    std::vector<std::uint8_t> all;
    for (std::size_t line = kG1LagrangeLine; line <= kTotalLines; line++) {
        auto b = kzg::hex_decode(mainnet_lines()[line - 1], "line", kzg::HexPrefix::kNone);
        ASSERT_TRUE(b.ok()) << b.message();
        all.insert(all.end(), b->begin(), b->end());
    }
    ASSERT_EQ(all.size(), 4096u * 48 * 2 + 65u * 96);
    std::array<std::uint8_t, 32> digest;
    blst_sha256(digest.data(), all.data(), all.size());
    EXPECT_EQ(unit::hex(digest), mainnet().setup_sha256_hex());
}

TEST_F(SetupLoader, FromFileText) {
    auto ctx = kzg::Context::from_file(KZG_TRUSTED_SETUP_TXT);
    ASSERT_TRUE(ctx.ok()) << ctx.message();
    EXPECT_EQ((*ctx)->setup_sha256_hex(), mainnet().setup_sha256_hex());
}

TEST_F(SetupLoader, TolerantTextVariants) {
    // CRLF line ends, blanks around the values, some 0x prefixes, blank lines at the end.
    auto lines = mainnet_lines();
    lines[0] = "  4096\t";
    lines[1] = "65 ";
    lines[kG1LagrangeLine - 1] = "0x" + lines[kG1LagrangeLine - 1];
    lines[kG2Line + 3] = "\t" + lines[kG2Line + 3] + "  ";
    lines.push_back("");
    lines.push_back("   ");
    auto ctx = kzg::Context::from_text(unit::join_lines(lines, "\r\n"));
    ASSERT_TRUE(ctx.ok()) << ctx.message();
    EXPECT_EQ((*ctx)->setup_sha256_hex(), mainnet().setup_sha256_hex());
}

TEST_F(SetupLoader, JsonFromTheTextFile) {
    const std::string json = json_from_text();
    auto ctx = kzg::Context::from_json(json);
    ASSERT_TRUE(ctx.ok()) << ctx.message();
    EXPECT_EQ((*ctx)->setup_sha256_hex(), mainnet().setup_sha256_hex());
}

TEST_F(SetupLoader, FromFileJsonWithoutPrefixes) {
    const std::string path = temp_path("setup.json");
    write_file(path, "\n \t" + json_from_text(false));
    auto ctx = kzg::Context::from_file(path);
    std::remove(path.c_str());
    ASSERT_TRUE(ctx.ok()) << ctx.message();
    EXPECT_EQ((*ctx)->setup_sha256_hex(), mainnet().setup_sha256_hex());
}

// ---- files --------------------------------------------------------------------------------

TEST_F(SetupLoader, FromFileErrors) {
    const std::string missing = temp_path("does-not-exist.txt");
    auto r = kzg::Context::from_file(missing);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.code(), ErrorCode::kIo);
    EXPECT_TRUE(contains_all(r.message(), {missing}));

    // A directory: an error of some kind, not a crash.
    r = kzg::Context::from_file(::testing::TempDir());
    EXPECT_FALSE(r.ok());

    // An error inside the file: the path and the line.
    const std::string path = temp_path("bad.txt");
    write_file(path, with_line(10, std::string(95, 'a') + "g"));
    r = kzg::Context::from_file(path);
    std::remove(path.c_str());
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.code(), ErrorCode::kInvalidSetup);
    EXPECT_TRUE(contains_all(r.message(), {path, "line 10", "g1_lagrange[7]"}));

    // A JSON file with an error.
    const std::string jpath = temp_path("bad.json");
    write_file(jpath, "{\"g1_lagrange\": 5}");
    r = kzg::Context::from_file(jpath);
    std::remove(jpath.c_str());
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.code(), ErrorCode::kInvalidSetup);
    EXPECT_TRUE(contains_all(r.message(), {jpath, "g1_lagrange"}));

    // An empty file.
    const std::string epath = temp_path("empty.txt");
    write_file(epath, "");
    r = kzg::Context::from_file(epath);
    std::remove(epath.c_str());
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.code(), ErrorCode::kInvalidSetup);
    EXPECT_TRUE(contains_all(r.message(), {epath, "line 1"}));
}

// ---- malformed text --------------------------------------------------------------------------

TEST_F(SetupLoader, TextEmptyAndHeaders) {
    expect_text_error("", {"line 1", "number of G1 points"});
    expect_text_error("\n", {"line 1", "not a number"});
    expect_text_error("4096\n", {"line 2", "number of G2 points"});
    expect_text_error("4096", {"line 2", "number of G2 points"});
    expect_text_error(with_line(1, "4095"), {"line 1", "4096", "4095"});
    expect_text_error(with_line(1, "8192"), {"line 1", "4096", "8192"});
    expect_text_error(with_line(1, "abc"), {"line 1", "not a number"});
    expect_text_error(with_line(1, "4096 65"), {"line 1", "not a number"});
    expect_text_error(with_line(1, "-4096"), {"line 1"});
    expect_text_error(with_line(1, "99999999999999999999999999"), {"line 1"});
    expect_text_error(with_line(2, "64"), {"line 2", "65", "64"});
    expect_text_error(with_line(2, ""), {"line 2", "not a number"});
    expect_text_error("4096\n65\n", {"line 3", "unexpected end of file", "g1_lagrange has 0 of 4096"});
}

TEST_F(SetupLoader, TextMissingLine) {
    // A line gone from g1_lagrange: the first G2 point lands in its last slot.
    expect_text_error(without_line(100), {"line 4098", "g1_lagrange[4095]", "expected 48 bytes, got 96"});
    // A line gone from g2_monomial: the first g1_monomial point lands in its last slot.
    expect_text_error(without_line(kG2Line + 5), {"line 4163", "g2_monomial[64]", "expected 96 bytes, got 48"});
    // The last line gone.
    expect_text_error(without_line(kTotalLines),
                      {"line 8259", "unexpected end of file", "g1_monomial has 4095 of 4096"});
    // A blank line in the middle.
    expect_text_error(with_line(50, ""), {"line 50", "g1_lagrange[47]", "expected 48 bytes, got 0"});
}

TEST_F(SetupLoader, TextTruncated) {
    const std::string& text = mainnet_text();
    // At a line boundary, inside g2_monomial: keep lines 1..4120.
    std::size_t pos = 0;
    for (std::size_t l = 0; l < 4120; l++) pos = text.find('\n', pos) + 1;
    expect_text_error(text.substr(0, pos), {"line 4121", "unexpected end of file", "g2_monomial has 22 of 65"});
    // In the middle of line 5000 (g1_monomial[836]): an odd and an even number of digits.
    for (std::size_t l = 4120; l < 4999; l++) pos = text.find('\n', pos) + 1;
    expect_text_error(text.substr(0, pos + 51), {"line 5000", "g1_monomial[836]", "odd number of hex digits (51)"});
    expect_text_error(text.substr(0, pos + 50), {"line 5000", "g1_monomial[836]", "expected 48 bytes, got 25"});
    // Without the final newline: still complete.
    // (Checked in TextTrailingContent.)
    expect_text_error(text.substr(0, 7), {"line 3", "unexpected end of file"});
    expect_text_error(text.substr(0, 3), {"line 1"});
}

TEST_F(SetupLoader, TextBadHex) {
    std::string l = mainnet_lines()[9];
    l[7] = 'g';
    expect_text_error(with_line(10, l), {"line 10", "g1_lagrange[7]", "'g'", "digit 7"});
    l = mainnet_lines()[11];
    l[20] = '\xc3';
    l[21] = '\xa9';
    expect_text_error(with_line(12, l), {"line 12", "g1_lagrange[9]", "byte 0xc3", "digit 20"});
    l = mainnet_lines()[12];
    l[0] = '\0';
    expect_text_error(with_line(13, l), {"line 13", "g1_lagrange[10]", "byte 0x00", "digit 0"});
    l = mainnet_lines()[kG2Line];
    l[100] = 'x';
    expect_text_error(with_line(kG2Line + 1, l), {"line 4100", "g2_monomial[1]", "'x'"});
    l = mainnet_lines()[kG1MonomialLine + 1];
    l[50] = ' ';
    expect_text_error(with_line(kG1MonomialLine + 2, l), {"line 4166", "g1_monomial[2]", "' '", "digit 50"});
}

TEST_F(SetupLoader, TextWrongLengthPoints) {
    const auto& lines = mainnet_lines();
    expect_text_error(with_line(20, lines[19].substr(2)), {"line 20", "g1_lagrange[17]", "expected 48 bytes, got 47"});
    expect_text_error(with_line(20, lines[19] + "00"), {"line 20", "g1_lagrange[17]", "expected 48 bytes, got 49"});
    expect_text_error(with_line(20, lines[19] + "0"), {"line 20", "g1_lagrange[17]", "odd number"});
    expect_text_error(with_line(kG2Line + 1, lines[kG2Line].substr(2)),
                      {"line 4100", "g2_monomial[1]", "expected 96 bytes, got 95"});
    expect_text_error(with_line(kG1MonomialLine + 4, lines[kG1MonomialLine + 3] + "abcd"),
                      {"line 4168", "g1_monomial[4]", "expected 48 bytes, got 50"});
}

TEST_F(SetupLoader, TextInvalidG1LagrangePoints) {
    expect_text_error(with_line(30, hex48(unit::g1_off_curve())), {"line 30", "g1_lagrange[27]", "not a valid"});
    expect_text_error(with_line(31, hex48(unit::g1_not_in_subgroup())),
                      {"line 31", "g1_lagrange[28]", "not in the prime-order subgroup"});
    std::array<std::uint8_t, 48> inf{};
    inf[0] = 0xc0;
    expect_text_error(with_line(32, hex48(inf)), {"line 32", "g1_lagrange[29]", "infinity"});
    inf[47] = 1;
    expect_text_error(with_line(33, hex48(inf)), {"line 33", "g1_lagrange[30]"});
    // The first point, without the compression flag.
    std::string l = mainnet_lines()[kG1LagrangeLine - 1];
    l[0] = static_cast<char>(l[0] == 'a' ? '2' : l[0] == 'b' ? '3' : l[0] == '8' ? '0' : '1');
    expect_text_error(with_line(kG1LagrangeLine, l), {"line 3", "g1_lagrange[0]"});
    // x = 0: the curve points (0, +-2) have order 3 (blst's uncompress
    // refuses them outright).
    expect_text_error(with_line(40, hex48(unit::g1_with_x(0))), {"line 40", "g1_lagrange[37]"});
}

TEST_F(SetupLoader, TextInvalidG2AndMonomialPoints) {
    // These come after all of g1_lagrange has been decoded (slower).
    std::string l = mainnet_lines()[kG2Line + 1];
    l[191] = l[191] == '0' ? '1' : '0';  // a different x: off the curve or outside G2
    expect_text_error(with_line(kG2Line + 2, l), {"line 4101", "g2_monomial[2]"});
    std::string inf2 = "c0" + std::string(190, '0');
    expect_text_error(with_line(kG2Line, inf2), {"line 4099", "g2_monomial[0]", "infinity"});
    expect_text_error(with_line(kG1MonomialLine + 5, hex48(unit::g1_not_in_subgroup())),
                      {"line 4169", "g1_monomial[5]", "subgroup"});
}

TEST_F(SetupLoader, TextMonomialPointsOfAnotherSecret) {
    // g1_monomial[1] swapped with g1_monomial[2]: every point is valid, but
    // [s]G1 no longer matches [s]G2.
    auto lines = mainnet_lines();
    std::swap(lines[kG1MonomialLine], lines[kG1MonomialLine + 1]);
    expect_text_error(unit::join_lines(lines), {"g1_monomial[1]", "g2_monomial[1]", "same secret"});
}

TEST_F(SetupLoader, TextTrailingContent) {
    expect_text_error(mainnet_text() + "deadbeef\n", {"line 8260", "unexpected content"});
    expect_text_error(mainnet_text() + "\n\nx", {"line 8262", "unexpected content"});
    expect_text_error(with_line(kTotalLines, mainnet_lines().back() + "zz"), {"line 8259", "g1_monomial[4095]"});
    expect_text_error(mainnet_text() + mainnet_lines().back() + "\n", {"line 8260", "unexpected content"});
}

// ---- malformed JSON ---------------------------------------------------------------------------

TEST_F(SetupLoader, JsonNotJson) {
    expect_json_error("", {"not valid JSON"});
    expect_json_error("{", {"not valid JSON"});
    expect_json_error("{\"g1_lagrange\": [}", {"not valid JSON"});
    expect_json_error(mainnet_text(), {"not valid JSON"});
    expect_json_error(std::string("{\"a\":\0}", 7), {"not valid JSON"});
    expect_json_error("[]", {"JSON object"});
    expect_json_error("null", {"JSON object"});
    expect_json_error("42", {"JSON object"});
    expect_json_error("\"g1_lagrange\"", {"JSON object"});
}

TEST_F(SetupLoader, JsonFields) {
    const std::string p1 = "\"0x" + mainnet_lines()[kG1LagrangeLine - 1] + "\"";
    expect_json_error("{}", {"missing field", "g1_lagrange"});
    expect_json_error("{\"g1_lagrange\": [" + p1 + "], \"g1_monomial\": []}", {"missing field", "g2_monomial"});
    expect_json_error("{\"g1_lagrange\": [], \"g2_monomial\": []}", {"missing field", "g1_monomial"});
    expect_json_error("{\"g1_lagrange\": [], \"g2_monomial\": [], \"g1_monomial\": [], \"extra\": 1}",
                      {"unknown field", "extra"});
    expect_json_error("{\"G1_lagrange\": []}", {"unknown field", "G1_lagrange"});
    expect_json_error("{\"g1_lagrange\": \"0x00\", \"g2_monomial\": [], \"g1_monomial\": []}",
                      {"g1_lagrange", "array"});
    expect_json_error("{\"g1_lagrange\": {}, \"g2_monomial\": [], \"g1_monomial\": []}", {"g1_lagrange", "array"});
    expect_json_error("{\"g1_lagrange\": [" + p1 + ", 5], \"g2_monomial\": [], \"g1_monomial\": []}",
                      {"g1_lagrange[1]", "hex string"});
    expect_json_error("{\"g1_lagrange\": [], \"g2_monomial\": [null], \"g1_monomial\": []}",
                      {"g2_monomial[0]", "hex string"});
    expect_json_error("{\"g1_lagrange\": [], \"g2_monomial\": [], \"g1_monomial\": [[" + p1 + "]]}",
                      {"g1_monomial[0]", "hex string"});
    expect_json_error("{\"g1_lagrange\": [\"0xzz\"], \"g2_monomial\": [], \"g1_monomial\": []}",
                      {"g1_lagrange[0]", "'z'"});
    expect_json_error("{\"g1_lagrange\": [" + p1 + ", \"0x00\"], \"g2_monomial\": [], \"g1_monomial\": []}",
                      {"g1_lagrange[1]", "expected 48 bytes, got 1"});
}

TEST_F(SetupLoader, JsonWrongCounts) {
    const std::string p1 = "\"0x" + mainnet_lines()[kG1LagrangeLine - 1] + "\"";
    expect_json_error("{\"g1_lagrange\": [" + p1 + "], \"g2_monomial\": [], \"g1_monomial\": []}",
                      {"g1_lagrange", "4096", "got 1"});
    expect_json_error("{\"g1_lagrange\": [], \"g2_monomial\": [], \"g1_monomial\": []}", {"g1_lagrange", "got 0"});
    expect_json_error(json_from_text(true, 1), {"g2_monomial", "65", "got 64"});
}

TEST_F(SetupLoader, JsonInvalidPoints) {
    std::string json = json_from_text();
    // Replace g1_lagrange[3] (its hex is unique in the document).
    const std::string& old = mainnet_lines()[kG1LagrangeLine + 2];
    const auto at = json.find(old);
    ASSERT_NE(at, std::string::npos);
    std::string bad = json;
    bad.replace(at, old.size(), hex48(unit::g1_not_in_subgroup()));
    expect_json_error(bad, {"g1_lagrange[3]", "subgroup"});
    bad = json;
    bad.replace(at, old.size(), hex48(unit::g1_off_curve()));
    expect_json_error(bad, {"g1_lagrange[3]", "not a valid"});
    bad = json;
    bad.replace(at, old.size(), "c0" + std::string(94, '0'));
    expect_json_error(bad, {"g1_lagrange[3]", "infinity"});
    bad = json;
    bad.replace(at, old.size(), old.substr(0, 94));
    expect_json_error(bad, {"g1_lagrange[3]", "expected 48 bytes, got 47"});
}

}  // namespace
