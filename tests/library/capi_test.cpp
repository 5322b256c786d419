// The C API (include/kzg/ckzg.h) on libkzg.so: what c-kzg's differential test
// cannot show — NULL handling where c-kzg would crash, outputs untouched on
// error, the settings' life cycle, and the kzgd extensions (embedded setup,
// threads) giving the same bytes as the file on one thread.
#include "kzg/ckzg.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <cstring>
#include <memory>
#include <random>
#include <thread>
#include <vector>

namespace {

// Canonical field elements: the top byte of each big-endian 32-byte element < 0x73.
std::unique_ptr<Blob> random_blob(std::uint32_t seed) {
    auto blob = std::make_unique<Blob>();
    std::mt19937 rng(seed);
    for (std::size_t i = 0; i < BYTES_PER_BLOB; i++) blob->bytes[i] = static_cast<std::uint8_t>(rng());
    for (std::size_t i = 0; i < BYTES_PER_BLOB; i += BYTES_PER_FIELD_ELEMENT) blob->bytes[i] &= 0x3f;
    return blob;
}

struct Settings {
    KZGSettings s{};
    ~Settings() { free_trusted_setup(&s); }
};

class CApi : public ::testing::Test {
  protected:
    static void SetUpTestSuite() {
        file_ = new Settings;
        FILE* in = std::fopen(KZG_TRUSTED_SETUP_TXT, "r");
        ASSERT_NE(in, nullptr) << KZG_TRUSTED_SETUP_TXT;
        ASSERT_EQ(load_trusted_setup_file(&file_->s, in, 0), C_KZG_OK);
        std::fclose(in);
        threaded_ = new Settings;
        ASSERT_EQ(kzgd_load_trusted_setup_mainnet_threads(&threaded_->s, 8, 3), C_KZG_OK);
    }
    static void TearDownTestSuite() {
        delete file_;
        delete threaded_;
    }
    static Settings* file_;      // the text file, precompute 0, one thread (c-kzg's defaults)
    static Settings* threaded_;  // the embedded setup, precompute 8, three threads
};
Settings* CApi::file_ = nullptr;
Settings* CApi::threaded_ = nullptr;

TEST(CApiLayout, SettingsKeepCkzgSize) { EXPECT_EQ(sizeof(KZGSettings), 80u); }

TEST(CApiLayout, VersionNamesTheApi) { EXPECT_NE(std::strstr(kzgd_version(), "c-kzg 2.1.8 API"), nullptr); }

TEST_F(CApi, ZeroBlobCommitsToInfinity) {
    auto blob = std::make_unique<Blob>();
    std::memset(blob.get(), 0, sizeof(Blob));
    KZGCommitment c;
    ASSERT_EQ(blob_to_kzg_commitment(&c, blob.get(), &file_->s), C_KZG_OK);
    Bytes48 infinity{};
    infinity.bytes[0] = 0xc0;
    EXPECT_EQ(std::memcmp(&c, &infinity, sizeof c), 0);
}

TEST_F(CApi, ExtensionsGiveTheSameBytes) {
    auto blob = random_blob(1);
    KZGCommitment c1, c2;
    ASSERT_EQ(blob_to_kzg_commitment(&c1, blob.get(), &file_->s), C_KZG_OK);
    ASSERT_EQ(blob_to_kzg_commitment(&c2, blob.get(), &threaded_->s), C_KZG_OK);
    EXPECT_EQ(std::memcmp(&c1, &c2, sizeof c1), 0);

    std::vector<Cell> cells1(CELLS_PER_EXT_BLOB), cells2(CELLS_PER_EXT_BLOB), cells3(CELLS_PER_EXT_BLOB);
    std::vector<KZGProof> proofs1(CELLS_PER_EXT_BLOB), proofs2(CELLS_PER_EXT_BLOB);
    ASSERT_EQ(compute_cells_and_kzg_proofs(cells1.data(), proofs1.data(), blob.get(), &file_->s), C_KZG_OK);
    ASSERT_EQ(compute_cells_and_kzg_proofs(cells2.data(), proofs2.data(), blob.get(), &threaded_->s), C_KZG_OK);
    ASSERT_EQ(compute_cells_and_kzg_proofs(cells3.data(), nullptr, blob.get(), &threaded_->s), C_KZG_OK);
    EXPECT_EQ(std::memcmp(cells1.data(), cells2.data(), cells1.size() * sizeof(Cell)), 0);
    EXPECT_EQ(std::memcmp(cells1.data(), cells3.data(), cells1.size() * sizeof(Cell)), 0);
    EXPECT_EQ(std::memcmp(proofs1.data(), proofs2.data(), proofs1.size() * sizeof(KZGProof)), 0);
    std::vector<KZGProof> proofs_only(CELLS_PER_EXT_BLOB);
    ASSERT_EQ(compute_cells_and_kzg_proofs(nullptr, proofs_only.data(), blob.get(), &file_->s), C_KZG_OK);
    EXPECT_EQ(std::memcmp(proofs1.data(), proofs_only.data(), proofs1.size() * sizeof(KZGProof)), 0);

    // Recovery without proofs gives the same cells as with them.
    std::vector<std::uint64_t> idx;
    std::vector<Cell> kept;
    for (std::uint64_t i = 0; i < CELLS_PER_EXT_BLOB; i += 2) {
        idx.push_back(i);
        kept.push_back(cells1[i]);
    }
    std::vector<Cell> rec1(CELLS_PER_EXT_BLOB), rec2(CELLS_PER_EXT_BLOB);
    std::vector<KZGProof> recp(CELLS_PER_EXT_BLOB);
    ASSERT_EQ(recover_cells_and_kzg_proofs(rec1.data(), recp.data(), idx.data(), kept.data(), idx.size(), &threaded_->s),
              C_KZG_OK);
    ASSERT_EQ(recover_cells_and_kzg_proofs(rec2.data(), nullptr, idx.data(), kept.data(), idx.size(), &file_->s), C_KZG_OK);
    EXPECT_EQ(std::memcmp(rec1.data(), cells1.data(), rec1.size() * sizeof(Cell)), 0);
    EXPECT_EQ(std::memcmp(rec2.data(), cells1.data(), rec2.size() * sizeof(Cell)), 0);
    EXPECT_EQ(std::memcmp(recp.data(), proofs1.data(), recp.size() * sizeof(KZGProof)), 0);
}

TEST_F(CApi, NullArgumentsAreBadArgsNotCrashes) {
    auto blob = random_blob(2);
    KZGCommitment c;
    KZGProof p;
    Bytes32 z{}, y{};
    bool ok = true;
    const KZGSettings* s = &file_->s;
    EXPECT_EQ(blob_to_kzg_commitment(nullptr, blob.get(), s), C_KZG_BADARGS);
    EXPECT_EQ(blob_to_kzg_commitment(&c, nullptr, s), C_KZG_BADARGS);
    EXPECT_EQ(blob_to_kzg_commitment(&c, blob.get(), nullptr), C_KZG_BADARGS);
    EXPECT_EQ(compute_kzg_proof(&p, nullptr, blob.get(), &z, s), C_KZG_BADARGS);
    EXPECT_EQ(compute_kzg_proof(&p, &y, blob.get(), nullptr, s), C_KZG_BADARGS);
    EXPECT_EQ(compute_blob_kzg_proof(&p, blob.get(), nullptr, s), C_KZG_BADARGS);
    EXPECT_EQ(verify_kzg_proof(nullptr, &c, &z, &y, &p, s), C_KZG_BADARGS);
    EXPECT_EQ(verify_kzg_proof(&ok, &c, &z, &y, nullptr, s), C_KZG_BADARGS);
    EXPECT_FALSE(ok);  // c-kzg sets *ok = false first
    ok = true;
    EXPECT_EQ(verify_blob_kzg_proof(&ok, nullptr, &c, &p, s), C_KZG_BADARGS);
    EXPECT_FALSE(ok);
    ok = true;
    EXPECT_EQ(verify_blob_kzg_proof_batch(&ok, nullptr, &c, &p, 1, s), C_KZG_BADARGS);
    EXPECT_FALSE(ok);  // one blob: as verify_blob_kzg_proof
    ok = true;
    EXPECT_EQ(verify_blob_kzg_proof_batch(&ok, nullptr, &c, &p, 2, s), C_KZG_BADARGS);
    EXPECT_TRUE(ok);  // c-kzg leaves *ok alone when a larger batch is refused (kzg_capi_diff pins it)
    EXPECT_EQ(compute_cells_and_kzg_proofs(nullptr, nullptr, blob.get(), s), C_KZG_BADARGS);
    std::vector<Cell> cells(CELLS_PER_EXT_BLOB);
    std::vector<std::uint64_t> idx(CELLS_PER_BLOB);
    for (std::size_t i = 0; i < idx.size(); i++) idx[i] = i;
    EXPECT_EQ(recover_cells_and_kzg_proofs(nullptr, nullptr, idx.data(), cells.data(), idx.size(), s), C_KZG_BADARGS);
    EXPECT_EQ(recover_cells_and_kzg_proofs(cells.data(), nullptr, nullptr, cells.data(), idx.size(), s), C_KZG_BADARGS);
    ok = true;
    EXPECT_EQ(verify_cell_kzg_proof_batch(&ok, &c, idx.data(), nullptr, &p, 1, s), C_KZG_BADARGS);
    EXPECT_FALSE(ok);
}

TEST_F(CApi, EmptyBatchesVerifyTrueWithoutLookingAtPointers) {
    bool ok = false;
    EXPECT_EQ(verify_blob_kzg_proof_batch(&ok, nullptr, nullptr, nullptr, 0, &file_->s), C_KZG_OK);
    EXPECT_TRUE(ok);
    ok = false;
    EXPECT_EQ(verify_cell_kzg_proof_batch(&ok, nullptr, nullptr, nullptr, nullptr, 0, &file_->s), C_KZG_OK);
    EXPECT_TRUE(ok);
}

TEST_F(CApi, OutputsUntouchedOnError) {
    auto blob = random_blob(3);
    std::memset(blob->bytes, 0xff, 32);  // element 0 >= modulus
    KZGCommitment c;
    std::memset(&c, 0xa5, sizeof c);
    EXPECT_EQ(blob_to_kzg_commitment(&c, blob.get(), &file_->s), C_KZG_BADARGS);
    for (auto b : c.bytes) ASSERT_EQ(b, 0xa5);
    std::vector<Cell> cells(CELLS_PER_EXT_BLOB);
    std::vector<KZGProof> proofs(CELLS_PER_EXT_BLOB);
    std::memset(cells.data(), 0x5a, cells.size() * sizeof(Cell));
    std::memset(proofs.data(), 0x5a, proofs.size() * sizeof(KZGProof));
    EXPECT_EQ(compute_cells_and_kzg_proofs(cells.data(), proofs.data(), blob.get(), &file_->s), C_KZG_BADARGS);
    for (const auto& cell : cells)
        for (auto b : cell.bytes) ASSERT_EQ(b, 0x5a);
    for (const auto& p : proofs)
        for (auto b : p.bytes) ASSERT_EQ(b, 0x5a);
}

TEST(CApiSettings, LifeCycle) {
    free_trusted_setup(nullptr);
    KZGSettings never{};
    free_trusted_setup(&never);  // all-zero: never loaded
    auto blob = random_blob(4);
    KZGCommitment c;
    EXPECT_EQ(blob_to_kzg_commitment(&c, blob.get(), &never), C_KZG_BADARGS);

    KZGSettings s;
    std::memset(&s, 0x77, sizeof s);  // garbage before load, as a caller's malloc leaves it
    ASSERT_EQ(kzgd_load_trusted_setup_mainnet(&s, 0), C_KZG_OK);
    EXPECT_EQ(blob_to_kzg_commitment(&c, blob.get(), &s), C_KZG_OK);
    free_trusted_setup(&s);
    free_trusted_setup(&s);  // twice is harmless
    EXPECT_EQ(blob_to_kzg_commitment(&c, blob.get(), &s), C_KZG_BADARGS);

    std::memset(&s, 0x77, sizeof s);
    EXPECT_EQ(kzgd_load_trusted_setup_mainnet(&s, 16), C_KZG_BADARGS);  // c-kzg: 0..15
    EXPECT_EQ(s.kzgd_handle, nullptr);
    free_trusted_setup(&s);
}

TEST(CApiSettings, BadSetupsAreBadArgs) {
    KZGSettings s;
    std::vector<std::uint8_t> g1(4096 * 48), g2(65 * 96);
    EXPECT_EQ(load_trusted_setup(&s, g1.data(), g1.size() - 1, g1.data(), g1.size(), g2.data(), g2.size(), 0),
              C_KZG_BADARGS);
    EXPECT_EQ(load_trusted_setup(&s, g1.data(), g1.size(), g1.data(), g1.size(), g2.data(), g2.size(), 0),
              C_KZG_BADARGS);  // all-zero bytes are not points
    EXPECT_EQ(load_trusted_setup_file(&s, nullptr, 0), C_KZG_BADARGS);
    FILE* empty = std::tmpfile();
    ASSERT_NE(empty, nullptr);
    EXPECT_EQ(load_trusted_setup_file(&s, empty, 0), C_KZG_BADARGS);
    std::fclose(empty);
    FILE* in = std::fopen(KZG_TRUSTED_SETUP_TXT, "r");
    ASSERT_NE(in, nullptr);
    EXPECT_EQ(load_trusted_setup_file(&s, in, 16), C_KZG_BADARGS);
    std::fclose(in);
    free_trusted_setup(&s);
}

TEST_F(CApi, ConcurrentCallsOnOneSettings) {
    auto blob = random_blob(5);
    KZGCommitment expected;
    ASSERT_EQ(blob_to_kzg_commitment(&expected, blob.get(), &threaded_->s), C_KZG_OK);
    std::vector<std::thread> threads;
    std::vector<int> good(4, 0);
    for (int t = 0; t < 4; t++) {
        threads.emplace_back([&, t] {
            for (int i = 0; i < 3; i++) {
                KZGCommitment c;
                const KZGSettings* s = (t % 2) ? &threaded_->s : &file_->s;
                if (blob_to_kzg_commitment(&c, blob.get(), s) == C_KZG_OK && std::memcmp(&c, &expected, sizeof c) == 0)
                    good[t]++;
            }
        });
    }
    for (auto& th : threads) th.join();
    for (int g : good) EXPECT_EQ(g, 3);
}

}  // namespace
