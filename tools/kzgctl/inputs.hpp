// Reading kzgctl's arguments: byte strings given literally (0x-hex) or as
// files (raw bytes of the exact size, or hex text), and JSON list inputs.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "kzg/codec.hpp"
#include "kzg/kzg.hpp"

namespace kzgctl {

// Thrown for any bad input; main() prints it to stderr and exits 2.
struct UsageError {
    std::string message;
};

// ARG is "0x..." hex, "-" for standard input, or a file path. A file holding
// exactly N bytes is taken raw; otherwise its content is hex text (0x optional,
// surrounding whitespace ignored).
std::vector<std::uint8_t> read_bytes_arg(const std::string& arg, std::size_t raw_size, const std::string& what);

// T: a ByteArray (kzg::Bytes32, kzg::KZGCommitment, kzg::KZGProof, ...).
template <class T>
T read_fixed_arg(const std::string& arg, const std::string& what) {
    auto bytes = read_bytes_arg(arg, T::size(), what);
    auto r = kzg::to_fixed<T>(bytes, what);
    if (!r) throw UsageError{r.message()};
    return *r;
}

std::unique_ptr<kzg::Blob> read_blob_arg(const std::string& arg);

// A JSON document from a file or "-" (stdin).
nlohmann::json read_json_arg(const std::string& arg);

// Field helpers for JSON inputs named like the consensus-spec vectors.
template <class T>
std::vector<T> json_hex_list(const nlohmann::json& doc, const std::string& field) {
    auto it = doc.find(field);
    if (it == doc.end() || !it->is_array()) throw UsageError{field + ": missing or not a list"};
    std::vector<T> out;
    out.reserve(it->size());
    for (std::size_t i = 0; i < it->size(); i++) {
        const std::string what = field + "[" + std::to_string(i) + "]";
        if (!(*it)[i].is_string()) throw UsageError{what + ": not a hex string"};
        auto r = kzg::hex_to_fixed<T>((*it)[i].get<std::string>(), what);
        if (!r) throw UsageError{r.message()};
        out.push_back(*r);
    }
    return out;
}

std::vector<std::uint64_t> json_index_list(const nlohmann::json& doc, const std::string& field);

}  // namespace kzgctl
