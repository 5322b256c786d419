// compute_blob_kzg_proof: ours vs c-kzg on random blobs with their own
// commitments, other valid points, infinity and invalid encodings; each proof is
// then checked with verify_blob_kzg_proof by both libraries.
#include "differential/reference.hpp"

namespace diff {
namespace {

constexpr BlobKind kBlobSchedule[] = {
    BlobKind::kLowDegree, BlobKind::kRandom,       BlobKind::kLowDegree, BlobKind::kNonCanonical,
    BlobKind::kRandom,    BlobKind::kLowDegree,    BlobKind::kSparse,    BlobKind::kFullRange,
    BlobKind::kLowDegree, BlobKind::kNearModulus,  BlobKind::kRandom,    BlobKind::kLowDegree,
    BlobKind::kSmall,     BlobKind::kLowDegree,    BlobKind::kRandom,    BlobKind::kLowDegree,
};

enum class CKind { kOwn, kOtherPoint, kInfinity, kInvalid };

// Eleven entries against the blob schedule's sixteen: every pairing occurs.
constexpr CKind kCSchedule[] = {CKind::kOwn,   CKind::kOwn,      CKind::kOtherPoint, CKind::kOwn,
                                CKind::kInvalid, CKind::kOwn,    CKind::kInfinity,   CKind::kOwn,
                                CKind::kOtherPoint, CKind::kOwn, CKind::kInvalid};

class DiffBlobProof : public DiffTest {};

TEST_F(DiffBlobProof, RandomBlobsAndCommitments) {
    const std::size_t n = iterations();
    Rng rng(0x4844b10bu);
    Tally t, tv;
    std::size_t oracle_checks = 0;
    const auto invalid = invalid_g1_encodings();
    auto blob = std::make_unique<Blob>();
    std::optional<KZGProof> previous_proof;
    for (std::size_t i = 0; i < n && !t.too_many() && !tv.too_many(); i++) {
        const BlobKind bkind = kBlobSchedule[i % std::size(kBlobSchedule)];
        const CKind ckind = kCSchedule[i % std::size(kCSchedule)];
        const auto poly = fill_blob(rng, bkind, *blob);
        std::string what = "iteration " + std::to_string(i) + " (" + blob_kind_name(bkind) + " blob, ";
        KZGCommitment commitment;  // its own, or any point in its place
        switch (ckind) {
            case CKind::kOwn:
                if (poly) {
                    commitment = commitment_of(*poly);
                } else if (bkind != BlobKind::kNonCanonical) {
                    auto c = ours().blob_to_kzg_commitment(*blob);
                    ASSERT_TRUE(c.ok()) << what << "): " << c.message();
                    commitment = *c;
                } else {
                    commitment = as_commitment(random_g1(rng));
                }
                what += "its commitment)";
                break;
            case CKind::kOtherPoint:
                commitment = as_commitment(random_g1(rng));
                what += "another valid point as commitment)";
                break;
            case CKind::kInfinity:
                commitment = as_commitment(g1_infinity());
                what += "the point at infinity as commitment)";
                break;
            case CKind::kInvalid: {
                const auto& [name, bytes] = invalid[rng.below(invalid.size())];
                commitment = as_commitment(bytes);
                what += "commitment " + name + ")";
                break;
            }
        }

        const auto proof = compute_blob_kzg_proof(*blob, commitment, t, what);
        if (bkind == BlobKind::kNonCanonical || ckind == CKind::kInvalid) {
            EXPECT_FALSE(proof.has_value()) << what << ": accepted";
            continue;
        }
        if (!proof) continue;  // a mismatch, already reported
        if (poly && ckind == CKind::kOwn) {
            oracle_checks++;
            EXPECT_EQ(show(*proof), show(proof_of(*poly, blob_challenge(*blob, commitment))))
                << what << ": not the proof of p at the challenge";
        }
        // The proof verifies exactly when the commitment is the blob's own
        // (all these blobs are non-zero, so infinity is never their commitment).
        const auto ok = verify_blob_kzg_proof(*blob, commitment, *proof, tv, what + ": verify");
        if (ckind == CKind::kOwn) {
            EXPECT_TRUE(ok.value_or(false)) << what << ": the computed proof does not verify";
            const auto bad = verify_blob_kzg_proof(*blob, commitment, random_g1(rng), tv, what + ": a random proof");
            EXPECT_FALSE(bad.value_or(true)) << what << ": a random proof verifies";
            if (previous_proof) {
                const auto other = verify_blob_kzg_proof(*blob, commitment, *previous_proof, tv,
                                                         what + ": the previous blob's proof");
                EXPECT_FALSE(other.value_or(true)) << what << ": another blob's proof verifies";
            }
            previous_proof = proof;
        } else {
            EXPECT_FALSE(ok.value_or(true)) << what << ": verifies against a foreign commitment";
        }
    }
    std::printf("compute_blob_kzg_proof: %s\nverify_blob_kzg_proof (of computed proofs): %s\n", t.summary().c_str(),
                tv.summary().c_str());
    EXPECT_EQ(t.mismatches, 0u) << t.summary();
    EXPECT_EQ(tv.mismatches, 0u) << tv.summary();
    EXPECT_GT(t.accepted, 0u);
    EXPECT_GT(t.rejected, 0u);
    EXPECT_GT(tv.verified_true, 0u);
    EXPECT_GT(tv.verified_false, 0u);
    EXPECT_GT(oracle_checks, 0u);
}

}  // namespace
}  // namespace diff
