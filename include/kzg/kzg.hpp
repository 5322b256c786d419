// kzg/kzg.hpp — the public API of the kzgd KZG engine.
//
// One immutable Context holds a validated trusted setup and every table derived
// from it. After construction it is thread-safe: any number of threads may call
// its const methods at once.
//
// Every function follows the consensus specs (deneb polynomial-commitments for
// EIP-4844, fulu polynomial-commitments-sampling for EIP-7594) and keeps their
// names. Every failure is a defined return: a Result carrying an ErrorCode and
// a message that names the offending input, e.g.
//   "blob: field element 17 is not canonical (>= BLS modulus)".
// No exception crosses this API on bad input; blob-sized data never lives on
// the stack.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace kzg {

class ThreadPool;      // kzg/thread_pool.hpp
struct PhaseObserver;  // kzg/observer.hpp

inline constexpr std::size_t BYTES_PER_FIELD_ELEMENT = 32;
inline constexpr std::size_t FIELD_ELEMENTS_PER_BLOB = 4096;
inline constexpr std::size_t BYTES_PER_BLOB = BYTES_PER_FIELD_ELEMENT * FIELD_ELEMENTS_PER_BLOB;
inline constexpr std::size_t BYTES_PER_COMMITMENT = 48;
inline constexpr std::size_t BYTES_PER_PROOF = 48;
inline constexpr std::size_t FIELD_ELEMENTS_PER_EXT_BLOB = 2 * FIELD_ELEMENTS_PER_BLOB;
inline constexpr std::size_t FIELD_ELEMENTS_PER_CELL = 64;
inline constexpr std::size_t BYTES_PER_CELL = BYTES_PER_FIELD_ELEMENT * FIELD_ELEMENTS_PER_CELL;
inline constexpr std::size_t CELLS_PER_EXT_BLOB = FIELD_ELEMENTS_PER_EXT_BLOB / FIELD_ELEMENTS_PER_CELL;

// Fixed-size byte strings. Blob (128 KiB) and Cell (2 KiB) are large: keep them
// on the heap (std::vector<Blob>, std::make_unique<Blob>()).
template <std::size_t N>
struct ByteArray {
    std::array<std::uint8_t, N> bytes{};

    static constexpr std::size_t size() { return N; }
    std::uint8_t* data() { return bytes.data(); }
    const std::uint8_t* data() const { return bytes.data(); }
    bool operator==(const ByteArray&) const = default;
};

using Bytes32 = ByteArray<32>;
using Bytes48 = ByteArray<48>;
using Blob = ByteArray<BYTES_PER_BLOB>;
using Cell = ByteArray<BYTES_PER_CELL>;
using KZGCommitment = Bytes48;
using KZGProof = Bytes48;

enum class ErrorCode {
    kOk = 0,
    kInvalidInput,   // the caller's input is malformed or out of range
    kInvalidSetup,   // a trusted setup could not be parsed or failed validation
    kIo,             // a file could not be read or written
    kInternal,       // a bug or an exhausted resource; never caused by input alone
};

// Short stable name of an ErrorCode ("ok", "invalid_input", ...).
std::string_view error_code_name(ErrorCode code);

struct Error {
    ErrorCode code = ErrorCode::kInternal;
    std::string message;
};

// A value or an Error. Access value() only when ok().
template <class T>
class [[nodiscard]] Result {
  public:
    Result(T value) : value_(std::move(value)) {}                       // NOLINT: implicit by design
    Result(Error error) : error_(std::move(error)) {}                   // NOLINT
    Result(ErrorCode code, std::string message) : error_{code, std::move(message)} {}

    bool ok() const { return value_.has_value(); }
    explicit operator bool() const { return ok(); }
    const T& value() const& { return *value_; }
    T& value() & { return *value_; }
    T&& value() && { return std::move(*value_); }
    const T& operator*() const& { return *value_; }
    const T* operator->() const { return &*value_; }
    ErrorCode code() const { return ok() ? ErrorCode::kOk : error_.code; }
    const std::string& message() const { return error_.message; }
    const Error& error() const { return error_; }

  private:
    std::optional<T> value_;
    Error error_;
};

struct ProofAndY {
    KZGProof proof;
    Bytes32 y;
};

struct CellsAndProofs {
    std::vector<Cell> cells;       // CELLS_PER_EXT_BLOB cells
    std::vector<KZGProof> proofs;  // CELLS_PER_EXT_BLOB proofs
};

// Memory/speed trade-offs of a Context (README.md has the table of table
// bytes and speed per setting). Every setting gives identical results.
struct ContextOptions {
    // Window bits of the fixed-base tables for FK20's 128 MSMs of 64 points
    // (compute_cells_and_kzg_proofs, recover_cells_and_kzg_proofs): 0 uses
    // blst's Pippenger and no table, 2..16 a table of
    // 8192 * ceil(256 / bits) * 96 bytes (8: 24 MiB).
    int precompute = 8;
    // Window bits of the fixed-base tables for the 4096-point MSM of blob
    // commitments and proofs: 0 uses Pippenger, 2..16 a table of
    // 4096 * ceil(256 / bits) * 96 bytes (12: 8.25 MiB).
    int blob_window_bits = 12;
    // Threads that build the tables; 0: every CPU this process may run on.
    // Calls themselves run on the caller's thread.
    unsigned build_threads = 0;
    // Build each table on its first use (once, thread-safe) instead of at
    // construction: fast start for short-lived tools; a service keeps false
    // so that no request pays for it.
    bool lazy_tables = false;
    // Threads for splitting one call into pieces (blob MSMs, FK20, batch
    // verification). Null: every call runs on its caller's thread alone. Share
    // one pool between the Context and the requests that call it.
    std::shared_ptr<ThreadPool> pool;
    // Directory of the on-disk table cache (created by the caller); empty: no
    // cache. Files are verified before use and written atomically; an
    // unwritable directory only means building the tables at each start.
    std::string table_cache_dir;
    // Receives the duration of each internal phase of every call (decode,
    // msm, fft, pairing, ...). Null: no timing at all (no clock reads).
    std::shared_ptr<PhaseObserver> observer;
};

