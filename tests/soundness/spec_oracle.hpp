// Fiat-Shamir transcripts written from the consensus specs alone (deneb
// polynomial-commitments.md, fulu polynomial-commitments-sampling.md), hashed
// with the independent SHA-256 of sha256_oracle.hpp. Each transcript can also
// be built with one deliberate bug (a TranscriptBug): the challenge a broken
// library would use, from which the forged-batch tests build their forgeries.
#pragma once

#include <kzg/kzg.hpp>

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "soundness/sha256_oracle.hpp"

namespace soundness {

using Bytes = std::vector<std::uint8_t>;
using kzg::Bytes32;
using kzg::Bytes48;
using kzg::KZGCommitment;
using kzg::KZGProof;

// BLS_MODULUS (the order r of G1), big-endian.
inline constexpr std::array<std::uint8_t, 32> kBlsModulus = {
    0x73, 0xed, 0xa7, 0x53, 0x29, 0x9d, 0x7d, 0x48, 0x33, 0x39, 0xd8, 0x08, 0x09, 0xa1, 0xd8, 0x05,
    0x53, 0xbd, 0xa4, 0x02, 0xff, 0xfe, 0x5b, 0xfe, 0xff, 0xff, 0xff, 0xff, 0x00, 0x00, 0x00, 0x01};

// Spec domain separators.
inline constexpr std::string_view kFiatShamirDomain = "FSBLOBVERIFY_V1_";  // FIAT_SHAMIR_PROTOCOL_DOMAIN
inline constexpr std::string_view kBatchDomain = "RCKZGBATCH___V1_";       // RANDOM_CHALLENGE_KZG_BATCH_DOMAIN
inline constexpr std::string_view kCellBatchDomain = "RCKZGCBATCH__V1_";   // RANDOM_CHALLENGE_KZG_CELL_BATCH_DOMAIN

// int.to_bytes(v, width, "big") for width >= 8.
inline void put_uint_be(Bytes& out, std::uint64_t v, std::size_t width = 8) {
    for (std::size_t i = width; i-- > 0;) out.push_back(i >= 8 ? 0 : static_cast<std::uint8_t>(v >> (8 * i)));
}
inline void put(Bytes& out, std::span<const std::uint8_t> bytes) { out.insert(out.end(), bytes.begin(), bytes.end()); }
inline void put(Bytes& out, std::string_view s) { out.insert(out.end(), s.begin(), s.end()); }
template <std::size_t N, class Tag>
inline void put(Bytes& out, const kzg::ByteArray<N, Tag>& b) {
    put(out, std::span<const std::uint8_t>(b.data(), N));
}

// x mod BLS_MODULUS for a 256-bit big-endian x. 2^256 < 3r: at most two subtractions.
inline Bytes32 reduce_mod_bls_modulus(std::array<std::uint8_t, 32> x) {
    while (!std::lexicographical_compare(x.begin(), x.end(), kBlsModulus.begin(), kBlsModulus.end())) {
        int borrow = 0;
        for (std::size_t i = 32; i-- > 0;) {
            const int d = int{x[i]} - int{kBlsModulus[i]} - borrow;
            borrow = d < 0;
            x[i] = static_cast<std::uint8_t>(d + (borrow ? 256 : 0));
        }
    }
    Bytes32 out;
    out.bytes = x;
    return out;
}

// Spec hash_to_bls_field: int.from_bytes(hash(data), "big") % BLS_MODULUS, as bls_field_to_bytes.
inline Bytes32 hash_to_bls_field(std::span<const std::uint8_t> data) { return reduce_mod_bls_modulus(sha256(data)); }

// ---- deneb compute_challenge ----------------------------------------------------

// FIAT_SHAMIR_PROTOCOL_DOMAIN || int.to_bytes(FIELD_ELEMENTS_PER_BLOB, 16) || blob || commitment.
inline Bytes32 compute_challenge(const kzg::Blob& blob, const KZGCommitment& commitment) {
    Bytes data;
    put(data, kFiatShamirDomain);
    put_uint_be(data, kzg::FIELD_ELEMENTS_PER_BLOB, 16);
    put(data, blob);
    put(data, commitment);
    return hash_to_bls_field(data);
}

// ---- deneb verify_kzg_proof_batch ---------------------------------------------

// The claims C_i(z_i) = y_i with proofs pi_i, all as their spec byte encodings.
struct KzgClaims {
    std::vector<KZGCommitment> commitments;
    std::vector<Bytes32> zs, ys;
    std::vector<KZGProof> proofs;
    std::size_t size() const { return commitments.size(); }
};

// One deliberate transcript bug each (kNone: the spec).
enum class TranscriptBug {
    kNone,
    kNoProofs,
    kNoY,
    kNoZ,
    kNoCount,              // without len(commitments) (cells: without both counts)
    kNoCommitments,        // cells: without the deduplicated commitments list
    kNoDegree,             // without FIELD_ELEMENTS_PER_BLOB (cells: and FIELD_ELEMENTS_PER_CELL)
    kReordered,            // all commitments, then all z, all y, all proofs (cells: every list in turn)
    kWrongDomain,          // the other batch domain (a copy-paste slip)
    kNoCells,              // cells only
    kNoCellIndices,        // cells only
    kNoCommitmentIndices,  // cells only
};

inline const char* bug_name(TranscriptBug bug) {
    switch (bug) {
        case TranscriptBug::kNone: return "spec";
        case TranscriptBug::kNoProofs: return "no_proofs";
        case TranscriptBug::kNoY: return "no_y";
        case TranscriptBug::kNoZ: return "no_z";
        case TranscriptBug::kNoCount: return "no_count";
        case TranscriptBug::kNoCommitments: return "no_commitments";
        case TranscriptBug::kNoDegree: return "no_degree";
        case TranscriptBug::kReordered: return "reordered";
        case TranscriptBug::kWrongDomain: return "wrong_domain";
        case TranscriptBug::kNoCells: return "no_cells";
        case TranscriptBug::kNoCellIndices: return "no_cell_indices";
        case TranscriptBug::kNoCommitmentIndices: return "no_commitment_indices";
    }
    return "?";
}

inline constexpr TranscriptBug kKzgBatchBugs[] = {
    TranscriptBug::kNoProofs, TranscriptBug::kNoY, TranscriptBug::kNoZ,
    TranscriptBug::kNoCount, TranscriptBug::kNoCommitments, TranscriptBug::kNoDegree,
    TranscriptBug::kReordered, TranscriptBug::kWrongDomain};

// Spec verify_kzg_proof_batch:
//   data = RANDOM_CHALLENGE_KZG_BATCH_DOMAIN + int.to_bytes(FIELD_ELEMENTS_PER_BLOB, 8)
//        + int.to_bytes(len(commitments), 8)
//   for each i: data += commitment + int.to_bytes(z, 32) + int.to_bytes(y, 32) + proof
//   r = hash_to_bls_field(data)
inline Bytes32 kzg_batch_challenge(const KzgClaims& c, TranscriptBug bug = TranscriptBug::kNone) {
    using B = TranscriptBug;
    Bytes data;
    put(data, bug == B::kWrongDomain ? kCellBatchDomain : kBatchDomain);
    if (bug != B::kNoDegree) put_uint_be(data, kzg::FIELD_ELEMENTS_PER_BLOB);
    if (bug != B::kNoCount) put_uint_be(data, c.size());
    if (bug == B::kReordered) {
        for (const auto& x : c.commitments) put(data, x);
        for (const auto& x : c.zs) put(data, x);
        for (const auto& x : c.ys) put(data, x);
        for (const auto& x : c.proofs) put(data, x);
    } else {
        for (std::size_t i = 0; i < c.size(); i++) {
            if (bug != B::kNoCommitments) put(data, c.commitments[i]);
            if (bug != B::kNoZ) put(data, c.zs[i]);
            if (bug != B::kNoY) put(data, c.ys[i]);
            if (bug != B::kNoProofs) put(data, c.proofs[i]);
        }
    }
    return hash_to_bls_field(data);
}

// ---- fulu verify_cell_kzg_proof_batch ----------------------------------------

// The arguments of spec compute_verify_cell_kzg_proof_batch_challenge: the
// deduplicated commitments and, per cell, its commitment index.
struct CellClaims {
    std::vector<KZGCommitment> commitments;
    std::vector<std::uint64_t> commitment_indices, cell_indices;
    std::vector<kzg::Cell> cells;
    std::vector<KZGProof> proofs;
};

// Spec verify_cell_kzg_proof_batch's deduplication: first occurrences in
// order, commitment_indices = [deduplicated.index(c) for c in commitments_bytes].
inline CellClaims dedup_cell_claims(std::span<const KZGCommitment> commitments_bytes,
                                    std::span<const std::uint64_t> cell_indices, std::span<const kzg::Cell> cells,
                                    std::span<const KZGProof> proofs) {
    CellClaims c;
    for (const auto& cb : commitments_bytes) {
        auto it = std::find(c.commitments.begin(), c.commitments.end(), cb);
        if (it == c.commitments.end()) it = c.commitments.insert(c.commitments.end(), cb);
        c.commitment_indices.push_back(static_cast<std::uint64_t>(it - c.commitments.begin()));
    }
    c.cell_indices.assign(cell_indices.begin(), cell_indices.end());
    c.cells.assign(cells.begin(), cells.end());
    c.proofs.assign(proofs.begin(), proofs.end());
    return c;
}

inline constexpr TranscriptBug kCellBatchBugs[] = {
    TranscriptBug::kNoProofs, TranscriptBug::kNoCells, TranscriptBug::kNoCellIndices,
    TranscriptBug::kNoCommitmentIndices, TranscriptBug::kNoCommitments, TranscriptBug::kNoCount,
    TranscriptBug::kNoDegree, TranscriptBug::kReordered, TranscriptBug::kWrongDomain};

// Spec compute_verify_cell_kzg_proof_batch_challenge:
//   RANDOM_CHALLENGE_KZG_CELL_BATCH_DOMAIN || int.to_bytes(FIELD_ELEMENTS_PER_BLOB, 8)
//   || int.to_bytes(FIELD_ELEMENTS_PER_CELL, 8) || int.to_bytes(len(commitments), 8)
//   || int.to_bytes(len(cell_indices), 8) || commitments...
//   || for each k: int.to_bytes(commitment_indices[k], 8) || int.to_bytes(cell_indices[k], 8)
//                  || bls_field_to_bytes of each coset evaluation (the canonical cell bytes) || proofs[k]
inline Bytes32 cell_batch_challenge(const CellClaims& c, TranscriptBug bug = TranscriptBug::kNone) {
    using B = TranscriptBug;
    const std::size_t n = c.cell_indices.size();
    Bytes data;
    put(data, bug == B::kWrongDomain ? kBatchDomain : kCellBatchDomain);
    if (bug != B::kNoDegree) {
        put_uint_be(data, kzg::FIELD_ELEMENTS_PER_BLOB);
        put_uint_be(data, kzg::FIELD_ELEMENTS_PER_CELL);
    }
    if (bug != B::kNoCount) {
        put_uint_be(data, c.commitments.size());
        put_uint_be(data, n);
    }
    if (bug != B::kNoCommitments)
        for (const auto& x : c.commitments) put(data, x);
    if (bug == B::kReordered) {
        for (auto x : c.commitment_indices) put_uint_be(data, x);
        for (auto x : c.cell_indices) put_uint_be(data, x);
        for (const auto& x : c.cells) put(data, x);
        for (const auto& x : c.proofs) put(data, x);
    } else {
        for (std::size_t k = 0; k < n; k++) {
            if (bug != B::kNoCommitmentIndices) put_uint_be(data, c.commitment_indices[k]);
            if (bug != B::kNoCellIndices) put_uint_be(data, c.cell_indices[k]);
            if (bug != B::kNoCells) put(data, c.cells[k]);
            if (bug != B::kNoProofs) put(data, c.proofs[k]);
        }
    }
    return hash_to_bls_field(data);
}

}  // namespace soundness
