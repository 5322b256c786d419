#include "ops/metrics.hpp"

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>
#include <prometheus/text_serializer.h>

#include <sstream>
#include <unordered_map>

#include "ops/proc.hpp"

namespace kzgd::ops {

const std::vector<double>& latency_buckets() {
    static const std::vector<double> b = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1,
                                          0.25,   0.5,   1,      2.5,   5,    10};
    return b;
}

const std::vector<std::string>& Metrics::outcomes() {
    static const std::vector<std::string> v = {"ok", "invalid_input", "error", "rejected"};
    return v;
}

const std::vector<std::string>& Metrics::reject_reasons() {
    // queue: workers + max-queue full; memory: the memory budget; body_bytes:
    // max-inflight-bytes; connections: max-connections; not_ready: loading or draining.
    static const std::vector<std::string> v = {"queue", "memory", "body_bytes", "connections", "not_ready"};
    return v;
}

const std::vector<int>& Metrics::status_codes() {
    static const std::vector<int> v = {200, 400, 404, 405, 413, 415, 431, 500, 503};
    return v;
}

namespace {
std::string key2(std::string_view a, std::string_view b) {
    std::string k(a);
    k += '\x1f';
    k += b;
    return k;
}

prometheus::MetricFamily gauge_family(const std::string& name, const std::string& help, double value) {
    prometheus::MetricFamily f;
    f.name = name;
    f.help = help;
    f.type = prometheus::MetricType::Gauge;
    prometheus::ClientMetric m;
    m.gauge.value = value;
    f.metric.push_back(m);
    return f;
}
}  // namespace

struct Metrics::Impl {
    std::shared_ptr<prometheus::Registry> registry = std::make_shared<prometheus::Registry>();
    std::unordered_map<std::string, prometheus::Counter*> operations;     // op, outcome
    std::unordered_map<std::string, prometheus::Histogram*> durations;    // op
    std::unordered_map<std::string, prometheus::Counter*> verifications;  // op, result
    std::unordered_map<std::string, prometheus::Counter*> http_requests;  // route, code
    std::unordered_map<std::string, prometheus::Histogram*> http_durations;  // route
    std::unordered_map<std::string, prometheus::Counter*> rejected;       // reason
    prometheus::Family<prometheus::Gauge>* setup_info = nullptr;
    prometheus::Gauge* startup = nullptr;
    prometheus::Family<prometheus::Counter>* http_family = nullptr;
    std::mutex mutex;  // scrapes, late label sets
};

Metrics::Metrics(const MetricsIdentity& id, const std::vector<std::string>& operations,
                 const std::vector<std::string>& verifying_operations, const std::vector<std::string>& routes)
    : impl_(std::make_unique<Impl>()) {
    auto& r = *impl_->registry;
    auto& ops = prometheus::BuildCounter()
                    .Name("kzg_operations_total")
                    .Help("KZG operations by outcome (ok, invalid_input, error, rejected before running)")
                    .Register(r);
    auto& dur = prometheus::BuildHistogram()
                    .Name("kzg_operation_duration_seconds")
                    .Help("Time a KZG operation ran on a worker (not queued)")
                    .Register(r);
    auto& ver = prometheus::BuildCounter()
                    .Name("kzg_verifications_total")
                    .Help("Verification results of operations that completed (valid, invalid)")
                    .Register(r);
    for (const auto& op : operations) {
        for (const auto& o : outcomes()) impl_->operations[key2(op, o)] = &ops.Add({{"operation", op}, {"outcome", o}});
        impl_->durations[op] = &dur.Add({{"operation", op}}, latency_buckets());
    }
    for (const auto& op : verifying_operations)
        for (const char* res : {"valid", "invalid"})
            impl_->verifications[key2(op, res)] = &ver.Add({{"operation", op}, {"result", res}});

    auto& http = prometheus::BuildCounter()
                     .Name("kzg_http_requests_total")
                     .Help("HTTP requests answered, by route and status code")
                     .Register(r);
    impl_->http_family = &http;
    auto& http_dur = prometheus::BuildHistogram()
                         .Name("kzg_http_request_duration_seconds")
                         .Help("Time from the first byte of a request to its response written")
                         .Register(r);
    std::vector<std::string> all_routes = routes;
    all_routes.push_back("other");
    for (const auto& route : all_routes) {
        for (int code : status_codes())
            impl_->http_requests[key2(route, std::to_string(code))] =
                &http.Add({{"route", route}, {"code", std::to_string(code)}});
        impl_->http_durations[route] = &http_dur.Add({{"route", route}}, latency_buckets());
    }
    auto& rej = prometheus::BuildCounter()
                    .Name("kzg_rejected_requests_total")
                    .Help("Requests refused with 503 before running, by reason")
                    .Register(r);
    for (const auto& reason : reject_reasons()) impl_->rejected[reason] = &rej.Add({{"reason", reason}});

    prometheus::BuildGauge()
        .Name("kzg_build_info")
        .Help("Build of this kzgd (always 1)")
        .Register(r)
        .Add({{"version", id.version}, {"commit", id.commit}, {"blst", id.blst}})
        .Set(1);
    impl_->setup_info = &prometheus::BuildGauge()
                             .Name("kzg_trusted_setup_info")
                             .Help("The loaded trusted setup (1 once loaded)")
                             .Register(r);
    impl_->startup = &prometheus::BuildGauge()
                          .Name("kzg_startup_duration_seconds")
                          .Help("Seconds from start to ready (setup loaded, tables built, self-test passed)")
                          .Register(r)
                          .Add({});
}

