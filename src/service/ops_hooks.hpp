// kzgd's observability, wired around the request path (OpsHooks, fed by
// finish_request()): Prometheus metrics, the phase profiler (also the
// library's kzg::PhaseObserver), the CPU/memory monitor and the health checks.
// It measures the memory budget (the process, once loaded) and sizes
// admission's RequestBudgets from it; admission does the reserving. Owns the
// background threads of the monitor and the checks.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include "ops/health.hpp"
#include "ops/metrics.hpp"
#include "ops/profiler.hpp"
#include "ops/resource_monitor.hpp"
#include "service/admission.hpp"
#include "service/config.hpp"
#include "service/routes.hpp"
#include "service/state.hpp"
#include "service/worker_pool.hpp"

namespace kzgd {

// The memory budget: the smallest of cgroup v2 memory.max and --memory-budget
// that are set, else physical memory. source says which.
std::uint64_t memory_budget(const Config& cfg, std::string* source);

class KzgdOps final : public OpsHooks {
  public:
    KzgdOps(const Config& cfg, ServiceState& state, Admission& admission, RequestBudgets& budgets, WorkerPool& pool);
    ~KzgdOps() override;

    // The library's phase observer (ContextOptions::observer).
    std::shared_ptr<ops::Profiler> profiler() const { return profiler_; }
    std::uint64_t budget_bytes() const { return budget_; }

    void start();  // the monitor and health threads
    void stop();
    // Once the context is published: the memory left for requests (admission's
    // memory budget), the setup
    // info, the first self-test (readiness waits for it), the start-up time.
    void on_context_loaded(const kzg::Context& ctx);
    // The latest known-answer self-test passed (false before the first one).
    bool self_test_passed() const { return health_.self_test_passed(); }

    void on_operation(std::string_view operation, std::string_view outcome, double seconds, int valid) noexcept override;
    void on_rejected(std::string_view reason) noexcept override;
    void on_http(std::string_view route, int status, double seconds) noexcept override;
    bool serve(std::string_view path, HttpResponse& out) override;
    std::string not_ready_reason() override;

  private:
    ServiceState& state_;
    Admission& admission_;
    RequestBudgets& budgets_;
    WorkerPool& pool_;
    const std::chrono::steady_clock::time_point started_ = std::chrono::steady_clock::now();
    std::string budget_source_;
    std::uint64_t budget_;
    std::shared_ptr<ops::Profiler> profiler_ = std::make_shared<ops::Profiler>();
    ops::Metrics metrics_;
    ops::ResourceMonitor resources_;
    ops::HealthChecker health_;
};

}  // namespace kzgd
