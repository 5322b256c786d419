// Context::compute_cells_and_kzg_proofs (FK20).
// Properties: accepted iff the blob is canonical; the cells are those of
// compute_cells; the proof of cell u8 % 128 verifies with
// verify_cell_kzg_proof_batch against the blob's commitment, and fails
// for the neighbouring cell's proof.
#include "fuzz_common.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const kzg::Context& ctx = fuzz::context();
    fuzz::Reader r(data, size);
    auto blob = std::make_unique<kzg::Blob>();
    fuzz::read_blob(r, *blob);
    auto cp = ctx.compute_cells_and_kzg_proofs(*blob);
    FUZZ_CHECK(cp.ok() == fuzz::blob_is_canonical(*blob), cp.ok() ? "accepted" : cp.message());
    if (!cp.ok()) {
        FUZZ_CHECK(cp.code() == kzg::ErrorCode::kInvalidInput && !cp.message().empty(), cp.message());
        return 0;
    }
    FUZZ_CHECK(cp->cells.size() == kzg::CELLS_PER_EXT_BLOB && cp->proofs.size() == kzg::CELLS_PER_EXT_BLOB, "counts");
    auto cells = ctx.compute_cells(*blob);
    FUZZ_CHECK(cells.ok() && *cells == cp->cells, "cells differ from compute_cells");
    const auto c = ctx.blob_to_kzg_commitment(*blob).value();
    const std::uint64_t k = r.u8() % kzg::CELLS_PER_EXT_BLOB;
    auto v = ctx.verify_cell_kzg_proof_batch(std::span(&c, 1), std::span(&k, 1), std::span(&cp->cells[k], 1),
                                             std::span(&cp->proofs[k], 1));
    FUZZ_CHECK(v.ok() && *v, "the proof of cell " + std::to_string(k) + " does not verify");
    const std::size_t other = (k + 1) % kzg::CELLS_PER_EXT_BLOB;
    if (!(cp->proofs[other] == cp->proofs[k])) {
        auto w = ctx.verify_cell_kzg_proof_batch(std::span(&c, 1), std::span(&k, 1), std::span(&cp->cells[k], 1),
                                                 std::span(&cp->proofs[other], 1));
        FUZZ_CHECK(w.ok() && !*w, "cell " + std::to_string(k) + " verifies with the proof of " + std::to_string(other));
    }
    return 0;
}
