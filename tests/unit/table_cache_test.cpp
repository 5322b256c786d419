// The on-disk table cache: round trip; truncated, corrupted and mismatched
// files are refused and rebuilt; an unwritable location only means building;
// a Context started from the cache answers like one that built its tables.
#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <random>

#include "kzg/kzg.hpp"
#include "setup/table_cache.hpp"

namespace {

namespace fs = std::filesystem;
using kzg::setup::TableKey;

struct TempDir {
    fs::path path;
    TempDir() {
        path = fs::temp_directory_path() / ("kzg_cache_test_" + std::to_string(::getpid()) + "_" +
                                            std::to_string(std::random_device{}()));
        fs::create_directories(path);
    }
    ~TempDir() { fs::remove_all(path); }
};

std::vector<blst_p1_affine> some_points(std::size_t n) {
    std::vector<blst_p1_affine> pts(n);
    blst_p1 p = *blst_p1_generator();
    for (auto& a : pts) {
        blst_p1_to_affine(&a, &p);
        blst_p1_double(&p, &p);
    }
    return pts;
}

TableKey key_of(std::size_t n) {
    TableKey k{"test-table", 5, n, {}};
    k.setup_sha256[0] = 0xab;
    return k;
}

TEST(TableCache, RoundTrip) {
    TempDir dir;
    const auto pts = some_points(10);
    std::string why;
    ASSERT_TRUE(kzg::setup::store_table(dir.path, key_of(10), pts, &why)) << why;
    auto back = kzg::setup::load_table(dir.path, key_of(10), &why);
    ASSERT_TRUE(back.has_value()) << why;
    ASSERT_EQ(back->size(), pts.size());
    for (std::size_t i = 0; i < pts.size(); i++) EXPECT_TRUE(blst_p1_affine_is_equal(&(*back)[i], &pts[i]));
    // No temporary files are left behind.
    std::size_t files = 0;
    for (const auto& e : fs::directory_iterator(dir.path)) files += e.is_regular_file();
    EXPECT_EQ(files, 1u);
}

TEST(TableCache, RefusesDamagedOrForeignFiles) {
    TempDir dir;
    const auto pts = some_points(10);
    const fs::path file = dir.path / kzg::setup::table_file_name(key_of(10));
    std::string why;
    auto expect_refused = [&](const std::string& reason_part) {
        auto r = kzg::setup::load_table(dir.path, key_of(10), &why);
        EXPECT_FALSE(r.has_value());
        EXPECT_NE(why.find(reason_part), std::string::npos) << why;
    };
    expect_refused("absent");

    ASSERT_TRUE(kzg::setup::store_table(dir.path, key_of(10), pts, &why)) << why;
    const auto size = fs::file_size(file);
    fs::resize_file(file, size - 1);
    expect_refused("truncated");

    ASSERT_TRUE(kzg::setup::store_table(dir.path, key_of(10), pts, &why)) << why;
    {
        std::fstream f(file, std::ios::in | std::ios::out | std::ios::binary);
        f.seekp(static_cast<std::streamoff>(size - 7));
        f.put('\x5a');
    }
    expect_refused("checksum mismatch");

    ASSERT_TRUE(kzg::setup::store_table(dir.path, key_of(10), pts, &why)) << why;
    {
        std::ofstream f(file, std::ios::app | std::ios::binary);
        f << "x";
    }
    expect_refused("longer");

    // Same name, other setup: the header says so.
    ASSERT_TRUE(kzg::setup::store_table(dir.path, key_of(10), pts, &why)) << why;
    TableKey other = key_of(10);
    other.setup_sha256[31] = 1;  // same first 8 bytes: same file name
    EXPECT_EQ(kzg::setup::table_file_name(other), kzg::setup::table_file_name(key_of(10)));
    auto r = kzg::setup::load_table(dir.path, other, &why);
    EXPECT_FALSE(r.has_value());
    EXPECT_NE(why.find("another"), std::string::npos) << why;
}

TEST(TableCache, UnwritableLocationFails) {
    TempDir dir;
    const fs::path not_a_dir = dir.path / "file";
    std::ofstream(not_a_dir) << "x";
    std::string why;
    EXPECT_FALSE(kzg::setup::store_table((not_a_dir / "sub").string(), key_of(3), some_points(3), &why));
    EXPECT_NE(why.find("cannot"), std::string::npos) << why;
}

kzg::ContextOptions with_cache(const fs::path& dir) {
    kzg::ContextOptions o;
    o.table_cache_dir = dir.string();
    return o;
}

TEST(TableCache, ContextStartsFromCacheWithSameAnswers) {
    TempDir dir;
    auto first = kzg::Context::mainnet(with_cache(dir.path));
    ASSERT_TRUE(first.ok()) << first.message();
    for (const auto& t : (*first)->tables()) {
        EXPECT_EQ(t.source, "built") << t.name;
        EXPECT_NE(t.cache_note.find("stored"), std::string::npos) << t.name << ": " << t.cache_note;
    }
    EXPECT_EQ((*first)->tables().size(), 3u);  // blob-msm, fk20-columns, fk20-msm

    auto second = kzg::Context::mainnet(with_cache(dir.path));
    ASSERT_TRUE(second.ok()) << second.message();
    for (const auto& t : (*second)->tables()) EXPECT_EQ(t.source, "cache") << t.name << ": " << t.cache_note;

    auto blob = std::make_unique<kzg::Blob>();
    std::mt19937_64 rng(5);
    for (std::size_t i = 0; i < kzg::FIELD_ELEMENTS_PER_BLOB; i++) {
        for (int j = 1; j < 32; j++) blob->bytes[i * 32 + j] = static_cast<std::uint8_t>(rng());
    }
    auto a = (*first)->compute_cells_and_kzg_proofs(*blob);
    auto b = (*second)->compute_cells_and_kzg_proofs(*blob);
    ASSERT_TRUE(a.ok() && b.ok());
    EXPECT_EQ(a->proofs, b->proofs);
    EXPECT_EQ(*(*first)->blob_to_kzg_commitment(*blob), *(*second)->blob_to_kzg_commitment(*blob));

    // Damage every file: the next start refuses them, rebuilds and rewrites.
    for (const auto& e : fs::directory_iterator(dir.path)) fs::resize_file(e.path(), fs::file_size(e.path()) / 2);
    auto third = kzg::Context::mainnet(with_cache(dir.path));
    ASSERT_TRUE(third.ok());
    for (const auto& t : (*third)->tables()) {
        EXPECT_EQ(t.source, "built") << t.name;
        EXPECT_NE(t.cache_note.find("truncated"), std::string::npos) << t.cache_note;
    }
    EXPECT_EQ((*third)->compute_cells_and_kzg_proofs(*blob)->proofs, a->proofs);
    auto fourth = kzg::Context::mainnet(with_cache(dir.path));
    for (const auto& t : (*fourth)->tables()) EXPECT_EQ(t.source, "cache") << t.name;
}

TEST(TableCache, ContextWithUnwritableCacheStillWorks) {
    TempDir dir;
    std::ofstream(dir.path / "file") << "x";
    auto ctx = kzg::Context::mainnet(with_cache(dir.path / "file" / "cache"));
    ASSERT_TRUE(ctx.ok()) << ctx.message();
    for (const auto& t : (*ctx)->tables()) {
        EXPECT_EQ(t.source, "built");
        EXPECT_NE(t.cache_note.find("not stored"), std::string::npos) << t.cache_note;
    }
}

}  // namespace
