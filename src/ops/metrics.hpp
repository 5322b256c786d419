// Prometheus metrics of kzgd (prometheus-cpp's registry and text
// serializer, exposition format 0.0.4). Every series whose labels are known
// is created at zero in the constructor, so rates and alerts work from the
// first scrape. Counters and histograms are updated from any thread
// (prometheus-cpp's metrics are atomic); gauges that describe the process
// right now (memory, CPU, queue, /proc) are read at scrape time and passed in.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace prometheus {
class Registry;
class Counter;
class Histogram;
class Gauge;
}  // namespace prometheus

namespace kzgd::ops {

// Histogram edges (seconds) from 0.5 ms to 10 s, with edges at the latency
// objectives (docs/operations.md): 0.05 s for verifications, 0.25 s for
// commitments, proofs and cells, 1 s for FK20 and recovery.
const std::vector<double>& latency_buckets();

struct MetricsIdentity {
    std::string version, commit, blst;
};

// Values read at scrape time.
struct ScrapeValues {
    double inflight_requests = 0;
    double queue_depth = 0;
    double worker_threads = 0;
    double memory_tracked_bytes = 0;
    double memory_tracked_peak_bytes = 0;
    double memory_budget_bytes = 0;
    double memory_reserved_bytes = 0;
    double host_cpu_usage_ratio = 0;
    double process_cpu_usage_ratio = 0;
    double ready = 0;
    double health_checks_failing = 0;
};

class Metrics {
  public:
    // Outcomes of kzg_operations_total; reasons of kzg_rejected_requests_total.
    static const std::vector<std::string>& outcomes();
    static const std::vector<std::string>& reject_reasons();
    static const std::vector<int>& status_codes();

    Metrics(const MetricsIdentity& id, const std::vector<std::string>& operations,
            const std::vector<std::string>& verifying_operations, const std::vector<std::string>& routes);
    ~Metrics();
    Metrics(const Metrics&) = delete;
    Metrics& operator=(const Metrics&) = delete;

    // outcome: ok, invalid_input, error, rejected. seconds < 0: not timed (rejected).
    void operation(std::string_view op, std::string_view outcome, double seconds);
    void verification(std::string_view op, bool valid);
    // route: one of `routes` (else "other").
    void http(std::string_view route, int code, double seconds);
    void rejected(std::string_view reason);
    void set_trusted_setup(const std::string& sha256, int precompute);
    void set_startup_seconds(double s);

    // The exposition text.
    std::string scrape(const ScrapeValues& v);

  private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace kzgd::ops
