// The AVX-512 IFMA kernels against blst, lane by lane: the Montgomery product
// on random and edge values (0, 1, p - 1, the top limbs full), and the
// batched chord additions against blst's point addition for every batch size
// class (one lane, a partial group, full groups, a full batch). On a CPU
// without IFMA the binary exits 77, which ctest reports as skipped (and a
// strict run, KZG_STRICT=1, as a failure): nothing here can run there.
#include <gtest/gtest.h>

#include <cstdio>
#include <cstring>
#include <random>
#include <vector>

#include "core/fp_ifma.hpp"
#include "core/g1.hpp"

namespace {

using namespace kzg::core;

constexpr std::uint64_t kP[6] = {0xb9feffffffffaaabull, 0x1eabfffeb153ffffull, 0x6730d2a0f6b0f624ull,
                                 0x64774b84f38512bfull, 0x4b1ba7b6434bacd7ull, 0x1a0111ea397fe69aull};

class Ifma : public ::testing::Test {};

// A raw Montgomery-form value (blst's limbs) below p.
blst_fp raw(std::uint64_t l0, std::uint64_t l1, std::uint64_t l2, std::uint64_t l3, std::uint64_t l4,
            std::uint64_t l5) {
    blst_fp f;
    const std::uint64_t l[6] = {l0, l1, l2, l3, l4, l5};
    std::memcpy(f.l, l, sizeof l);
    return f;
}

blst_fp random_fp(std::mt19937_64& rng) {
    blst_fp f;
    for (auto& l : f.l) l = rng();
    f.l[5] %= kP[5];  // below p
    return f;
}

std::vector<blst_fp> edge_values() {
    std::vector<blst_fp> v;
    v.push_back(raw(0, 0, 0, 0, 0, 0));
    v.push_back(raw(1, 0, 0, 0, 0, 0));
    v.push_back(raw(kP[0] - 1, kP[1], kP[2], kP[3], kP[4], kP[5]));  // p - 1
    v.push_back(raw(kP[0] - 2, kP[1], kP[2], kP[3], kP[4], kP[5]));  // p - 2
    v.push_back(raw(~0ull, ~0ull, ~0ull, ~0ull, ~0ull, kP[5] - 1));  // every limb but the top one full
    v.push_back(raw(0, 0, 0, 0, 0, kP[5] - 1));
    v.push_back(raw((1ull << 52) - 1, 0, 0, 0, 0, 0));  // one full 52-bit limb
    v.push_back(raw(0, 0, 0, 0, 0, 1ull << 44));       // only the top 52-bit limb's low bit
    blst_fp one;
    const std::uint64_t l1[6] = {1, 0, 0, 0, 0, 0};
    blst_fp_from_uint64(&one, l1);  // Montgomery one
    v.push_back(one);
    return v;
}

TEST_F(Ifma, ProductMatchesBlstOnEdgeValues) {
    const auto e = edge_values();
    std::vector<blst_fp> a, b;
    for (const auto& x : e)
        for (const auto& y : e) {
            a.push_back(x);
            b.push_back(y);
        }
    std::vector<blst_fp> got(a.size());
    fp_mul_ifma(got.data(), a.data(), b.data(), a.size());
    for (std::size_t i = 0; i < a.size(); i++) {
        blst_fp want;
        blst_fp_mul(&want, &a[i], &b[i]);
        EXPECT_EQ(std::memcmp(&got[i], &want, sizeof want), 0) << "pair " << i;
    }
}

TEST_F(Ifma, ProductMatchesBlstOnRandomValues) {
    std::mt19937_64 rng(416);
    for (std::size_t n : {1u, 5u, 8u, 13u, 4096u}) {
        std::vector<blst_fp> a(n), b(n), got(n);
        for (std::size_t i = 0; i < n; i++) {
            a[i] = random_fp(rng);
            b[i] = random_fp(rng);
        }
        fp_mul_ifma(got.data(), a.data(), b.data(), n);
        for (std::size_t i = 0; i < n; i++) {
            blst_fp want;
            blst_fp_mul(&want, &a[i], &b[i]);
            ASSERT_EQ(std::memcmp(&got[i], &want, sizeof want), 0) << "n " << n << " lane " << i;
        }
    }
}

blst_p1_affine affine(const blst_p1& p) {
    blst_p1_affine a;
    blst_p1_to_affine(&a, &p);
    return a;
}

// Batches of n chord additions against blst_p1_add.
void check_chords(std::mt19937_64& rng, std::size_t n, bool related) {
    thread_local AffineChordBatch batch;
    std::vector<blst_p1_affine> a(n), b(n);
    for (std::size_t k = 0; k < n; k++) {
        blst_fr s;
        std::uint64_t limbs[4] = {rng(), rng(), rng(), rng() >> 2};
        blst_fr_from_uint64(&s, limbs);
        const blst_p1 p = g1_mul(g1_generator(), s);
        a[k] = affine(p);
        // related: b = -2a (x differs, the sum is -a), or b = a + G.
        if (related) {
            blst_p1 q;
            if (k % 2 == 0) {
                blst_p1_double(&q, &p);
                blst_p1_cneg(&q, true);
            } else {
                q = g1_add(p, g1_generator());
            }
            b[k] = affine(q);
        } else {
            std::uint64_t limbs2[4] = {rng(), rng(), rng(), rng() >> 2};
            blst_fr s2;
            blst_fr_from_uint64(&s2, limbs2);
            b[k] = affine(g1_mul(g1_generator(), s2));
        }
        batch.set_a(k, a[k].x, a[k].y);
        batch.set_b(k, b[k].x, b[k].y);
    }
    affine_chord_batch_ifma(batch, n);
    for (std::size_t k = 0; k < n; k++) {
        blst_p1 pa, pb, want;
        blst_p1_from_affine(&pa, &a[k]);
        blst_p1_from_affine(&pb, &b[k]);
        blst_p1_add(&want, &pa, &pb);
        const blst_p1_affine w = affine(want);
        blst_p1_affine got;
        batch.get_a(k, got);
        ASSERT_EQ(std::memcmp(&got, &w, sizeof w), 0) << "n " << n << " item " << k;
    }
}

// Batches of n doublings against blst_p1_double.
void check_tangents(std::mt19937_64& rng, std::size_t n) {
    thread_local AffineChordBatch batch;
    std::vector<blst_p1_affine> a(n);
    for (std::size_t k = 0; k < n; k++) {
        blst_fr s;
        std::uint64_t limbs[4] = {rng(), rng(), rng(), rng() >> 2};
        blst_fr_from_uint64(&s, limbs);
        // Item 0 is the generator itself.
        a[k] = affine(k == 0 ? g1_generator() : g1_mul(g1_generator(), s));
        batch.set_a(k, a[k].x, a[k].y);
    }
    affine_tangent_batch_ifma(batch, n);
    for (std::size_t k = 0; k < n; k++) {
        blst_p1 pa, want;
        blst_p1_from_affine(&pa, &a[k]);
        blst_p1_double(&want, &pa);
        const blst_p1_affine w = affine(want);
        blst_p1_affine got;
        batch.get_a(k, got);
        ASSERT_EQ(std::memcmp(&got, &w, sizeof w), 0) << "n " << n << " item " << k;
    }
}

TEST_F(Ifma, TangentBatchMatchesBlstForEverySize) {
    std::mt19937_64 rng(4844);
    for (std::size_t n : {1u, 7u, 8u, 9u, 100u, 256u}) check_tangents(rng, n);
}

// Doublings and additions in one batch (every third item a doubling, the
// patterns of the tangent bits differing between groups).
TEST_F(Ifma, MixedBatchMatchesBlst) {
    std::mt19937_64 rng(7);
    thread_local AffineChordBatch batch;
    for (std::size_t n : {5u, 8u, 100u, 256u}) {
        std::vector<blst_p1_affine> a(n), b(n);
        for (std::size_t k = 0; k < n; k++) {
            std::uint64_t l1[4] = {rng(), rng(), rng(), rng() >> 2}, l2[4] = {rng(), rng(), rng(), rng() >> 2};
            blst_fr s1, s2;
            blst_fr_from_uint64(&s1, l1);
            blst_fr_from_uint64(&s2, l2);
            a[k] = affine(g1_mul(g1_generator(), s1));
            b[k] = k % 3 == 0 ? a[k] : affine(g1_mul(g1_generator(), s2));
            batch.set_a(k, a[k].x, a[k].y);
            batch.set_b(k, b[k].x, b[k].y);
            batch.set_tangent(k, k % 3 == 0);
        }
        affine_mixed_batch_ifma(batch, n);
        for (std::size_t k = 0; k < n; k++) {
            blst_p1 pa, pb, want;
            blst_p1_from_affine(&pa, &a[k]);
            blst_p1_from_affine(&pb, &b[k]);
            blst_p1_add_or_double(&want, &pa, &pb);
            const blst_p1_affine w = affine(want);
            blst_p1_affine got;
            batch.get_a(k, got);
            ASSERT_EQ(std::memcmp(&got, &w, sizeof w), 0) << "n " << n << " item " << k;
        }
    }
}

TEST_F(Ifma, ChordBatchMatchesBlstForEverySize) {
    std::mt19937_64 rng(7594);
    for (std::size_t n : {1u, 7u, 8u, 9u, 100u, 255u, 256u}) {
        check_chords(rng, n, false);
        check_chords(rng, n, true);
    }
}

}  // namespace

int main(int argc, char** argv) {
    if (!kzg::core::cpu_has_ifma()) {
        std::printf("test_fp_ifma: this CPU has no AVX-512 IFMA; the IFMA kernels cannot run here (skipped)\n");
        return 77;
    }
    ::testing::InitGoogleTest(&argc, argv);
    return RUN_ALL_TESTS();
}
