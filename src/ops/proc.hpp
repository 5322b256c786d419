// Reads of /proc and the cgroup v2 files: process CPU time, memory, threads,
// descriptors and limits; host CPU counters; the memory limit. Every reader
// returns nullopt (or 0) where the file is missing (not Linux, no cgroup v2).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

namespace kzgd::ops {

struct ProcessStat {
    double cpu_seconds = 0;        // utime + stime
    std::uint64_t resident_bytes = 0;
    std::uint64_t virtual_bytes = 0;
    std::uint64_t threads = 0;
    double start_time_seconds = 0;  // Unix time the process started
};
std::optional<ProcessStat> read_process_stat();

std::uint64_t count_open_fds();
std::optional<std::uint64_t> max_open_fds();  // soft limit of "Max open files"
// VmHWM of /proc/self/status: the peak resident set.
std::optional<std::uint64_t> peak_resident_bytes();

// Jiffies of /proc/stat's "cpu" line: busy (everything but idle and iowait), total.
struct HostCpuTimes {
    std::uint64_t busy = 0;
    std::uint64_t total = 0;
};
std::optional<HostCpuTimes> read_host_cpu();

// How many CPUs this process may use: the sched_getaffinity mask, capped by
// the cgroup v2 cpu.max quota of its cgroup and the cgroup's ancestors.
struct CpuBudget {
    std::size_t affinity = 1;   // CPUs in the affinity mask
    double quota = 0;           // cpu.max quota/period (0: no quota)
    std::size_t usable = 1;     // min(affinity, ceil(quota)), at least 1
    std::string quota_source;   // the cpu.max file the quota came from
};
CpuBudget cpu_budget();

// cgroup v2 memory.max of this process ("max" or missing: nullopt).
std::optional<std::uint64_t> cgroup_memory_max();
// cgroup v2 memory.current.
std::optional<std::uint64_t> cgroup_memory_current();
// MemTotal of /proc/meminfo.
std::optional<std::uint64_t> physical_memory_bytes();

std::string read_small_file(const std::string& path);  // "" when unreadable

}  // namespace kzgd::ops
