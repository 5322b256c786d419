// Google Benchmark suite: every public function on the embedded mainnet
// setup, for (threads, precompute) configurations. Not a test: nothing fails
// on a slow machine. Example:
//   build/bin/kzg_bench --benchmark_filter=commitment --benchmark_repetitions=5
#include <benchmark/benchmark.h>

#include <map>
#include <memory>

#include "bench/workload.hpp"
#include "kzg/thread_pool.hpp"

namespace {

struct Config {
    int threads;
    int precompute;
    int blob_window_bits;
};

// One Context and workload per configuration, built on first use.
kzg::bench::Workload& workload(const Config& c) {
    static std::map<std::tuple<int, int, int>, std::pair<std::shared_ptr<const kzg::Context>,
                                                         std::unique_ptr<kzg::bench::Workload>>> cache;
    auto& slot = cache[{c.threads, c.precompute, c.blob_window_bits}];
    if (!slot.second) {
        kzg::ContextOptions o;
        o.precompute = c.precompute;
        o.blob_window_bits = c.blob_window_bits;
        if (c.threads > 1) o.pool = std::make_shared<kzg::ThreadPool>(c.threads - 1);
        slot.first = kzg::Context::mainnet(o).value();
        slot.second = std::make_unique<kzg::bench::Workload>(*slot.first);
    }
    return *slot.second;
}

void run(benchmark::State& state, Config c, std::size_t op) {
    auto& w = workload(c);
    const auto& operation = w.operations().at(op);
    for (auto _ : state) {
        if (!operation.run()) state.SkipWithError("the call failed");
    }
}

const int registered = [] {
    const Config configs[] = {{1, 8, 12}, {2, 8, 12}, {1, 0, 0}};
    const auto& names = kzg::bench::Workload::operation_names();
    for (const Config& c : configs) {
        for (std::size_t op = 0; op < names.size(); op++) {
            const std::string name = names[op] + "/threads:" + std::to_string(c.threads) +
                                     "/precompute:" + std::to_string(c.precompute) +
                                     "/blob_window:" + std::to_string(c.blob_window_bits);
            benchmark::RegisterBenchmark(name.c_str(), run, c, op)->Unit(benchmark::kMillisecond)->UseRealTime();
        }
    }
    return 0;
}();

}  // namespace

BENCHMARK_MAIN();
