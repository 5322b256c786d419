// Context::verify_kzg_proof: the decoding of points (commitment, proof) and
// field elements (z, y), and the pairing check.
//   byte 0 even: commitment, z, y, proof as typed inputs (fuzz_common.hpp).
//   byte 0 odd:  a true statement for p(x) = a + b x built with blst alone
//                (C = [a]G1 + [b][s]G1, proof = [b]G1, y = a + b z; a, b, z
//                field elements), then bit 1 of byte 0: flip bit u16 of the
//                160 input bytes.
// Properties: accepted iff every input decodes (independent blst checks);
// the untouched statement verifies; a verified statement no longer verifies
// with y + 1.
#include "context/context_impl.hpp"
#include "fuzz_common.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const kzg::Context& ctx = fuzz::context();
    fuzz::Reader r(data, size);
    const std::uint8_t mode = r.u8();
    kzg::KZGCommitment c;
    kzg::KZGProof proof;
    kzg::Bytes32 z, y;
    bool must_verify = false;
    if ((mode & 1) == 0) {
        c = fuzz::read_g1<kzg::KZGCommitment>(r);
        z = fuzz::read_fe(r);
        y = fuzz::read_fe(r);
        proof = fuzz::read_g1<kzg::KZGProof>(r);
    } else {
        const blst_fr a = fuzz::fr_of(fuzz::read_fe(r).data()), b = fuzz::fr_of(fuzz::read_fe(r).data());
        z = fuzz::read_fe(r);
        const blst_fr zf = fuzz::fr_of(z.data());
        z = fuzz::bytes_of(zf);
        blst_scalar as, bs;
        blst_scalar_from_fr(&as, &a);
        blst_scalar_from_fr(&bs, &b);
        blst_p1 s1, ta, tb, cp, pp;
        blst_p1_from_affine(&s1, &kzg::detail::impl_of(ctx).g1_monomial[1]);
        blst_p1_mult(&ta, blst_p1_generator(), as.b, 255);
        blst_p1_mult(&tb, &s1, bs.b, 255);
        blst_p1_add_or_double(&cp, &ta, &tb);
        blst_p1_mult(&pp, blst_p1_generator(), bs.b, 255);
        c = fuzz::g1_bytes<kzg::KZGCommitment>(cp);
        proof = fuzz::g1_bytes<kzg::KZGProof>(pp);
        blst_fr yf;
        blst_fr_mul(&yf, &b, &zf);
        blst_fr_add(&yf, &yf, &a);
        y = fuzz::bytes_of(yf);
        must_verify = true;
        if (mode & 2) {
            const std::size_t bit = r.u16() % (8 * 160);
            const auto flip = static_cast<std::uint8_t>(1u << (bit % 8));
            const std::size_t at = bit / 8;
            if (at < 48) c.bytes[at] ^= flip;
            else if (at < 80) z.bytes[at - 48] ^= flip;
            else if (at < 112) y.bytes[at - 80] ^= flip;
            else proof.bytes[at - 112] ^= flip;
            must_verify = false;
        }
    }
    const bool valid = fuzz::g1_is_valid(c) && fuzz::fe_is_canonical(z) && fuzz::fe_is_canonical(y) &&
                       fuzz::g1_is_valid(proof);
    auto v = ctx.verify_kzg_proof(c, z, y, proof);
    FUZZ_CHECK(v.ok() == valid, "accept/reject: " + (v.ok() ? std::string("accepted") : v.message()) + " c=" +
                                    fuzz::hex(c) + " z=" + fuzz::hex(z) + " y=" + fuzz::hex(y) + " proof=" + fuzz::hex(proof));
    if (!v.ok()) {
        FUZZ_CHECK(v.code() == kzg::ErrorCode::kInvalidInput && !v.message().empty(), "error code/message");
        return 0;
    }
    if (must_verify) FUZZ_CHECK(*v, "a true statement did not verify");
    if (*v) {
        blst_fr y1 = fuzz::fr_of(y.data());
        const std::uint64_t one_l[4] = {1, 0, 0, 0};
        blst_fr one;
        blst_fr_from_uint64(&one, one_l);
        blst_fr_add(&y1, &y1, &one);
        auto w = ctx.verify_kzg_proof(c, z, fuzz::bytes_of(y1), proof);
        FUZZ_CHECK(w.ok() && !*w, "verified with y + 1 too");
    }
    return 0;
}
