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
#include <type_traits>
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
//
// Tag makes byte strings of the same size distinct types: a KZGCommitment is
// not a KZGProof, and neither is a plain Bytes48, so passing one where the
// other is expected does not compile. Convert deliberately, by value:
//   KZGProof p{raw.bytes};  // raw: a Bytes48 (or any ByteArray<48, ...>)
template <std::size_t N, class Tag = void>
struct ByteArray {
    std::array<std::uint8_t, N> bytes{};

    static constexpr std::size_t size() { return N; }
    std::uint8_t* data() { return bytes.data(); }
    const std::uint8_t* data() const { return bytes.data(); }
    bool operator==(const ByteArray&) const = default;
};

struct KZGCommitmentTag;
struct KZGProofTag;

using Bytes32 = ByteArray<32>;  // a field element (z, y, challenges) or a hash
using Bytes48 = ByteArray<48>;  // 48 untyped bytes; the API takes the two below
using Blob = ByteArray<BYTES_PER_BLOB>;
using Cell = ByteArray<BYTES_PER_CELL>;
// A compressed G1 point that commits to a polynomial (a blob's).
using KZGCommitment = ByteArray<BYTES_PER_COMMITMENT, KZGCommitmentTag>;
// A compressed G1 point that opens a commitment (at a point, or on a cell's coset).
using KZGProof = ByteArray<BYTES_PER_PROOF, KZGProofTag>;

enum class ErrorCode {
    kOk = 0,
    kInvalidInput,   // the caller's input is malformed or out of range
    kInvalidSetup,   // a trusted setup could not be parsed or failed validation
    kIo,             // a file could not be read or written
    kInternal,       // a bug or an exhausted resource; never caused by input alone
};

// Short stable name of an ErrorCode ("ok", "invalid_input", "invalid_setup",
// "io", "internal"); "unknown" for a value outside the enum.
std::string_view error_code_name(ErrorCode code);

// Why a call failed. Default-constructed: kInternal with no message.
struct Error {
    Error() = default;
    Error(ErrorCode c, std::string m, std::string arg = {}, std::optional<std::size_t> i = std::nullopt)
        : code(c), message(std::move(m)), argument(std::move(arg)), index(i) {}

    ErrorCode code = ErrorCode::kInternal;  // never kOk in a returned Error
    std::string message;                    // for people: names the input and the fault
    // kInvalidInput only, as data (the message says the same in words): the
    // argument at fault by its name in this header ("blob", "commitments",
    // "cell_indices", ...; empty when no single argument is, e.g. lists of
    // different lengths), and for a list argument the element at fault.
    std::string argument;
    std::optional<std::size_t> index;
};

// A value or an Error. ok() says which. value(), operator* and operator->
// require ok() (undefined behaviour otherwise); code(), message() and error()
// describe the failure (code() is kOk, message() empty, when ok()).
//
// Result<bool>, what every verify call returns, has no conversion to bool:
// `if (r)` or `if (!r)` would read as "verified" / "rejected" while meaning
// only "no error" / "error", so they do not compile. Ask both questions:
//   auto r = ctx->verify_kzg_proof(commitment, z, y, proof);
//   if (!r.ok()) return r.error();       // malformed input: no verdict
//   if (!r.value()) return "rejected";   // well formed, does not verify
// For every other T, `if (r)` is the same as `if (r.ok())`.
template <class T>
class [[nodiscard]] Result {
  public:
    Result(T value) : value_(std::move(value)) {}                       // NOLINT: implicit by design
    Result(Error error) : error_(std::move(error)) {}                   // NOLINT
    Result(ErrorCode code, std::string message) : error_{code, std::move(message)} {}

