// consensus-specs JSON trusted setup:
//   {"g1_lagrange": ["0x..", ...], "g2_monomial": [...], "g1_monomial": [...]}
#include <nlohmann/json.hpp>

#include "kzg/codec.hpp"
#include "setup/trusted_setup.hpp"

namespace kzg::setup {

namespace {

Error setup_error(const std::string& msg) { return Error{ErrorCode::kInvalidSetup, msg}; }

template <std::size_t N>
std::optional<Error> read_field(const nlohmann::json& doc, const char* field,
                                std::vector<std::array<std::uint8_t, N>>& out) {
    auto it = doc.find(field);
    if (it == doc.end()) return setup_error(std::string("missing field \"") + field + "\"");
    if (!it->is_array()) return setup_error(std::string(field) + ": expected an array of hex strings");
    out.resize(it->size());
    for (std::size_t i = 0; i < it->size(); i++) {
        const auto& v = (*it)[i];
        const std::string name = std::string(field) + "[" + std::to_string(i) + "]";
        if (!v.is_string()) return setup_error(name + ": expected a hex string");
        auto bytes = hex_decode(v.get_ref<const std::string&>(), name, HexPrefix::kOptional);
        if (!bytes) return setup_error(bytes.message());
        if (bytes->size() != N)
            return setup_error(name + ": expected " + std::to_string(N) + " bytes, got " + std::to_string(bytes->size()));
        std::copy(bytes->begin(), bytes->end(), out[i].begin());
    }
    return std::nullopt;
}

}  // namespace

Result<TrustedSetup> parse_json_setup(std::string_view json) {
    nlohmann::json doc;
    try {
        doc = nlohmann::json::parse(json.begin(), json.end());
    } catch (const nlohmann::json::exception& e) {  // parse_error, and out_of_range for numbers like 5E23235
        return setup_error(std::string("not valid JSON: ") + e.what());
    }
    if (!doc.is_object()) return setup_error("expected a JSON object with g1_lagrange, g2_monomial, g1_monomial");
    for (auto it = doc.begin(); it != doc.end(); ++it) {
        if (it.key() != "g1_lagrange" && it.key() != "g2_monomial" && it.key() != "g1_monomial")
            return setup_error("unknown field \"" + it.key() + "\"");
    }
    CompressedSetup c;
    if (auto e = read_field(doc, "g1_lagrange", c.g1_lagrange)) return *e;
    if (auto e = read_field(doc, "g2_monomial", c.g2_monomial)) return *e;
    if (auto e = read_field(doc, "g1_monomial", c.g1_monomial)) return *e;
    return validate_setup(c);
}

}  // namespace kzg::setup
