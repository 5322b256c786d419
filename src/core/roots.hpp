// Roots of unity and the spec's bit-reversal permutation.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <utility>
#include <vector>

#include "core/fr.hpp"

namespace kzg::core {

// A primitive n-th root of unity, 7^((r-1)/n) mod r; n a power of two <= 2^32.
Fr primitive_root_of_unity(std::size_t n);

// [w^0, w^1, ..., w^(n-1)] for w = primitive_root_of_unity(n).
std::vector<Fr> compute_roots_of_unity(std::size_t n);

constexpr bool is_power_of_two(std::size_t n) { return n != 0 && (n & (n - 1)) == 0; }

constexpr unsigned log2_pow2(std::size_t n) {
    unsigned r = 0;
    while ((std::size_t{1} << r) < n) r++;
    return r;
}

// Reverses the low `bits` bits of i.
constexpr std::uint32_t reverse_bits(std::uint32_t i, unsigned bits) {
    std::uint32_t r = 0;
    for (unsigned b = 0; b < bits; b++) r |= ((i >> b) & 1u) << (bits - 1 - b);
    return r;
}

// Spec bit_reversal_permutation, in place; size a power of two.
template <class T>
void bit_reversal_permutation(std::span<T> v) {
    const unsigned bits = log2_pow2(v.size());
    for (std::uint32_t i = 0; i < v.size(); i++) {
        const std::uint32_t j = reverse_bits(i, bits);
        if (i < j) std::swap(v[i], v[j]);
    }
}

}  // namespace kzg::core
