// Bytes of heap memory the process holds through C++ allocation (operator
// new/delete), current and peak. The counting operator new/delete live in
// alloc_hooks.cpp, which only the kzgd executable links: other programs that
// use this library see zeros and tracking_enabled() false.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>

namespace kzgd::ops::memory {

inline std::atomic<std::int64_t> g_current{0};
inline std::atomic<std::int64_t> g_peak{0};
inline std::atomic<bool> g_enabled{false};

// Two relaxed atomics per allocation: the add, and the peak (a compare-exchange
// only while the current value is a new peak).
inline void on_alloc(std::size_t n) noexcept {
    const std::int64_t now = g_current.fetch_add(static_cast<std::int64_t>(n), std::memory_order_relaxed) +
                             static_cast<std::int64_t>(n);
    std::int64_t peak = g_peak.load(std::memory_order_relaxed);
    while (now > peak && !g_peak.compare_exchange_weak(peak, now, std::memory_order_relaxed)) {
    }
}
inline void on_free(std::size_t n) noexcept {
    g_current.fetch_sub(static_cast<std::int64_t>(n), std::memory_order_relaxed);
}

inline std::uint64_t current_bytes() {
    const auto v = g_current.load(std::memory_order_relaxed);
    return v > 0 ? static_cast<std::uint64_t>(v) : 0;
}
inline std::uint64_t peak_bytes() {
    const auto v = g_peak.load(std::memory_order_relaxed);
    return v > 0 ? static_cast<std::uint64_t>(v) : 0;
}
inline bool tracking_enabled() { return g_enabled.load(std::memory_order_relaxed); }

}  // namespace kzgd::ops::memory
