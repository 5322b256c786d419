#include "service/ops_hooks.hpp"

#include <algorithm>

#include "kzg/version.hpp"
#include "ops/memory_tracker.hpp"
#include "ops/proc.hpp"
#include "ops/log.hpp"

namespace kzgd {
namespace {

std::vector<std::string> operation_names() {
    std::vector<std::string> v;
    for (const auto& f : functions()) v.emplace_back(f.name);
    return v;
}

std::vector<std::string> verifying_names() {
    std::vector<std::string> v;
    for (const auto& f : functions())
        if (f.output == Output::kValid || f.output == Output::kSidecarChecks) v.emplace_back(f.name);
    return v;
}

}  // namespace

std::uint64_t memory_budget(const Config& cfg, std::string* source) {
    std::uint64_t b = 0;
    if (auto cg = ops::cgroup_memory_max()) {
        b = *cg;
        *source = "cgroup memory.max";
    }
    if (cfg.memory_budget != 0 && (b == 0 || cfg.memory_budget < b)) {
        b = cfg.memory_budget;
        *source = "memory-budget";
    }
    if (b == 0) {
        b = ops::physical_memory_bytes().value_or(0);
        *source = "physical memory";
    }
    return b;
}

KzgdOps::KzgdOps(const Config& cfg, ServiceState& state, Admission& admission, RequestBudgets& budgets,
                 WorkerPool& pool)
    : state_(state),
      admission_(admission),
      budgets_(budgets),
      pool_(pool),
      budget_(memory_budget(cfg, &budget_source_)),
      metrics_(ops::MetricsIdentity{std::string(kzg::version()), std::string(kzg::git_commit()),
                                    std::string(kzg::blst_version())},
               operation_names(), verifying_names(), Router::known_routes()),
      resources_(ops::ResourceMonitor::Options{1.0, cfg.cpu_warn_ratio, static_cast<double>(state.cpu.usable),
                                               budget_, cfg.memory_warn_ratio, 60}),
      health_(ops::HealthChecker::Sources{[&state] { return state.context(); },
                                          [&admission] { return admission.in_flight(); },
                                          admission.capacity(),
                                          &resources_,
                                          budget_,
                                          cfg.memory_warn_ratio,
                                          cfg.table_cache.empty() ? std::string(".") : cfg.table_cache,
                                          2.0,
                                          60.0}) {
    log_line("info", "memory budget", {{"memory_budget_bytes", budget_}, {"source", budget_source_}});
}

KzgdOps::~KzgdOps() { stop(); }

void KzgdOps::start() {
    resources_.start();
    health_.start();
}

void KzgdOps::stop() {
    health_.stop();
    resources_.stop();
}

void KzgdOps::on_context_loaded(const kzg::Context& ctx) {
    // What the process holds now (tables, setup, buffers) is not available to
    // requests; 10% of the budget stays free for what admission does not see
    // (connection buffers, allocator slack).
    const std::uint64_t rss = ops::read_process_stat().value_or(ops::ProcessStat{}).resident_bytes;
    const std::uint64_t baseline = std::max(rss, ops::memory::current_bytes());
    const std::uint64_t usable = budget_ - budget_ / 10;
    const std::uint64_t capacity = usable > baseline ? usable - baseline : 0;
    budgets_.set_memory_capacity(capacity);
    if (capacity == 0) {
        log_line("error", "the memory budget is smaller than the loaded process: every request will get 503",
                 {{"memory_budget_bytes", budget_}, {"resident_bytes", rss}});
    }
    metrics_.set_trusted_setup(ctx.setup_sha256_hex(), ctx.options().precompute);
    health_.run_checks();
    const double startup = std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
    metrics_.set_startup_seconds(startup);
    log_line("info", "operations ready",
             {{"memory_budget_bytes", budget_},
              {"memory_for_requests_bytes", capacity},
              {"baseline_bytes", baseline},
              {"self_test", health_.self_test_passed()},
              {"startup_s", startup}});
}

void KzgdOps::on_operation(std::string_view operation, std::string_view outcome, double seconds, int valid) noexcept {
    try {
        metrics_.operation(operation, outcome, seconds);
        if (valid >= 0) metrics_.verification(operation, valid == 1);
        if (seconds >= 0) profiler_->phase(operation, "total", static_cast<std::uint64_t>(seconds * 1e9));
        resources_.check_memory();
    } catch (...) {
    }
}

void KzgdOps::on_rejected(std::string_view reason) noexcept {
    try {
        metrics_.rejected(reason);
        resources_.check_memory();
    } catch (...) {
    }
}

void KzgdOps::on_http(std::string_view route, int status, double seconds) noexcept {
    try {
        metrics_.http(route, status, seconds);
    } catch (...) {
    }
}

bool KzgdOps::serve(std::string_view path, HttpResponse& out) {
    if (path == "/metrics") {
        ops::ScrapeValues v;
        v.inflight_requests = static_cast<double>(admission_.in_flight());
        v.queue_depth = static_cast<double>(pool_.shared()->queued());
        v.worker_threads = static_cast<double>(pool_.size());
        v.memory_tracked_bytes = static_cast<double>(ops::memory::current_bytes());
        v.memory_tracked_peak_bytes = static_cast<double>(ops::memory::peak_bytes());
        v.memory_budget_bytes = static_cast<double>(budget_);
        v.memory_reserved_bytes = static_cast<double>(budgets_.memory().used());
        v.host_cpu_usage_ratio = resources_.host_cpu_ratio();
        v.process_cpu_usage_ratio = resources_.process_cpu_ratio();
        v.ready = state_.ready() && not_ready_reason().empty() ? 1 : 0;
        v.health_checks_failing = static_cast<double>(health_.failing_count());
        out.content_type = "text/plain; version=0.0.4; charset=utf-8";
        out.body = metrics_.scrape(v);
        return true;
    }
    if (path == "/healthz") {
        bool failing = false;
        out.body = health_.json(&failing);
        out.status = failing ? 503 : 200;
        return true;
    }
    if (path == "/debug/profile") {
        out.body = profiler_->json();
        return true;
    }
    return false;
}

std::string KzgdOps::not_ready_reason() {
    if (state_.context() && !health_.self_test_passed()) return "the known-answer self-test has not passed";
    if (health_.saturated()) return "saturated: the worker pool and its queue are full";
    return "";
}

}  // namespace kzgd
