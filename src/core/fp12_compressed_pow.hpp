// Powers of cyclotomic Fp12 elements through Karabina's compressed squarings
// (Karabina, "Squaring in cyclotomic subgroups", Math. Comp. 82 (2013); the
// explicit formulas of Aranha, Karabina, Longa, Gebotys and Lopez, EUROCRYPT
// 2011, section 5.1): the final exponentiation's scalar path.
//
// An element g of the cyclotomic subgroup is determined by four of its six
// Fp2 coefficients. In blst's tower (Fp12 = Fp6[w]/(w^2 - v), Fp6 =
// Fp2[v]/(v^3 - xi), xi = 1 + u) with g = sum c_jk v^k w^j, the paper's
// g0..g5 are c00, c11, c10, c02, c01, c12, and the squaring of the
// compressed form (g2, g3, g4, g5) is
//   h2 = 2 g2 + 3 xi (2 g4 g5)        h3 = 3 (g4^2 + xi g5^2) - 2 g3
//   h4 = 3 (g2^2 + xi g3^2) - 2 g4    h5 = 2 g5 + 3 (2 g2 g3)
// six Fp2 squarings (2 g4 g5 = (g4 + g5)^2 - g4^2 - g5^2), 12 base-field
// products against the 18 of blst's Granger-Scott squaring. Decompression
// needs g2 != 0:
//   g1 = (xi g5^2 + 3 g4^2 - 2 g3) / (4 g2),  g0 = xi (2 g1^2 + g2 g5 - 3 g3 g4) + 1,
// and one inversion serves all the values an exponentiation keeps.
#pragma once

#include <blst.h>

namespace kzg::core {

// ret = a^(|z| / 2) conjugated, for a in the cyclotomic subgroup and blst's
// z = -0xd201000000010000 (the value of raise_to_z_div_by_2 in blst's
// pairing.c): the 62 squarings compressed, the six powers a^(2^i) at the set
// bits i of |z| / 2 kept, decompressed together and multiplied. False (ret
// untouched) when a kept power has g2 = 0 and cannot be decompressed; the
// caller then takes the uncompressed chain (a = 1 does that).
bool cyclotomic_pow_z_div_2_compressed(blst_fp12& ret, const blst_fp12& a);

}  // namespace kzg::core
