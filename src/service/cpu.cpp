#include "service/cpu.hpp"

#include <sched.h>

#include <cmath>
#include <fstream>
#include <sstream>

namespace kzgd {
namespace {

// The cgroup v2 path of this process ("0::/path" in /proc/self/cgroup).
std::string cgroup_path() {
    std::ifstream in("/proc/self/cgroup");
    std::string line;
    while (std::getline(in, line))
        if (line.rfind("0::", 0) == 0) return line.substr(3);
    return "";
}

// quota/period of one cpu.max file; 0 when absent or "max".
double read_cpu_max(const std::string& file) {
    std::ifstream in(file);
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

}  // namespace

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

}  // namespace kzgd
