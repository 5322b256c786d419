// The seed of a randomized differential run: KZG_DIFF_SEED (decimal or 0x
// hex) replays a run, otherwise a fresh one from std::random_device. Printed
// once, at first use, with the line that replays it.
#pragma once

#include <gtest/gtest.h>

#include <cinttypes>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <random>

namespace kzg_test {

inline std::uint64_t diff_seed(const char* program) {
    static const std::uint64_t seed = [program] {
        std::uint64_t v = 0;
        const char* e = std::getenv("KZG_DIFF_SEED");
        if (e != nullptr && *e != '\0') {
            char* end = nullptr;
            v = std::strtoull(e, &end, 0);
            if (*end != '\0') ADD_FAILURE() << "KZG_DIFF_SEED must be a number, got '" << e << "'";
        } else {
            std::random_device rd;
            v = (static_cast<std::uint64_t>(rd()) << 32) ^ rd();
        }
        std::printf("%s: seed 0x%016" PRIx64 " (replay: KZG_DIFF_SEED=0x%016" PRIx64 ")\n", program, v, v);
        std::fflush(stdout);
        return v;
    }();
    return seed;
}

}  // namespace kzg_test
