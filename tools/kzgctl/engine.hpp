// Where kzgctl's compute and verify commands run: the local engine (a
// kzg::Context, the default) or a kzgd reached with the global --server URL,
// through its POST /v1/<function> JSON API. Both answer with the library's
// Result types, so a command prints the same output and exits with the same
// status either way: a 400 from kzgd is kInvalidInput with kzgd's message
// (the library's own message for the same input); a transport failure or any
// other status is kInternal with a message naming the server.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "kzg/kzg.hpp"

namespace kzgctl {

class Engine {
  public:
    virtual ~Engine() = default;
    virtual kzg::Result<kzg::KZGCommitment> blob_to_kzg_commitment(const kzg::Blob& blob) const = 0;
    virtual kzg::Result<kzg::ProofAndY> compute_kzg_proof(const kzg::Blob& blob, const kzg::Bytes32& z) const = 0;
    virtual kzg::Result<kzg::KZGProof> compute_blob_kzg_proof(const kzg::Blob& blob,
                                                              const kzg::KZGCommitment& commitment) const = 0;
    virtual kzg::Result<bool> verify_kzg_proof(const kzg::KZGCommitment& commitment, const kzg::Bytes32& z,
                                               const kzg::Bytes32& y, const kzg::KZGProof& proof) const = 0;
    virtual kzg::Result<bool> verify_blob_kzg_proof(const kzg::Blob& blob, const kzg::KZGCommitment& commitment,
                                                    const kzg::KZGProof& proof) const = 0;
    virtual kzg::Result<bool> verify_blob_kzg_proof_batch(std::span<const kzg::Blob> blobs,
                                                          std::span<const kzg::KZGCommitment> commitments,
                                                          std::span<const kzg::KZGProof> proofs) const = 0;
    virtual kzg::Result<std::vector<kzg::Cell>> compute_cells(const kzg::Blob& blob) const = 0;
    virtual kzg::Result<kzg::CellsAndProofs> compute_cells_and_kzg_proofs(const kzg::Blob& blob) const = 0;
    virtual kzg::Result<kzg::CellsAndProofs> recover_cells_and_kzg_proofs(
        std::span<const std::uint64_t> cell_indices, std::span<const kzg::Cell> cells) const = 0;
    virtual kzg::Result<std::vector<kzg::Cell>> recover_cells(std::span<const std::uint64_t> cell_indices,
                                                              std::span<const kzg::Cell> cells) const = 0;
    virtual kzg::Result<bool> verify_cell_kzg_proof_batch(std::span<const kzg::KZGCommitment> commitments,
                                                          std::span<const std::uint64_t> cell_indices,
                                                          std::span<const kzg::Cell> cells,
                                                          std::span<const kzg::KZGProof> proofs) const = 0;
};

}  // namespace kzgctl
