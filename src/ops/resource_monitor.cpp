#include "ops/resource_monitor.hpp"

#include <chrono>

#include "ops/memory_tracker.hpp"
#include "ops/proc.hpp"
#include "ops/log.hpp"

namespace kzgd::ops {
namespace {
double mono_seconds() {
    return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}
}  // namespace

ResourceMonitor::ResourceMonitor(const Options& o) : opts_(o) {}

ResourceMonitor::~ResourceMonitor() { stop(); }

void ResourceMonitor::start() {
    sample();  // a baseline, so that the first ratio covers one interval
    ticker_.start(opts_.interval_s, [this] { sample(); });
}

void ResourceMonitor::stop() { ticker_.stop(); }

void ResourceMonitor::sample() {
    const double now = mono_seconds();
    if (auto h = read_host_cpu()) {
        if (last_total_ != 0 && h->total > last_total_) {
            const double r = static_cast<double>(h->busy - last_busy_) / static_cast<double>(h->total - last_total_);
            host_.store(r < 0 ? 0 : r > 1 ? 1 : r, std::memory_order_relaxed);
        }
        last_busy_ = h->busy;
        last_total_ = h->total;
    }
    if (auto p = read_process_stat()) {
        if (last_cpu_s_ >= 0 && now > last_wall_s_) {
            const double r = (p->cpu_seconds - last_cpu_s_) / (now - last_wall_s_) / opts_.usable_cpus;
            process_.store(r < 0 ? 0 : r > 1 ? 1 : r, std::memory_order_relaxed);
        }
        last_cpu_s_ = p->cpu_seconds;
        last_wall_s_ = now;
    }
    const double host = host_cpu_ratio();
    if (host > opts_.cpu_warn_ratio && now - last_cpu_warn_s_ >= opts_.cpu_warn_every_s) {
        last_cpu_warn_s_ = now;
        log_line("warn", "host CPU usage is above the threshold",
                 {{"host_cpu_usage_ratio", host},
                  {"process_cpu_usage_ratio", process_cpu_ratio()},
                  {"threshold", opts_.cpu_warn_ratio}});
    }
    check_memory();
}

void ResourceMonitor::check_memory() {
    if (opts_.memory_budget > 0) {
        const double used = static_cast<double>(memory::current_bytes());
        const double limit = opts_.memory_warn_ratio * static_cast<double>(opts_.memory_budget);
        const bool high = used >= limit;
        if (high != memory_high_.load(std::memory_order_relaxed) && high != memory_high_.exchange(high)) {
            if (high) {
                log_line("warn", "tracked memory crossed the warning threshold",
                         {{"memory_tracked_bytes", memory::current_bytes()},
                          {"memory_budget_bytes", opts_.memory_budget},
                          {"threshold_ratio", opts_.memory_warn_ratio}});
            } else {
                log_line("info", "tracked memory is back below the warning threshold",
                         {{"memory_tracked_bytes", memory::current_bytes()},
                          {"memory_budget_bytes", opts_.memory_budget}});
            }
        }
    }
}

}  // namespace kzgd::ops
