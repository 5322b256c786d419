// Context::compute_kzg_proof on typed blobs and z (z may be a root of the
// domain: the spec's in-domain quotient).
// Properties: accepted iff blob and z are canonical; y equals the independent
// barycentric evaluation (blobs with at most 24 non-zero elements); the proof
// verifies against the blob's commitment with verify_kzg_proof.
#include "fuzz_common.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const kzg::Context& ctx = fuzz::context();
    fuzz::Reader r(data, size);
    auto blob = std::make_unique<kzg::Blob>();
    fuzz::read_blob(r, *blob);
    const kzg::Bytes32 z = fuzz::read_fe(r);
    auto p = ctx.compute_kzg_proof(*blob, z);
    const bool valid = fuzz::blob_is_canonical(*blob) && fuzz::fe_is_canonical(z);
    FUZZ_CHECK(p.ok() == valid, p.ok() ? "accepted" : p.message());
    if (!p.ok()) {
        FUZZ_CHECK(p.code() == kzg::ErrorCode::kInvalidInput && !p.message().empty(), p.message());
        return 0;
    }
    const auto nz = fuzz::nonzero_elements(*blob, 25);
    if (nz.size() <= 24) {
        const kzg::Bytes32 want = fuzz::bytes_of(fuzz::evaluate_sparse_blob(*blob, nz, fuzz::fr_of(z.data())));
        FUZZ_CHECK(p->y == want, "y " + fuzz::hex(p->y) + " != independent " + fuzz::hex(want) + " z=" + fuzz::hex(z));
    }
    auto c = ctx.blob_to_kzg_commitment(*blob);
    FUZZ_CHECK(c.ok(), c.message());
    auto v = ctx.verify_kzg_proof(*c, z, p->y, p->proof);
    FUZZ_CHECK(v.ok() && *v, "the computed proof does not verify, z=" + fuzz::hex(z));
    return 0;
}
