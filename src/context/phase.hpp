// Times one phase of a call for ContextOptions::observer (kzg/observer.hpp).
// Without an observer it reads no clock: one null-pointer test.
#pragma once

#include <chrono>
#include <cstdint>
#include <string_view>

#include "kzg/kzg.hpp"
#include "kzg/observer.hpp"

namespace kzg::detail {

class PhaseTimer {
  public:
    PhaseTimer(const ContextOptions& options, std::string_view operation, std::string_view phase)
        : observer_(options.observer.get()), operation_(operation), phase_(phase) {
        if (observer_) start_ = std::chrono::steady_clock::now();
    }
    ~PhaseTimer() { stop(); }
    PhaseTimer(const PhaseTimer&) = delete;
    PhaseTimer& operator=(const PhaseTimer&) = delete;

    // Ends the phase now (once; the destructor does it otherwise).
    void stop() {
        if (!observer_) return;
        const auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now() - start_);
        observer_->phase(operation_, phase_, static_cast<std::uint64_t>(ns.count()));
        observer_ = nullptr;
    }

  private:
    PhaseObserver* observer_;
    std::string_view operation_;
    std::string_view phase_;
    std::chrono::steady_clock::time_point start_{};
};

}  // namespace kzg::detail
