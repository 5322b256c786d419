// src/ops units: log-scale histograms and the profiler's window, the metrics
// exposition (every known series at zero), the working-set estimates, /proc readers.
#include <gtest/gtest.h>

#include <string>

#include "ops/metrics.hpp"
#include "ops/proc.hpp"
#include "ops/profiler.hpp"
#include "service/admission.hpp"
#include "service/api.hpp"
#include "service/routes.hpp"

namespace {

TEST(LogHistogram, QuantilesAreOrderedAndClose) {
    kzgd::ops::LogHistogram h;
    for (int i = 1; i <= 1000; i++) h.record(static_cast<std::uint64_t>(i) * 1000000);  // 1..1000 ms
    const auto s = h.summary();
    EXPECT_EQ(s.count, 1000u);
    EXPECT_DOUBLE_EQ(s.min_ms, 1.0);
    EXPECT_DOUBLE_EQ(s.max_ms, 1000.0);
    EXPECT_NEAR(s.mean_ms, 500.5, 1e-6);
    // 4 buckets per octave: within 19% of the true quantile.
    EXPECT_NEAR(s.p50_ms, 500, 500 * 0.19);
    EXPECT_NEAR(s.p90_ms, 900, 900 * 0.19);
    EXPECT_NEAR(s.p99_ms, 990, 990 * 0.19);
    EXPECT_LE(s.min_ms, s.p50_ms);
    EXPECT_LE(s.p50_ms, s.p90_ms);
    EXPECT_LE(s.p90_ms, s.p99_ms);
    EXPECT_LE(s.p99_ms, s.max_ms);
    kzgd::ops::LogHistogram empty;
    EXPECT_EQ(empty.summary().count, 0u);
}

TEST(Profiler, RowsAndJson) {
    kzgd::ops::Profiler p;
    p.phase("verify_kzg_proof", "pairing", 1500000);
    p.phase("verify_kzg_proof", "pairing", 2500000);
    p.phase("verify_kzg_proof", "decode", 10000);
    const auto rows = p.rows();
    ASSERT_EQ(rows.size(), 2u);
    EXPECT_EQ(rows[1].phase, "pairing");
    EXPECT_EQ(rows[1].total.count, 2u);
    EXPECT_EQ(rows[1].recent.count, 2u);
    EXPECT_NE(p.json().find("\"window_seconds\":60"), std::string::npos);
}

TEST(Metrics, KnownSeriesExistAtZero) {
    kzgd::ops::Metrics m({"1.0", "abc", "0.3.12"}, {"verify_kzg_proof", "compute_cells"}, {"verify_kzg_proof"},
                         {"/metrics", "/v1/verify_kzg_proof"});
    const std::string t = m.scrape({});
    EXPECT_NE(t.find("kzg_operations_total{operation=\"compute_cells\",outcome=\"rejected\"} 0"), std::string::npos);
    EXPECT_NE(t.find("kzg_verifications_total{operation=\"verify_kzg_proof\",result=\"invalid\"} 0"), std::string::npos);
    EXPECT_NE(t.find("kzg_http_requests_total{code=\"503\",route=\"other\"} 0"), std::string::npos);
    EXPECT_NE(t.find("kzg_rejected_requests_total{reason=\"memory\"} 0"), std::string::npos);
    m.operation("compute_cells", "ok", 0.003);
    m.http("/nope", 404, 0.001);
    const std::string u = m.scrape({});
    EXPECT_NE(u.find("kzg_operations_total{operation=\"compute_cells\",outcome=\"ok\"} 1"), std::string::npos);
    EXPECT_NE(u.find("kzg_operation_duration_seconds_bucket{operation=\"compute_cells\",le=\"0.005\"} 1"),
              std::string::npos);
    EXPECT_NE(u.find("kzg_http_requests_total{code=\"404\",route=\"other\"} 1"), std::string::npos);
}

TEST(Estimates, CoverTheInputAndGrowWithIt) {
    for (const auto& fn : kzgd::functions()) {
        const auto small = kzgd::estimate_working_set(fn, 1000, 2);
        const auto large = kzgd::estimate_working_set(fn, 10000000, 2);
        EXPECT_GE(small, 2000u) << fn.name;
        EXPECT_GT(large, small) << fn.name;
        EXPECT_GE(large, 20000000u) << fn.name;
    }
}

TEST(Proc, ReadsThisProcess) {
    auto s = kzgd::ops::read_process_stat();
    ASSERT_TRUE(s);
    EXPECT_GT(s->resident_bytes, 0u);
    EXPECT_GE(s->threads, 1u);
    EXPECT_GT(s->start_time_seconds, 1e9);
    EXPECT_GT(kzgd::ops::count_open_fds(), 0u);
    auto h = kzgd::ops::read_host_cpu();
    ASSERT_TRUE(h);
    EXPECT_GT(h->total, h->busy);
}

}  // namespace

// Admission counts exactly capacity requests in (workers + queue), refuses the
// next at once, and admits again after one leaves (scripts/mutants.sh,
// svc-admission-limit: a refusal one request late passed every service test).
TEST(Admission, AdmitsExactlyCapacity) {
    for (std::size_t capacity : {std::size_t{1}, std::size_t{3}, std::size_t{66}}) {
        kzgd::Admission a(capacity);
        for (std::size_t i = 0; i < capacity; i++) ASSERT_TRUE(a.try_enter()) << capacity << " " << i;
        EXPECT_EQ(a.in_flight(), capacity);
        EXPECT_FALSE(a.try_enter()) << capacity;
        EXPECT_EQ(a.in_flight(), capacity);  // a refusal takes nothing
        a.leave();
        EXPECT_TRUE(a.try_enter());
        EXPECT_FALSE(a.try_enter());
    }
    kzgd::Admission none(0);
    EXPECT_FALSE(none.try_enter());
}

TEST(Admission, ByteBudgetTakesUpToCapacity) {
    kzgd::ByteBudget b(100);
    EXPECT_TRUE(b.try_take(60));
    EXPECT_FALSE(b.try_take(41));
    {
        ASSERT_TRUE(b.try_take(40));
        kzgd::Reservation held(&b, 40);  // gives the 40 back when it goes
        EXPECT_FALSE(b.try_take(1));
    }
    EXPECT_EQ(b.used(), 60u);
    EXPECT_TRUE(b.try_take(40));
}
