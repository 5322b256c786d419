// Context::blob_to_kzg_commitment on typed blobs (mostly sparse).
// Properties: accepted iff every element is canonical; for a blob with at
// most 24 non-zero elements, the commitment equals the independent sum of
// p_i [L_i(s)] (plain scalar multiplications, none of our MSM code).
#include "fuzz_common.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const kzg::Context& ctx = fuzz::context();
    fuzz::Reader r(data, size);
    auto blob = std::make_unique<kzg::Blob>();
    fuzz::read_blob(r, *blob);
    auto c = ctx.blob_to_kzg_commitment(*blob);
    FUZZ_CHECK(c.ok() == fuzz::blob_is_canonical(*blob), c.ok() ? "accepted" : c.message());
    if (!c.ok()) {
        FUZZ_CHECK(c.code() == kzg::ErrorCode::kInvalidInput && c.message().rfind("blob: ", 0) == 0, c.message());
        return 0;
    }
    const auto nz = fuzz::nonzero_elements(*blob, 25);
    if (nz.size() <= 24) {
        const kzg::KZGCommitment want{fuzz::commit_sparse_blob(*blob, nz).bytes};
        FUZZ_CHECK(*c == want, "commitment " + fuzz::hex(*c) + " != independent " + fuzz::hex(want));
    }
    return 0;
}
