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

blst_p1 random_point(std::mt19937_64& rng) {
    std::uint64_t limbs[4] = {rng(), rng(), rng(), rng() >> 2};
    blst_fr s;
    blst_fr_from_uint64(&s, limbs);
    return g1_mul(g1_generator(), s);
}

// Item k of the batch holds want[k] (in canonical affine form).
void expect_items(const AffineChordBatch& batch, const std::vector<blst_p1>& want) {
    for (std::size_t k = 0; k < want.size(); k++) {
        const blst_p1_affine w = affine(want[k]);
        blst_p1_affine got;
        batch.get_a(k, got);
        ASSERT_EQ(std::memcmp(&got, &w, sizeof w), 0) << "n " << want.size() << " item " << k;
    }
}

// Batches of n chord additions against blst_p1_add.
void check_chords(std::mt19937_64& rng, std::size_t n, bool related) {
    thread_local AffineChordBatch batch;
    std::vector<blst_p1> want(n);
    for (std::size_t k = 0; k < n; k++) {
        const blst_p1 p = random_point(rng);
        blst_p1 q;
        // related: q = -2p (x differs, the sum is -p), or q = p + G.
        if (!related) {
            q = random_point(rng);
        } else if (k % 2 == 0) {
            blst_p1_double(&q, &p);
            blst_p1_cneg(&q, true);
        } else {
            q = g1_add(p, g1_generator());
        }
        const blst_p1_affine pa = affine(p), qa = affine(q);
        batch.set_a(k, pa.x, pa.y);
        batch.set_b(k, qa.x, qa.y);
        blst_p1_add(&want[k], &p, &q);
    }
    affine_chord_batch_ifma(batch, n);
    expect_items(batch, want);
}

// Batches of n doublings against blst_p1_double; item 0 is the generator.
void check_tangents(std::mt19937_64& rng, std::size_t n) {
    thread_local AffineChordBatch batch;
    std::vector<blst_p1> want(n);
    for (std::size_t k = 0; k < n; k++) {
        const blst_p1 p = k == 0 ? g1_generator() : random_point(rng);
        const blst_p1_affine pa = affine(p);
        batch.set_a(k, pa.x, pa.y);
        blst_p1_double(&want[k], &p);
    }
    affine_tangent_batch_ifma(batch, n);
    expect_items(batch, want);
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
        std::vector<blst_p1> want(n);
        for (std::size_t k = 0; k < n; k++) {
            const blst_p1 p = random_point(rng), q = k % 3 == 0 ? p : random_point(rng);
            const blst_p1_affine pa = affine(p), qa = affine(q);
            batch.set_a(k, pa.x, pa.y);
            batch.set_b(k, qa.x, qa.y);
            batch.set_tangent(k, k % 3 == 0);
            blst_p1_add_or_double(&want[k], &p, &q);
        }
        affine_mixed_batch_ifma(batch, n);
        expect_items(batch, want);
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
