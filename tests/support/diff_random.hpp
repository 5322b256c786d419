// Randomness of the differential tests: the run's seed and the generator.
#pragma once

#include <gtest/gtest.h>

#include <cinttypes>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <vector>

namespace kzg_test {

// The seed of a randomized run: KZG_DIFF_SEED (decimal or 0x hex) replays a
// run, otherwise a fresh one from std::random_device. Printed once, at first
// use, with the line that replays it.
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

// A seeded generator with the helpers the differential tests draw inputs with.
class Rng {
  public:
    explicit Rng(std::uint64_t seed) : g_(seed) {}
    std::uint64_t next() { return g_(); }
    // Uniform in [0, n).
    std::size_t below(std::size_t n) { return static_cast<std::size_t>(g_() % n); }
    bool chance(unsigned percent) { return below(100) < percent; }
    void fill(std::uint8_t* p, std::size_t n) {
        for (std::size_t i = 0; i < n; i += 8) {
            std::uint64_t v = g_();
            for (std::size_t j = 0; j < 8 && i + j < n; j++, v >>= 8) p[i + j] = static_cast<std::uint8_t>(v);
        }
    }
    template <class T>
    const T& pick(const std::vector<T>& v) {
        return v[below(v.size())];
    }

  private:
    std::mt19937_64 g_;
};

}  // namespace kzg_test
