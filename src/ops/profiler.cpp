#include "ops/profiler.hpp"

#include <cmath>
#include <cstdio>

namespace kzgd::ops {
namespace {

std::size_t bucket_of(std::uint64_t ns) {
    if (ns < 1000) return 0;
    const double b = 4.0 * std::log2(static_cast<double>(ns) / 1000.0);
    const auto i = static_cast<std::size_t>(b);
    return i >= LogHistogram::kBuckets ? LogHistogram::kBuckets - 1 : i;
}

// Geometric middle of bucket i, in ms.
double bucket_mid_ms(std::size_t i) { return 1e-3 * std::exp2((static_cast<double>(i) + 0.5) / 4.0); }

void append_summary(std::string& s, const LogHistogram::Summary& m) {
    char buf[256];
    std::snprintf(buf, sizeof buf,
                  "{\"count\":%llu,\"mean_ms\":%.4f,\"min_ms\":%.4f,\"p50_ms\":%.4f,\"p90_ms\":%.4f,\"p99_ms\":%.4f,"
                  "\"max_ms\":%.4f}",
                  static_cast<unsigned long long>(m.count), m.mean_ms, m.min_ms, m.p50_ms, m.p90_ms, m.p99_ms,
                  m.max_ms);
    s += buf;
}

}  // namespace

void LogHistogram::record(std::uint64_t ns) {
    buckets_[bucket_of(ns)]++;
    count_++;
    sum_ns_ += static_cast<long double>(ns);
    if (ns < min_ns_) min_ns_ = ns;
    if (ns > max_ns_) max_ns_ = ns;
}

void LogHistogram::merge(const LogHistogram& o) {
    for (std::size_t i = 0; i < kBuckets; i++) buckets_[i] += o.buckets_[i];
    count_ += o.count_;
    sum_ns_ += o.sum_ns_;
    if (o.min_ns_ < min_ns_) min_ns_ = o.min_ns_;
    if (o.max_ns_ > max_ns_) max_ns_ = o.max_ns_;
}

double LogHistogram::quantile_ms(double q) const {
    const auto rank = static_cast<std::uint64_t>(std::ceil(q * static_cast<double>(count_)));
    std::uint64_t seen = 0;
    for (std::size_t i = 0; i < kBuckets; i++) {
        seen += buckets_[i];
        if (seen >= rank && seen > 0) {
            // Clamp to the exact extremes so that min <= p50 <= ... <= max.
            const double v = bucket_mid_ms(i);
            const double lo = static_cast<double>(min_ns_) / 1e6, hi = static_cast<double>(max_ns_) / 1e6;
            return v < lo ? lo : v > hi ? hi : v;
        }
    }
    return static_cast<double>(max_ns_) / 1e6;
}

LogHistogram::Summary LogHistogram::summary() const {
    Summary s;
    s.count = count_;
    if (count_ == 0) return s;
    s.mean_ms = static_cast<double>(sum_ns_ / static_cast<long double>(count_)) / 1e6;
    s.min_ms = static_cast<double>(min_ns_) / 1e6;
    s.max_ms = static_cast<double>(max_ns_) / 1e6;
    s.p50_ms = quantile_ms(0.50);
    s.p90_ms = quantile_ms(0.90);
    s.p99_ms = quantile_ms(0.99);
    return s;
}

std::int64_t Profiler::epoch_now() {
    const auto s = std::chrono::duration_cast<std::chrono::seconds>(
                       std::chrono::steady_clock::now().time_since_epoch())
                       .count();
    return s / kSlotSeconds;
}

void Profiler::phase(std::string_view operation, std::string_view phase, std::uint64_t ns) noexcept {
    const std::int64_t epoch = epoch_now();
    const int slot = static_cast<int>(epoch % kSlots);
    try {
        std::lock_guard<std::mutex> lock(mutex_);
        std::string key(operation);
        key += '\x1f';
        key += phase;
        auto it = entries_.find(key);
        if (it == entries_.end()) it = entries_.emplace(std::move(key), Entry{}).first;
        Entry& e = it->second;
        e.total.record(ns);
        if (e.slot_epoch[static_cast<std::size_t>(slot)] != epoch) {
            e.slots[static_cast<std::size_t>(slot)].clear();
            e.slot_epoch[static_cast<std::size_t>(slot)] = epoch;
        }
        e.slots[static_cast<std::size_t>(slot)].record(ns);
    } catch (...) {
        // Out of memory for a new entry: this sample is dropped.
    }
}

std::vector<Profiler::Row> Profiler::rows() const {
    const std::int64_t epoch = epoch_now();
    std::vector<Row> out;
    std::lock_guard<std::mutex> lock(mutex_);
    for (const auto& [key, e] : entries_) {
        LogHistogram recent;
        for (std::size_t i = 0; i < kSlots; i++)
            if (e.slot_epoch[i] > epoch - kSlots) recent.merge(e.slots[i]);
        const auto sep = key.find('\x1f');
        out.push_back(Row{key.substr(0, sep), key.substr(sep + 1), e.total.summary(), recent.summary()});
    }
    return out;
}

std::string Profiler::json() const {
    std::string s = "{\"window_seconds\":" + std::to_string(kSlots * kSlotSeconds) + ",\"rows\":[";
    bool first = true;
    for (const auto& r : rows()) {
        if (!first) s += ',';
        first = false;
        // Operation and phase names are the library's and the service's constants (no quoting needed).
        s += "{\"operation\":\"" + r.operation + "\",\"phase\":\"" + r.phase + "\",\"since_start\":";
        append_summary(s, r.total);
        s += ",\"recent\":";
        append_summary(s, r.recent);
        s += '}';
    }
    s += "]}";
    return s;
}

}  // namespace kzgd::ops
