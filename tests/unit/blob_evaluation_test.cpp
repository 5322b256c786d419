// evaluate_blob_in_evaluation_form (batch verification's fast path: the blob's
// elements stay in plain form) against blob_to_polynomial followed by the
// spec-form evaluate_polynomial_in_evaluation_form, on and off the domain, and
// its detection of non-canonical elements.
#include <gtest/gtest.h>

#include "context/inputs.hpp"
#include "eip4844/polynomial.hpp"
#include "unit/unit_helpers.hpp"

namespace {

using kzg::core::Fr;

using unit::mainnet;

// pooled_mainnet(): on a pool of 3 threads the evaluation runs in 3 pieces
// of 682-683 pairs (elements [0, 1364), [1364, 2730), [2730, 4096)), each
// reading its own elements: the results and the element named must not
// depend on the cut.
using unit::pooled_mainnet;

void set_element(kzg::Blob& blob, std::size_t i, std::uint8_t fill, std::uint8_t last) {
    std::fill(blob.bytes.begin() + 32 * i, blob.bytes.begin() + 32 * (i + 1), fill);
    blob.bytes[32 * i + 31] = last;
}

// BLS_MODULUS + delta, big-endian, into element i.
void set_modulus_plus(kzg::Blob& blob, std::size_t i, std::uint8_t delta) {
    static const std::uint8_t r[32] = {0x73, 0xed, 0xa7, 0x53, 0x29, 0x9d, 0x7d, 0x48, 0x33, 0x39, 0xd8,
                                       0x08, 0x09, 0xa1, 0xd8, 0x05, 0x53, 0xbd, 0xa4, 0x02, 0xff, 0xfe,
                                       0x5b, 0xfe, 0xff, 0xff, 0xff, 0xff, 0x00, 0x00, 0x00, 0x01};
    std::copy(r, r + 32, blob.bytes.begin() + 32 * i);
    blob.bytes[32 * i + 31] = static_cast<std::uint8_t>(blob.bytes[32 * i + 31] + delta);
}

void expect_same_evaluation(const kzg::Blob& blob, const Fr& z, const char* what) {
    std::vector<Fr> poly(kzg::FIELD_ELEMENTS_PER_BLOB);
    ASSERT_FALSE(kzg::detail::blob_to_polynomial(poly, blob, "blob")) << what;
    const Fr want = kzg::eip4844::evaluate_polynomial_in_evaluation_form(kzg::detail::impl_of(*mainnet()), poly, z);
    for (const auto& ctx : {mainnet(), pooled_mainnet()}) {
        ASSERT_NE(ctx, nullptr);
        Fr got;
        ASSERT_FALSE(kzg::eip4844::evaluate_blob_in_evaluation_form(kzg::detail::impl_of(*ctx), blob, z, got)) << what;
        EXPECT_TRUE(kzg::core::fr_equal(got, want)) << what << (ctx == pooled_mainnet() ? " (pool)" : "");
    }
}

TEST(BlobEvaluation, MatchesSpecFormOffAndOnTheDomain) {
    ASSERT_NE(mainnet(), nullptr);
    unit::Rng rng(0xb10b5u);
    auto blob = unit::random_blob(rng);
    set_element(*blob, 0, 0, 0);                   // zero
    set_modulus_plus(*blob, 1, 0xff);              // r - 1
    set_element(*blob, 4095, 0, 1);                // one
    for (int k = 0; k < 4; k++) {
        auto zb = unit::random_blob(rng);  // any canonical element as z
        Fr z;
        ASSERT_TRUE(kzg::core::fr_from_bytes(z, zb->bytes.data()));
        expect_same_evaluation(*blob, z, "random z");
    }
    // z on the domain: the evaluation is the element itself.
    const auto& roots = kzg::detail::impl_of(*mainnet()).roots_brp;
    std::vector<Fr> poly(kzg::FIELD_ELEMENTS_PER_BLOB);
    ASSERT_FALSE(kzg::detail::blob_to_polynomial(poly, *blob, "blob"));
    for (std::size_t i : {std::size_t{0}, std::size_t{1}, std::size_t{2}, std::size_t{4095}}) {
        expect_same_evaluation(*blob, roots[i], "z in the domain");
        // ... and that is the element itself (an oracle apart from the spec
        // form, which shares the domain test).
        Fr got;
        ASSERT_FALSE(kzg::eip4844::evaluate_blob_in_evaluation_form(kzg::detail::impl_of(*mainnet()), *blob, roots[i], got));
        EXPECT_TRUE(kzg::core::fr_equal(got, poly[i])) << "element " << i;
    }
    // ... also where that element is not zero: element 0 above is zero, so an
    // evaluation that skipped the domain check at index 0 (and fell through to
    // the barycentric formula) would still give 0 there (scripts/mutants.sh,
    // 4844-blob-eval-domain).
    auto nonzero_first = unit::random_blob(rng);
    set_element(*nonzero_first, 0, 0x12, 0x34);
    for (std::size_t i : {std::size_t{0}, std::size_t{4095}})
        expect_same_evaluation(*nonzero_first, roots[i], "z in the domain, element non-zero");
    // All-zero and all-(r-1) blobs.
    kzg::Blob zeros{};
    expect_same_evaluation(zeros, roots[7], "zero blob on the domain");
    Fr z;
    ASSERT_TRUE(kzg::core::fr_from_bytes(z, unit::random_blob(rng)->bytes.data()));
    expect_same_evaluation(zeros, z, "zero blob");
    kzg::Blob top{};
    for (std::size_t i = 0; i < kzg::FIELD_ELEMENTS_PER_BLOB; i++) set_modulus_plus(top, i, 0xff);
    expect_same_evaluation(top, z, "every element r - 1");
}

TEST(BlobEvaluation, NamesTheFirstNonCanonicalElement) {
    ASSERT_NE(mainnet(), nullptr);
    ASSERT_NE(pooled_mainnet(), nullptr);
    unit::Rng rng(0xbad5u);
    const Fr z = kzg::core::fr_from_u64(12345);
    // Elements at the pool's piece boundaries too (1363 | 1364, 2729 | 2730).
    for (std::size_t i : {0, 17, 1363, 1364, 2729, 2730, 4095}) {
        for (std::uint8_t delta : {std::uint8_t{0}, std::uint8_t{1}}) {  // r itself, r + 1
            auto blob = unit::random_blob(rng);
            set_modulus_plus(*blob, i, delta);
            if (i != 4095) set_element(*blob, 4095, 0xff, 0xff);  // a later bad element is not the one named
            if (i < 2730) set_element(*blob, 2731, 0xff, 0xff);   // nor one in a later piece
            for (const auto& ctx : {mainnet(), pooled_mainnet()}) {
                Fr y;
                const auto bad = kzg::eip4844::evaluate_blob_in_evaluation_form(kzg::detail::impl_of(*ctx), *blob, z, y);
                ASSERT_TRUE(bad.has_value()) << i;
                EXPECT_EQ(*bad, i) << (ctx == pooled_mainnet() ? "pool" : "no pool");
            }
        }
    }
    // Through the batch API: the message names the blob and the element.
    auto blobs = std::vector<kzg::Blob>(2);
    auto good = unit::random_blob(rng);
    blobs[0] = *good;
    blobs[1] = *good;
    set_modulus_plus(blobs[1], 300, 0);
    auto c = mainnet()->blob_to_kzg_commitment(*good);
    ASSERT_TRUE(c.ok());
    auto p = mainnet()->compute_blob_kzg_proof(*good, c.value());
    ASSERT_TRUE(p.ok());
    std::vector<kzg::KZGCommitment> cs(2, c.value());
    std::vector<kzg::KZGProof> ps(2, p.value());
    auto v = mainnet()->verify_blob_kzg_proof_batch(blobs, cs, ps);
    ASSERT_FALSE(v.ok());
    EXPECT_EQ(v.code(), kzg::ErrorCode::kInvalidInput);
    EXPECT_TRUE(unit::contains_all(v.message(), {"blobs[1]", "field element 300", "not canonical"})) << v.message();
    // And the valid pair verifies.
    auto ok = mainnet()->verify_blob_kzg_proof_batch(std::span(blobs).first(1), std::span(cs).first(1),
                                                     std::span(ps).first(1));
    ASSERT_TRUE(ok.ok());
    EXPECT_TRUE(ok.value());
}

}  // namespace
