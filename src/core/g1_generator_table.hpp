// [s]G1 for the fixed generator from precomputed multiples: the [y]G1 of
// every KZG verification without a variable-base multiplication.
#pragma once

#include <blst.h>

#include <vector>

#include "core/fr.hpp"

namespace kzg::core {

class G1GeneratorTable {
  public:
    // Signed digits of kWindowBits bits: a 255-bit scalar has kWindows of them
    // (the last one takes the carry), each in [-2^(w-1) + 1, 2^(w-1)].
    static constexpr unsigned kWindowBits = 5;
    static constexpr unsigned kWindows = 255 / kWindowBits + 1;                  // 52
    static constexpr unsigned kPerWindow = 1u << (kWindowBits - 1);              // 16
    static constexpr std::size_t kBytes = kWindows * kPerWindow * sizeof(blst_p1_affine);  // 79,872

    // Builds table[k][d - 1] = [d * 2^(5k)]G1 for d = 1..16 (about 1 ms).
    G1GeneratorTable();

    // [s]G1: one mixed addition per non-zero digit, about 50, against
    // blst_p1_mult's 128 doublings and ~40 additions (3x faster). Not
    // constant time: verification inputs are public.
    blst_p1 mul(const Fr& s) const;

  private:
    std::vector<blst_p1_affine> table_;  // kWindows * kPerWindow points
};

}  // namespace kzg::core
