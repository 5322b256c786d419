// How many CPUs this process may use: the sched_getaffinity mask, capped by
// the cgroup v2 cpu.max quota of its cgroup and the cgroup's ancestors.
#pragma once

#include <cstddef>
#include <string>

namespace kzgd {

struct CpuBudget {
    std::size_t affinity = 1;   // CPUs in the affinity mask
    double quota = 0;           // cpu.max quota/period (0: no quota)
    std::size_t usable = 1;     // min(affinity, ceil(quota)), at least 1
    std::string quota_source;   // the cpu.max file the quota came from
};

CpuBudget cpu_budget();

}  // namespace kzgd