    bool ok() const { return value_.has_value(); }
    explicit operator bool() const
        requires(!std::is_same_v<std::remove_cv_t<T>, bool>)
    {
        return ok();
    }
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

// compute_kzg_proof's result.
struct ProofAndY {
    KZGProof proof;  // opens the blob's commitment at z
    Bytes32 y;       // p(z), a canonical field element (32 bytes big-endian)
};

// compute_cells_and_kzg_proofs' and recover_cells_and_kzg_proofs' result.
struct CellsAndProofs {
    std::vector<Cell> cells;       // CELLS_PER_EXT_BLOB cells, in index order
    std::vector<KZGProof> proofs;  // CELLS_PER_EXT_BLOB proofs, proofs[i] for cells[i]
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
struct ContextAccess;  // the library's own access to a Context's internals
}

class Context {
  public:
    // ---- Factories ------------------------------------------------------------
    //
    // Each validates the whole setup (every point decoded, on the curve, in the
    // subgroup, not infinity; the G1 and G2 monomial points share one secret;
    // the Lagrange points are the Lagrange form of the monomial ones), then
    // builds the tables of `options` (or defers them: lazy_tables). The result
    // is shared and immutable; it lives while any shared_ptr to it does.
    // Errors, common to all five:
    //   kInvalidSetup  the setup does not parse or fails validation; the
    //                  message names the line, field or point index;
    //   kInvalidInput  an option out of range (precompute or blob_window_bits
    //                  not 0 nor 2..16), after the setup is validated;
    //   kInternal      out of memory.
    // A table cache that cannot be read or written is not an error (see
    // TableInfo::cache_note).

    // The mainnet trusted setup embedded in the library at build time: no
    // file needed. Errors: kInvalidInput (options), kInternal.
    static Result<std::shared_ptr<const Context>> mainnet(const ContextOptions& options = {});
    // text: c-kzg's text format (trusted_setup.txt): the counts 4096 and 65,
    // then 4096 G1 Lagrange, 65 G2 monomial and 4096 G1 monomial points in hex.
    // Errors: as above.
    static Result<std::shared_ptr<const Context>> from_text(std::string_view text,
                                                            const ContextOptions& options = {});
    // json: consensus-specs JSON, {"g1_lagrange": [...], "g2_monomial": [...],
    // "g1_monomial": [...]} of "0x" hex points. Errors: as above.
    static Result<std::shared_ptr<const Context>> from_json(std::string_view json,
                                                            const ContextOptions& options = {});
    // Compressed points as c-kzg's load_trusted_setup takes them, each list
    // its points concatenated: g1_monomial 4096 x 48 bytes, g1_lagrange
    // 4096 x 48 (file order), g2_monomial 65 x 96. Errors: as above; a list of
    // the wrong length is kInvalidSetup ("g1_lagrange: expected 196608 bytes
    // (4096 points), got ...").
    static Result<std::shared_ptr<const Context>> from_compressed(std::span<const std::uint8_t> g1_monomial,
                                                                  std::span<const std::uint8_t> g1_lagrange,
                                                                  std::span<const std::uint8_t> g2_monomial,
                                                                  const ContextOptions& options = {});
    // Reads the file at path, in either format (JSON when its first non-blank
    // byte is '{', text otherwise). Errors: kIo (cannot open or read), then as
    // above, each message prefixed with "<path>: ".
    static Result<std::shared_ptr<const Context>> from_file(const std::string& path,
                                                            const ContextOptions& options = {});

    ~Context();
    Context(const Context&) = delete;
    Context& operator=(const Context&) = delete;

    // ---- Identity and tables (no errors) ----------------------------------------

    // Identity of the setup: sha256 of its canonical bytes, the compressed points
    // g1_lagrange (file order) || g2_monomial || g1_monomial. Equal for the
    // same setup whichever factory loaded it.
    const std::array<std::uint8_t, 32>& setup_sha256() const;
    // setup_sha256() as 64 lowercase hex digits, no "0x".
    std::string setup_sha256_hex() const;
    // The options this Context was built with.
    const ContextOptions& options() const;
    // The precomputed tables built so far (all of them, unless lazy_tables):
    // name, size, and whether built or read from the cache.
    std::vector<TableInfo> tables() const;

