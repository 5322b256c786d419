// Samples CPU and memory on a background thread (once a second): host CPU
// usage from /proc/stat, this process' from /proc/self/stat, tracked heap
// bytes against the memory budget. Logs a warning when host CPU usage is above
// its threshold (at most once a minute) and when tracked memory crosses its
// threshold (once per crossing: again only after it fell back below).
#pragma once

#include "ops/periodic.hpp"

#include <atomic>
#include <cstdint>

namespace kzgd::ops {

class ResourceMonitor {
  public:
    struct Options {
        double interval_s = 1;
        double cpu_warn_ratio = 0.9;
        double usable_cpus = 1;            // for the process ratio
        std::uint64_t memory_budget = 0;   // 0: no memory warning
        double memory_warn_ratio = 0.9;
        double cpu_warn_every_s = 60;      // rate limit of the CPU warning
    };
    explicit ResourceMonitor(const Options& o);
    ~ResourceMonitor();
    ResourceMonitor(const ResourceMonitor&) = delete;
    ResourceMonitor& operator=(const ResourceMonitor&) = delete;

    void start();
    void stop();

    double host_cpu_ratio() const { return host_.load(std::memory_order_relaxed); }
    double process_cpu_ratio() const { return process_.load(std::memory_order_relaxed); }
    bool cpu_high() const { return host_cpu_ratio() > opts_.cpu_warn_ratio; }
    bool memory_high() const { return memory_high_.load(std::memory_order_relaxed); }
    const Options& options() const { return opts_; }

    // One sample (the thread calls it; tests may too).
    void sample();
    // The memory threshold alone (one atomic load when nothing changed): also
    // called on the request path, as operations finish and requests are refused,
    // so that short peaks between two samples are seen.
    void check_memory();

  private:
    Options opts_;
    std::atomic<double> host_{0};
    std::atomic<double> process_{0};
    std::atomic<bool> memory_high_{false};
    std::uint64_t last_busy_ = 0, last_total_ = 0;
    double last_cpu_s_ = -1;
    double last_wall_s_ = 0;
    double last_cpu_warn_s_ = -1e18;
    PeriodicThread ticker_;  // last: stopped (destroyed) before the state its ticks use
};

}  // namespace kzgd::ops
