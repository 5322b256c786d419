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
enum class Field { kBlob, kZ, kY, kCommitment, kProof, kBlobs, kCommitments, kProofs, kCellIndices, kCells, kVersion };

enum class WireType {
    kBlob,         // Bytes131072
    kBytes32,      // field element (z, y)
    kBytes48,      // G1 point (commitment, proof)
    kBlobList,     // List[Blob]
    kBytes48List,  // List[Bytes48]
    kCellList,     // List[Cell] (Cell = Bytes2048)
    kIndexList,    // List[uint64]
    kUint64,       // uint64 (JSON: a number or a decimal string)
};

std::string_view field_name(Field f);
WireType field_type(Field f);
bool is_list(WireType t);
// Bytes of one fixed-size value or one list element (8 for an index).
std::size_t element_size(WireType t);

enum class Output {
    kCommitment,
    kProofAndY,
    kProof,
    kValid,
    kCells,
    kCellsAndProofs,
    kBlobSidecar,    // commitments, versioned hashes, cell proofs (version 1) or blob proofs (version 0)
    kSidecarChecks,  // valid, and the failures of each sidecar
};

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
    // Calls shaped for their users rather than the spec (docs/service.md):
    kComputeBlobSidecar,        // a blob transaction's sidecar, for blob submitters
    kVerifyBlobSidecars,        // Beacon API blob sidecars
    kVerifyDataColumnSidecars,  // Beacon API data-column sidecars
};

// How a request body is read: the function's fields (JSON object or SSZ
// container), or a Beacon API response body (JSON only).
enum class Body { kFields, kBeaconBlobSidecars, kBeaconDataColumnSidecars };

struct FunctionSpec {
    FunctionId id;
    std::string_view name;       // route: /v1/<name>
    std::vector<Field> fields;   // in SSZ container order
    Output output;
    Body body = Body::kFields;
};

// The consensus-spec functions first (kSpecFunctions of them, in the order of
// docs/service.md), then the sidecar calls.
const std::vector<FunctionSpec>& functions();
inline constexpr std::size_t kSpecFunctions = 10;
const FunctionSpec* find_function(std::string_view name);

// Decoded request arguments; only the fields of the function are set.
struct Args {
    std::unique_ptr<kzg::Blob> blob;
    kzg::Bytes32 z, y;
    kzg::KZGCommitment commitment;
    kzg::KZGProof proof;
    std::vector<kzg::Blob> blobs;
    std::vector<kzg::KZGCommitment> commitments;
    std::vector<kzg::KZGProof> proofs;
    std::vector<std::uint64_t> cell_indices;
    std::vector<kzg::Cell> cells;
    std::uint64_t version = 1;  // compute_blob_sidecar (optional in JSON)
    // Beacon API bodies: one entry per sidecar of `data`, in order. One that
    // did not decode carries its error and no values.
    struct BlobSidecar {
        std::string error;
        std::size_t blob = 0;  // index into blobs
        kzg::KZGCommitment commitment;
        kzg::KZGProof proof;
    };
    std::vector<BlobSidecar> blob_sidecars;
    struct ColumnSidecar {
        std::string error;
        std::uint64_t index = 0;  // the column
        std::vector<kzg::Cell> column;
        std::vector<kzg::KZGCommitment> commitments;
        std::vector<kzg::KZGProof> proofs;
    };
    std::vector<ColumnSidecar> column_sidecars;
};

struct Failure {
    std::size_t index;
    std::string message;
};

// What a function returned.
struct Outcome {
    Output kind = Output::kValid;
    kzg::Bytes48 point;   // commitment or proof
    kzg::Bytes32 y;
    bool valid = false;
    std::vector<kzg::Cell> cells;
    std::vector<kzg::KZGProof> proofs;
    // kBlobSidecar (with proofs above); kSidecarChecks (with valid above).
    std::uint64_t version = 1;
    std::vector<kzg::KZGCommitment> commitments;
    std::vector<kzg::Bytes32> versioned_hashes;
    std::vector<Failure> failures;
};

// The one error shape: {"code":400,"message":"...","failures":[{"index":i,"message":"..."}]}.
struct ApiError {
    int status = 400;
    std::string message;
    std::vector<Failure> failures;
};

// The 400 for one or more bad elements: the first one's message, with
// " (and N more)" when there are several, and all of them as failures.
ApiError invalid_elements(std::vector<Failure> failures);

// Size limits applied while decoding (configurable).
struct DecodeLimits {
    std::size_t max_batch_blobs = 64;  // elements of blobs/commitments/proofs in verify_blob_kzg_proof_batch
    std::size_t max_cells = 8192;      // elements of each list in the cell functions
};

// Element limit of a list field of `fn`.
std::size_t list_limit(const FunctionSpec& fn, Field f, const DecodeLimits& limits);

// Runs `fn` on the context. Library errors become ApiError: kInvalidInput is
// 400 (with failures when the error names a list element, "blobs[3]: ..."),
// anything else 500.
// `pool` (optional) runs the blobs of a compute_blob_sidecar in parallel.
std::optional<ApiError> invoke(const kzg::Context& ctx, const FunctionSpec& fn, const Args& args, Outcome& out,
                               kzg::ThreadPool* pool = nullptr);

// The element of one of fn's list fields that a library error names (its
// argument and index, as data), for the answer's failures.
std::optional<std::size_t> failure_index(const FunctionSpec& fn, const kzg::Error& error);

}  // namespace kzgd
