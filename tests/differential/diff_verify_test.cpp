// verify_kzg_proof, verify_blob_kzg_proof, verify_blob_kzg_proof_batch: ours vs
// c-kzg on valid inputs (random low-degree polynomials, whose commitments and
// proofs are cheap to compute exactly, plus some full random blobs proven by
// our library) and on mutations of them, so that true, false and rejected all
// occur.
#include "differential/reference.hpp"

namespace diff {
namespace {

// a + r: a non-canonical encoding of the same residue (a < r, so no overflow).
Bytes32 plus_modulus(const Bytes32& a) {
    Bytes32 out;
    unsigned carry = 0;
    for (int i = 31; i >= 0; i--) {
        const unsigned v = a.bytes[i] + kModulus[i] + carry;
        out.bytes[i] = static_cast<std::uint8_t>(v);
        carry = v >> 8;
    }
    return out;
}

// A full random blob with its commitment, computed by our library (a mismatch
// with c-kzg there is the other binaries' business; here both verify it).
struct RealBlob {
    std::unique_ptr<Blob> blob = std::make_unique<Blob>();
    KZGCommitment commitment;
};

RealBlob real_blob(Rng& rng) {
    RealBlob r;
    fill_blob(rng, BlobKind::kRandom, *r.blob);
    auto c = ours().blob_to_kzg_commitment(*r.blob);
    EXPECT_TRUE(c.ok()) << c.message();
    if (c) r.commitment = *c;
    return r;
}

class DiffVerify : public DiffTest {};

// ---- verify_kzg_proof ----------------------------------------------------------------------

enum class KMut {
    kNone, kWrongY, kWrongZ, kRandomProof, kRandomCommitment, kSwap, kYNonCanonical, kZNonCanonical,
    kCommitmentInvalid, kProofInvalid, kCommitmentInfinity, kProofInfinity, kYAllFf,
};
constexpr KMut kKSchedule[] = {KMut::kNone,          KMut::kWrongY,       KMut::kNone,
                               KMut::kYNonCanonical, KMut::kRandomProof,  KMut::kNone,
                               KMut::kWrongZ,        KMut::kCommitmentInvalid, KMut::kNone,
                               KMut::kRandomCommitment, KMut::kProofInvalid, KMut::kNone,
                               KMut::kZNonCanonical, KMut::kSwap,         KMut::kNone,
                               KMut::kCommitmentInfinity, KMut::kProofInfinity, KMut::kYAllFf};

TEST_F(DiffVerify, VerifyKzgProof) {
    const std::size_t n = iterations();
    Rng rng(0x4844fe01u);
    Tally t;
    const auto invalid = invalid_g1_encodings();
    for (std::size_t i = 0; i < n && !t.too_many(); i++) {
        const KMut mut = kKSchedule[i % std::size(kKSchedule)];
        Bytes48 c, proof;
        Bytes32 z, y;
        std::string what = "iteration " + std::to_string(i);
        bool constant = false;
        if (i % 100 == 50) {
            // A full random blob, proven by our library.
            auto rb = real_blob(rng);
            z = (i % 200 == 50) ? random_fe(rng) : bytes_from_fr(domain_brp()[rng.below(4096)]);
            auto py = ours().compute_kzg_proof(*rb.blob, z);
            ASSERT_TRUE(py.ok()) << py.message();
            c = Bytes48{rb.commitment.bytes};
            y = py->y;
            proof = Bytes48{py->proof.bytes};
            what += " (full random blob";
        } else {
            const LowDegree p = random_low_degree(rng, 12);
            constant = p.coeffs.size() == 1;
            switch (rng.below(4)) {
                case 0: z = bytes_from_fr(domain_brp()[rng.below(4096)]); break;
                case 1: z = rng.chance(50) ? Bytes32{} : fe_from_u64(1); break;
                default: z = random_fe(rng); break;
            }
            const blst_fr zf = fr_from_bytes(z);
            c = Bytes48{commitment_of(p).bytes};
            y = bytes_from_fr(eval(p, zf));
            proof = Bytes48{proof_of(p, zf).bytes};
            what += " (degree " + std::to_string(p.coeffs.size() - 1) + " polynomial";
        }
        what += ", z " + show(z);
        bool expect_valid = true, expect_reject = false;
        switch (mut) {
            case KMut::kNone: what += ", valid)"; break;
            case KMut::kWrongY: y = fe_add_u64(y, 1 + rng.below(1u << 20)); what += ", wrong y)"; expect_valid = false; break;
            case KMut::kWrongZ:
                z = fe_add_u64(z, 1 + rng.below(1u << 20));
                what += ", wrong z)";
                expect_valid = constant;  // a constant polynomial takes y everywhere
                break;
            case KMut::kRandomProof: proof = random_g1(rng); what += ", random proof)"; expect_valid = false; break;
            case KMut::kRandomCommitment: c = random_g1(rng); what += ", random commitment)"; expect_valid = false; break;
            case KMut::kSwap: std::swap(c, proof); what += ", commitment and proof swapped)"; expect_valid = false; break;
            case KMut::kYNonCanonical: y = plus_modulus(y); what += ", y + r)"; expect_reject = true; break;
            case KMut::kZNonCanonical: z = plus_modulus(z); what += ", z + r)"; expect_reject = true; break;
            case KMut::kYAllFf: y = fe_all_ff(); what += ", y all 0xff)"; expect_reject = true; break;
            case KMut::kCommitmentInvalid: {
                const auto& [name, b] = invalid[rng.below(invalid.size())];
                c = b;
                what += ", commitment " + name + ")";
                expect_reject = true;
                break;
            }
            case KMut::kProofInvalid: {
                const auto& [name, b] = invalid[rng.below(invalid.size())];
                proof = b;
                what += ", proof " + name + ")";
                expect_reject = true;
                break;
            }
            case KMut::kCommitmentInfinity: c = g1_infinity(); what += ", commitment at infinity)"; expect_valid = false; break;
            case KMut::kProofInfinity:
                proof = g1_infinity();
                what += ", proof at infinity)";
                expect_valid = constant;
                break;
        }
        const auto r = verify_kzg_proof(c, z, y, proof, t, what);
        if (expect_reject) {
            EXPECT_FALSE(r.has_value()) << what << ": accepted";
        } else if (r) {
            EXPECT_EQ(*r, expect_valid) << what;
        }
    }
    std::printf("verify_kzg_proof: %s\n", t.summary().c_str());
    EXPECT_EQ(t.mismatches, 0u) << t.summary();
    EXPECT_GT(t.verified_true, 0u);
    EXPECT_GT(t.verified_false, 0u);
    EXPECT_GT(t.rejected, 0u);
}

// ---- verify_blob_kzg_proof -----------------------------------------------------------------

enum class BMut {
    kNone, kElementChanged, kElementNonCanonical, kOtherCommitment, kOtherProof, kRandomProof,
    kCommitmentInvalid, kProofInvalid, kCommitmentInfinity, kProofInfinity, kSwap,
};
constexpr BMut kBSchedule[] = {BMut::kNone,        BMut::kElementChanged,     BMut::kNone,
                               BMut::kOtherProof,  BMut::kElementNonCanonical, BMut::kNone,
                               BMut::kOtherCommitment, BMut::kProofInvalid, BMut::kNone,
                               BMut::kRandomProof, BMut::kCommitmentInvalid,  BMut::kNone,
                               BMut::kCommitmentInfinity, BMut::kProofInfinity, BMut::kSwap};

TEST_F(DiffVerify, VerifyBlobKzgProof) {
    const std::size_t n = iterations();
    Rng rng(0x4844fe02u);
    Tally t;
    const auto invalid = invalid_g1_encodings();
    Bytes48 prev_commitment = random_g1(rng), prev_proof = random_g1(rng);
    for (std::size_t i = 0; i < n && !t.too_many(); i++) {
        const BMut mut = kBSchedule[i % std::size(kBSchedule)];
        std::unique_ptr<Blob> blob;
        Bytes48 c, proof;
        std::string what = "iteration " + std::to_string(i);
        if (i % 100 == 50) {
            auto rb = real_blob(rng);
            auto p = ours().compute_blob_kzg_proof(*rb.blob, rb.commitment);
            ASSERT_TRUE(p.ok()) << p.message();
            blob = std::move(rb.blob);
            c = Bytes48{rb.commitment.bytes};
            proof = Bytes48{p->bytes};
            what += " (full random blob";
        } else {
            auto tr = random_blob_triple(rng);
            blob = std::move(tr.blob);
            c = Bytes48{tr.commitment.bytes};
            proof = Bytes48{tr.proof.bytes};
            what += " (degree " + std::to_string(tr.poly.coeffs.size() - 1) + " polynomial";
        }
        const Bytes48 own_c = c, own_proof = proof;
        bool expect_valid = false, expect_reject = false;  // expect_valid is set below
        const std::size_t k = rng.below(kzg::FIELD_ELEMENTS_PER_BLOB);
        switch (mut) {
            case BMut::kNone: what += ", valid)"; break;
            case BMut::kElementChanged:
                set_element(*blob, k, fe_add_u64(get_element(*blob, k), 1));
                what += ", element " + std::to_string(k) + " changed)";
                break;
            case BMut::kElementNonCanonical:
                set_element(*blob, k, plus_modulus(get_element(*blob, k)));
                what += ", element " + std::to_string(k) + " + r)";
                expect_reject = true;
                break;
            case BMut::kOtherCommitment: c = prev_commitment; what += ", another blob's commitment)"; break;
            case BMut::kOtherProof: proof = prev_proof; what += ", another blob's proof)"; break;
            case BMut::kRandomProof: proof = random_g1(rng); what += ", random proof)"; break;
            case BMut::kCommitmentInvalid: {
                const auto& [name, b] = invalid[rng.below(invalid.size())];
                c = b;
                what += ", commitment " + name + ")";
                expect_reject = true;
                break;
            }
            case BMut::kProofInvalid: {
                const auto& [name, b] = invalid[rng.below(invalid.size())];
                proof = b;
                what += ", proof " + name + ")";
                expect_reject = true;
                break;
            }
            case BMut::kCommitmentInfinity: c = g1_infinity(); what += ", commitment at infinity)"; break;
            case BMut::kProofInfinity: proof = g1_infinity(); what += ", proof at infinity)"; break;
            case BMut::kSwap: std::swap(c, proof); what += ", commitment and proof swapped)"; break;
        }
        // Degree-0 polynomials have the proof at infinity: a "wrong" proof can
        // still be the right one.
        const bool blob_changed = mut == BMut::kElementChanged || mut == BMut::kElementNonCanonical;
        expect_valid = !blob_changed && c == own_c && proof == own_proof;
        const auto r = verify_blob_kzg_proof(*blob, c, proof, t, what);
        if (expect_reject) {
            EXPECT_FALSE(r.has_value()) << what << ": accepted";
        } else if (r) {
            EXPECT_EQ(*r, expect_valid) << what;
        }
        prev_commitment = own_c;
        prev_proof = own_proof;
    }
    std::printf("verify_blob_kzg_proof: %s\n", t.summary().c_str());
    EXPECT_EQ(t.mismatches, 0u) << t.summary();
    EXPECT_GT(t.verified_true, 0u);
    EXPECT_GT(t.verified_false, 0u);
    EXPECT_GT(t.rejected, 0u);
}

// ---- verify_blob_kzg_proof_batch ------------------------------------------------------------

enum class BatchMut {
    kNone, kOneWrongProof, kOneWrongCommitment, kSwapProofs, kOneElementChanged, kOneNonCanonical,
    kOneInvalidCommitment, kOneInvalidProof, kOneRandomProof,
};
constexpr BatchMut kBatchSchedule[] = {BatchMut::kNone, BatchMut::kOneWrongProof, BatchMut::kNone,
                                       BatchMut::kOneNonCanonical, BatchMut::kOneWrongCommitment,
                                       BatchMut::kNone, BatchMut::kSwapProofs, BatchMut::kOneInvalidCommitment,
                                       BatchMut::kNone, BatchMut::kOneElementChanged,
                                       BatchMut::kOneInvalidProof, BatchMut::kOneRandomProof};
constexpr std::size_t kSizes[] = {1, 2, 3, 4, 0, 5, 2, 1, 6, 3, 8, 4, 2, 16, 3};

TEST_F(DiffVerify, VerifyBlobKzgProofBatch) {
    const std::size_t n = iterations();
    Rng rng(0x4844fe03u);
    Tally t;
    const auto invalid = invalid_g1_encodings();

    // A pool of valid (blob, commitment, proof) triples to draw batches from.
    std::vector<Blob> pool_blobs;
    std::vector<Bytes48> pool_c, pool_p;
    for (std::size_t i = 0; i < 60; i++) {
        auto tr = random_blob_triple(rng);
        pool_blobs.push_back(*tr.blob);
        pool_c.push_back(Bytes48{tr.commitment.bytes});
        pool_p.push_back(Bytes48{tr.proof.bytes});
    }
    for (std::size_t i = 0; i < 4; i++) {
        auto rb = real_blob(rng);
        auto p = ours().compute_blob_kzg_proof(*rb.blob, rb.commitment);
        ASSERT_TRUE(p.ok()) << p.message();
        pool_blobs.push_back(*rb.blob);
        pool_c.push_back(Bytes48{rb.commitment.bytes});
        pool_p.push_back(Bytes48{p->bytes});
    }

    std::size_t empty = 0, singles = 0;
    std::vector<Blob> blobs;
    std::vector<Bytes48> cs, ps;
    std::vector<std::size_t> picks;
    for (std::size_t i = 0; i < n && !t.too_many(); i++) {
        const std::size_t size = kSizes[i % std::size(kSizes)];
        BatchMut mut = kBatchSchedule[i % std::size(kBatchSchedule)];
        if (size == 0) mut = BatchMut::kNone;
        if (size < 2 && mut == BatchMut::kSwapProofs) mut = BatchMut::kOneWrongProof;
        blobs.clear();
        cs.clear();
        ps.clear();
        picks.clear();
        for (std::size_t j = 0; j < size; j++) {
            // Distinct picks, so that swapping two proofs always breaks the batch.
            std::size_t k;
            do k = rng.below(pool_blobs.size());
            while (std::find(picks.begin(), picks.end(), k) != picks.end());
            picks.push_back(k);
            blobs.push_back(pool_blobs[k]);
            cs.push_back(pool_c[k]);
            ps.push_back(pool_p[k]);
        }
        std::string what = "iteration " + std::to_string(i) + " (batch of " + std::to_string(size) + ", ";
        const std::size_t at = size ? rng.below(size) : 0;
        const std::string where = std::to_string(at);
        std::size_t other = rng.below(pool_blobs.size());
        while (size && other == picks[at]) other = rng.below(pool_blobs.size());
        bool expect_valid = false, expect_reject = false;
        switch (mut) {
            case BatchMut::kNone: what += "valid)"; break;
            case BatchMut::kOneWrongProof: ps[at] = pool_p[other]; what += "proof " + where + " of another blob)"; break;
            case BatchMut::kOneWrongCommitment:
                cs[at] = pool_c[other];
                what += "commitment " + where + " of another blob)";
                break;
            case BatchMut::kSwapProofs: {
                const std::size_t b = (at + 1) % size;
                std::swap(ps[at], ps[b]);
                what += "proofs " + where + " and " + std::to_string(b) + " swapped)";
                break;
            }
            case BatchMut::kOneElementChanged: {
                const std::size_t e = rng.below(kzg::FIELD_ELEMENTS_PER_BLOB);
                set_element(blobs[at], e, fe_add_u64(get_element(blobs[at], e), 1));
                what += "blob " + where + " element " + std::to_string(e) + " changed)";
                break;
            }
            case BatchMut::kOneNonCanonical: {
                const std::size_t e = rng.below(kzg::FIELD_ELEMENTS_PER_BLOB);
                set_element(blobs[at], e, random_non_canonical(rng));
                what += "blob " + where + " element " + std::to_string(e) + " non-canonical)";
                expect_reject = true;
                break;
            }
            case BatchMut::kOneInvalidCommitment: {
                const auto& [name, b] = invalid[rng.below(invalid.size())];
                cs[at] = b;
                what += "commitment " + where + " " + name + ")";
                expect_reject = true;
                break;
            }
            case BatchMut::kOneInvalidProof: {
                const auto& [name, b] = invalid[rng.below(invalid.size())];
                ps[at] = b;
                what += "proof " + where + " " + name + ")";
                expect_reject = true;
                break;
            }
            case BatchMut::kOneRandomProof: ps[at] = random_g1(rng); what += "proof " + where + " random)"; break;
        }
        // Valid exactly when every entry is still its own (a degree-0 blob's
        // proof is infinity, so swapping two of those changes nothing).
        expect_valid = mut != BatchMut::kOneElementChanged;
        for (std::size_t j = 0; j < size; j++)
            expect_valid = expect_valid && cs[j] == pool_c[picks[j]] && ps[j] == pool_p[picks[j]];
        if (size == 0) empty++;
        if (size == 1) singles++;
        const auto r = verify_blob_kzg_proof_batch(blobs, cs, ps, t, what);
        if (expect_reject) {
            EXPECT_FALSE(r.has_value()) << what << ": accepted";
        } else if (r) {
            EXPECT_EQ(*r, expect_valid) << what;
        }
    }
    std::printf("verify_blob_kzg_proof_batch: %s\n", t.summary().c_str());
    EXPECT_EQ(t.mismatches, 0u) << t.summary();
    EXPECT_GT(t.verified_true, 0u);
    EXPECT_GT(t.verified_false, 0u);
    EXPECT_GT(t.rejected, 0u);
    EXPECT_GT(singles, 0u);
    if (n >= std::size(kSizes)) {
        EXPECT_GT(empty, 0u);
    }
}

}  // namespace
}  // namespace diff
