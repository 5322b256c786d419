// The pairing's final exponentiation, f^((p^12 - 1) / r).
#pragma once

#include <blst.h>

namespace kzg::core {

// The value blst_final_exp gives, by blst's own addition chain; where IFMA is
// enabled (ifma_enabled()), the chain's runs of cyclotomic squarings run on
// IFMA lanes (fp12_cyclotomic_sqr_n_ifma), which halves its cost; elsewhere
// its five exponentiations by z take Karabina's compressed squarings
// (fp12_compressed_pow.hpp).
void final_exp(blst_fp12& ret, const blst_fp12& f);

}  // namespace kzg::core
