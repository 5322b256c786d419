// compute_kzg_proof: ours vs c-kzg on random blobs and evaluation points; each
// proof both computed is then verified by both (true), and with a wrong y (false).
#include "differential/reference.hpp"

namespace diff {
namespace {

constexpr BlobKind kBlobSchedule[] = {
    BlobKind::kLowDegree, BlobKind::kRandom,       BlobKind::kLowDegree, BlobKind::kNonCanonical,
    BlobKind::kRandom,    BlobKind::kLowDegree,    BlobKind::kSparse,    BlobKind::kFullRange,
    BlobKind::kLowDegree, BlobKind::kNearModulus,  BlobKind::kRandom,    BlobKind::kLowDegree,
    BlobKind::kSmall,     BlobKind::kLowDegree,    BlobKind::kRandom,    BlobKind::kLowDegree,
};

enum class ZKind { kRandom, kDomain, kZero, kOne, kMinusOne, kNearModulus, kSmall, kNonCanonical };

// Nine entries against the blob schedule's sixteen: every pairing occurs.
constexpr ZKind kZSchedule[] = {ZKind::kRandom, ZKind::kDomain,      ZKind::kRandom, ZKind::kNonCanonical,
                                ZKind::kZero,   ZKind::kRandom,      ZKind::kOne,    ZKind::kNearModulus,
                                ZKind::kRandom};
constexpr ZKind kRareZ[] = {ZKind::kMinusOne, ZKind::kSmall};

std::pair<Bytes32, std::string> make_z(Rng& rng, ZKind kind) {
    switch (kind) {
        case ZKind::kRandom: return {random_fe(rng), "random z"};
        case ZKind::kDomain: {
            const std::size_t k = rng.below(kzg::FIELD_ELEMENTS_PER_BLOB);
            return {bytes_from_fr(domain_brp()[k]), "z = domain[" + std::to_string(k) + "] (bit-reversed order)"};
        }
        case ZKind::kZero: return {Bytes32{}, "z = 0"};
        case ZKind::kOne: return {fe_from_u64(1), "z = 1"};
        case ZKind::kMinusOne: return {modulus_plus(-1), "z = r - 1"};
        case ZKind::kNearModulus: {
            const auto k = static_cast<std::int64_t>(2 + rng.below(1000));
            return {modulus_plus(-k), "z = r - " + std::to_string(k)};
        }
        case ZKind::kSmall: {
            const std::uint64_t v = rng.below(1u << 20);
            return {fe_from_u64(v), "z = " + std::to_string(v)};
        }
        case ZKind::kNonCanonical: {
            const Bytes32 z = random_non_canonical(rng);
            return {z, "non-canonical z " + show(z)};
        }
    }
    return {};
}

class DiffKzgProof : public DiffTest {};

TEST_F(DiffKzgProof, RandomBlobsAndPoints) {
    const std::size_t n = iterations();
    Rng rng(0x4844b0f1u);
    Tally t, tv;
    std::size_t oracle_checks = 0, in_domain = 0;
    auto blob = std::make_unique<Blob>();
    for (std::size_t i = 0; i < n && !t.too_many() && !tv.too_many(); i++) {
        const BlobKind bkind = kBlobSchedule[i % std::size(kBlobSchedule)];
        ZKind zkind = kZSchedule[i % std::size(kZSchedule)];
        if (i % 50 == 25) zkind = kRareZ[(i / 50) % std::size(kRareZ)];
        const auto poly = fill_blob(rng, bkind, *blob);
        const auto [z, zdesc] = make_z(rng, zkind);
        const std::string what = "iteration " + std::to_string(i) + " (" + blob_kind_name(bkind) + " blob, " + zdesc + ")";

        const auto py = compute_kzg_proof(*blob, z, t, what);
        const bool must_reject = bkind == BlobKind::kNonCanonical || zkind == ZKind::kNonCanonical;
        if (must_reject) {
            EXPECT_FALSE(py.has_value()) << what << ": accepted";
            continue;
        }
        if (!py) continue;  // a mismatch, already reported
        if (zkind == ZKind::kDomain || zkind == ZKind::kOne || zkind == ZKind::kMinusOne) in_domain++;

        std::optional<KZGCommitment> commitment;
        if (poly) {
            oracle_checks++;
            const blst_fr zf = fr_from_bytes(z);
            EXPECT_EQ(show(py->y), show(bytes_from_fr(eval(*poly, zf)))) << what << ": y is not p(z)";
            EXPECT_EQ(show(py->proof), show(proof_of(*poly, zf))) << what << ": not the proof of p at z";
            commitment = commitment_of(*poly);
        } else if (i % 8 == 1) {
            commitment = blob_to_kzg_commitment(*blob, t, what + " commitment");
        }
        if (commitment) {
            const auto ok = verify_kzg_proof(*commitment, z, py->y, py->proof, tv, what + ": verify");
            EXPECT_TRUE(ok.value_or(false)) << what << ": the computed proof does not verify";
            const Bytes32 wrong_y = fe_add_u64(py->y, 1 + rng.below(1000));
            const auto bad = verify_kzg_proof(*commitment, z, wrong_y, py->proof, tv, what + ": verify with a wrong y");
            EXPECT_FALSE(bad.value_or(true)) << what << ": a wrong y verifies";
        }
    }
    std::printf("compute_kzg_proof: %s\nverify_kzg_proof (of computed proofs): %s\n", t.summary().c_str(),
                tv.summary().c_str());
    EXPECT_EQ(t.mismatches, 0u) << t.summary();
    EXPECT_EQ(tv.mismatches, 0u) << tv.summary();
    EXPECT_GT(t.accepted, 0u);
    EXPECT_GT(t.rejected, 0u);
    EXPECT_GT(tv.verified_true, 0u);
    EXPECT_GT(tv.verified_false, 0u);
    EXPECT_GT(oracle_checks, 0u);
    EXPECT_GT(in_domain, 0u);
}

}  // namespace
}  // namespace diff
