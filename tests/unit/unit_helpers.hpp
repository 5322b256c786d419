// Shared helpers for the unit tests: the mainnet setup text, line editing,
// a seeded PRNG, field elements and special point encodings.
#pragma once

#include <blst.h>
#include <gtest/gtest.h>

#include <array>
#include <cstdint>
#include <fstream>
#include <memory>
#include <random>
#include <span>
#include <sstream>
#include <string>
#include <vector>

#include "kzg/codec.hpp"
#include "kzg/kzg.hpp"
#include "kzg/thread_pool.hpp"

namespace unit {

// A mainnet context, on a pool of `pool_workers` threads (0: none).
inline std::shared_ptr<const kzg::Context> build_mainnet(std::size_t pool_workers = 0) {
    kzg::ContextOptions options;
    if (pool_workers) options.pool = std::make_shared<kzg::ThreadPool>(pool_workers);
    auto r = kzg::Context::mainnet(options);
    EXPECT_TRUE(r.ok()) << r.message();
    return r.ok() ? r.value() : nullptr;
}

// One context per test program for the tests that only use it (building one
// takes a moment), and one on a pool of two workers for the tests that split
// calls (and check them without a pool too).
inline std::shared_ptr<const kzg::Context> mainnet() {
    static const std::shared_ptr<const kzg::Context> ctx = build_mainnet();
    return ctx;
}
inline std::shared_ptr<const kzg::Context> pooled_mainnet() {
    static const std::shared_ptr<const kzg::Context> ctx = build_mainnet(2);
    return ctx;
}

// The mainnet trusted_setup.txt, read once ("" when unreadable: the tests
// that need it assert it is not empty).
inline const std::string& mainnet_text() {
    static const std::string text = [] {
        std::ifstream in(KZG_TRUSTED_SETUP_TXT, std::ios::binary);
        std::stringstream ss;
        ss << in.rdbuf();
        return ss.str();
    }();
    return text;
}

// The file's lines without their '\n' (the file ends with one).
inline std::vector<std::string> split_lines(const std::string& text) {
    std::vector<std::string> lines;
    std::size_t pos = 0;
    while (pos < text.size()) {
        std::size_t end = text.find('\n', pos);
        if (end == std::string::npos) end = text.size();
        lines.push_back(text.substr(pos, end - pos));
        pos = end + 1;
    }
    return lines;
}

inline std::string join_lines(const std::vector<std::string>& lines, const char* eol = "\n") {
    std::string out;
    for (const auto& l : lines) {
        out += l;
        out += eol;
    }
    return out;
}

inline const std::vector<std::string>& mainnet_lines() {
    static const std::vector<std::string> lines = split_lines(mainnet_text());
    return lines;
}

// Line numbers (1-based) of the points in the text format.
inline constexpr std::size_t kG1LagrangeLine = 3;     // g1_lagrange[i] at line 3 + i
inline constexpr std::size_t kG2Line = 3 + 4096;      // g2_monomial[i] at line 4099 + i
inline constexpr std::size_t kG1MonomialLine = 4099 + 65;  // g1_monomial[i] at line 4164 + i
inline constexpr std::size_t kTotalLines = 2 + 4096 + 65 + 4096;  // 8259

class Rng {
  public:
    explicit Rng(std::uint64_t seed) : g_(seed) {}
    std::uint64_t next() { return g_(); }
    std::size_t below(std::size_t n) { return static_cast<std::size_t>(g_() % n); }
    void fill(std::uint8_t* p, std::size_t n) {
        for (std::size_t i = 0; i < n; i++) p[i] = static_cast<std::uint8_t>(g_());
    }

  private:
    std::mt19937_64 g_;
};

// A random canonical blob (every element's top byte below 0x73).
inline std::unique_ptr<kzg::Blob> random_blob(Rng& rng) {
    auto b = std::make_unique<kzg::Blob>();
    rng.fill(b->data(), b->size());
    for (std::size_t i = 0; i < kzg::FIELD_ELEMENTS_PER_BLOB; i++) b->bytes[32 * i] %= 0x73;
    return b;
}

inline blst_fr random_fr(Rng& rng) {
    std::uint8_t b[32];
    rng.fill(b, 32);
    b[0] %= 0x73;
    blst_scalar s;
    blst_scalar_from_bendian(&s, b);
    blst_fr f;
    blst_fr_from_scalar(&f, &s);
    return f;
}

inline std::array<std::uint8_t, 48> g1_with_x(std::uint64_t x) {
    std::array<std::uint8_t, 48> b{};
    for (int i = 47; i >= 40; i--, x >>= 8) b[i] = static_cast<std::uint8_t>(x);
    b[0] |= 0x80;
    return b;
}

// x such that the compressed encoding is not on the curve.
inline std::array<std::uint8_t, 48> g1_off_curve() {
    for (std::uint64_t x = 1;; x++) {
        auto b = g1_with_x(x);
        blst_p1_affine a;
        if (blst_p1_uncompress(&a, b.data()) == BLST_POINT_NOT_ON_CURVE) return b;
    }
}

// On the curve, outside the prime-order subgroup.
inline std::array<std::uint8_t, 48> g1_not_in_subgroup() {
    for (std::uint64_t x = 1;; x++) {
        auto b = g1_with_x(x);
        blst_p1_affine a;
        if (blst_p1_uncompress(&a, b.data()) == BLST_SUCCESS && !blst_p1_affine_in_g1(&a)) return b;
    }
}

inline std::string hex(std::span<const std::uint8_t> b) { return kzg::hex_encode(b, false); }

// gtest predicate: the message contains every one of the fragments.
inline ::testing::AssertionResult contains_all(const std::string& message, std::initializer_list<std::string> parts) {
    for (const auto& p : parts) {
        if (message.find(p) == std::string::npos)
            return ::testing::AssertionFailure() << "message \"" << message << "\" lacks \"" << p << "\"";
    }
    return ::testing::AssertionSuccess();
}

}  // namespace unit
