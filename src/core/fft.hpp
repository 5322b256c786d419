// Radix-2 FFTs over Fr and G1 on a power-of-two domain of roots of unity.
#pragma once

#include <blst.h>

#include <cstddef>
#include <span>
#include <vector>

#include "core/fr.hpp"
#include "core/parallel.hpp"

namespace kzg::core {

// Precomputed roots for FFTs of any power-of-two size m dividing n.
struct FftDomain {
    explicit FftDomain(std::size_t n);
    std::size_t n;
    std::vector<Fr> roots;      // w^i,  i in [0, n)
    std::vector<Fr> inv_roots;  // w^-i, i in [0, n)
};

// In place. Forward: coefficients -> evaluations at w_m^i (natural order),
// where w_m = w^(n/m) and m = data.size(). Inverse: the reverse, scaled by 1/m.
void fr_fft(std::span<Fr> data, const FftDomain& d);
void fr_ifft(std::span<Fr> data, const FftDomain& d);
// The same transforms without the bit-reversal permutations that bracket
// them: fr_fft_to_brp leaves the evaluations in bit-reversed order, and
// fr_ifft_unscaled_from_brp takes them in bit-reversed order (when
// input_is_brp) and leaves m times the coefficients. Both are linear over the
// limbs, so they also work on elements kept outside Montgomery form.
// Transforms of 2048 points or more split their butterflies by `par`.
void fr_fft_to_brp(std::span<Fr> data, const FftDomain& d, const ParallelFor& par = run_sequential);
void fr_ifft_unscaled_from_brp(std::span<Fr> data, const FftDomain& d, bool input_is_brp = true,
                               const ParallelFor& par = run_sequential);
void g1_fft(std::span<blst_p1> data, const FftDomain& d);
void g1_ifft(std::span<blst_p1> data, const FftDomain& d);
// The same, each level's butterflies split by `par` (they are independent).
void g1_fft(std::span<blst_p1> data, const FftDomain& d, const ParallelFor& par);

}  // namespace kzg::core
