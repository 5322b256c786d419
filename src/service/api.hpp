// kzgd API model: the functions served under /v1/<function>, their request
// fields (named like the consensus-spec test vectors' inputs), decoded
// arguments, outputs and the error shape. No HTTP and no Beast here.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "kzg/kzg.hpp"

namespace kzgd {

// Every request field of every function, with one fixed wire type each.
enum class Field { kBlob, kZ, kY, kCommitment, kProof, kBlobs, kCommitments, kProofs, kCellIndices, kCells };

enum class WireType {
    kBlob,         // Bytes131072
    kBytes32,      // field element (z, y)
    kBytes48,      // G1 point (commitment, proof)
    kBlobList,     // List[Blob]
    kBytes48List,  // List[Bytes48]
    kCellList,     // List[Cell] (Cell = Bytes2048)
    kIndexList,    // List[uint64]
};

std::string_view field_name(Field f);
WireType field_type(Field f);
bool is_list(WireType t);
// Bytes of one fixed-size value or one list element (8 for an index).
std::size_t element_size(WireType t);

enum class Output { kCommitment, kProofAndY, kProof, kValid, kCells, kCellsAndProofs };

enum class FunctionId {
    kBlobToKzgCommitment,
    kComputeKzgProof,
    kComputeBlobKzgProof,
    kVerifyKzgProof,
    kVerifyBlobKzgProof,
    kVerifyBlobKzgProofBatch,
    kComputeCells,
    kComputeCellsAndKzgProofs,
    kRecoverCellsAndKzgProofs,
    kVerifyCellKzgProofBatch,
};

struct FunctionSpec {
    FunctionId id;
    std::string_view name;       // route: /v1/<name>
    std::vector<Field> fields;   // in SSZ container order
    Output output;
};

const std::vector<FunctionSpec>& functions();
const FunctionSpec* find_function(std::string_view name);

// Decoded request arguments; only the fields of the function are set.
struct Args {
    std::unique_ptr<kzg::Blob> blob;
    kzg::Bytes32 z, y;
    kzg::Bytes48 commitment, proof;
    std::vector<kzg::Blob> blobs;
    std::vector<kzg::Bytes48> commitments, proofs;
    std::vector<std::uint64_t> cell_indices;
    std::vector<kzg::Cell> cells;
};

// What a function returned.
struct Outcome {
    Output kind = Output::kValid;
    kzg::Bytes48 point;   // commitment or proof
    kzg::Bytes32 y;
    bool valid = false;
    std::vector<kzg::Cell> cells;
    std::vector<kzg::KZGProof> proofs;
};

struct Failure {
    std::size_t index;
    std::string message;
};

// The one error shape: {"code":400,"message":"...","failures":[{"index":i,"message":"..."}]}.
struct ApiError {
    int status = 400;
    std::string message;
    std::vector<Failure> failures;
};

// Size limits applied while decoding (configurable).
struct DecodeLimits {
    std::size_t max_batch_blobs = 64;  // elements of blobs/commitments/proofs in verify_blob_kzg_proof_batch
    std::size_t max_cells = 8192;      // elements of each list in the cell functions
};

// Element limit of a list field of `fn`.
std::size_t list_limit(const FunctionSpec& fn, Field f, const DecodeLimits& limits);

// Runs `fn` on the context. Library errors become ApiError: kInvalidInput is
// 400 (with failures when the message names a list element, "blobs[3]: ..."),
// anything else 500.
std::optional<ApiError> invoke(const kzg::Context& ctx, const FunctionSpec& fn, const Args& args, Outcome& out);

// Parses "<list field>[<index>]: ..." out of a library message.
std::optional<std::size_t> failure_index(const FunctionSpec& fn, std::string_view message);

}  // namespace kzgd
