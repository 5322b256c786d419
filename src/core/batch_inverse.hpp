// Montgomery's trick over blst's fields (Fp and Fr): the inverses of
// d_0 .. d_{n-1} from one field inversion and 3(n - 1) multiplications.
//
// It comes in two halves so that callers fuse it into their own loops and
// need no memory beyond one prefix array:
//   forward   batch_inverse_prefix<C>(prefix, k, d_k) for k = 0, 1, ..., n - 1;
//   backward  batch_inverse_each<C>(prefix, n, den, each): each(k, 1 / d_k)
//             for k = n - 1 down to 0, where den(k) returns d_k (read before
//             each(k, ...) runs, so `each` may overwrite d_k).
// C independent running products (prefix[k] = d_k * prefix[k - C]) let the
// multiplications of neighbouring elements overlap; their C totals are
// inverted together.
//
// A zero d_k makes the whole product zero, and blst maps zero to zero: every
// inverse of the batch then comes out zero. Callers keep zeros out of a batch
// (fr_batch_inverse checks for them and reports failure).
#pragma once

#include <blst.h>

#include <algorithm>
#include <cstddef>

namespace kzg::core {

namespace batch_inverse_detail {

inline void mul(blst_fp* r, const blst_fp* a, const blst_fp* b) { blst_fp_mul(r, a, b); }
inline void mul(blst_fr* r, const blst_fr* a, const blst_fr* b) { blst_fr_mul(r, a, b); }
inline void inverse(blst_fp* r, const blst_fp* a) { blst_fp_inverse(r, a); }
inline void inverse(blst_fr* r, const blst_fr* a) { blst_fr_eucl_inverse(r, a); }

}  // namespace batch_inverse_detail

// The forward half: extends the running product of chain k % Chains by d.
template <std::size_t Chains = 1, class F>
inline void batch_inverse_prefix(F* prefix, std::size_t k, const F& d) {
    static_assert(Chains >= 1);
    if (k < Chains) {
        prefix[k] = d;
    } else {
        batch_inverse_detail::mul(&prefix[k], &prefix[k - Chains], &d);
    }
}

// The backward half: each(k, inv_k) with inv_k = 1 / d_k, k descending.
// prefix[0 .. n) is what batch_inverse_prefix<Chains> left.
template <std::size_t Chains = 1, class F, class Den, class Each>
inline void batch_inverse_each(const F* prefix, std::size_t n, const Den& den, const Each& each) {
    static_assert(Chains >= 1);
    using batch_inverse_detail::mul;
    if (n == 0) return;
    F inv[Chains];  // inv[c]: 1 / (the running product of chain c up to the current k)
    if constexpr (Chains == 1) {
        batch_inverse_detail::inverse(&inv[0], &prefix[n - 1]);
    } else {
        // Invert the chains' totals together (Montgomery's trick once more).
        const std::size_t chains = std::min(n, Chains);
        F total[Chains], acc[Chains];
        for (std::size_t c = 0; c < chains; c++) total[c] = prefix[n - 1 - ((n - 1 - c) % Chains)];
        acc[0] = total[0];
        for (std::size_t c = 1; c < chains; c++) mul(&acc[c], &acc[c - 1], &total[c]);
        F t;
        batch_inverse_detail::inverse(&t, &acc[chains - 1]);
        for (std::size_t c = chains; c-- > 1;) {
            mul(&inv[c], &t, &acc[c - 1]);
            mul(&t, &t, &total[c]);
        }
        inv[0] = t;
    }
    for (std::size_t k = n; k-- > 0;) {
        const std::size_t c = k % Chains;
        F inv_k;
        if (k < Chains) {
            inv_k = inv[c];
        } else {
            mul(&inv_k, &inv[c], &prefix[k - Chains]);
            mul(&inv[c], &inv[c], &den(k));
        }
        each(k, static_cast<const F&>(inv_k));
    }
}

}  // namespace kzg::core