Metrics::~Metrics() = default;

void Metrics::operation(std::string_view op, std::string_view outcome, double seconds) {
    if (auto it = impl_->operations.find(key2(op, outcome)); it != impl_->operations.end()) it->second->Increment();
    if (seconds >= 0)
        if (auto it = impl_->durations.find(std::string(op)); it != impl_->durations.end()) it->second->Observe(seconds);
}

void Metrics::verification(std::string_view op, bool valid) {
    if (auto it = impl_->verifications.find(key2(op, valid ? "valid" : "invalid")); it != impl_->verifications.end())
        it->second->Increment();
}

void Metrics::http(std::string_view route, int code, double seconds) {
    auto d = impl_->http_durations.find(std::string(route));
    if (d == impl_->http_durations.end()) {
        route = "other";
        d = impl_->http_durations.find("other");
    }
    d->second->Observe(seconds);
    const std::string code_text = std::to_string(code);
    if (auto it = impl_->http_requests.find(key2(route, code_text)); it != impl_->http_requests.end()) {
        it->second->Increment();
        return;
    }
    // A status code not created at start (rare): add its series once.
    std::lock_guard<std::mutex> lock(impl_->mutex);
    impl_->http_family->Add({{"route", std::string(route)}, {"code", code_text}}).Increment();
}

void Metrics::rejected(std::string_view reason) {
    if (auto it = impl_->rejected.find(std::string(reason)); it != impl_->rejected.end()) it->second->Increment();
}

void Metrics::set_trusted_setup(const std::string& sha256, int precompute) {
    std::lock_guard<std::mutex> lock(impl_->mutex);
    impl_->setup_info->Add({{"sha256", sha256}, {"precompute", std::to_string(precompute)}}).Set(1);
}

void Metrics::set_startup_seconds(double s) { impl_->startup->Set(s); }

std::string Metrics::scrape(const ScrapeValues& v) {
    std::vector<prometheus::MetricFamily> families;
    {
        std::lock_guard<std::mutex> lock(impl_->mutex);
        families = impl_->registry->Collect();
    }
    auto add = [&](const char* name, const char* help, double value) { families.push_back(gauge_family(name, help, value)); };
    add("kzg_inflight_requests", "Requests admitted to the worker pool (running or queued)", v.inflight_requests);
    add("kzg_queue_depth", "Tasks waiting in the worker pool's queue", v.queue_depth);
    add("kzg_worker_threads", "Crypto worker threads", v.worker_threads);
    add("kzg_memory_tracked_bytes", "Heap bytes held through C++ allocation (counting operator new)",
        v.memory_tracked_bytes);
    add("kzg_memory_tracked_peak_bytes", "Peak of kzg_memory_tracked_bytes since start", v.memory_tracked_peak_bytes);
    add("kzg_memory_budget_bytes", "Memory the process may use (cgroup memory.max or --memory-budget)",
        v.memory_budget_bytes);
    add("kzg_memory_reserved_bytes", "Estimated working memory reserved by admitted requests", v.memory_reserved_bytes);
    add("kzg_host_cpu_usage_ratio", "Busy share of the host's CPUs over the last sample (0-1)", v.host_cpu_usage_ratio);
    add("kzg_process_cpu_usage_ratio", "This process' CPU time over the last sample, per usable CPU (0-1)",
        v.process_cpu_usage_ratio);
    add("kzg_ready", "1 when /readyz answers 200", v.ready);
    add("kzg_health_checks_failing", "Health checks not passing at the last run", v.health_checks_failing);

    if (auto ps = read_process_stat()) {
        prometheus::MetricFamily cpu;
        cpu.name = "process_cpu_seconds_total";
        cpu.help = "Total user and system CPU time spent in seconds.";
        cpu.type = prometheus::MetricType::Counter;
        prometheus::ClientMetric m;
        m.counter.value = ps->cpu_seconds;
        cpu.metric.push_back(m);
        families.push_back(cpu);
        add("process_resident_memory_bytes", "Resident memory size in bytes.", static_cast<double>(ps->resident_bytes));
        add("process_virtual_memory_bytes", "Virtual memory size in bytes.", static_cast<double>(ps->virtual_bytes));
        add("process_start_time_seconds", "Start time of the process since unix epoch in seconds.",
            ps->start_time_seconds);
        add("process_threads", "Number of OS threads in the process.", static_cast<double>(ps->threads));
    }
    add("process_open_fds", "Number of open file descriptors.", static_cast<double>(count_open_fds()));
    if (auto m = max_open_fds()) add("process_max_fds", "Maximum number of open file descriptors.", static_cast<double>(*m));

    std::ostringstream out;
    prometheus::TextSerializer().Serialize(out, families);
    return out.str();
}

}  // namespace kzgd::ops
