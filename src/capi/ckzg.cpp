// The C API (include/kzg/ckzg.h): c-kzg 2.1.8's functions on kzgd's engine.
//
// Each function checks what c-kzg checks, in terms of return codes only
// (C_KZG_BADARGS for any input c-kzg refuses), then calls kzg::Context. c-kzg
// dereferences some pointers without checking; here a NULL is C_KZG_BADARGS.
// No C++ exception crosses this boundary: allocation failure is C_KZG_MALLOC,
// anything else C_KZG_ERROR.
#include <algorithm>
#include <cinttypes>
#include <cstring>
#include <memory>
#include <new>
#include <span>
#include <string>
#include <vector>

#include "kzg/kzg.hpp"
#include "kzg/thread_pool.hpp"
#include "kzg/version.hpp"

// ckzg.h's size macros have the names of kzg.hpp's constants: read those first.
namespace {
constexpr std::size_t kBlobBytes = kzg::BYTES_PER_BLOB;
constexpr std::size_t kCellBytes = kzg::BYTES_PER_CELL;
constexpr std::size_t kCellsPerExtBlob = kzg::CELLS_PER_EXT_BLOB;
constexpr std::size_t kG1Points = kzg::FIELD_ELEMENTS_PER_BLOB;
}  // namespace

#include "kzg/ckzg.h"

static_assert(sizeof(KZGSettings) == 80, "KZGSettings must keep c-kzg 2.1.8's size (8 pointers + 2 size_t)");
static_assert(sizeof(::Blob) == sizeof(kzg::Blob) && alignof(::Blob) == alignof(kzg::Blob));
static_assert(sizeof(::Cell) == sizeof(kzg::Cell) && alignof(::Cell) == alignof(kzg::Cell));
static_assert(sizeof(::Bytes48) == sizeof(kzg::Bytes48) && sizeof(::Bytes32) == sizeof(kzg::Bytes32));
static_assert(sizeof(::Bytes48) == sizeof(kzg::KZGCommitment) && alignof(::Bytes48) == alignof(kzg::KZGCommitment));
static_assert(sizeof(::Bytes48) == sizeof(kzg::KZGProof) && alignof(::Bytes48) == alignof(kzg::KZGProof));
static_assert(BYTES_PER_BLOB == kBlobBytes && BYTES_PER_CELL == kCellBytes && CELLS_PER_EXT_BLOB == kCellsPerExtBlob);