    // ---- EIP-4844 -------------------------------------------------------------
    //
    // Common to every call below. Inputs are checked before any work, and the
    // first fault found is the error: ErrorCode::kInvalidInput, with
    // Error::argument the parameter's name as written here ("blob",
    // "commitments", ...), Error::index the list element, and a message that
    // says both, e.g. "blobs[3]: field element 17 is not canonical (>= BLS
    // modulus)". The rules:
    //   blob       each of its 4096 32-byte big-endian field elements must be
    //              below the BLS modulus;
    //   z, y       a canonical field element (below the modulus);
    //   commitment a compressed G1 point: valid encoding, on the curve, in the
    //   / proof    subgroup (the point at infinity, 0xc0 00.., is allowed);
    //   lists      the same length where the call takes several (an error
    //              with an empty Error::argument).
    // kInternal means an exhausted resource (memory), never the input.
    //
    // Verify calls return Result<bool>, two answers in one: ok() is "the input
    // was well formed", value() is "the proof verified". A well-formed wrong
    // proof is ok() with value() == false, not an error, and `if (result)`
    // does not compile (see Result). KZGCommitment and KZGProof are distinct
    // types: passing one for the other does not compile either.

    // The commitment to the blob's polynomial: [p(s)]G1 (spec
    // blob_to_kzg_commitment). Errors: blob.
    Result<KZGCommitment> blob_to_kzg_commitment(const Blob& blob) const;
    // The proof that p(z) = y, and y itself, where p is the blob's polynomial
    // (spec compute_kzg_proof). z may be any field element, on or off the
    // evaluation domain. Errors, in this order: blob, z.
    Result<ProofAndY> compute_kzg_proof(const Blob& blob, const Bytes32& z) const;
    // The proof for the blob at its Fiat-Shamir point z = compute_challenge(blob,
    // commitment) (spec compute_blob_kzg_proof); commitment is taken as given,
    // not recomputed (a wrong one gives a proof that does not verify). Errors,
    // in this order: blob, commitment.
    Result<KZGProof> compute_blob_kzg_proof(const Blob& blob, const KZGCommitment& commitment) const;
    // Whether proof shows that the polynomial committed to by commitment takes
    // the value y at z (spec verify_kzg_proof). Errors, in this order:
    // commitment, z, y, proof.
    Result<bool> verify_kzg_proof(const KZGCommitment& commitment, const Bytes32& z, const Bytes32& y,
                                  const KZGProof& proof) const;
    // Whether proof is the blob proof of blob against commitment (spec
    // verify_blob_kzg_proof). Errors, in this order: blob, commitment, proof.
    Result<bool> verify_blob_kzg_proof(const Blob& blob, const KZGCommitment& commitment,
                                       const KZGProof& proof) const;
    // verify_blob_kzg_proof for every i at once, with one random linear
    // combination (spec verify_blob_kzg_proof_batch): true only if every proof
    // verifies. Three lists of equal length, element i of each for blob i; an
    // empty batch verifies true. Errors: lengths differ; then, at the lowest
    // index i with a fault, commitments[i], blobs[i], proofs[i] in that order.
    Result<bool> verify_blob_kzg_proof_batch(std::span<const Blob> blobs,
                                             std::span<const KZGCommitment> commitments,
                                             std::span<const KZGProof> proofs) const;
    // The Fiat-Shamir evaluation point of verify_blob_kzg_proof (spec
    // compute_challenge), as 32 big-endian bytes; exposed for the conformance
    // vectors. Errors: commitment; the blob's bytes are hashed as they are
    // (not checked).
    Result<Bytes32> compute_challenge(const Blob& blob, const KZGCommitment& commitment) const;

