// kzgd: the KZG HTTP service. Parses the configuration, binds, loads the
// trusted setup in the background (readiness turns 200 when it is loaded)
// and serves until SIGTERM/SIGINT has drained it.
#if __has_include(<malloc.h>)
#include <malloc.h>  // malloc_trim (glibc)
#endif
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <filesystem>
#include <iostream>
#include <thread>

#include "kzg/kzg.hpp"
#include "kzg/version.hpp"
#include "ops/cpu_profiler.hpp"
#include "service/admission.hpp"
#include "service/config.hpp"
#include "ops/proc.hpp"
#include "service/handover.hpp"
#include "ops/log.hpp"
#include "service/ops_hooks.hpp"
#include "service/routes.hpp"
#include "service/sd_notify.hpp"
#include "service/server.hpp"
#include "service/state.hpp"
#include "service/worker_pool.hpp"

int main(int argc, char** argv) {
    using namespace kzgd;
    std::signal(SIGPIPE, SIG_IGN);  // a closed stdout or socket is an error code, not a death
    ops::CpuProfiler::prepare();    // backtrace()'s lazy loading, before any SIGPROF handler runs

    Config cfg;
    const ConfigParse parsed = parse_config(argc, argv, environ, cfg);
    if (parsed.status == ConfigParse::Status::kExit) {
        (parsed.exit_code == 0 ? std::cout : std::cerr) << parsed.message << (parsed.exit_code ? "\n" : "");
        return parsed.exit_code;
    }

    set_log_level(parse_log_level(cfg.log_level).value_or(LogLevel::kInfo));
    set_log_json(cfg.log_format == "json");

    ServiceState state;
    state.cpu = ops::cpu_budget();
    state.workers = cfg.workers != 0 ? cfg.workers : state.cpu.usable;
    state.setup_source = cfg.setup.empty() ? "embedded mainnet" : cfg.setup;
    if (cfg.precompute) state.options.precompute = *cfg.precompute;
    if (cfg.blob_window_bits) state.options.blob_window_bits = *cfg.blob_window_bits;
    state.options.lazy_tables = false;  // build every table before readiness: no request pays for it
    state.options.table_cache_dir = cfg.table_cache;

    WorkerPool pool(state.workers);
    state.options.pool = pool.shared();  // large calls split across the same workers
    Admission admission(state.workers + cfg.max_queue);
    // Body bytes (max-inflight-bytes) and the memory budget (sized by ops once the setup has loaded).
    RequestBudgets budgets(cfg.max_inflight_bytes);
    Router router(cfg, state, admission, budgets, pool);
    // Observability wraps the request path: metrics, profiler (the library's
    // phase observer), CPU/memory monitor, health checks; it measures the memory budget.
    KzgdOps ops(cfg, state, admission, budgets, pool);
    state.options.observer = ops.profiler();
    router.set_ops(&ops);
    Server server(cfg, state, router);

    log_line("info", "starting",
             {{"version", kzg::version()},
              {"git_commit", kzg::git_commit()},
              {"blst_version", kzg::blst_version()},
              {"workers", state.workers},
              {"io_threads", cfg.io_threads},
              {"cpu_affinity", state.cpu.affinity},
              {"cpu_quota", state.cpu.quota},
              {"setup", state.setup_source},
              {"config_file", cfg.config_file}});
    auto fail_start = [](const std::string& err) {
        log_line("error", "cannot start", {{"error", err}});
        std::cerr << "kzgd: " << err << "\n";
        return 1;
    };
    // A kzgd already serving at --upgrade-socket: take over its listening
    // sockets; it keeps serving until this process has passed its self-test.
    std::optional<handover::Takeover> takeover;
    if (!cfg.upgrade_socket.empty()) {
        std::string err;
        takeover = handover::request(cfg.upgrade_socket, err);
        if (!err.empty()) return fail_start(err);
        if (takeover) {
            log_line("info", "taking over from the running kzgd",
                     {{"old_pid", takeover->old_pid}, {"old_version", takeover->old_version}});
            server.adopt(takeover->fds.api, takeover->fds.admin);
        }
    }
    if (auto err = server.open()) return fail_start(*err);
    if (!takeover)
        if (auto err = server.serve_upgrades()) return fail_start(*err);

    std::thread loader([&] {
        const auto t0 = std::chrono::steady_clock::now();
        if (!cfg.table_cache.empty()) {
            std::error_code ec;
            std::filesystem::create_directories(cfg.table_cache, ec);
            if (ec) {
                log_line("warn", "cannot create the table cache directory; building the tables",
                         {{"table_cache", cfg.table_cache}, {"error", ec.message()}});
            }
        }
        kzg::ContextOptions options = state.options;
        auto ctx = cfg.setup.empty() ? kzg::Context::mainnet(options) : kzg::Context::from_file(cfg.setup, options);
        if (!ctx) {
            log_line("error", "cannot load the trusted setup", {{"setup", state.setup_source}, {"error", ctx.message()}});
            std::cerr << "kzgd: cannot load the trusted setup: " << ctx.message() << "\n";
            server.fatal(1);
            return;
        }
        const double ms =
            std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
        state.set_context(*ctx);
        log_line("info", "trusted setup loaded",
                 {{"setup", state.setup_source}, {"sha256", (*ctx)->setup_sha256_hex()}, {"load_ms", ms}});
        ops.on_context_loaded(**ctx);
#if defined(__GLIBC__)
        // Loading and the self-test freed megabytes of temporaries (setup
        // parsing, table staging, scratch) into this thread's malloc arena;
        // hand them back so that the resident set is the tables alone.
        malloc_trim(0);
#endif
        const bool self_test = ops.self_test_passed();
        log_line("info", "ready", {{"self_test_passed", self_test}});
        if (!takeover) {
            // systemd (Type=notify): started exactly when /readyz first says
            // ready. A failed self-test never reports READY, so the unit's
            // start times out rather than "succeeding" with wrong answers.
            if (self_test && !state.draining()) sd::notify_logged("READY=1\nSTATUS=serving");
            else if (!self_test) sd::notify_logged("STATUS=not ready: the known-answer self-test failed");
            return;
        }
        if (!self_test) {
            // Never accept with wrong answers: the old process keeps serving.
            log_line("error", "the known-answer self-test failed: not taking over",
                     {{"old_pid", takeover->old_pid}});
            std::cerr << "kzgd: the known-answer self-test failed; pid " << takeover->old_pid << " keeps serving\n";
            server.fatal(1);
            return;
        }
        if (state.draining()) {
            // Stopped (SIGTERM: kzgctl upgrade gave up, or systemd) while
            // loading: never tell the old process to drain, nor systemd that
            // this is the main process now. The old one keeps serving.
            log_line("warn", "stopped before taking over: the old process keeps serving",
                     {{"old_pid", takeover->old_pid}});
            return;
        }
        server.start_accepting();
        // systemd: this process is the unit's main process from now on (kzgctl
        // upgrade as ExecReload started it; the unit needs NotifyAccess=all).
        // Sent before confirm(): the old main process drains and exits once
        // confirmed, and systemd must know its successor by then.
        sd::notify_logged("MAINPID=" + std::to_string(::getpid()) + "\nREADY=1\nSTATUS=serving (took over from pid " +
                          std::to_string(takeover->old_pid) + ")");
        std::string err;
        const bool acknowledged = handover::confirm(*takeover, err);
        if (acknowledged) {
            log_line("info", "took over: the old process drains", {{"old_pid", takeover->old_pid}});
        } else {
            log_line("warn", "handover not acknowledged; serving anyway", {{"error", err}});
        }
        if (auto uerr = server.serve_upgrades(acknowledged))
            log_line("error", "cannot serve upgrades", {{"upgrade_socket", cfg.upgrade_socket}, {"error", *uerr}});
    });
    ops.start();
    const int status = server.run();
    // The pool last: the loader and the health checker's self-test still use it.
    loader.join();
    ops.stop();
    pool.stop();
    return status;
}
