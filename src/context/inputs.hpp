// Decoding of untrusted inputs with errors that name the input, shared by
// every EIP: "commitments[3]: is not in the prime-order subgroup".
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "core/fr.hpp"
#include "core/g1.hpp"
#include "kzg/kzg.hpp"

namespace kzg::detail {

// An error no single argument is at fault for ("lists differ in length").
inline Error invalid(std::string msg) { return Error{ErrorCode::kInvalidInput, std::move(msg), {}, {}}; }

// The argument an error names: "blob", or an element of a list, "proofs[3]".
struct Arg {
    Arg(const char* n) : name(n) {}       // NOLINT: implicit from the name, by design
    Arg(std::string_view n) : name(n) {}  // NOLINT
    Arg(std::string_view n, std::size_t i) : name(n), index(i) {}
    std::string text() const {
        return index ? std::string(name) + "[" + std::to_string(*index) + "]" : std::string(name);
    }
    std::string_view name;
    std::optional<std::size_t> index;
};

// "<arg>: <what>", with the argument and index as data (Error::argument, index).
inline Error invalid(const Arg& arg, const std::string& what) {
    return Error{ErrorCode::kInvalidInput, arg.text() + ": " + what, std::string(arg.name), arg.index};
}

inline Arg indexed(std::string_view field, std::size_t i) { return Arg(field, i); }

// Spec bytes_to_kzg_commitment / bytes_to_kzg_proof (validate_kzg_g1).
// Any 48-byte string: KZGCommitment, KZGProof or untyped Bytes48.
template <class Tag>
std::optional<Error> decode_g1(blst_p1& out, const ByteArray<48, Tag>& in, const Arg& field) {
    const core::PointStatus st = core::g1_decode(out, in.data());
    if (st == core::PointStatus::kOk) return std::nullopt;
    return invalid(field, core::point_status_text(st));
}

// Spec bytes_to_bls_field.
inline std::optional<Error> decode_fr(core::Fr& out, const std::uint8_t* in, const Arg& field) {
    if (core::fr_from_bytes(out, in)) return std::nullopt;
    return invalid(field, "not a canonical field element (>= BLS modulus)");
}

inline Error non_canonical_element(const Arg& field, std::size_t index) {
    return invalid(field, "field element " + std::to_string(index) + " is not canonical (>= BLS modulus)");
}

// Spec blob_to_polynomial into out (FIELD_ELEMENTS_PER_BLOB elements).
inline std::optional<Error> blob_to_polynomial(std::span<core::Fr> out, const Blob& blob, const Arg& field) {
    for (std::size_t i = 0; i < FIELD_ELEMENTS_PER_BLOB; i++) {
        if (!core::fr_from_bytes(out[i], blob.data() + i * BYTES_PER_FIELD_ELEMENT))
            return non_canonical_element(field, i);
    }
    return std::nullopt;
}

// blob_to_polynomial without the conversion to Montgomery form: out[i]'s limbs
// hold the element's integer (core::fr_plain_from_bytes). Same checks, same error.
inline std::optional<Error> blob_to_plain_polynomial(std::span<core::Fr> out, const Blob& blob, const Arg& field) {
    for (std::size_t i = 0; i < FIELD_ELEMENTS_PER_BLOB; i++) {
        if (!core::fr_plain_from_bytes(out[i], blob.data() + i * BYTES_PER_FIELD_ELEMENT))
            return non_canonical_element(field, i);
    }
    return std::nullopt;
}

}  // namespace kzg::detail