namespace {

// What KZGSettings::kzgd_handle points to.
struct Handle {
    std::shared_ptr<const kzg::Context> context;
};

// c-kzg's precompute limit ("blst limits the input to 15").
constexpr std::uint64_t kMaxPrecompute = 15;
// kzgd's FK20 table for any precompute 1..15 (24 MiB; README has the table).
constexpr int kFk20WindowBits = 8;
// More list entries than any caller can have in memory: c-kzg's calloc of
// n x 144 bytes fails there (C_KZG_MALLOC) before it reads the input.
constexpr std::uint64_t kMaxListLength = std::uint64_t{1} << 32;

const kzg::Context* context_of(const KZGSettings* s) {
    if (s == nullptr || s->kzgd_handle == nullptr) return nullptr;
    return static_cast<const Handle*>(s->kzgd_handle)->context.get();
}

C_KZG_RET code_of(kzg::ErrorCode code) {
    switch (code) {
        case kzg::ErrorCode::kOk: return C_KZG_OK;
        case kzg::ErrorCode::kInvalidInput:
        case kzg::ErrorCode::kInvalidSetup:
        case kzg::ErrorCode::kIo: return C_KZG_BADARGS;
        case kzg::ErrorCode::kInternal: break;
    }
    return C_KZG_ERROR;
}

// Runs f, turning exceptions into return codes.
template <class F>
C_KZG_RET guarded(F&& f) noexcept {
    try {
        return f();
    } catch (const std::bad_alloc&) {
        return C_KZG_MALLOC;
    } catch (...) {
        return C_KZG_ERROR;
    }
}

// C and C++ byte arrays have the same size and alignment (asserted above).
template <class To, class From>
const To* as(const From* p) {
    return reinterpret_cast<const To*>(p);
}
template <class To, class From>
std::span<const To> as_span(const From* p, std::uint64_t n) {
    return std::span<const To>(reinterpret_cast<const To*>(p), static_cast<std::size_t>(n));
}
// One commitment or proof from C: typed by copying its bytes.
template <class T, class C>
T from_c(const C* p) {
    T out;
    std::memcpy(out.data(), p, T::size());
    return out;
}
template <class T, class C>
void put(C* out, const T& value) {
    std::memcpy(out, value.data(), T::size());
}

void clear(KZGSettings* s) { std::memset(s, 0, sizeof(*s)); }

C_KZG_RET install(KZGSettings* out, kzg::Result<std::shared_ptr<const kzg::Context>> ctx) {
    if (!ctx) return code_of(ctx.code());
    out->kzgd_handle = new Handle{std::move(ctx).value()};
    return C_KZG_OK;
}

kzg::ContextOptions options_for(std::uint64_t precompute, std::uint64_t num_threads) {
    kzg::ContextOptions o;
    o.precompute = precompute == 0 ? 0 : kFk20WindowBits;
    // At most num_threads threads, loading included (c-kzg: one).
    o.build_threads = static_cast<unsigned>(std::max<std::uint64_t>(1, std::min<std::uint64_t>(num_threads, 1024)));
    if (num_threads > 1) o.pool = std::make_shared<kzg::ThreadPool>(static_cast<std::size_t>(o.build_threads - 1));
    return o;
}

// Reads c-kzg's text format as c-kzg does (fscanf: counts as decimal, then
// every byte as "%2hhx", whitespace anywhere between), so that the same
// files are accepted and refused.
C_KZG_RET read_setup_file(FILE* in, std::vector<std::uint8_t>& g1_lagrange, std::vector<std::uint8_t>& g2_monomial,
                          std::vector<std::uint8_t>& g1_monomial) {
    std::uint64_t num_g1 = 0, num_g2 = 0;
    if (std::fscanf(in, "%" SCNu64, &num_g1) != 1 || num_g1 != kG1Points) return C_KZG_BADARGS;
    if (std::fscanf(in, "%" SCNu64, &num_g2) != 1 || num_g2 != 65) return C_KZG_BADARGS;
    g1_lagrange.resize(num_g1 * 48);
    g2_monomial.resize(num_g2 * 96);
    g1_monomial.resize(num_g1 * 48);
    for (auto* bytes : {&g1_lagrange, &g2_monomial, &g1_monomial}) {
        for (auto& b : *bytes) {
            unsigned char v = 0;
            if (std::fscanf(in, "%2hhx", &v) != 1) return C_KZG_BADARGS;
            b = v;
        }
    }
    return C_KZG_OK;
}

C_KZG_RET load_bytes(KZGSettings* out, const std::uint8_t* g1m, std::uint64_t n_g1m, const std::uint8_t* g1l,
                     std::uint64_t n_g1l, const std::uint8_t* g2m, std::uint64_t n_g2m, std::uint64_t precompute,
                     std::uint64_t num_threads) {
    if (out == nullptr) return C_KZG_BADARGS;
    clear(out);
    if (precompute > kMaxPrecompute) return C_KZG_BADARGS;
    if (g1m == nullptr || g1l == nullptr || g2m == nullptr) return C_KZG_BADARGS;
    return guarded([&] {
        return install(out, kzg::Context::from_compressed(std::span(g1m, n_g1m), std::span(g1l, n_g1l),
                                                          std::span(g2m, n_g2m), options_for(precompute, num_threads)));
    });
}

C_KZG_RET load_file(KZGSettings* out, FILE* in, std::uint64_t precompute, std::uint64_t num_threads) {
    if (out == nullptr) return C_KZG_BADARGS;
    clear(out);
    if (in == nullptr) return C_KZG_BADARGS;
    return guarded([&] {
        std::vector<std::uint8_t> g1l, g2m, g1m;
        if (C_KZG_RET ret = read_setup_file(in, g1l, g2m, g1m); ret != C_KZG_OK) return ret;
        return load_bytes(out, g1m.data(), g1m.size(), g1l.data(), g1l.size(), g2m.data(), g2m.size(), precompute,
                          num_threads);
    });
}

C_KZG_RET load_mainnet(KZGSettings* out, std::uint64_t precompute, std::uint64_t num_threads) {
    if (out == nullptr) return C_KZG_BADARGS;
    clear(out);
    if (precompute > kMaxPrecompute) return C_KZG_BADARGS;
    return guarded([&] { return install(out, kzg::Context::mainnet(options_for(precompute, num_threads))); });
}

// Writes a verification result: false on any error, as c-kzg leaves it.
C_KZG_RET verdict(bool* ok, const kzg::Result<bool>& r) {
    if (!r.ok()) return code_of(r.code());
    *ok = r.value();
    return C_KZG_OK;
}

}  // namespace

