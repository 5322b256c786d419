#include "ops/cpu_profiler.hpp"

#include <cxxabi.h>
#include <dlfcn.h>
#include <elf.h>
#include <execinfo.h>
#include <signal.h>
#include <sys/time.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <algorithm>
#include <fstream>
#include <iterator>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

namespace kzgd::ops {
namespace {

struct Sample {
    std::atomic<bool> ready{false};
    int depth = 0;
    void* pcs[CpuProfiler::kMaxFrames];
};

// State shared with the signal handler: only atomics and the preallocated buffer.
std::atomic<Sample*> g_samples{nullptr};
std::atomic<std::size_t> g_next{0};
std::atomic<std::uint64_t> g_dropped{0};
std::atomic<int> g_in_handler{0};
std::atomic<bool> g_running{false};  // a capture owns the profiler (start..stop)

// Owned outside the handler.
std::mutex g_mutex;
std::unique_ptr<Sample[]> g_buffer;
struct sigaction g_previous {};
std::chrono::steady_clock::time_point g_started;

void on_sigprof(int, siginfo_t*, void*) {
    const int saved_errno = errno;
    // seq_cst: pairs with stop()'s store of null then load of g_in_handler.
    g_in_handler.fetch_add(1);
    Sample* samples = g_samples.load();
    if (samples != nullptr) {
        const std::size_t i = g_next.fetch_add(1, std::memory_order_relaxed);
        if (i < CpuProfiler::kMaxSamples) {
            Sample& s = samples[i];
            s.depth = backtrace(s.pcs, CpuProfiler::kMaxFrames);
            s.ready.store(true, std::memory_order_release);
        } else {
            g_dropped.fetch_add(1, std::memory_order_relaxed);
        }
    }
    g_in_handler.fetch_sub(1);
    errno = saved_errno;
}

std::string hex(std::uintptr_t v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "0x%" PRIxPTR, v);
    return buf;
}

// Folded-format frame names must not contain ';' or end a line early; spaces
// are allowed (the count is after the last one).
std::string clean(std::string s) {
    for (char& c : s)
        if (c == ';' || c == '\n' || c == '\r') c = ':';
    return s;
}

std::string base_name(const char* path) {
    if (path == nullptr || *path == 0) return "?";
    const char* slash = std::strrchr(path, '/');
    return slash ? slash + 1 : path;
}

std::string demangle(const char* mangled) {
    int status = 0;
    char* demangled = abi::__cxa_demangle(mangled, nullptr, nullptr, &status);
    std::string name = status == 0 && demangled ? demangled : mangled;
    std::free(demangled);
    return clean(std::move(name));
}

// The executable's own .symtab (when not stripped): names the functions that
// dladdr cannot (static ones, blst's assembly, anonymous namespaces). Read
// once, outside the signal handler.
struct ExeSymbols {
    struct Fn {
        std::uintptr_t start, size;
        std::string name;
    };
    std::vector<Fn> fns;  // sorted by start
    bool pie = true;

    static const ExeSymbols& get() {
        static const ExeSymbols table = load();
        return table;
    }

