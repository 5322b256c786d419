// Health checks, run on a background schedule (every few seconds; the
// known-answer self-test once at start and then every minute); /healthz and
// /readyz only read the cached results.
//   memory      tracked heap bytes against the memory budget
//   cpu         host CPU usage against its threshold
//   disk        free space where the tables are cached (or the working directory)
//   setup       trusted setup loaded, and its sha256
//   self_test   commitment, proof and verification of a fixed blob against known answers
//   saturation  requests in the worker pool against its capacity (workers + max-queue)
#pragma once

#include "ops/periodic.hpp"

#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <vector>

#include "kzg/kzg.hpp"

namespace kzgd::ops {

class ResourceMonitor;

struct CheckResult {
    std::string id;
    std::string status;  // pass, warn, fail
    std::string message;
    std::string data_json = "{}";
};

class HealthChecker {
  public:
    struct Sources {
        std::function<const kzg::Context*()> context;  // null until loaded
        std::function<std::size_t()> in_flight;
        std::size_t capacity = 1;
        const ResourceMonitor* resources = nullptr;
        std::uint64_t memory_budget = 0;
        double memory_warn_ratio = 0.9;
        std::string disk_path;  // the table cache, or "."
        double interval_s = 2;
        double self_test_every_s = 60;
    };
    explicit HealthChecker(Sources s);
    ~HealthChecker();
    HealthChecker(const HealthChecker&) = delete;
    HealthChecker& operator=(const HealthChecker&) = delete;

    void start();
    void stop();
    // Runs every check now (the thread calls it; also right after the setup loads).
    void run_checks();

    std::vector<CheckResult> results() const;
    bool self_test_passed() const;
    bool saturated() const;  // live: in_flight >= capacity
    // {"status":"pass|warn|fail","checks":[{"id","status","message","data"}]}; failing: any check fails.
    std::string json(bool* failing) const;
    std::size_t failing_count() const;

  private:
    CheckResult check_self_test(const kzg::Context* ctx);
    Sources src_;
    mutable std::mutex mutex_;
    std::vector<CheckResult> results_;
    CheckResult last_self_test_;
    double last_self_test_s_ = -1e18;
    bool self_test_ok_ = false;
    PeriodicThread ticker_;  // last: stopped (destroyed) before the state its ticks use
};

}  // namespace kzgd::ops
