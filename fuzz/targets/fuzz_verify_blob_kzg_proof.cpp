// Context::verify_blob_kzg_proof.
//   byte 0 bit 0: the blob's own commitment (canonical blobs); bit 1: its own
//   blob proof; bit 2: then flip bit u16 of commitment||proof.
// Properties: accepted iff blob canonical and both points decode; the blob's
// own commitment and proof verify; a verified triple fails with another blob
// element changed (a different blob, a different challenge).
#include "fuzz_common.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const kzg::Context& ctx = fuzz::context();
    fuzz::Reader r(data, size);
    const std::uint8_t mode = r.u8();
    auto blob = std::make_unique<kzg::Blob>();
    fuzz::read_blob(r, *blob);
    kzg::KZGCommitment c = fuzz::read_g1<kzg::KZGCommitment>(r);
    kzg::KZGProof proof = fuzz::read_g1<kzg::KZGProof>(r);
    const bool canonical = fuzz::blob_is_canonical(*blob);
    bool own_c = false, own_p = false;
    if ((mode & 1) && canonical) {
        c = ctx.blob_to_kzg_commitment(*blob).value();
        own_c = true;
        if (mode & 2) {
            proof = ctx.compute_blob_kzg_proof(*blob, c).value();
            own_p = true;
        }
    }
    if (mode & 4) {
        const std::size_t bit = r.u16() % (8 * 96);
        std::uint8_t* target = bit < 384 ? c.data() : proof.data();
        target[(bit % 384) / 8] ^= static_cast<std::uint8_t>(1u << (bit % 8));
        own_c = own_p = false;
    }
    auto v = ctx.verify_blob_kzg_proof(*blob, c, proof);
    const bool valid = canonical && fuzz::g1_is_valid(c) && fuzz::g1_is_valid(proof);
    FUZZ_CHECK(v.ok() == valid, v.ok() ? "accepted" : v.message());
    if (!v.ok()) {
        FUZZ_CHECK(v.code() == kzg::ErrorCode::kInvalidInput && !v.message().empty(), v.message());
        return 0;
    }
    if (own_c && own_p) FUZZ_CHECK(*v, "the blob's own commitment and proof do not verify");
    if (*v) {
        // Another blob (element 0 plus one) with the same commitment and proof.
        blst_fr e = fuzz::fr_of(blob->data());
        const std::uint64_t one_l[4] = {1, 0, 0, 0};
        blst_fr one;
        blst_fr_from_uint64(&one, one_l);
        blst_fr_add(&e, &e, &one);
        const kzg::Bytes32 b = fuzz::bytes_of(e);
        std::copy(b.bytes.begin(), b.bytes.end(), blob->bytes.begin());
        auto w = ctx.verify_blob_kzg_proof(*blob, c, proof);
        FUZZ_CHECK(w.ok() && !*w, "verified for a changed blob too");
    }
    return 0;
}