    static ExeSymbols load() {
        ExeSymbols t;
        std::ifstream in("/proc/self/exe", std::ios::binary);
        const std::vector<char> f((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        if (f.size() < sizeof(Elf64_Ehdr) || std::memcmp(f.data(), ELFMAG, SELFMAG) != 0 || f[EI_CLASS] != ELFCLASS64)
            return t;
        Elf64_Ehdr eh;
        std::memcpy(&eh, f.data(), sizeof eh);
        t.pie = eh.e_type == ET_DYN;
        auto section = [&](std::size_t i, Elf64_Shdr* sh) {
            const std::size_t at = eh.e_shoff + i * sizeof(Elf64_Shdr);
            if (i >= eh.e_shnum || at + sizeof(Elf64_Shdr) > f.size()) return false;
            std::memcpy(sh, f.data() + at, sizeof *sh);
            return sh->sh_offset + sh->sh_size <= f.size();
        };
        for (std::size_t i = 0; i < eh.e_shnum; i++) {
            Elf64_Shdr sh, strs;
            if (!section(i, &sh) || sh.sh_type != SHT_SYMTAB || !section(sh.sh_link, &strs)) continue;
            for (std::size_t k = 0; k < sh.sh_size / sizeof(Elf64_Sym); k++) {
                Elf64_Sym sym;
                std::memcpy(&sym, f.data() + sh.sh_offset + k * sizeof(Elf64_Sym), sizeof sym);
                if (ELF64_ST_TYPE(sym.st_info) != STT_FUNC || sym.st_value == 0 || sym.st_name >= strs.sh_size) continue;
                const char* name = f.data() + strs.sh_offset + sym.st_name;
                if (std::memchr(name, 0, strs.sh_size - sym.st_name) == nullptr) continue;
                t.fns.push_back({sym.st_value, sym.st_size, name});
            }
        }
        std::sort(t.fns.begin(), t.fns.end(), [](const Fn& a, const Fn& b) { return a.start < b.start; });
        return t;
    }

    // The function containing `addr` (a link-time address), or null.
    const std::string* find(std::uintptr_t addr) const {
        auto it = std::upper_bound(fns.begin(), fns.end(), addr, [](std::uintptr_t a, const Fn& fn) { return a < fn.start; });
        if (it == fns.begin()) return nullptr;
        --it;
        // Assembly often has no size: accept it up to the next function.
        const bool inside = it->size ? addr < it->start + it->size : std::next(it) != fns.end() && addr < std::next(it)->start;
        return inside ? &it->name : nullptr;
    }
};

const void* exe_base() {
    Dl_info self{};
    return dladdr(reinterpret_cast<void*>(&exe_base), &self) ? self.dli_fbase : nullptr;
}

std::string symbolize(void* pc) {
    Dl_info info{};
    if (dladdr(pc, &info) == 0) return hex(reinterpret_cast<std::uintptr_t>(pc));
    if (info.dli_sname != nullptr) return demangle(info.dli_sname);
    const auto base = reinterpret_cast<std::uintptr_t>(info.dli_fbase);
    if (info.dli_fbase != nullptr && info.dli_fbase == exe_base()) {
        const ExeSymbols& exe = ExeSymbols::get();
        const auto addr = reinterpret_cast<std::uintptr_t>(pc);
        if (const std::string* name = exe.find(exe.pie ? addr - base : addr)) return demangle(name->c_str());
    }
    return clean(base_name(info.dli_fname)) + "+" + hex(reinterpret_cast<std::uintptr_t>(pc) - base);
}

}  // namespace

void CpuProfiler::prepare() {
    void* pcs[4];
    (void)backtrace(pcs, 4);  // loads libgcc_s's unwinder now, not in the handler
}

bool CpuProfiler::running() { return g_running.load(); }

bool CpuProfiler::start(std::string* why) {
    bool expected = false;
    if (!g_running.compare_exchange_strong(expected, true)) {
        *why = "a CPU profile is already being captured; one at a time";
        return false;
    }
    std::lock_guard<std::mutex> lock(g_mutex);
    prepare();
    g_buffer.reset(new (std::nothrow) Sample[kMaxSamples]);
    if (!g_buffer) {
        g_running.store(false);
        *why = "cannot allocate the sample buffer";
        return false;
    }
    g_next.store(0);
    g_dropped.store(0);
    g_samples.store(g_buffer.get(), std::memory_order_release);

    struct sigaction sa {};
    sa.sa_sigaction = on_sigprof;
    sa.sa_flags = SA_SIGINFO | SA_RESTART;
    sigemptyset(&sa.sa_mask);
    if (sigaction(SIGPROF, &sa, &g_previous) != 0) {
        *why = std::string("cannot install the SIGPROF handler: ") + std::strerror(errno);
        g_samples.store(nullptr);
        g_buffer.reset();
        g_running.store(false);
        return false;
    }
    itimerval timer{};
    timer.it_interval.tv_usec = 1000000 / kHz;
    timer.it_value = timer.it_interval;
    if (setitimer(ITIMER_PROF, &timer, nullptr) != 0) {
        *why = std::string("cannot start the profiling timer: ") + std::strerror(errno);
        sigaction(SIGPROF, &g_previous, nullptr);
        g_samples.store(nullptr);
        g_buffer.reset();
        g_running.store(false);
        return false;
    }
    g_started = std::chrono::steady_clock::now();
    return true;
}

CpuProfiler::Result CpuProfiler::stop() {
    Result result;
    if (!g_running.load()) return result;
    std::lock_guard<std::mutex> lock(g_mutex);
    if (!g_buffer) return result;
    const itimerval off{};
    setitimer(ITIMER_PROF, &off, nullptr);
    result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - g_started).count();
    // Signals generated before the timer stopped may still be pending: wait
    // until none is (the handler stays installed meanwhile, so a late SIGPROF
    // never meets the default action, which terminates), then restore.
    for (int i = 0; i < 200; i++) {
        sigset_t pending;
        sigemptyset(&pending);
        sigpending(&pending);
        if (!sigismember(&pending, SIGPROF) && g_in_handler.load() == 0 && i >= 2) break;
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    g_samples.store(nullptr);
    while (g_in_handler.load() != 0) std::this_thread::yield();
    sigaction(SIGPROF, &g_previous, nullptr);

    // Symbolize outside the handler. Frames 0 and 1 are the handler and the
    // signal trampoline; frame 2 is the interrupted instruction; the rest are
    // return addresses (looked up one byte back, inside the call).
    const std::size_t n = std::min(g_next.load(), kMaxSamples);
    result.dropped = g_dropped.load();
    std::unordered_map<void*, std::string> names;
    std::map<std::string, std::uint64_t> stacks;
    constexpr int kSkip = 2;
    for (std::size_t i = 0; i < n; i++) {
        Sample& s = g_buffer[i];
        if (!s.ready.load(std::memory_order_acquire) || s.depth <= kSkip) continue;
        std::string line;
        for (int f = s.depth - 1; f >= kSkip; f--) {
            void* pc = s.pcs[f];
            void* lookup = f == kSkip ? pc : static_cast<char*>(pc) - 1;
            auto it = names.find(lookup);
            if (it == names.end()) it = names.emplace(lookup, symbolize(lookup)).first;
            if (!line.empty()) line += ';';
            line += it->second;
        }
        stacks[line]++;
        result.samples++;
    }
    g_buffer.reset();
    for (const auto& [stack, count] : stacks) result.folded += stack + " " + std::to_string(count) + "\n";
    g_running.store(false);
    return result;
}

}  // namespace kzgd::ops
