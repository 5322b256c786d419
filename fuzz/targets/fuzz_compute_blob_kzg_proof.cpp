// Context::compute_blob_kzg_proof.
//   byte 0 bit 0: the commitment is the blob's own (when the blob is
//   canonical) instead of a typed G1 input.
// Properties: accepted iff the blob is canonical and the commitment decodes;
// with the blob's own commitment the proof passes verify_blob_kzg_proof.
#include "fuzz_common.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const kzg::Context& ctx = fuzz::context();
    fuzz::Reader r(data, size);
    const std::uint8_t mode = r.u8();
    auto blob = std::make_unique<kzg::Blob>();
    fuzz::read_blob(r, *blob);
    kzg::KZGCommitment c = fuzz::read_g1<kzg::KZGCommitment>(r);
    bool own = false;
    if ((mode & 1) && fuzz::blob_is_canonical(*blob)) {
        auto cc = ctx.blob_to_kzg_commitment(*blob);
        FUZZ_CHECK(cc.ok(), cc.message());
        c = *cc;
        own = true;
    }
    auto p = ctx.compute_blob_kzg_proof(*blob, c);
    const bool valid = fuzz::blob_is_canonical(*blob) && fuzz::g1_is_valid(c);
    FUZZ_CHECK(p.ok() == valid, p.ok() ? "accepted" : p.message());
    if (!p.ok()) {
        FUZZ_CHECK(p.code() == kzg::ErrorCode::kInvalidInput && !p.message().empty(), p.message());
        return 0;
    }
    if (own) {
        auto v = ctx.verify_blob_kzg_proof(*blob, c, *p);
        FUZZ_CHECK(v.ok() && *v, "the blob proof does not verify");
    }
    return 0;
}
