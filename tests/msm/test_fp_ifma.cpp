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
#include <string>
#include <vector>

#include "core/final_exp.hpp"
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

// An Fp12 whose 12 coordinates are drawn from the edge values and random ones.
blst_fp12 fp12_of(const std::vector<blst_fp>& pool, std::mt19937_64& rng) {
    blst_fp12 a;
    for (auto& f6 : a.fp6)
        for (auto& f2 : f6.fp2)
            for (auto& f : f2.fp) f = rng() % 3 == 0 ? random_fp(rng) : pool[rng() % pool.size()];
    return a;
}

void expect_fp12_eq(const blst_fp12& got, const blst_fp12& want, const std::string& what) {
    for (int i = 0; i < 2; i++)
        for (int j = 0; j < 3; j++)
            for (int c = 0; c < 2; c++)
                EXPECT_EQ(0, std::memcmp(&got.fp6[i].fp2[j].fp[c], &want.fp6[i].fp2[j].fp[c], sizeof(blst_fp)))
                    << what << ": fp6[" << i << "].fp2[" << j << "].fp[" << c << "]";
}

// The kernel computes blst's Granger-Scott formula, a polynomial map, so any
// Fp12 is a valid input: the largest coordinates (p - 1 everywhere) drive
// every intermediate to its bound.
TEST_F(Ifma, CyclotomicSquaringsMatchBlst) {
    std::mt19937_64 rng(12);
    const auto edges = edge_values();
    std::vector<blst_fp12> inputs;
    blst_fp12 all_max;
    for (auto& f6 : all_max.fp6)
        for (auto& f2 : f6.fp2)
            for (auto& f : f2.fp) f = edges[2];  // p - 1
    inputs.push_back(all_max);
    inputs.push_back(*blst_fp12_one());
    for (int i = 0; i < 200; i++) inputs.push_back(fp12_of(edges, rng));
    for (std::size_t i = 0; i < inputs.size(); i++) {
        for (unsigned n : {1u, 2u, 5u}) {
            blst_fp12 want = inputs[i], got = inputs[i];
            for (unsigned k = 0; k < n; k++) blst_fp12_cyclotomic_sqr(&want, &want);
            fp12_cyclotomic_sqr_n_ifma(got, n);
            expect_fp12_eq(got, want, "input " + std::to_string(i) + ", " + std::to_string(n) + " squarings");
        }
    }
    // A long run, as in the final exponentiation (32 squarings), from a
    // cyclotomic element.
    blst_fp12 c;
    blst_miller_loop(&c, blst_p2_affine_generator(), blst_p1_affine_generator());
    blst_final_exp(&c, &c);
    blst_fp12 want = c;
    for (int k = 0; k < 63; k++) blst_fp12_cyclotomic_sqr(&want, &want);
    fp12_cyclotomic_sqr_n_ifma(c, 63);
    expect_fp12_eq(c, want, "63 squarings of e(G1, G2)");
}

// The final exponentiation on its IFMA chain gives blst's value: random Fp12
// (not in any subgroup), Miller loop outputs, and the degenerate 1 and 0.
TEST_F(Ifma, FinalExponentiationMatchesBlst) {
    ASSERT_TRUE(ifma_enabled()) << "run without KZG_NO_IFMA";
    std::mt19937_64 rng(4844);
    const auto edges = edge_values();
    std::vector<blst_fp12> inputs = {*blst_fp12_one()};
    blst_fp12 zero;
    std::memset(&zero, 0, sizeof zero);
    inputs.push_back(zero);
    for (int i = 0; i < 20; i++) inputs.push_back(fp12_of(edges, rng));
    blst_p1 p = *blst_p1_generator();
    for (int i = 0; i < 5; i++) {
        blst_p1_double(&p, &p);
        blst_p1_affine pa;
        blst_p1_to_affine(&pa, &p);
        blst_fp12 m;
        blst_miller_loop(&m, blst_p2_affine_generator(), &pa);
        inputs.push_back(m);
    }
    for (std::size_t i = 0; i < inputs.size(); i++) {
        blst_fp12 want, got;
        blst_final_exp(&want, &inputs[i]);
        final_exp(got, inputs[i]);
        expect_fp12_eq(got, want, "input " + std::to_string(i));
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
