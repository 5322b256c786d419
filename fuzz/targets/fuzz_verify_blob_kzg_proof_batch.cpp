// Context::verify_blob_kzg_proof_batch on up to 3 entries.
//   byte 0: the count (mod 4); bit 2: one list shorter (commitments or proofs,
//   bit 3) - must be rejected. Per entry: u8 flags (bit 0 own commitment,
//   bit 1 own proof, bit 2 then flip bit u16), blob, commitment, proof.
// Properties: with equal lengths the batch accepts iff every entry does in
// verify_blob_kzg_proof, and is true iff every entry is; different lengths
// are rejected; the empty batch is true.
#include "fuzz_common.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const kzg::Context& ctx = fuzz::context();
    fuzz::Reader r(data, size);
    const std::uint8_t mode = r.u8();
    const std::size_t n = mode % 4;
    std::vector<kzg::Blob> blobs(n);
    std::vector<kzg::KZGCommitment> cs(n);
    std::vector<kzg::KZGProof> ps(n);
    bool all_ok = true, all_true = true;
    for (std::size_t i = 0; i < n; i++) {
        const std::uint8_t flags = r.u8();
        fuzz::read_blob(r, blobs[i]);
        cs[i] = fuzz::read_g1<kzg::KZGCommitment>(r);
        ps[i] = fuzz::read_g1<kzg::KZGProof>(r);
        if ((flags & 1) && fuzz::blob_is_canonical(blobs[i])) {
            cs[i] = ctx.blob_to_kzg_commitment(blobs[i]).value();
            if (flags & 2) ps[i] = ctx.compute_blob_kzg_proof(blobs[i], cs[i]).value();
        }
        if (flags & 4) {
            const std::size_t bit = r.u16() % (8 * 96);
            std::uint8_t* t = bit < 384 ? cs[i].data() : ps[i].data();
            t[(bit % 384) / 8] ^= static_cast<std::uint8_t>(1u << (bit % 8));
        }
        auto one = ctx.verify_blob_kzg_proof(blobs[i], cs[i], ps[i]);
        all_ok = all_ok && one.ok();
        all_true = all_true && one.ok() && *one;
    }
    if ((mode & 4) && n > 0) {
        if (mode & 8)
            cs.pop_back();
        else
            ps.pop_back();
        auto v = ctx.verify_blob_kzg_proof_batch(blobs, cs, ps);
        FUZZ_CHECK(!v.ok() && v.code() == kzg::ErrorCode::kInvalidInput, "lists of different lengths accepted");
        return 0;
    }
    auto v = ctx.verify_blob_kzg_proof_batch(blobs, cs, ps);
    FUZZ_CHECK(v.ok() == all_ok, v.ok() ? "batch accepted, an entry is rejected alone" : v.message());
    if (!v.ok()) {
        FUZZ_CHECK(v.code() == kzg::ErrorCode::kInvalidInput && !v.message().empty(), v.message());
        return 0;
    }
    FUZZ_CHECK(*v == all_true, std::string("batch says ") + (*v ? "true" : "false") + " for " + std::to_string(n) +
                                   " entries, one by one " + (all_true ? "all true" : "not all true"));
    return 0;
}
