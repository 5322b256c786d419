#include "ops/health.hpp"

#include <sys/statvfs.h>

#include <chrono>
#include <cstdio>

#include "kzg/codec.hpp"
#include "ops/known_answer.hpp"
#include "ops/memory_tracker.hpp"
#include "ops/resource_monitor.hpp"
#include "ops/json_text.hpp"
#include "ops/log.hpp"

namespace kzgd::ops {
namespace {

double mono_seconds() {
    return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

std::string num(double v) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.4g", v);
    return buf;
}

CheckResult result(std::string id, std::string status, std::string message, std::string data = "{}") {
    return CheckResult{std::move(id), std::move(status), std::move(message), std::move(data)};
}

}  // namespace

HealthChecker::HealthChecker(Sources s) : src_(std::move(s)) {}
HealthChecker::~HealthChecker() { stop(); }

void HealthChecker::start() {
    run_checks();
    ticker_.start(src_.interval_s, [this] { run_checks(); });
}

void HealthChecker::stop() { ticker_.stop(); }

CheckResult HealthChecker::check_self_test(const kzg::Context* ctx) {
    const auto t0 = std::chrono::steady_clock::now();
    auto blob = known_answer_blob();
    auto c = ctx->blob_to_kzg_commitment(*blob);
    std::string problem;
    if (!c) problem = "blob_to_kzg_commitment failed: " + c.message();
    else if (kzg::hex_encode(*c) != kKnownCommitmentHex) problem = "blob_to_kzg_commitment gave " + kzg::hex_encode(*c);
    if (problem.empty()) {
        auto p = ctx->compute_blob_kzg_proof(*blob, *c);
        if (!p) problem = "compute_blob_kzg_proof failed: " + p.message();
        else if (kzg::hex_encode(*p) != kKnownProofHex) problem = "compute_blob_kzg_proof gave " + kzg::hex_encode(*p);
        else {
            auto v = ctx->verify_blob_kzg_proof(*blob, *c, *p);
            if (!v.ok()) problem = "verify_blob_kzg_proof failed: " + v.message();
            else if (!*v) problem = "verify_blob_kzg_proof rejected the known proof";
        }
    }
    const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
    const std::string data = "{\"duration_ms\":" + num(ms) + "}";
    if (!problem.empty()) {
        log_line("error", "self-test failed", {{"error", problem}});
        return result("self_test", "fail", "known-answer test failed: " + problem, data);
    }
    return result("self_test", "pass", "commitment, proof and verification of the known blob match", data);
}

void HealthChecker::run_checks() {
    std::vector<CheckResult> out;
    // memory
    {
        const double used = static_cast<double>(memory::current_bytes());
        const double budget = static_cast<double>(src_.memory_budget);
        const std::string data = "{\"tracked_bytes\":" + std::to_string(memory::current_bytes()) +
                                 ",\"peak_bytes\":" + std::to_string(memory::peak_bytes()) +
                                 ",\"budget_bytes\":" + std::to_string(src_.memory_budget) + "}";
        if (budget <= 0) out.push_back(result("memory", "pass", "no memory budget", data));
        else if (used >= budget) out.push_back(result("memory", "fail", "tracked memory is at or over the budget", data));
        else if (used >= src_.memory_warn_ratio * budget)
            out.push_back(result("memory", "warn", "tracked memory is above " + num(100 * src_.memory_warn_ratio) + "% of the budget", data));
        else out.push_back(result("memory", "pass", num(100 * used / budget) + "% of the memory budget in use", data));
    }
    // cpu
    if (src_.resources) {
        const double host = src_.resources->host_cpu_ratio();
        const double thr = src_.resources->options().cpu_warn_ratio;
        const std::string data = "{\"host_usage_ratio\":" + num(host) + ",\"process_usage_ratio\":" +
                                 num(src_.resources->process_cpu_ratio()) + ",\"threshold\":" + num(thr) + "}";
        out.push_back(host > thr ? result("cpu", "warn", "host CPU usage " + num(100 * host) + "% is above the threshold", data)
                                 : result("cpu", "pass", "host CPU usage " + num(100 * host) + "%", data));
    }
    // disk
    {
        struct statvfs st {};
        std::string path;
        append_json_string(path, src_.disk_path);
        if (::statvfs(src_.disk_path.c_str(), &st) != 0) {
            out.push_back(result("disk", "warn", "cannot stat " + src_.disk_path, "{\"path\":" + path + "}"));
        } else {
            const double free_b = static_cast<double>(st.f_bavail) * static_cast<double>(st.f_frsize);
            const double total = static_cast<double>(st.f_blocks) * static_cast<double>(st.f_frsize);
            const std::string data = "{\"path\":" + path + ",\"free_bytes\":" + num(free_b) + ",\"total_bytes\":" + num(total) + "}";
            // The table cache needs up to ~40 MiB; below 64 MiB a write would fail.
            if (free_b < 64.0 * 1024 * 1024) out.push_back(result("disk", "fail", "less than 64 MiB free", data));
            else if (total > 0 && free_b / total < 0.05) out.push_back(result("disk", "warn", "less than 5% free", data));
            else out.push_back(result("disk", "pass", num(free_b / 1048576.0) + " MiB free", data));
        }
    }
    // setup and self-test
    const kzg::Context* ctx = src_.context ? src_.context() : nullptr;
    if (!ctx) {
        out.push_back(result("setup", "fail", "the trusted setup is loading"));
        out.push_back(result("self_test", "fail", "not run yet: the trusted setup is loading"));
    } else {
        std::string sha;
        append_json_string(sha, ctx->setup_sha256_hex());
        out.push_back(result("setup", "pass", "trusted setup loaded", "{\"sha256\":" + sha + "}"));
        const double now = mono_seconds();
        bool due;
        {
            std::lock_guard<std::mutex> lock(mutex_);
            due = now - last_self_test_s_ >= src_.self_test_every_s || !self_test_ok_;
        }
        CheckResult st;
        if (due) {
            st = check_self_test(ctx);
            std::lock_guard<std::mutex> lock(mutex_);
            last_self_test_ = st;
            last_self_test_s_ = now;
            self_test_ok_ = st.status == "pass";
        } else {
            std::lock_guard<std::mutex> lock(mutex_);
            st = last_self_test_;
        }
        out.push_back(st);
    }
    // saturation
    {
        const std::size_t n = src_.in_flight ? src_.in_flight() : 0;
        const std::string data = "{\"in_flight\":" + std::to_string(n) + ",\"capacity\":" + std::to_string(src_.capacity) + "}";
        if (n >= src_.capacity) out.push_back(result("saturation", "warn", "the worker pool and its queue are full (new requests get 503)", data));
        else if (static_cast<double>(n) >= 0.8 * static_cast<double>(src_.capacity))
            out.push_back(result("saturation", "warn", "the worker pool and its queue are over 80% full", data));
        else out.push_back(result("saturation", "pass", std::to_string(n) + " of " + std::to_string(src_.capacity) + " places in use", data));
    }
    std::lock_guard<std::mutex> lock(mutex_);
    results_ = std::move(out);
}

std::vector<CheckResult> HealthChecker::results() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return results_;
}

bool HealthChecker::self_test_passed() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return self_test_ok_;
}

bool HealthChecker::saturated() const { return src_.in_flight && src_.in_flight() >= src_.capacity; }

std::size_t HealthChecker::failing_count() const {
    std::size_t n = 0;
    for (const auto& r : results())
        if (r.status == "fail") n++;
    return n;
}

std::string HealthChecker::json(bool* failing) const {
    const auto rs = results();
    std::string status = "pass";
    for (const auto& r : rs) {
        if (r.status == "fail") status = "fail";
        else if (r.status == "warn" && status == "pass") status = "warn";
    }
    if (failing) *failing = status == "fail";
    std::string s = "{\"status\":\"" + status + "\",\"checks\":[";
    for (std::size_t i = 0; i < rs.size(); i++) {
        if (i) s += ',';
        s += "{\"id\":";
        append_json_string(s, rs[i].id);
        s += ",\"status\":";
        append_json_string(s, rs[i].status);
        s += ",\"message\":";
        append_json_string(s, rs[i].message);
        s += ",\"data\":" + rs[i].data_json + "}";
    }
    s += "]}";
    return s;
}

}  // namespace kzgd::ops
