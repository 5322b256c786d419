// kzgctl health URL, profile URL, cpu-profile URL, doctor [URL]: operations
// commands for a running kzgd (its /healthz, /debug/profile, /metrics, and
// /debug/cpu-profile on the admin listener) and for the host.
#include <sys/resource.h>
#include <sys/statvfs.h>
#include <sys/timex.h>

#include <chrono>
#include <cstdio>
#include <ctime>
#include <fstream>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>
#include <vector>

#include "command.hpp"
#include "conformance/vectors.hpp"
#include "http_client.hpp"
#include "inputs.hpp"
#include "kzg/codec.hpp"
#include "ops/known_answer.hpp"
#include "ops/proc.hpp"
#include "ops/proc.hpp"

namespace kzgctl {
namespace {

using json = nlohmann::json;

Url url_or_usage(const std::string& text) {
    std::string why;
    auto u = parse_url(text, &why);
    if (!u) throw UsageError{"bad URL '" + text + "': " + why};
    return *u;
}

// URL, else the global --server, else a usage error.
std::string url_or_server(const std::string& url, const Env& env, const std::string& command) {
    if (!url.empty()) return url;
    if (!env.server.empty()) return env.server;
    throw UsageError{command + ": give kzgd's URL (kzgctl " + command + " URL, or kzgctl --server URL " + command + ")"};
}

// Fetches and parses JSON; on failure prints why and returns nullopt.
std::optional<json> get_json(const Url& u, const std::string& path, int* status, std::string* error) {
    auto r = http_request(u, "GET", path, "", "", 10, error);
    if (!r) return std::nullopt;
    *status = r->status;
    try {
        return json::parse(r->body);
    } catch (const std::exception& e) {
        *error = "GET " + path + ": not JSON (" + e.what() + ")";
        return std::nullopt;
    }
}

int cmd_health(const std::string& url_text) {
    const Url u = url_or_usage(url_text);
    int status = 0;
    std::string error;
    auto j = get_json(u, "/healthz", &status, &error);
    if (!j) {
        std::cerr << "kzgctl: " << error << "\n";
        return kExitFalse;
    }
    const auto& checks = (*j)["checks"];
    std::size_t passing = 0;
    for (const auto& c : checks)
        if (c.value("status", "") == "pass") passing++;
    std::cout << "status: " << j->value("status", "?") << " (HTTP " << status << ")\n";
    std::cout << "checks: " << passing << "/" << checks.size() << " passing\n";
    for (const auto& c : checks) {
        std::cout << "  [" << c.value("status", "?") << "] " << c.value("id", "?") << ": " << c.value("message", "")
                  << "\n";
    }
    return j->value("status", "") == "fail" || status != 200 ? kExitFalse : kExitOk;
}

int cmd_profile(const std::string& url_text, bool recent) {
    const Url u = url_or_usage(url_text);
    int status = 0;
    std::string error;
    auto j = get_json(u, "/debug/profile", &status, &error);
    if (!j || status != 200) {
        std::cerr << "kzgctl: " << (j ? "HTTP " + std::to_string(status) : error) << "\n";
        return kExitFalse;
    }
    std::printf("%-30s %-9s %8s %10s %10s %10s %10s %10s %10s\n", "operation", "phase", "count", "mean_ms", "min_ms",
                "p50_ms", "p90_ms", "p99_ms", "max_ms");
    for (const auto& r : (*j)["rows"]) {
        const auto& s = r[recent ? "recent" : "since_start"];
        std::printf("%-30s %-9s %8llu %10.3f %10.3f %10.3f %10.3f %10.3f %10.3f\n",
                    r.value("operation", "").c_str(), r.value("phase", "").c_str(),
                    static_cast<unsigned long long>(s.value("count", 0ull)), s.value("mean_ms", 0.0),
                    s.value("min_ms", 0.0), s.value("p50_ms", 0.0), s.value("p90_ms", 0.0), s.value("p99_ms", 0.0),
                    s.value("max_ms", 0.0));
    }
    std::cout << (recent ? "window: last " + std::to_string(j->value("window_seconds", 60)) + " s" : "window: since start")
              << "\n";
    return kExitOk;
}

// GET /debug/cpu-profile?seconds=N on kzgd's admin listener: folded stacks
// for flamegraph.pl / speedscope, to FILE or stdout.
int cmd_cpu_profile(const std::string& url_text, int seconds, const std::string& output) {
    const Url u = url_or_usage(url_text);
    std::string error;
    auto r = http_request(u, "GET", "/debug/cpu-profile?seconds=" + std::to_string(seconds), "", "", seconds + 30.0,
                          &error);
    if (!r) {
        std::cerr << "kzgctl: " << error << "\n";
        return kExitFalse;
    }
    if (r->status != 200) {
        std::string message = r->body;
        try {
            message = json::parse(r->body).value("message", r->body);
        } catch (const std::exception&) {
        }
        std::cerr << "kzgctl: HTTP " << r->status << ": " << message;
        if (r->status == 404) std::cerr << " (is URL kzgd's --admin-listen address?)";
        std::cerr << "\n";
        return kExitFalse;
    }
    std::size_t lines = 0;
    for (char c : r->body) lines += c == '\n';
    const auto samples = r->headers.count("x-profile-samples") ? r->headers["x-profile-samples"] : std::string("?");
    const auto dropped = r->headers.count("x-profile-dropped") ? r->headers["x-profile-dropped"] : std::string("?");
    if (output.empty() || output == "-") {
        std::cout << r->body;
    } else {
        std::ofstream out(output, std::ios::binary | std::ios::trunc);
        out << r->body;
        out.close();
        if (!out) {
            std::cerr << "kzgctl: cannot write " << output << "\n";
            return kExitInput;
        }
    }
    std::cerr << "kzgctl: " << samples << " samples (" << dropped << " dropped), " << lines << " distinct stacks"
              << (output.empty() || output == "-" ? std::string() : " written to " + output) << "\n";
    return kExitOk;
}

// ---- doctor ----------------------------------------------------------------

struct Finding {
    std::string level;  // ok, warn, fail
    std::string what;
    std::string action;  // empty for ok
};

// Sum of the samples of `name` whose labels contain every `want` pair.
double metric_sum(const std::string& text, const std::string& name, const std::map<std::string, std::string>& want = {}) {
    double sum = 0;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) {
        if (line.empty() || line[0] == '#') continue;
        const auto brace = line.find('{');
        const auto space = line.rfind(' ');
        const std::string n = line.substr(0, std::min(brace, line.find(' ')));
        if (n != name || space == std::string::npos) continue;
        bool ok = true;
        for (const auto& [k, v] : want)
            if (line.find(k + "=\"" + v + "\"") == std::string::npos) ok = false;
        if (ok) sum += std::strtod(line.c_str() + space + 1, nullptr);
    }
    return sum;
}

void add(std::vector<Finding>& f, std::string level, std::string what, std::string action = "") {
    f.push_back(Finding{std::move(level), std::move(what), std::move(action)});
}

void doctor_remote(const Url& u, std::vector<Finding>& f) {
    std::string error;
    auto live = http_request(u, "GET", "/livez", "", "", 5, &error);
    if (!live) {
        add(f, "fail", "kzgd does not answer: " + error,
            "check that kzgd runs and listens on this address (its first log lines say where)");
        return;
    }
    add(f, live->status == 200 ? "ok" : "fail", "/livez: HTTP " + std::to_string(live->status),
        live->status == 200 ? "" : "restart kzgd; read its last log lines");
    if (auto ready = http_request(u, "GET", "/readyz", "", "", 5, &error)) {
        if (ready->status == 200) add(f, "ok", "/readyz: ready");
        else
            add(f, "warn", "/readyz: HTTP " + std::to_string(ready->status) + " " + ready->body,
                "loading: wait; draining: expected during shutdown; saturated: add workers or replicas; self-test: "
                "see the self_test check");
    }
    int status = 0;
    if (auto h = get_json(u, "/healthz", &status, &error)) {
        for (const auto& c : (*h)["checks"]) {
            const std::string st = c.value("status", "?");
            const std::string id = c.value("id", "?");
            std::string action;
            if (st != "pass") {
                if (id == "memory") action = "raise the memory budget (cgroup memory.max / --memory-budget) or lower max-batch-blobs";
                else if (id == "cpu") action = "the host is busy: move other work off it, or give kzgd more CPUs";
                else if (id == "disk") action = "free disk space where the table cache lives";
                else if (id == "setup") action = "wait for the setup to load; check --setup";
                else if (id == "self_test") action = "wrong results: take this instance out of service, check the build and the setup";
                else if (id == "saturation") action = "more load than capacity: add workers/replicas, or raise max-queue";
            }
            add(f, st == "pass" ? "ok" : st == "warn" ? "warn" : "fail", "health " + id + ": " + c.value("message", ""),
                action);
        }
    } else {
        add(f, "warn", "/healthz unavailable: " + error, "upgrade kzgd to a build with /healthz");
    }
    // Remote known-answer test: the same fixed blob kzgd's self-test uses.
    auto blob = kzgd::ops::known_answer_blob();
    const std::string body(reinterpret_cast<const char*>(blob->data()), blob->size());
    auto r = http_request(u, "POST", "/v1/blob_to_kzg_commitment", body, "application/octet-stream", 30, &error);
    if (!r) add(f, "fail", "remote known-answer request failed: " + error, "check kzgd's logs");
    else if (r->status != 200) add(f, "fail", "remote known-answer request: HTTP " + std::to_string(r->status) + " " + r->body.substr(0, 200), "check kzgd's logs and /healthz");
    else if (kzg::hex_encode(std::span<const std::uint8_t>(reinterpret_cast<const std::uint8_t*>(r->body.data()), r->body.size())) != kzgd::ops::kKnownCommitmentHex)
        add(f, "fail", "remote known-answer request returned a wrong commitment",
            "take this instance out of service; check its build (kzgctl vectors) and setup sha256");
    else add(f, "ok", "remote known-answer commitment matches");

    auto m = http_request(u, "GET", "/metrics", "", "", 10, &error);
    if (!m || m->status != 200) {
        add(f, "warn", "/metrics unavailable", "upgrade kzgd to a build with /metrics");
        return;
    }
    const std::string& t = m->body;
    const double total = metric_sum(t, "kzg_operations_total");
    const double errors = metric_sum(t, "kzg_operations_total", {{"outcome", "error"}});
    const double rejected = metric_sum(t, "kzg_rejected_requests_total");
    if (total > 0 && errors / total > 0.01)
        add(f, "fail", "error ratio since start " + std::to_string(errors / total), "read kzgd's error log lines (outcome \"error\")");
    else add(f, "ok", "operations since start: " + std::to_string(static_cast<long long>(total)) + ", internal errors: " + std::to_string(static_cast<long long>(errors)));
    if (rejected > 0) {
        std::string by;
        for (const char* reason : {"queue", "memory", "body_bytes", "connections", "not_ready"}) {
            const double n = metric_sum(t, "kzg_rejected_requests_total", {{"reason", reason}});
            if (n > 0) by += std::string(by.empty() ? "" : ", ") + reason + " " + std::to_string(static_cast<long long>(n));
        }
        add(f, "warn", "requests refused with 503 since start: " + by,
            "queue: add workers/replicas or raise max-queue; memory: raise the memory budget; body_bytes: raise max-inflight-bytes");
    }
    const double fds = metric_sum(t, "process_open_fds"), max_fds = metric_sum(t, "process_max_fds");
    if (max_fds > 0 && fds / max_fds > 0.8)
        add(f, "warn", "kzgd uses " + std::to_string(static_cast<long long>(fds)) + " of " + std::to_string(static_cast<long long>(max_fds)) + " file descriptors",
            "raise LimitNOFILE / ulimit -n, or lower max-connections");
    const double tracked = metric_sum(t, "kzg_memory_tracked_bytes"), budget = metric_sum(t, "kzg_memory_budget_bytes");
    if (budget > 0 && tracked / budget > 0.9)
        add(f, "warn", "kzgd's tracked memory is above 90% of its budget", "raise the memory budget or lower max-batch-blobs/max-cells");
}

void doctor_local(const std::string& vectors, Env& env, std::vector<Finding>& f) {
    // The library on this machine: known answer, and optionally every reference vector.
    auto blob = kzgd::ops::known_answer_blob();
    auto c = env.ctx().blob_to_kzg_commitment(*blob);
    if (c && kzg::hex_encode(*c) == kzgd::ops::kKnownCommitmentHex) add(f, "ok", "local known-answer commitment matches");
    else add(f, "fail", "local known-answer commitment is wrong", "this build computes wrong results on this CPU: rebuild, run kzgctl vectors");
    if (!vectors.empty()) {
        auto rep = kzg::conformance::run_directory(env.ctx(), vectors);
        if (!rep) add(f, "fail", "conformance vectors: " + rep.message(), "check the --vectors directory");
        else if (rep->failed > 0)
            add(f, "fail", "conformance vectors: " + std::to_string(rep->passed) + " passed, " + std::to_string(rep->failed) + " failed",
                "do not deploy this build: run kzgctl vectors -v for the failing cases");
        else add(f, "ok", "conformance vectors: " + std::to_string(rep->passed) + " passed");
    }
    // Limits of this shell (the service's own are in its metrics).
    rlimit r{};
    if (getrlimit(RLIMIT_NOFILE, &r) == 0) {
        if (r.rlim_cur != RLIM_INFINITY && r.rlim_cur < 4096)
            add(f, "warn", "open files limit is " + std::to_string(r.rlim_cur) + " here",
                "raise it to at least max-connections + 64 (LimitNOFILE= in the unit, ulimit -n)");
        else add(f, "ok", "open files limit: " + (r.rlim_cur == RLIM_INFINITY ? std::string("unlimited") : std::to_string(r.rlim_cur)));
    }
    if (auto mem = kzgd::ops::cgroup_memory_max()) {
        const double mib = static_cast<double>(*mem) / 1048576.0;
        if (mib < 256) add(f, "warn", "cgroup memory.max is " + std::to_string(static_cast<long long>(mib)) + " MiB",
                           "kzgd needs ~100 MiB with default tables plus its requests: raise memory.max");
        else add(f, "ok", "cgroup memory.max: " + std::to_string(static_cast<long long>(mib)) + " MiB");
    } else {
        add(f, "ok", "no cgroup memory limit (kzgd budgets against physical memory or --memory-budget)");
    }
    const auto cpu = kzgd::ops::cpu_budget();
    add(f, "ok", "CPUs usable: " + std::to_string(cpu.usable) + " (affinity " + std::to_string(cpu.affinity) +
                     (cpu.quota > 0 ? ", cgroup quota " + std::to_string(cpu.quota) : std::string(", no cgroup quota")) + ")");
    timex tx{};
    const int state = ::adjtimex(&tx);
    if (state == TIME_ERROR)
        add(f, "warn", "the system clock is not synchronized",
            "enable NTP (chrony or systemd-timesyncd): log timestamps and Prometheus rates depend on it");
    else add(f, "ok", "the system clock is synchronized (estimated error " + std::to_string(tx.esterror) + " us)");
    struct statvfs st {};
    const std::string dir = env.table_cache.empty() ? "." : env.table_cache;
    if (::statvfs(dir.c_str(), &st) == 0) {
        const double free_mib = static_cast<double>(st.f_bavail) * static_cast<double>(st.f_frsize) / 1048576.0;
        if (free_mib < 64) add(f, "fail", "only " + std::to_string(static_cast<long long>(free_mib)) + " MiB free in " + dir,
                               "free disk space: the table cache needs ~40 MiB");
        else add(f, "ok", std::to_string(static_cast<long long>(free_mib)) + " MiB free in " + dir);
    }
}

int cmd_doctor(const std::string& url_text, const std::string& vectors, Env& env) {
    std::vector<Finding> f;
    if (!url_text.empty()) doctor_remote(url_or_usage(url_text), f);
    doctor_local(vectors, env, f);
    std::size_t fails = 0, warns = 0;
    for (const auto& x : f) {
        std::cout << (x.level == "ok" ? "[ok]   " : x.level == "warn" ? "[warn] " : "[FAIL] ") << x.what << "\n";
        if (!x.action.empty()) std::cout << "       -> " << x.action << "\n";
        if (x.level == "fail") fails++;
        if (x.level == "warn") warns++;
    }
    std::cout << f.size() << " findings: " << fails << " failing, " << warns << " warnings\n";
    return fails ? kExitFalse : kExitOk;
}

}  // namespace

