#include "inputs.hpp"

#include <fstream>
#include <iostream>
#include <iterator>

#include "ops/text.hpp"  // trim

namespace kzgctl {

static std::string read_all(const std::string& path, const std::string& what) {
    if (path == "-") return std::string(std::istreambuf_iterator<char>(std::cin), {});
    std::ifstream in(path, std::ios::binary);
    if (!in) throw UsageError{what + ": cannot read file '" + path + "'"};
    return std::string(std::istreambuf_iterator<char>(in), {});
}

std::vector<std::uint8_t> read_bytes_arg(const std::string& arg, std::size_t raw_size, const std::string& what) {
    if (arg.rfind("0x", 0) == 0 || arg.rfind("0X", 0) == 0) {
        auto r = kzg::hex_decode(arg, what);
        if (!r) throw UsageError{r.message()};
        return std::move(r).value();
    }
    const std::string content = read_all(arg, what);
    if (content.size() == raw_size) {
        // Exactly N bytes: raw, unless it is also valid hex text of N/2 bytes
        // (it cannot be: hex text of N bytes decodes to N/2, never N).
        return std::vector<std::uint8_t>(content.begin(), content.end());
    }
    auto r = kzg::hex_decode(kzgd::trim(content), what, kzg::HexPrefix::kOptional);
    if (!r) throw UsageError{r.message() + " (a file must hold " + std::to_string(raw_size) + " raw bytes or hex text)"};
    return std::move(r).value();
}

std::unique_ptr<kzg::Blob> read_blob_arg(const std::string& arg) {
    auto bytes = read_bytes_arg(arg, kzg::BYTES_PER_BLOB, "blob");
    if (bytes.size() != kzg::BYTES_PER_BLOB)
        throw UsageError{"blob: expected " + std::to_string(kzg::BYTES_PER_BLOB) + " bytes, got " +
                         std::to_string(bytes.size())};
    auto blob = std::make_unique<kzg::Blob>();
    std::copy(bytes.begin(), bytes.end(), blob->bytes.begin());
    return blob;
}

nlohmann::json read_json_arg(const std::string& arg) {
    const std::string text = read_all(arg, "input");
    auto doc = nlohmann::json::parse(text, nullptr, false);
    if (doc.is_discarded()) throw UsageError{"input: '" + arg + "' is not valid JSON"};
    if (!doc.is_object()) throw UsageError{"input: expected a JSON object"};
    return doc;
}

std::vector<std::uint64_t> json_index_list(const nlohmann::json& doc, const std::string& field) {
    auto it = doc.find(field);
    if (it == doc.end() || !it->is_array()) throw UsageError{field + ": missing or not a list"};
    std::vector<std::uint64_t> out;
    for (std::size_t i = 0; i < it->size(); i++) {
        if (!(*it)[i].is_number_unsigned())
            throw UsageError{field + "[" + std::to_string(i) + "]: not an unsigned integer"};
        out.push_back((*it)[i].get<std::uint64_t>());
    }
    return out;
}

}  // namespace kzgctl
