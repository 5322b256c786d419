// CPU-profile capture for flame graphs (GET /debug/cpu-profile on the admin
// listener): a SIGPROF timer (setitimer ITIMER_PROF, ~99 Hz of process CPU
// time) whose handler records the interrupted stack (glibc backtrace(), up to
// kMaxFrames return addresses) into a buffer allocated before the timer is
// armed; after the window the timer stops, the previous SIGPROF disposition is
// restored, and the stacks are symbolized (dladdr + __cxa_demangle, then the
// executable's .symtab for its non-exported functions; unresolved frames as
// module+0xOFFSET) and aggregated to folded lines
// ("root;...;leaf count"), the format flamegraph.pl, inferno and speedscope read.
// One capture at a time per process.
#pragma once

#include <cstdint>
#include <string>

namespace kzgd::ops {

class CpuProfiler {
  public:
    static constexpr int kHz = 99;
    static constexpr int kMaxFrames = 64;
    static constexpr std::size_t kMaxSamples = 16384;  // ~8.5 MiB while capturing; more are counted as dropped

    // Call once at start-up, before threads: loads what backtrace() loads lazily,
    // so that it does not happen inside the signal handler.
    static void prepare();

    // Starts a capture: false (and *why) when one is already running or the
    // timer or handler cannot be installed.
    static bool start(std::string* why);
    // Whether a capture is running.
    static bool running();

    struct Result {
        std::string folded;  // one line per distinct stack, root first
        std::uint64_t samples = 0;
        std::uint64_t dropped = 0;
        double seconds = 0;
    };
    // Stops the running capture (no-op result when none) and symbolizes it.
    static Result stop();
};

}  // namespace kzgd::ops
