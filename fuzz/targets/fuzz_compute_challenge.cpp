// Context::compute_challenge (the blob itself is not validated: the spec
// hashes its bytes).
// Properties: accepted iff the commitment decodes; the value is the spec's
// hash_to_bls_field(sha256(domain || degree || blob || commitment)),
// recomputed here.
#include "fuzz_common.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const kzg::Context& ctx = fuzz::context();
    fuzz::Reader r(data, size);
    auto blob = std::make_unique<kzg::Blob>();
    fuzz::read_blob(r, *blob);
    const kzg::KZGCommitment c = fuzz::read_g1<kzg::KZGCommitment>(r);
    auto ch = ctx.compute_challenge(*blob, c);
    FUZZ_CHECK(ch.ok() == fuzz::g1_is_valid(c), ch.ok() ? "accepted" : ch.message());
    if (!ch.ok()) return 0;
    std::vector<std::uint8_t> t;
    const char domain[] = "FSBLOBVERIFY_V1_";
    t.insert(t.end(), domain, domain + 16);
    t.resize(t.size() + 16, 0);
    t[16 + 14] = 0x10;  // 4096 as a 16-byte big-endian integer
    t.insert(t.end(), blob->bytes.begin(), blob->bytes.end());
    t.insert(t.end(), c.bytes.begin(), c.bytes.end());
    std::uint8_t digest[32];
    blst_sha256(digest, t.data(), t.size());
    const kzg::Bytes32 want = fuzz::bytes_of(fuzz::fr_of(digest));
    FUZZ_CHECK(*ch == want, "challenge " + fuzz::hex(*ch) + " != " + fuzz::hex(want));
    return 0;
}
