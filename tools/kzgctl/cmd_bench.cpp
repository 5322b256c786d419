// kzgctl bench: median milliseconds per function on the embedded setup, with
// the machine it ran on. A measurement, not a test.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <iostream>

#include <nlohmann/json.hpp>

#include "bench/workload.hpp"
#include "command.hpp"
#include "kzg/thread_pool.hpp"

namespace kzgctl {

void register_bench(CLI::App& app, Env& env) {
    auto* c = app.add_subcommand("bench", "median milliseconds per KZG function on the embedded mainnet setup");
    struct Opts {
        unsigned threads = 1;
        int precompute = kzg::ContextOptions{}.precompute;
        int blob_window = kzg::ContextOptions{}.blob_window_bits;
        unsigned runs = 7;
        bool json = false;
        std::string only;
    };
    auto o = std::make_shared<Opts>();
    c->add_option("--threads", o->threads, "threads per call (a pool of N-1 plus the caller)")->check(CLI::Range(1u, 256u));
    c->add_option("--precompute", o->precompute, "FK20 fixed-base window bits (0: Pippenger)")->check(CLI::Range(0, 16));
    c->add_option("--blob-window", o->blob_window, "blob MSM fixed-base window bits (0: Pippenger)")->check(CLI::Range(0, 16));
    c->add_option("--runs", o->runs, "timed runs per function (the median is reported)")->check(CLI::Range(1u, 1000u));
    c->add_option("--function", o->only, "only functions whose name contains this");
    c->add_flag("--json", o->json, "print JSON");
    c->callback([&env, o] {
        env.action = [&env, o] {
            using Clock = std::chrono::steady_clock;
            kzg::ContextOptions options;
            options.precompute = o->precompute;
            options.blob_window_bits = o->blob_window;
            options.table_cache_dir = env.table_cache;
            if (o->threads > 1) options.pool = std::make_shared<kzg::ThreadPool>(o->threads - 1);
            const auto t0 = Clock::now();
            auto ctx = kzg::Context::mainnet(options);
            const double load_ms = std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
            if (!ctx) return print_error(ctx.error());
            const kzg::bench::Workload workload(**ctx);
            const auto machine = kzg::bench::machine_info();

            nlohmann::json out;
            out["machine"] = {{"cpu", machine.cpu_model}, {"online_cpus", machine.online_cpus},
                              {"usable_cpus", machine.usable_cpus}, {"kernel", machine.kernel}};
            out["settings"] = {{"threads", o->threads}, {"precompute", o->precompute},
                               {"blob_window_bits", o->blob_window}, {"runs", o->runs}};
            out["context_ready_ms"] = load_ms;
            nlohmann::json rows = nlohmann::json::array();
            for (const auto& op : workload.operations()) {
                if (!o->only.empty() && op.name.find(o->only) == std::string::npos) continue;
                std::vector<double> ms;
                if (!op.run()) {  // warm-up, and a check that the call works
                    std::cerr << "kzgctl: bench: " << op.name << " failed\n";
                    return kExitSetup;
                }
                for (unsigned r = 0; r < o->runs; r++) {
                    const auto t = Clock::now();
                    op.run();
                    ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - t).count());
                }
                std::sort(ms.begin(), ms.end());
                rows.push_back({{"function", op.name}, {"median_ms", ms[ms.size() / 2]}, {"min_ms", ms.front()},
                                {"max_ms", ms.back()}});
            }
            out["results"] = rows;
            if (o->json) {
                std::cout << out.dump(2) << "\n";
                return kExitOk;
            }
            std::cout << "machine: " << machine.cpu_model << ", " << machine.usable_cpus << " of "
                      << machine.online_cpus << " CPUs usable, " << machine.kernel << "\n"
                      << "settings: threads " << o->threads << ", precompute " << o->precompute
                      << ", blob window " << o->blob_window << ", median of " << o->runs << " runs\n"
                      << "context ready: " << load_ms << " ms\n\n";
            for (const auto& r : rows) {
                std::printf("%-40s %10.3f ms\n", r["function"].get<std::string>().c_str(),
                            r["median_ms"].get<double>());
            }
            return kExitOk;
        };
    });
}

}  // namespace kzgctl