void register_ops(CLI::App& app, Env& env) {
    auto* health = app.add_subcommand("health", "print a running kzgd's health checks (/healthz); exit 1 when failing");
    auto health_url = std::make_shared<std::string>();
    health->add_option("URL", *health_url, "kzgd's address, e.g. http://127.0.0.1:4844 (default: --server)");
    health->callback([&env, health_url] {
        env.action = [&env, health_url] { return cmd_health(url_or_server(*health_url, env, "health")); };
    });

    auto* profile = app.add_subcommand("profile", "print a running kzgd's latency per operation and phase (/debug/profile)");
    auto profile_url = std::make_shared<std::string>();
    auto recent = std::make_shared<bool>(false);
    profile->add_option("URL", *profile_url, "kzgd's address (default: --server)");
    profile->add_flag("--recent", *recent, "the last 60 s instead of since start");
    profile->callback([&env, profile_url, recent] {
        env.action = [&env, profile_url, recent] {
            return cmd_profile(url_or_server(*profile_url, env, "profile"), *recent);
        };
    });

    auto* cpu = app.add_subcommand("cpu-profile", "capture a running kzgd's CPU stacks for N seconds (/debug/cpu-profile "
                                                   "on its --admin-listen address) in folded format for flamegraph.pl");
    auto cpu_url = std::make_shared<std::string>();
    auto cpu_seconds = std::make_shared<int>(10);
    auto cpu_output = std::make_shared<std::string>();
    cpu->add_option("URL", *cpu_url, "kzgd's admin address, e.g. http://127.0.0.1:4845")->required();
    cpu->add_option("--seconds", *cpu_seconds, "the capture window, 1 to 60 (default 10)")->check(CLI::Range(1, 60));
    cpu->add_option("--output", *cpu_output, "write the folded stacks to FILE (default: stdout)");
    cpu->callback([&env, cpu_url, cpu_seconds, cpu_output] {
        env.action = [cpu_url, cpu_seconds, cpu_output] { return cmd_cpu_profile(*cpu_url, *cpu_seconds, *cpu_output); };
    });

    auto* doctor = app.add_subcommand("doctor", "check a kzgd (health, metrics, a known-answer request) and this host "
                                                "(known answer, limits, cgroup, clock, disk); prints findings and actions");
    auto doctor_url = std::make_shared<std::string>();
    auto vectors = std::make_shared<std::string>();
    doctor->add_option("URL", *doctor_url, "kzgd's address (optional; default: --server)");
    doctor->add_option("--vectors", *vectors, "also run the consensus-spec vectors in this directory locally");
    doctor->callback([&env, doctor_url, vectors] {
        env.action = [&env, doctor_url, vectors] {
            return cmd_doctor(doctor_url->empty() ? env.server : *doctor_url, *vectors, env);
        };
    });
}

}  // namespace kzgctl
