// ContextOptions::observer: the library reports its phases (decode, msm, fft,
// pairing, ...) per operation, from whichever thread ran them; without an
// observer the results are the same.
#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "kzg/kzg.hpp"
#include "kzg/observer.hpp"

namespace {

struct Recorder final : kzg::PhaseObserver {
    void phase(std::string_view op, std::string_view phase, std::uint64_t ns) noexcept override {
        std::lock_guard<std::mutex> lock(mutex);
        counts[std::string(op) + "/" + std::string(phase)]++;
        total_ns += ns;
    }
    std::mutex mutex;
    std::map<std::string, int> counts;
    std::uint64_t total_ns = 0;
};

std::unique_ptr<kzg::Blob> test_blob() {
    auto blob = std::make_unique<kzg::Blob>();
    for (std::size_t i = 0; i < kzg::FIELD_ELEMENTS_PER_BLOB; i++) blob->bytes[i * 32 + 31] = static_cast<std::uint8_t>(i);
    return blob;
}

TEST(Observer, ReportsPhasesAndChangesNothing) {
    auto rec = std::make_shared<Recorder>();
    kzg::ContextOptions with;
    with.lazy_tables = true;
    with.observer = rec;
    kzg::ContextOptions without;
    without.lazy_tables = true;
    auto a = kzg::Context::mainnet(with);
    auto b = kzg::Context::mainnet(without);
    ASSERT_TRUE(a && b);
    auto blob = test_blob();
    auto ca = (*a)->blob_to_kzg_commitment(*blob);
    auto cb = (*b)->blob_to_kzg_commitment(*blob);
    ASSERT_TRUE(ca && cb);
    EXPECT_EQ(*ca, *cb);
    auto pa = (*a)->compute_blob_kzg_proof(*blob, *ca);
    ASSERT_TRUE(pa);
    auto va = (*a)->verify_blob_kzg_proof(*blob, *ca, *pa);
    ASSERT_TRUE(va.ok() && *va);
    auto cells = (*a)->compute_cells(*blob);
    ASSERT_TRUE(cells);
    EXPECT_EQ(rec->counts["blob_to_kzg_commitment/decode"], 1);
    EXPECT_EQ(rec->counts["blob_to_kzg_commitment/msm"], 1);
    EXPECT_EQ(rec->counts["compute_blob_kzg_proof/msm"], 1);
    EXPECT_EQ(rec->counts["verify_blob_kzg_proof/pairing"], 1);
    EXPECT_EQ(rec->counts["compute_cells/decode"], 1);
    EXPECT_EQ(rec->counts["compute_cells/fft"], 1);
    EXPECT_GT(rec->total_ns, 0u);
    // Invalid input: the decode phase is reported, nothing after it.
    auto bad = test_blob();
    bad->bytes[0] = 0xff;
    EXPECT_FALSE((*a)->blob_to_kzg_commitment(*bad));
    EXPECT_EQ(rec->counts["blob_to_kzg_commitment/decode"], 2);
    EXPECT_EQ(rec->counts["blob_to_kzg_commitment/msm"], 1);
}

}  // namespace
