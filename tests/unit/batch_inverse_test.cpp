// core/batch_inverse.hpp: Montgomery's trick over Fp (the affine additions of
// the fixed-base MSM and of g1_mul_batch) and Fr (fr_batch_inverse), against
// one inversion per element.
#include <gtest/gtest.h>

#include <cstring>
#include <vector>

#include "core/batch_inverse.hpp"
#include "core/fr.hpp"
#include "unit/unit_helpers.hpp"

namespace {

using namespace kzg::core;

bool fp_equal(const blst_fp& a, const blst_fp& b) { return std::memcmp(&a, &b, sizeof a) == 0; }

blst_fp random_fp(unit::Rng& rng) {
    std::uint8_t b[48];
    rng.fill(b, 48);
    b[0] %= 0x1a;  // below the modulus 0x1a0111ea...
    blst_fp f;
    blst_fp_from_bendian(&f, b);
    return f;
}

blst_fp fp_u64(std::uint64_t v) {
    const std::uint64_t limbs[6] = {v, 0, 0, 0, 0, 0};
    blst_fp f;
    blst_fp_from_uint64(&f, limbs);
    return f;
}

// Inverts d with Chains product chains, the way the callers use it; returns
// the inverses in the order given (each(k, ...) must come for k descending).
template <std::size_t Chains>
std::vector<blst_fp> batch_inverted(const std::vector<blst_fp>& d) {
    const std::size_t n = d.size();
    std::vector<blst_fp> prefix(n), out(n);
    for (std::size_t k = 0; k < n; k++) batch_inverse_prefix<Chains>(prefix.data(), k, d[k]);
    std::size_t next = n;
    const auto den = [&](std::size_t k) -> const blst_fp& { return d[k]; };
    batch_inverse_each<Chains>(prefix.data(), n, den, [&](std::size_t k, const blst_fp& inv) {
        EXPECT_EQ(k + 1, next) << "out of order";
        next = k;
        out[k] = inv;
    });
    EXPECT_EQ(0u, next) << "not every element";
    return out;
}

template <std::size_t Chains>
void check_against_single_inversions(unit::Rng& rng) {
    for (std::size_t n : {0u, 1u, 2u, 3u, 4u, 5u, 7u, 8u, 9u, 31u, 256u}) {
        std::vector<blst_fp> d(n);
        for (auto& x : d) x = random_fp(rng);
        if (n > 0) d[0] = fp_u64(1);   // one, as the callers' padding entries
        if (n > 3) d[n - 1] = d[2];    // a repeated value
        const std::vector<blst_fp> got = batch_inverted<Chains>(d);
        for (std::size_t k = 0; k < n; k++) {
            blst_fp expect;
            blst_fp_inverse(&expect, &d[k]);
            ASSERT_TRUE(fp_equal(got[k], expect)) << "chains " << Chains << " n " << n << " k " << k;
        }
    }
}

TEST(BatchInverse, FpMatchesSingleInversions) {
    unit::Rng rng(41);
    check_against_single_inversions<1>(rng);
    check_against_single_inversions<2>(rng);
    check_against_single_inversions<4>(rng);
}

// A zero anywhere makes every inverse of the batch zero (blst inverts zero to
// zero): why the callers give slope-less pairs the denominator one, or leave
// them out, rather than a zero.
TEST(BatchInverse, FpZeroPoisonsTheBatch) {
    unit::Rng rng(42);
    const blst_fp zero = fp_u64(0);
    for (std::size_t at : {0u, 3u, 4u, 9u}) {
        std::vector<blst_fp> d(10);
        for (auto& x : d) x = random_fp(rng);
        d[at] = zero;
        for (const auto& inv : batch_inverted<1>(d)) EXPECT_TRUE(fp_equal(inv, zero)) << "zero at " << at;
        for (const auto& inv : batch_inverted<4>(d)) EXPECT_TRUE(fp_equal(inv, zero)) << "zero at " << at;
    }
}

// `each` may overwrite the element it is given the inverse of (in place, as
// fr_batch_inverse does).
TEST(BatchInverse, FrInPlace) {
    unit::Rng rng(43);
    for (std::size_t n : {1u, 2u, 5u, 64u}) {
        std::vector<Fr> v(n), expect(n);
        for (std::size_t k = 0; k < n; k++) {
            v[k] = unit::random_fr(rng);
            expect[k] = fr_inv(v[k]);
        }
        std::vector<Fr> prefix(n);
        for (std::size_t k = 0; k < n; k++) batch_inverse_prefix<4>(prefix.data(), k, v[k]);
        const auto den = [&](std::size_t k) -> const Fr& { return v[k]; };
        batch_inverse_each<4>(prefix.data(), n, den, [&](std::size_t k, const Fr& inv) { v[k] = inv; });
        for (std::size_t k = 0; k < n; k++) ASSERT_TRUE(fr_equal(v[k], expect[k])) << "n " << n << " k " << k;
    }
}

}  // namespace
