// kzg/observer.hpp — optional timing of a call's internal phases.
//
// Set ContextOptions::observer to receive, for every call, the duration of
// each internal phase ("decode", "msm", "fft", "pairing", "fk20"...). With a
// null observer (the default) the library takes no timestamps at all. The
// observer is called from whichever thread ran the phase, concurrently: it
// must be thread-safe, cheap and must not throw.
#pragma once

#include <cstdint>
#include <string_view>

namespace kzg {

struct PhaseObserver {
    virtual ~PhaseObserver() = default;
    // `operation` is the spec function name, `phase` a short constant name;
    // both are string literals (valid for the life of the program).
    virtual void phase(std::string_view operation, std::string_view phase, std::uint64_t nanoseconds) noexcept = 0;
};

}  // namespace kzg
