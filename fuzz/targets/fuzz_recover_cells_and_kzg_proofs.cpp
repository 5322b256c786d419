// Context::recover_cells_and_kzg_proofs. Input: fuzz/recovery_input.hpp.
// Properties: accepted iff the spec's checks pass (independent); the cells
// are those of recover_cells; from the untouched cells of a blob, the blob's
// cells come back, and the proof of cell u8 % 128 verifies against the
// blob's commitment.
#include "recovery_input.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const kzg::Context& ctx = fuzz::context();
    fuzz::Reader r(data, size);
    const fuzz::RecoveryInput in = fuzz::read_recovery_input(r, ctx);
    auto rec = ctx.recover_cells_and_kzg_proofs(in.indices, in.cells);
    FUZZ_CHECK(rec.ok() == fuzz::recovery_input_valid(in), rec.ok() ? "accepted" : rec.message());
    if (!rec.ok()) {
        FUZZ_CHECK(rec.code() == kzg::ErrorCode::kInvalidInput && !rec.message().empty(), rec.message());
        return 0;
    }
    FUZZ_CHECK(rec->cells.size() == kzg::CELLS_PER_EXT_BLOB && rec->proofs.size() == kzg::CELLS_PER_EXT_BLOB,
               "counts");
    auto cells_only = ctx.recover_cells(in.indices, in.cells);
    FUZZ_CHECK(cells_only.ok() && *cells_only == rec->cells, "cells differ from recover_cells");
    if (in.derived && !in.cells_edited) {
        FUZZ_CHECK(rec->cells == in.all_cells, "did not recover the blob's cells");
        const auto c = ctx.blob_to_kzg_commitment(*in.blob).value();
        const std::uint64_t k = r.u8() % kzg::CELLS_PER_EXT_BLOB;
        auto v = ctx.verify_cell_kzg_proof_batch(std::span(&c, 1), std::span(&k, 1), std::span(&rec->cells[k], 1),
                                                 std::span(&rec->proofs[k], 1));
        FUZZ_CHECK(v.ok() && *v, "recovered proof of cell " + std::to_string(k) + " does not verify");
    }
    return 0;
}