    // ---- EIP-7594 (PeerDAS) -----------------------------------------------------
    //
    // A blob extends to 128 cells of 64 field elements (the Reed-Solomon
    // extension, bit-reversed order); cell i's proof opens the polynomial on
    // coset i. Cells follow the blob's field-element rule ("cells[k]: field
    // element j is not canonical"); cell indices must be below
    // CELLS_PER_EXT_BLOB (128). The EIP-4844 rules above hold for points,
    // lists, errors and verify results.

    // The 128 cells of the extended blob, without proofs (spec compute_cells).
    // Errors: blob.
    Result<std::vector<Cell>> compute_cells(const Blob& blob) const;
    // The 128 cells and their 128 proofs, proofs[i] for cells[i] (spec
    // compute_cells_and_kzg_proofs, FK20). Errors: blob.
    Result<CellsAndProofs> compute_cells_and_kzg_proofs(const Blob& blob) const;
    // All 128 cells and proofs from at least 64 of the cells (spec
    // recover_cells_and_kzg_proofs). cell_indices[k] is the index of cells[k].
    // Errors, in this order: lengths differ; fewer than 64 or more than 128
    // cells (argument "cell_indices"); cell_indices[k] >= 128 or not above
    // cell_indices[k - 1] (strictly ascending: the spec's rule, which also
    // rules out duplicates); cells[k] not canonical.
    Result<CellsAndProofs> recover_cells_and_kzg_proofs(std::span<const std::uint64_t> cell_indices,
                                                        std::span<const Cell> cells) const;
    // recover_cells_and_kzg_proofs without the proofs (no FK20). Same errors.
    Result<std::vector<Cell>> recover_cells(std::span<const std::uint64_t> cell_indices,
                                            std::span<const Cell> cells) const;
    // Whether every proofs[k] opens cells[k] at cell_indices[k] of the blob
    // committed to by commitments[k] (spec verify_cell_kzg_proof_batch, one
    // random linear combination; cells of several blobs may be mixed, in any
    // order). Four parallel lists; an empty batch verifies true. Errors, in
    // this order: lengths differ; cell_indices[k] >= 128; commitments[k] (its
    // first occurrence); cells[k]; proofs[k].
    Result<bool> verify_cell_kzg_proof_batch(std::span<const KZGCommitment> commitments,
                                             std::span<const std::uint64_t> cell_indices,
                                             std::span<const Cell> cells,
                                             std::span<const KZGProof> proofs) const;
    // The random challenge of verify_cell_kzg_proof_batch (spec
    // compute_verify_cell_kzg_proof_batch_challenge), exposed for the
    // conformance vectors: commitments deduplicated (any length),
    // commitment_indices[k] the position of cell k's commitment in them, and
    // commitment_indices, cell_indices, cosets_evals, proofs parallel lists.
    // Errors, in this order: lengths differ; commitment_indices[k] >=
    // commitments.size() or cell_indices[k] >= 128; commitments[i];
    // cosets_evals[k] not canonical or proofs[k].
    Result<Bytes32> compute_verify_cell_kzg_proof_batch_challenge(
        std::span<const KZGCommitment> commitments, std::span<const std::uint64_t> commitment_indices,
        std::span<const std::uint64_t> cell_indices, std::span<const Cell> cosets_evals,
        std::span<const KZGProof> proofs) const;

  private:
    friend struct detail::ContextAccess;
    const detail::ContextImpl& impl() const { return *impl_; }
    explicit Context(std::unique_ptr<detail::ContextImpl> impl);
    static Result<std::shared_ptr<const Context>> build(std::unique_ptr<detail::ContextImpl> impl);
    std::unique_ptr<detail::ContextImpl> impl_;
};

// The versioned hash a blob transaction carries for a commitment (deneb
// beacon-chain kzg_commitment_to_versioned_hash): VERSIONED_HASH_VERSION_KZG
// (0x01) followed by sha256(commitment)[1:]. Needs no Context; the bytes are
// hashed as given, without checking that they are a valid point. No errors.
Bytes32 kzg_commitment_to_versioned_hash(const KZGCommitment& commitment);

}  // namespace kzg