// Where a Context's precomputed table came from (for /v1/info, logs).
struct TableInfo {
    std::string name;        // e.g. "fk20-msm-w8"
    std::size_t bytes = 0;
    std::string source;      // "built" or "cache"
    std::string cache_note;  // why the cache was not used or written, if so
};

namespace detail {
struct ContextImpl;
}

class Context {
  public:
    // The mainnet trusted setup embedded in the library at build time: no file needed.
    static Result<std::shared_ptr<const Context>> mainnet(const ContextOptions& options = {});
    // c-kzg's text format: 4096 G1 Lagrange, 65 G2 monomial, 4096 G1 monomial points.
    static Result<std::shared_ptr<const Context>> from_text(std::string_view text,
                                                            const ContextOptions& options = {});
    // consensus-specs JSON: {"g1_lagrange": [...], "g2_monomial": [...], "g1_monomial": [...]}.
    static Result<std::shared_ptr<const Context>> from_json(std::string_view json,
                                                            const ContextOptions& options = {});
    // Compressed points as c-kzg's load_trusted_setup takes them: 4096 G1
    // monomial, 4096 G1 Lagrange (file order) and 65 G2 monomial points,
    // concatenated. Wrong lengths and bad points: kInvalidSetup.
    static Result<std::shared_ptr<const Context>> from_compressed(std::span<const std::uint8_t> g1_monomial,
                                                                  std::span<const std::uint8_t> g1_lagrange,
                                                                  std::span<const std::uint8_t> g2_monomial,
                                                                  const ContextOptions& options = {});
    // Reads a file in either format (JSON when its first non-blank byte is '{').
    static Result<std::shared_ptr<const Context>> from_file(const std::string& path,
                                                            const ContextOptions& options = {});

    ~Context();
    Context(const Context&) = delete;
    Context& operator=(const Context&) = delete;

    // Identity of the setup: sha256 of its canonical bytes, the compressed points
    // g1_lagrange (file order) || g2_monomial || g1_monomial.
    const std::array<std::uint8_t, 32>& setup_sha256() const;
    std::string setup_sha256_hex() const;
    const ContextOptions& options() const;
    // The tables built so far (all of them, unless lazy_tables).
    std::vector<TableInfo> tables() const;

    // ---- EIP-4844 -------------------------------------------------------------
    Result<KZGCommitment> blob_to_kzg_commitment(const Blob& blob) const;
    Result<ProofAndY> compute_kzg_proof(const Blob& blob, const Bytes32& z) const;
    Result<KZGProof> compute_blob_kzg_proof(const Blob& blob, const Bytes48& commitment) const;
    Result<bool> verify_kzg_proof(const Bytes48& commitment, const Bytes32& z, const Bytes32& y,
                                  const Bytes48& proof) const;
    Result<bool> verify_blob_kzg_proof(const Blob& blob, const Bytes48& commitment,
                                       const Bytes48& proof) const;
    // Lists of equal length; an empty batch verifies true.
    Result<bool> verify_blob_kzg_proof_batch(std::span<const Blob> blobs,
                                             std::span<const Bytes48> commitments,
                                             std::span<const Bytes48> proofs) const;
    // The Fiat-Shamir challenge of verify_blob_kzg_proof (exposed for conformance).
    Result<Bytes32> compute_challenge(const Blob& blob, const Bytes48& commitment) const;

    // ---- EIP-7594 (PeerDAS) -----------------------------------------------------
    Result<std::vector<Cell>> compute_cells(const Blob& blob) const;
    Result<CellsAndProofs> compute_cells_and_kzg_proofs(const Blob& blob) const;
    // From at least 64 distinct cells, indices strictly ascending and < 128.
    Result<CellsAndProofs> recover_cells_and_kzg_proofs(std::span<const std::uint64_t> cell_indices,
                                                        std::span<const Cell> cells) const;
    Result<std::vector<Cell>> recover_cells(std::span<const std::uint64_t> cell_indices,
                                            std::span<const Cell> cells) const;
    // Four parallel lists, one entry per cell; an empty batch verifies true.
    Result<bool> verify_cell_kzg_proof_batch(std::span<const Bytes48> commitments,
                                             std::span<const std::uint64_t> cell_indices,
                                             std::span<const Cell> cells,
                                             std::span<const Bytes48> proofs) const;
    // The spec's challenge of the universal verification (exposed for conformance):
    // commitments deduplicated, commitment_indices per cell.
    Result<Bytes32> compute_verify_cell_kzg_proof_batch_challenge(
        std::span<const Bytes48> commitments, std::span<const std::uint64_t> commitment_indices,
        std::span<const std::uint64_t> cell_indices, std::span<const Cell> cosets_evals,
        std::span<const Bytes48> proofs) const;

    const detail::ContextImpl& impl() const { return *impl_; }

  private:
    explicit Context(std::unique_ptr<detail::ContextImpl> impl);
    static Result<std::shared_ptr<const Context>> build(std::unique_ptr<detail::ContextImpl> impl);
    std::unique_ptr<detail::ContextImpl> impl_;
};

}  // namespace kzg
