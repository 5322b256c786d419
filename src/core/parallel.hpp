// Splitting one-off work (table construction) across a few threads.
#pragma once

#include <sched.h>

#include <algorithm>
#include <cstddef>
#include <functional>
#include <thread>
#include <vector>

namespace kzg::core {

// CPUs in this process's affinity mask (at least 1).
inline unsigned affinity_cpus() {
    cpu_set_t set;
    CPU_ZERO(&set);
    if (sched_getaffinity(0, sizeof(set), &set) != 0) return 1;
    return static_cast<unsigned>(std::max(1, CPU_COUNT(&set)));
}

// Runs f(begin, end) over slices of [0, n), possibly in parallel, returning
// when all are done (a Context's pool, or a plain call).
using ParallelFor = std::function<void(std::size_t n, const std::function<void(std::size_t, std::size_t)>& f)>;

inline void run_sequential(std::size_t n, const std::function<void(std::size_t, std::size_t)>& f) {
    if (n) f(0, n);
}

// Calls f(begin, end) on contiguous slices of [0, n) from up to `threads`
// threads (the caller's included) and waits for all of them.
template <class F>
void parallel_for(std::size_t n, unsigned threads, const F& f) {
    threads = static_cast<unsigned>(std::min<std::size_t>(std::max(1u, threads), std::max<std::size_t>(n, 1)));
    if (threads <= 1) {
        f(std::size_t{0}, n);
        return;
    }
    std::vector<std::thread> pool;
    const std::size_t step = (n + threads - 1) / threads;
    for (unsigned t = 1; t < threads; t++) {
        const std::size_t b = t * step, e = std::min(n, b + step);
        if (b < e) pool.emplace_back([&f, b, e] { f(b, e); });
    }
    f(0, std::min(n, step));
    for (auto& th : pool) th.join();
}

}  // namespace kzg::core
