// Context::recover_cells (recover_cells_and_kzg_proofs without the proofs).
// Input: fuzz/recovery_input.hpp.
// Properties: accepted iff the spec's checks pass (independent); 128 cells;
// from the untouched cells of a blob, the blob's 128 cells come back; the
// result is always a codeword: recovering from its odd-numbered half gives it
// back unchanged.
#include "recovery_input.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const kzg::Context& ctx = fuzz::context();
    fuzz::Reader r(data, size);
    const fuzz::RecoveryInput in = fuzz::read_recovery_input(r, ctx);
    auto rec = ctx.recover_cells(in.indices, in.cells);
    FUZZ_CHECK(rec.ok() == fuzz::recovery_input_valid(in), rec.ok() ? "accepted" : rec.message());
    if (!rec.ok()) {
        FUZZ_CHECK(rec.code() == kzg::ErrorCode::kInvalidInput && !rec.message().empty(), rec.message());
        return 0;
    }
    FUZZ_CHECK(rec->size() == kzg::CELLS_PER_EXT_BLOB, "cell count");
    if (in.derived && !in.cells_edited) FUZZ_CHECK(*rec == in.all_cells, "did not recover the blob's cells");
    std::vector<std::uint64_t> odd;
    std::vector<kzg::Cell> odd_cells;
    for (std::uint64_t k = 1; k < kzg::CELLS_PER_EXT_BLOB; k += 2) {
        odd.push_back(k);
        odd_cells.push_back((*rec)[k]);
    }
    auto again = ctx.recover_cells(odd, odd_cells);
    FUZZ_CHECK(again.ok() && *again == *rec, "the recovered cells are not a codeword");
    return 0;
}
