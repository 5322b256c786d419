// Context::compute_cells.
// Properties: accepted iff the blob is canonical; 128 cells; the first 64
// cells are the blob itself (the blob domain is the first half of the
// bit-reversed extended domain); for blobs with at most 24 non-zero elements,
// element u8 of cell 64 + u8 (the extension) equals the independent
// barycentric evaluation at its point of coset_for_cell.
#include "fuzz_common.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const kzg::Context& ctx = fuzz::context();
    fuzz::Reader r(data, size);
    auto blob = std::make_unique<kzg::Blob>();
    fuzz::read_blob(r, *blob);
    auto cells = ctx.compute_cells(*blob);
    FUZZ_CHECK(cells.ok() == fuzz::blob_is_canonical(*blob), cells.ok() ? "accepted" : cells.message());
    if (!cells.ok()) {
        FUZZ_CHECK(cells.code() == kzg::ErrorCode::kInvalidInput && !cells.message().empty(), cells.message());
        return 0;
    }
    FUZZ_CHECK(cells->size() == kzg::CELLS_PER_EXT_BLOB, "cell count");
    for (std::size_t k = 0; k < kzg::CELLS_PER_EXT_BLOB / 2; k++)
        FUZZ_CHECK(std::equal((*cells)[k].bytes.begin(), (*cells)[k].bytes.end(),
                              blob->bytes.begin() + static_cast<std::ptrdiff_t>(k * kzg::BYTES_PER_CELL)),
                   "cell " + std::to_string(k) + " is not the blob's slice");
    const auto nz = fuzz::nonzero_elements(*blob, 25);
    if (nz.size() <= 24) {
        const std::size_t k = 64 + r.u8() % 64, j = r.u8() % 64;
        const kzg::Bytes32 want = fuzz::bytes_of(fuzz::evaluate_sparse_blob(*blob, nz, fuzz::coset_point(k, j)));
        FUZZ_CHECK(std::equal(want.bytes.begin(), want.bytes.end(),
                              (*cells)[k].bytes.begin() + static_cast<std::ptrdiff_t>(32 * j)),
                   "cell " + std::to_string(k) + " element " + std::to_string(j));
    }
    return 0;
}