extern "C" {

C_KZG_RET load_trusted_setup(KZGSettings* out, const uint8_t* g1_monomial_bytes, uint64_t num_g1_monomial_bytes,
                             const uint8_t* g1_lagrange_bytes, uint64_t num_g1_lagrange_bytes,
                             const uint8_t* g2_monomial_bytes, uint64_t num_g2_monomial_bytes, uint64_t precompute) {
    return load_bytes(out, g1_monomial_bytes, num_g1_monomial_bytes, g1_lagrange_bytes, num_g1_lagrange_bytes,
                      g2_monomial_bytes, num_g2_monomial_bytes, precompute, 1);
}

C_KZG_RET load_trusted_setup_file(KZGSettings* out, FILE* in, uint64_t precompute) {
    return load_file(out, in, precompute, 1);
}

C_KZG_RET kzgd_load_trusted_setup_file_threads(KZGSettings* out, FILE* in, uint64_t precompute,
                                               uint64_t num_threads) {
    return load_file(out, in, precompute, num_threads);
}

C_KZG_RET kzgd_load_trusted_setup_mainnet(KZGSettings* out, uint64_t precompute) {
    return load_mainnet(out, precompute, 1);
}

C_KZG_RET kzgd_load_trusted_setup_mainnet_threads(KZGSettings* out, uint64_t precompute, uint64_t num_threads) {
    return load_mainnet(out, precompute, num_threads);
}

void free_trusted_setup(KZGSettings* s) {
    if (s == nullptr) return;
    delete static_cast<Handle*>(s->kzgd_handle);
    clear(s);
}

const char* kzgd_version(void) {
    static const std::string text = "kzgd " + std::string(kzg::version()) + " (c-kzg 2.1.8 API)";
    return text.c_str();
}

C_KZG_RET blob_to_kzg_commitment(KZGCommitment* out, const Blob* blob, const KZGSettings* s) {
    const kzg::Context* ctx = context_of(s);
    if (ctx == nullptr || out == nullptr || blob == nullptr) return C_KZG_BADARGS;
    return guarded([&] {
        auto r = ctx->blob_to_kzg_commitment(*as<kzg::Blob>(blob));
        if (!r) return code_of(r.code());
        put(out, *r);
        return C_KZG_OK;
    });
}

C_KZG_RET compute_kzg_proof(KZGProof* proof_out, Bytes32* y_out, const Blob* blob, const Bytes32* z_bytes,
                            const KZGSettings* s) {
    const kzg::Context* ctx = context_of(s);
    if (ctx == nullptr || proof_out == nullptr || y_out == nullptr || blob == nullptr || z_bytes == nullptr)
        return C_KZG_BADARGS;
    return guarded([&] {
        auto r = ctx->compute_kzg_proof(*as<kzg::Blob>(blob), *as<kzg::Bytes32>(z_bytes));
        if (!r) return code_of(r.code());
        put(proof_out, r->proof);
        put(y_out, r->y);
        return C_KZG_OK;
    });
}

C_KZG_RET compute_blob_kzg_proof(KZGProof* out, const Blob* blob, const Bytes48* commitment_bytes,
                                 const KZGSettings* s) {
    const kzg::Context* ctx = context_of(s);
    if (ctx == nullptr || out == nullptr || blob == nullptr || commitment_bytes == nullptr) return C_KZG_BADARGS;
    return guarded([&] {
        auto r = ctx->compute_blob_kzg_proof(*as<kzg::Blob>(blob), from_c<kzg::KZGCommitment>(commitment_bytes));
        if (!r) return code_of(r.code());
        put(out, *r);
        return C_KZG_OK;
    });
}

C_KZG_RET verify_kzg_proof(bool* ok, const Bytes48* commitment_bytes, const Bytes32* z_bytes, const Bytes32* y_bytes,
                           const Bytes48* proof_bytes, const KZGSettings* s) {
    if (ok == nullptr) return C_KZG_BADARGS;
    *ok = false;
    const kzg::Context* ctx = context_of(s);
    if (ctx == nullptr || commitment_bytes == nullptr || z_bytes == nullptr || y_bytes == nullptr ||
        proof_bytes == nullptr)
        return C_KZG_BADARGS;
    return guarded([&] {
        return verdict(ok, ctx->verify_kzg_proof(from_c<kzg::KZGCommitment>(commitment_bytes), *as<kzg::Bytes32>(z_bytes),
                                                 *as<kzg::Bytes32>(y_bytes), from_c<kzg::KZGProof>(proof_bytes)));
    });
}

C_KZG_RET verify_blob_kzg_proof(bool* ok, const Blob* blob, const Bytes48* commitment_bytes,
                                const Bytes48* proof_bytes, const KZGSettings* s) {
    if (ok == nullptr) return C_KZG_BADARGS;
    *ok = false;
    const kzg::Context* ctx = context_of(s);
    if (ctx == nullptr || blob == nullptr || commitment_bytes == nullptr || proof_bytes == nullptr)
        return C_KZG_BADARGS;
    return guarded([&] {
        return verdict(ok, ctx->verify_blob_kzg_proof(*as<kzg::Blob>(blob), from_c<kzg::KZGCommitment>(commitment_bytes),
                                                      from_c<kzg::KZGProof>(proof_bytes)));
    });
}

C_KZG_RET verify_blob_kzg_proof_batch(bool* ok, const Blob* blobs, const Bytes48* commitments_bytes,
                                      const Bytes48* proofs_bytes, uint64_t n, const KZGSettings* s) {
    if (ok == nullptr) return C_KZG_BADARGS;
    if (n == 0) {  // c-kzg answers before looking at anything else
        *ok = true;
        return C_KZG_OK;
    }
    // c-kzg: one blob goes through verify_blob_kzg_proof, which clears *ok
    // first; a larger batch leaves *ok alone unless it gets to the pairing.
    if (n == 1) *ok = false;
    const kzg::Context* ctx = context_of(s);
    if (ctx == nullptr || blobs == nullptr || commitments_bytes == nullptr || proofs_bytes == nullptr)
        return C_KZG_BADARGS;
    if (n > kMaxListLength) return C_KZG_MALLOC;
    return guarded([&] {
        return verdict(ok, ctx->verify_blob_kzg_proof_batch(as_span<kzg::Blob>(blobs, n),
                                                            as_span<kzg::KZGCommitment>(commitments_bytes, n),
                                                            as_span<kzg::KZGProof>(proofs_bytes, n)));
    });
}

C_KZG_RET compute_cells_and_kzg_proofs(Cell* cells, KZGProof* proofs, const Blob* blob, const KZGSettings* s) {
    const kzg::Context* ctx = context_of(s);
    if (cells == nullptr && proofs == nullptr) return C_KZG_BADARGS;
    if (ctx == nullptr || blob == nullptr) return C_KZG_BADARGS;
    return guarded([&] {
        if (proofs == nullptr) {  // cells only: no FK20
            auto r = ctx->compute_cells(*as<kzg::Blob>(blob));
            if (!r) return code_of(r.code());
            std::memcpy(cells, r->data(), r->size() * sizeof(kzg::Cell));
            return C_KZG_OK;
        }
        auto r = ctx->compute_cells_and_kzg_proofs(*as<kzg::Blob>(blob));
        if (!r) return code_of(r.code());
        if (cells != nullptr) std::memcpy(cells, r->cells.data(), r->cells.size() * sizeof(kzg::Cell));
        std::memcpy(proofs, r->proofs.data(), r->proofs.size() * sizeof(kzg::KZGProof));
        return C_KZG_OK;
    });
}

C_KZG_RET recover_cells_and_kzg_proofs(Cell* recovered_cells, KZGProof* recovered_proofs, const uint64_t* cell_indices,
                                       const Cell* cells, uint64_t num_cells, const KZGSettings* s) {
    // c-kzg's order: count, then indices (range, strictly ascending), then cells.
    if (num_cells > CELLS_PER_EXT_BLOB || num_cells < CELLS_PER_BLOB) return C_KZG_BADARGS;
    const kzg::Context* ctx = context_of(s);
    if (ctx == nullptr || recovered_cells == nullptr || cell_indices == nullptr || cells == nullptr)
        return C_KZG_BADARGS;
    return guarded([&] {
        const auto indices = std::span<const std::uint64_t>(cell_indices, num_cells);
        const auto input = as_span<kzg::Cell>(cells, num_cells);
        if (recovered_proofs == nullptr) {  // cells only: no FK20
            auto r = ctx->recover_cells(indices, input);
            if (!r) return code_of(r.code());
            std::memcpy(recovered_cells, r->data(), r->size() * sizeof(kzg::Cell));
            return C_KZG_OK;
        }
        auto r = ctx->recover_cells_and_kzg_proofs(indices, input);
        if (!r) return code_of(r.code());
        std::memcpy(recovered_cells, r->cells.data(), r->cells.size() * sizeof(kzg::Cell));
        std::memcpy(recovered_proofs, r->proofs.data(), r->proofs.size() * sizeof(kzg::KZGProof));
        return C_KZG_OK;
    });
}

C_KZG_RET verify_cell_kzg_proof_batch(bool* ok, const Bytes48* commitments_bytes, const uint64_t* cell_indices,
                                      const Cell* cells, const Bytes48* proofs_bytes, uint64_t num_cells,
                                      const KZGSettings* s) {
    if (ok == nullptr) return C_KZG_BADARGS;
    *ok = false;
    if (num_cells == 0) {  // c-kzg answers before looking at anything else
        *ok = true;
        return C_KZG_OK;
    }
    const kzg::Context* ctx = context_of(s);
    if (ctx == nullptr || commitments_bytes == nullptr || cell_indices == nullptr || cells == nullptr ||
        proofs_bytes == nullptr)
        return C_KZG_BADARGS;
    if (num_cells > kMaxListLength) return C_KZG_MALLOC;
    return guarded([&] {
        return verdict(ok, ctx->verify_cell_kzg_proof_batch(as_span<kzg::KZGCommitment>(commitments_bytes, num_cells),
                                                            std::span<const std::uint64_t>(cell_indices, num_cells),
                                                            as_span<kzg::Cell>(cells, num_cells),
                                                            as_span<kzg::KZGProof>(proofs_bytes, num_cells)));
    });
}

}  // extern "C"
