#include "ops/proc.hpp"

#include <dirent.h>
#include <sched.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <vector>

namespace kzgd::ops {

std::string read_small_file(const std::string& path) {
    std::ifstream in(path);
    if (!in) return "";
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

namespace {

double boot_time_seconds() {
    const std::string stat = read_small_file("/proc/stat");
    const auto at = stat.find("\nbtime ");
    if (at == std::string::npos) return 0;
    return std::strtod(stat.c_str() + at + 7, nullptr);
}

// This process's cgroup v2 path, "/..." (the "0::/path" line of
// /proc/self/cgroup); "" without cgroup v2.
std::string cgroup_path() {
    std::istringstream in(read_small_file("/proc/self/cgroup"));
    std::string line;
    while (std::getline(in, line))
        if (line.rfind("0::", 0) == 0) return line.substr(3);
    return "";
}

// The cgroup v2 directory of this process.
std::string cgroup_dir() {
    const std::string rel = cgroup_path();
    if (rel.empty()) return "";
    return "/sys/fs/cgroup" + (rel == "/" ? std::string() : rel);
}

// quota/period of one cpu.max file; 0 when absent or "max".
double read_cpu_max(const std::string& file) {
    std::istringstream in(read_small_file(file));
    std::string quota;
    double period = 0;
    if (!(in >> quota >> period) || quota == "max" || period <= 0) return 0;
    try {
        const double q = std::stod(quota);
        return q > 0 ? q / period : 0;
    } catch (...) {
        return 0;
    }
}

std::optional<std::uint64_t> cgroup_value(const char* file) {
    const std::string dir = cgroup_dir();
    if (dir.empty()) return std::nullopt;
    std::string v = read_small_file(dir + "/" + file);
    if (v.empty()) v = read_small_file(std::string("/sys/fs/cgroup/") + file);  // inside a container's namespace
    if (v.empty() || v.rfind("max", 0) == 0) return std::nullopt;
    char* end = nullptr;
    const unsigned long long n = std::strtoull(v.c_str(), &end, 10);
    if (end == v.c_str()) return std::nullopt;
    return n;
}

}  // namespace

std::optional<ProcessStat> read_process_stat() {
    const std::string text = read_small_file("/proc/self/stat");
    const auto close = text.rfind(')');  // the command name may contain spaces
    if (close == std::string::npos) return std::nullopt;
    std::istringstream in(text.substr(close + 2));
    std::vector<std::string> f;
    for (std::string w; in >> w;) f.push_back(w);
    // f[0] is field 3 (state): field k is f[k - 3].
    if (f.size() < 22) return std::nullopt;
    const double tick = static_cast<double>(sysconf(_SC_CLK_TCK));
    const long page = sysconf(_SC_PAGESIZE);
    ProcessStat s;
    s.cpu_seconds = (std::strtod(f[14 - 3].c_str(), nullptr) + std::strtod(f[15 - 3].c_str(), nullptr)) / tick;
    s.threads = std::strtoull(f[20 - 3].c_str(), nullptr, 10);
    s.start_time_seconds = boot_time_seconds() + std::strtod(f[22 - 3].c_str(), nullptr) / tick;
    s.virtual_bytes = std::strtoull(f[23 - 3].c_str(), nullptr, 10);
    s.resident_bytes = std::strtoull(f[24 - 3].c_str(), nullptr, 10) * static_cast<std::uint64_t>(page);
    return s;
}

std::uint64_t count_open_fds() {
    DIR* d = opendir("/proc/self/fd");
    if (!d) return 0;
    std::uint64_t n = 0;
    while (dirent* e = readdir(d))
        if (e->d_name[0] != '.') n++;
    closedir(d);
    return n > 0 ? n - 1 : 0;  // the directory's own descriptor
}

std::optional<std::uint64_t> max_open_fds() {
    const std::string text = read_small_file("/proc/self/limits");
    const auto at = text.find("Max open files");
    if (at != std::string::npos) {
        std::istringstream in(text.substr(at + 14));
        std::string soft;
        in >> soft;
        if (soft == "unlimited") return std::nullopt;
        return std::strtoull(soft.c_str(), nullptr, 10);
    }
    rlimit r{};
    if (getrlimit(RLIMIT_NOFILE, &r) == 0 && r.rlim_cur != RLIM_INFINITY) return r.rlim_cur;
    return std::nullopt;
}

std::optional<std::uint64_t> peak_resident_bytes() {
    const std::string text = read_small_file("/proc/self/status");
    const auto at = text.find("VmHWM:");
    if (at == std::string::npos) return std::nullopt;
    return std::strtoull(text.c_str() + at + 6, nullptr, 10) * 1024;
}

std::optional<HostCpuTimes> read_host_cpu() {
    std::ifstream in("/proc/stat");
    std::string label;
    if (!(in >> label) || label != "cpu") return std::nullopt;
    HostCpuTimes t;
    std::uint64_t v = 0;
    for (int i = 0; i < 8 && (in >> v); i++) {  // user nice system idle iowait irq softirq steal
        t.total += v;
        if (i != 3 && i != 4) t.busy += v;
    }
    return t;
}

CpuBudget cpu_budget() {
    CpuBudget b;
    cpu_set_t set;
    CPU_ZERO(&set);
    if (sched_getaffinity(0, sizeof(set), &set) == 0) b.affinity = static_cast<std::size_t>(CPU_COUNT(&set));
    if (b.affinity == 0) b.affinity = 1;
    // Walk from the process's cgroup up to the root; the tightest quota wins.
    std::string path = cgroup_path();
    for (;;) {
        const std::string file = "/sys/fs/cgroup" + (path == "/" ? std::string() : path) + "/cpu.max";
        const double q = read_cpu_max(file);
        if (q > 0 && (b.quota == 0 || q < b.quota)) {
            b.quota = q;
            b.quota_source = file;
        }
        if (path.empty() || path == "/") break;
        const auto slash = path.rfind('/');
        path = slash == 0 || slash == std::string::npos ? "/" : path.substr(0, slash);
    }
    b.usable = b.affinity;
    if (b.quota > 0) {
        const auto q = static_cast<std::size_t>(std::ceil(b.quota));
        if (q < b.usable) b.usable = q;
    }
    if (b.usable == 0) b.usable = 1;
    return b;
}

std::optional<std::uint64_t> cgroup_memory_max() { return cgroup_value("memory.max"); }
std::optional<std::uint64_t> cgroup_memory_current() { return cgroup_value("memory.current"); }

std::optional<std::uint64_t> physical_memory_bytes() {
    const std::string text = read_small_file("/proc/meminfo");
    const auto at = text.find("MemTotal:");
    if (at == std::string::npos) return std::nullopt;
    return std::strtoull(text.c_str() + at + 9, nullptr, 10) * 1024;
}

}  // namespace kzgd::ops
