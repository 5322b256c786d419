// EIP-4844 edge cases, ours vs c-kzg: special blobs (zero, every element r-1,
// an element r, an element all 0xff), special points z (0, 1, roots of unity of
// the domain, r-1, non-canonical), non-canonical y, and every interesting 48-byte
// encoding as commitment or proof (infinity, infinity flag with other bits,
// off the curve, outside the subgroup, x >= p), proofs for another blob, and
// batches (empty, one entry, one bad entry among good ones).
#include "differential/reference.hpp"

namespace diff {
namespace {

class DiffEdge : public DiffTest {};

std::unique_ptr<Blob> filled_blob(const Bytes32& v) {
    auto b = std::make_unique<Blob>();
    for (std::size_t i = 0; i < kzg::FIELD_ELEMENTS_PER_BLOB; i++) set_element(*b, i, v);
    return b;
}

std::unique_ptr<Blob> random_blob(Rng& rng) {
    auto b = std::make_unique<Blob>();
    fill_blob(rng, BlobKind::kRandom, *b);
    return b;
}

struct NamedBlob {
    std::string name;
    std::unique_ptr<Blob> blob;
    bool canonical;
};

std::vector<NamedBlob> special_blobs(Rng& rng) {
    std::vector<NamedBlob> v;
    v.push_back({"zero blob", std::make_unique<Blob>(), true});
    v.push_back({"every element r-1", filled_blob(modulus_plus(-1)), true});
    v.push_back({"every element 1", filled_blob(fe_from_u64(1)), true});
    for (std::size_t at : {std::size_t{0}, std::size_t{1}, std::size_t{4095}}) {
        auto b = random_blob(rng);
        set_element(*b, at, modulus_plus(0));
        v.push_back({"element " + std::to_string(at) + " equal to r", std::move(b), false});
    }
    {
        auto b = random_blob(rng);
        set_element(*b, 2048, modulus_plus(1));
        v.push_back({"element 2048 equal to r+1", std::move(b), false});
    }
    {
        auto b = random_blob(rng);
        set_element(*b, 77, fe_all_ff());
        v.push_back({"element 77 all 0xff", std::move(b), false});
    }
    {
        auto b = std::make_unique<Blob>();
        b->bytes.fill(0xff);
        v.push_back({"every byte 0xff", std::move(b), false});
    }
    {
        auto b = std::make_unique<Blob>();
        set_element(*b, 4095, modulus_plus(0));
        v.push_back({"zero blob but the last element r", std::move(b), false});
    }
    return v;
}

// ---- blobs -----------------------------------------------------------------------------------

TEST_F(DiffEdge, SpecialBlobsThroughEveryFunction) {
    Rng rng(0xed9e0001u);
    Tally t;
    const auto blobs = special_blobs(rng);
    const Bytes32 z = random_fe(rng);
    const Bytes48 some_point = random_g1(rng);
    for (const auto& nb : blobs) {
        const Blob& blob = *nb.blob;
        const auto c = blob_to_kzg_commitment(blob, t, nb.name + ": blob_to_kzg_commitment");
        EXPECT_EQ(c.has_value(), nb.canonical) << nb.name;
        const auto py = compute_kzg_proof(blob, z, t, nb.name + ": compute_kzg_proof");
        EXPECT_EQ(py.has_value(), nb.canonical) << nb.name;
        const KZGCommitment commitment = c ? *c : as_commitment(some_point);
        const auto bp = compute_blob_kzg_proof(blob, commitment, t, nb.name + ": compute_blob_kzg_proof");
        EXPECT_EQ(bp.has_value(), nb.canonical) << nb.name;
        const KZGProof proof = bp ? *bp : as_proof(some_point);
        const auto ok = verify_blob_kzg_proof(blob, commitment, proof, t, nb.name + ": verify_blob_kzg_proof");
        EXPECT_EQ(ok.has_value(), nb.canonical) << nb.name;
        if (ok) {
            EXPECT_TRUE(*ok) << nb.name;
        }
        if (py && c) {
            const auto v = verify_kzg_proof(*c, z, py->y, py->proof, t, nb.name + ": verify_kzg_proof");
            EXPECT_TRUE(v.value_or(false)) << nb.name;
        }
        const std::vector<Blob> bs{blob};
        const std::vector<KZGCommitment> cs{commitment};
        const std::vector<KZGProof> ps{proof};
        const auto b = verify_blob_kzg_proof_batch(bs, cs, ps, t, nb.name + ": batch of one");
        EXPECT_EQ(b.has_value(), nb.canonical) << nb.name;
    }
    // The zero blob commits to infinity and proves with infinity.
    EXPECT_EQ(show(*ours().blob_to_kzg_commitment(*blobs[0].blob)), show(g1_infinity()));
    std::printf("%s\n", t.summary().c_str());
    EXPECT_EQ(t.mismatches, 0u) << t.summary();
    EXPECT_GT(t.rejected, 0u);
    EXPECT_GT(t.verified_true, 0u);
}

// ---- evaluation points -----------------------------------------------------------------------

TEST_F(DiffEdge, SpecialEvaluationPoints) {
    Rng rng(0xed9e0002u);
    Tally t;
    auto blob = random_blob(rng);
    const LowDegree p = random_low_degree(rng, 6);
    const auto low = blob_of(p);
    const KZGCommitment low_c = commitment_of(p);
    auto c = blob_to_kzg_commitment(*blob, t, "commitment of the random blob");
    ASSERT_TRUE(c.has_value());

    std::vector<std::pair<std::string, Bytes32>> zs = {
        {"z = 0", Bytes32{}},
        {"z = 1 (domain[0])", fe_from_u64(1)},
        {"z = r - 1 (a root of unity)", modulus_plus(-1)},
        {"z = 2", fe_from_u64(2)},
        {"z = r (non-canonical)", modulus_plus(0)},
        {"z = r + 1 (non-canonical)", modulus_plus(1)},
        {"z all 0xff", fe_all_ff()},
    };
    for (std::size_t k : {std::size_t{1}, std::size_t{2}, std::size_t{3}, std::size_t{1000}, std::size_t{4095}})
        zs.emplace_back("z = domain[" + std::to_string(k) + "]", bytes_from_fr(domain_brp()[k]));
    // A root of unity of the extended domain, not of the blob domain.
    zs.emplace_back("z = w_8192", bytes_from_fr(ref().roots_of_unity[1]));
    // z taken from a blob element's position: its value there is that element.
    const std::size_t pos = 123;
    zs.emplace_back("z = domain[123] (y must be blob element 123)", bytes_from_fr(domain_brp()[pos]));

    for (const auto& [name, z] : zs) {
        const auto py = compute_kzg_proof(*blob, z, t, name + ", random blob");
        if (py) {
            const auto v = verify_kzg_proof(*c, z, py->y, py->proof, t, name + ": verify");
            EXPECT_TRUE(v.value_or(false)) << name;
            const auto w = verify_kzg_proof(*c, z, fe_add_u64(py->y, 1), py->proof, t, name + ": verify, y + 1");
            EXPECT_FALSE(w.value_or(true)) << name;
        }
        const auto pl = compute_kzg_proof(*low, z, t, name + ", low-degree blob");
        if (pl) {
            const blst_fr zf = fr_from_bytes(z);
            EXPECT_EQ(show(pl->y), show(bytes_from_fr(eval(p, zf)))) << name;
            EXPECT_EQ(show(pl->proof), show(proof_of(p, zf))) << name;
            const auto v = verify_kzg_proof(low_c, z, pl->y, pl->proof, t, name + ": verify (low-degree)");
            EXPECT_TRUE(v.value_or(false)) << name;
        }
    }
    const auto at_pos = ours().compute_kzg_proof(*blob, bytes_from_fr(domain_brp()[pos]));
    ASSERT_TRUE(at_pos.ok());
    EXPECT_EQ(show(at_pos->y), show(get_element(*blob, pos)));
    std::printf("%s\n", t.summary().c_str());
    EXPECT_EQ(t.mismatches, 0u) << t.summary();
    EXPECT_GT(t.rejected, 0u);
    EXPECT_GT(t.verified_true, 0u);
    EXPECT_GT(t.verified_false, 0u);
}

// ---- y -----------------------------------------------------------------------------------------

TEST_F(DiffEdge, NonCanonicalY) {
    Rng rng(0xed9e0003u);
    Tally t;
    const LowDegree p = random_low_degree(rng, 5);
    const KZGCommitment c = commitment_of(p);
    const Bytes32 z = random_fe(rng);
    const blst_fr zf = fr_from_bytes(z);
    const Bytes32 y = bytes_from_fr(eval(p, zf));
    const KZGProof proof = proof_of(p, zf);
    EXPECT_TRUE(verify_kzg_proof(c, z, y, proof, t, "valid").value_or(false));
    // y + r would be the same residue: both must reject it, not reduce it.
    Bytes32 y_plus_r;
    unsigned carry = 0;
    for (int i = 31; i >= 0; i--) {
        const unsigned v = y.bytes[i] + kModulus[i] + carry;
        y_plus_r.bytes[i] = static_cast<std::uint8_t>(v);
        carry = v >> 8;
    }
    for (const auto& [name, bad_y] : std::vector<std::pair<std::string, Bytes32>>{
             {"y = r", modulus_plus(0)}, {"y = r + 1", modulus_plus(1)}, {"y all 0xff", fe_all_ff()},
             {"y + r", y_plus_r}}) {
        EXPECT_FALSE(verify_kzg_proof(c, z, bad_y, proof, t, name).has_value()) << name;
    }
    EXPECT_FALSE(verify_kzg_proof(c, z, modulus_plus(-1), proof, t, "y = r - 1").value_or(true));
    EXPECT_FALSE(verify_kzg_proof(c, z, Bytes32{}, proof, t, "y = 0").value_or(true));
    EXPECT_EQ(t.mismatches, 0u) << t.summary();
}

// ---- 48-byte encodings -------------------------------------------------------------------------

TEST_F(DiffEdge, PointEncodingsAsCommitmentAndProof) {
    Rng rng(0xed9e0004u);
    Tally t;
    // The helpers really produce what they claim.
    {
        blst_p1_affine a;
        const Bytes48 ns = g1_not_in_subgroup();
        ASSERT_EQ(blst_p1_uncompress(&a, ns.data()), BLST_SUCCESS);
        ASSERT_TRUE(blst_p1_affine_on_curve(&a));
        ASSERT_FALSE(blst_p1_affine_in_g1(&a));
        const Bytes48 oc = g1_off_curve();
        ASSERT_EQ(blst_p1_uncompress(&a, oc.data()), BLST_POINT_NOT_ON_CURVE);
    }
    const BlobTriple tr = random_blob_triple(rng);
    const Bytes32 z = random_fe(rng);
    const blst_fr zf = fr_from_bytes(z);
    const Bytes32 y = bytes_from_fr(eval(tr.poly, zf));
    const KZGProof zproof = proof_of(tr.poly, zf);

    auto encodings = invalid_g1_encodings();
    encodings.emplace_back("the point at infinity", g1_infinity());
    encodings.emplace_back("the generator", g1_bytes(*blst_p1_generator()));
    {
        Bytes48 neg{tr.commitment.bytes};
        neg.bytes[0] ^= 0x20;  // the sort flag: the negated point
        encodings.emplace_back("the commitment negated (sort flag flipped)", neg);
    }
    for (const auto& [name, enc] : encodings) {
        // As the commitment...
        (void)compute_blob_kzg_proof(*tr.blob, enc, t, name + " as commitment: compute_blob_kzg_proof");
        (void)verify_blob_kzg_proof(*tr.blob, enc, tr.proof, t, name + " as commitment: verify_blob_kzg_proof");
        (void)verify_kzg_proof(enc, z, y, zproof, t, name + " as commitment: verify_kzg_proof");
        // ...as the proof...
        (void)verify_blob_kzg_proof(*tr.blob, tr.commitment, enc, t, name + " as proof: verify_blob_kzg_proof");
        (void)verify_kzg_proof(tr.commitment, z, y, enc, t, name + " as proof: verify_kzg_proof");
        // ...and as both.
        (void)verify_kzg_proof(enc, z, y, enc, t, name + " as both: verify_kzg_proof");
        (void)verify_blob_kzg_proof(*tr.blob, enc, enc, t, name + " as both: verify_blob_kzg_proof");
        const std::vector<Blob> bs{*tr.blob, *tr.blob};
        const std::vector<KZGCommitment> cs{tr.commitment, as_commitment(enc)};
        const std::vector<KZGProof> ps{tr.proof, tr.proof};
        (void)verify_blob_kzg_proof_batch(bs, cs, ps, t, name + " as the second commitment of a batch");
        const std::vector<KZGCommitment> cs2{tr.commitment, tr.commitment};
        const std::vector<KZGProof> ps2{tr.proof, as_proof(enc)};
        (void)verify_blob_kzg_proof_batch(bs, cs2, ps2, t, name + " as the second proof of a batch");
    }
    // Infinity as commitment and proof, with y = 0: the zero polynomial.
    EXPECT_TRUE(verify_kzg_proof(g1_infinity(), z, Bytes32{}, g1_infinity(), t, "zero polynomial").value_or(false));
    std::printf("%s\n", t.summary().c_str());
    EXPECT_EQ(t.mismatches, 0u) << t.summary();
    EXPECT_GT(t.rejected, 0u);
    EXPECT_GT(t.verified_false, 0u);
    EXPECT_GT(t.verified_true, 0u);
}

// ---- proofs of other blobs -------------------------------------------------------------------

TEST_F(DiffEdge, ProofForAnotherBlob) {
    Rng rng(0xed9e0005u);
    Tally t;
    auto a = random_blob(rng), b = random_blob(rng);
    const auto ca = blob_to_kzg_commitment(*a, t, "commitment a");
    const auto cb = blob_to_kzg_commitment(*b, t, "commitment b");
    ASSERT_TRUE(ca && cb);
    const auto pa = compute_blob_kzg_proof(*a, *ca, t, "proof a");
    const auto pb = compute_blob_kzg_proof(*b, *cb, t, "proof b");
    ASSERT_TRUE(pa && pb);
    EXPECT_TRUE(verify_blob_kzg_proof(*a, *ca, *pa, t, "a, ca, pa").value_or(false));
    EXPECT_FALSE(verify_blob_kzg_proof(*a, *ca, *pb, t, "a, ca, pb").value_or(true));
    EXPECT_FALSE(verify_blob_kzg_proof(*a, *cb, *pb, t, "a, cb, pb").value_or(true));
    EXPECT_FALSE(verify_blob_kzg_proof(*b, *ca, *pa, t, "b, ca, pa").value_or(true));
    // A proof computed against the wrong commitment.
    const auto pab = compute_blob_kzg_proof(*a, *cb, t, "proof of a against cb");
    ASSERT_TRUE(pab);
    EXPECT_FALSE(verify_blob_kzg_proof(*a, *cb, *pab, t, "a, cb, proof of a against cb").value_or(true));
    // The evaluation proof of a at z does not verify as b's.
    const Bytes32 z = random_fe(rng);
    const auto za = compute_kzg_proof(*a, z, t, "a at z");
    ASSERT_TRUE(za);
    EXPECT_FALSE(verify_kzg_proof(*cb, z, za->y, za->proof, t, "cb with a's opening").value_or(true));

    const std::vector<Blob> bs{*a, *b};
    EXPECT_TRUE(verify_blob_kzg_proof_batch(bs, {*ca, *cb}, {*pa, *pb}, t, "batch a, b").value_or(false));
    EXPECT_FALSE(verify_blob_kzg_proof_batch(bs, {*ca, *cb}, {*pb, *pa}, t, "batch, proofs swapped").value_or(true));
    EXPECT_FALSE(verify_blob_kzg_proof_batch(bs, {*cb, *ca}, {*pa, *pb}, t, "batch, commitments swapped").value_or(true));
    EXPECT_EQ(t.mismatches, 0u) << t.summary();
}

// ---- batches -------------------------------------------------------------------------------

TEST_F(DiffEdge, Batches) {
    Rng rng(0xed9e0006u);
    Tally t;
    EXPECT_TRUE(verify_blob_kzg_proof_batch({}, {}, {}, t, "empty batch").value_or(false));

    std::vector<Blob> bs;
    std::vector<KZGCommitment> cs;
    std::vector<KZGProof> ps;
    for (int i = 0; i < 6; i++) {
        auto tr = random_blob_triple(rng);
        bs.push_back(*tr.blob);
        cs.push_back(tr.commitment);
        ps.push_back(tr.proof);
    }
    // A full random blob too.
    auto real = random_blob(rng);
    const auto rc = blob_to_kzg_commitment(*real, t, "real commitment");
    ASSERT_TRUE(rc);
    const auto rp = compute_blob_kzg_proof(*real, *rc, t, "real proof");
    ASSERT_TRUE(rp);
    bs.push_back(*real);
    cs.push_back(*rc);
    ps.push_back(*rp);

    EXPECT_TRUE(verify_blob_kzg_proof_batch({bs[0]}, {cs[0]}, {ps[0]}, t, "batch of one").value_or(false));
    EXPECT_FALSE(verify_blob_kzg_proof_batch({bs[0]}, {cs[0]}, {ps[1]}, t, "batch of one, bad").value_or(true));
    EXPECT_TRUE(verify_blob_kzg_proof_batch(bs, cs, ps, t, "batch of 7").value_or(false));
    // The same entry twice.
    EXPECT_TRUE(verify_blob_kzg_proof_batch({bs[6], bs[6]}, {cs[6], cs[6]}, {ps[6], ps[6]}, t, "duplicate entries")
                    .value_or(false));
    for (std::size_t at = 0; at < bs.size(); at++) {
        const std::string w = " at " + std::to_string(at);
        auto p2 = ps;
        p2[at] = as_proof(random_g1(rng));
        EXPECT_FALSE(verify_blob_kzg_proof_batch(bs, cs, p2, t, "one random proof" + w).value_or(true));
        auto c2 = cs;
        c2[at] = as_commitment(g1_infinity());
        EXPECT_FALSE(verify_blob_kzg_proof_batch(bs, c2, ps, t, "one commitment at infinity" + w).value_or(true));
        auto b2 = bs;
        set_element(b2[at], at * 100, modulus_plus(0));
        EXPECT_FALSE(verify_blob_kzg_proof_batch(b2, cs, ps, t, "one element = r" + w).has_value());
        c2 = cs;
        c2[at] = as_commitment(g1_not_in_subgroup());
        EXPECT_FALSE(verify_blob_kzg_proof_batch(bs, c2, ps, t, "one commitment not in G1" + w).has_value());
        p2 = ps;
        p2[at] = as_proof(g1_off_curve());
        EXPECT_FALSE(verify_blob_kzg_proof_batch(bs, cs, p2, t, "one proof off the curve" + w).has_value());
    }
    // The lengths must agree (c-kzg's API cannot express a mismatch: ours only).
    auto mismatch = ours().verify_blob_kzg_proof_batch(bs, cs, std::span<const KZGProof>(ps).first(3));
    EXPECT_FALSE(mismatch.ok());
    EXPECT_EQ(mismatch.code(), kzg::ErrorCode::kInvalidInput);
    EXPECT_EQ(t.mismatches, 0u) << t.summary();
}

}  // namespace
}  // namespace diff
