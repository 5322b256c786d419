#include "core/roots.hpp"

namespace kzg::core {

// r - 1 as little-endian 64-bit limbs; r - 1 = 2^32 * odd.
static constexpr std::uint64_t kModulusMinusOne[4] = {
    0xffffffff00000000ull, 0x53bda402fffe5bfeull, 0x3339d80809a1d805ull, 0x73eda753299d7d48ull};
static constexpr std::uint64_t kPrimitiveRoot = 7;

Fr primitive_root_of_unity(std::size_t n) {
    const unsigned shift = log2_pow2(n);
    // exponent = (r - 1) >> shift, shift <= 32
    std::uint64_t e[4];
    for (int i = 0; i < 4; i++) {
        const std::uint64_t hi = (i < 3 && shift != 0) ? kModulusMinusOne[i + 1] << (64 - shift) : 0;
        e[i] = (kModulusMinusOne[i] >> shift) | hi;
    }
    // Square-and-multiply from the most significant limb.
    const Fr base = fr_from_u64(kPrimitiveRoot);
    Fr result = fr_one();
    for (int i = 3; i >= 0; i--) {
        for (int b = 63; b >= 0; b--) {
            result = fr_sqr(result);
            if ((e[i] >> b) & 1) result = fr_mul(result, base);
        }
    }
    return result;
}

std::vector<Fr> compute_roots_of_unity(std::size_t n) {
    std::vector<Fr> roots(n);
    fr_powers(roots, primitive_root_of_unity(n));
    return roots;
}

}  // namespace kzg::core
