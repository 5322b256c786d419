// Latency distributions per (operation, phase) in bounded memory: fixed
// log-scale histograms (4 buckets per octave, 1 us to ~17 s), one since start
// and a ring of 6 x 10 s slots for the recent window (last 60 s). Receives the
// library's phase timings (kzg::PhaseObserver) and the service's whole-call
// timings (phase "total").
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "kzg/observer.hpp"

namespace kzgd::ops {

class LogHistogram {
  public:
    static constexpr std::size_t kBuckets = 96;  // 24 octaves of 4 from 1 us
    void record(std::uint64_t ns);
    void merge(const LogHistogram& o);
    void clear() { *this = LogHistogram(); }

    struct Summary {
        std::uint64_t count = 0;
        double mean_ms = 0, min_ms = 0, p50_ms = 0, p90_ms = 0, p99_ms = 0, max_ms = 0;
    };
    Summary summary() const;
    std::uint64_t count() const { return count_; }

  private:
    double quantile_ms(double q) const;
    std::array<std::uint64_t, kBuckets> buckets_{};
    std::uint64_t count_ = 0;
    long double sum_ns_ = 0;
    std::uint64_t min_ns_ = UINT64_MAX;
    std::uint64_t max_ns_ = 0;
};

class Profiler final : public kzg::PhaseObserver {
  public:
    static constexpr int kSlots = 6;
    static constexpr int kSlotSeconds = 10;

    void phase(std::string_view operation, std::string_view phase, std::uint64_t nanoseconds) noexcept override;

    struct Row {
        std::string operation, phase;
        LogHistogram::Summary total, recent;
    };
    std::vector<Row> rows() const;
    // {"window_seconds":60,"rows":[{"operation","phase","since_start":{...},"recent":{...}}]}
    std::string json() const;

  private:
    struct Entry {
        LogHistogram total;
        std::array<LogHistogram, kSlots> slots;
        std::array<std::int64_t, kSlots> slot_epoch{};
    };
    static std::int64_t epoch_now();
    mutable std::mutex mutex_;
    // Key: operation '\x1f' phase.
    std::map<std::string, Entry, std::less<>> entries_;
};

}  // namespace kzgd::ops
