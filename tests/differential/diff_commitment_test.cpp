// blob_to_kzg_commitment: ours vs c-kzg on random blobs.
#include "differential/reference.hpp"

namespace diff {
namespace {

// The kinds cycle so that every outcome appears within the first iterations,
// whatever KZG_DIFF_ITERATIONS says.
constexpr BlobKind kSchedule[] = {
    BlobKind::kRandom,    BlobKind::kNonCanonical, BlobKind::kLowDegree, BlobKind::kSparse,
    BlobKind::kRandom,    BlobKind::kFullRange,    BlobKind::kSmall,     BlobKind::kRandom,
    BlobKind::kLowDegree, BlobKind::kNearModulus,  BlobKind::kRandom,    BlobKind::kFullRange,
    BlobKind::kRandom,    BlobKind::kNonCanonical, BlobKind::kRandom,    BlobKind::kLowDegree,
};

class DiffCommitment : public DiffTest {};

TEST_F(DiffCommitment, RandomBlobs) {
    const std::size_t n = iterations();
    Rng rng(0x4844c0117u);
    Tally t;
    std::size_t oracle_checks = 0;
    auto blob = std::make_unique<Blob>();
    for (std::size_t i = 0; i < n && !t.too_many(); i++) {
        const BlobKind kind = kSchedule[i % std::size(kSchedule)];
        const auto poly = fill_blob(rng, kind, *blob);
        const std::string what = "iteration " + std::to_string(i) + " (" + blob_kind_name(kind) + " blob)";
        const auto c = blob_to_kzg_commitment(*blob, t, what);
        if (kind == BlobKind::kNonCanonical) {
            EXPECT_FALSE(c.has_value()) << what << ": a blob with a non-canonical element was accepted";
        } else if (c && poly) {
            // An independent oracle: [p(s)]G1 from the monomial points.
            oracle_checks++;
            EXPECT_EQ(show(*c), show(commitment_of(*poly))) << what << ": not the commitment of the polynomial";
        } else {
            EXPECT_TRUE(c.has_value()) << what << ": a canonical blob was rejected";
        }
    }
    std::printf("blob_to_kzg_commitment: %s\n", t.summary().c_str());
    EXPECT_EQ(t.mismatches, 0u) << t.summary();
    EXPECT_GE(t.calls, n < 10 ? n : 10);
    EXPECT_GT(t.accepted, 0u) << t.summary();
    EXPECT_GT(t.rejected, 0u) << t.summary();
    EXPECT_GT(oracle_checks, 0u);
}

}  // namespace
}  // namespace diff
