#include "core/fr.hpp"

#include <memory>
#include <vector>

namespace kzg::core {

Fr fr_pow(const Fr& base, std::uint64_t exponent) {
    Fr result = fr_one();
    Fr acc = base;
    while (exponent != 0) {
        if (exponent & 1) result = fr_mul(result, acc);
        exponent >>= 1;
        if (exponent != 0) acc = fr_sqr(acc);
    }
    return result;
}

bool fr_batch_inverse(std::span<Fr> values) {
    const std::size_t n = values.size();
    if (n == 0) return true;
    std::vector<Fr> prefix(n);
    Fr acc = fr_one();
    for (std::size_t i = 0; i < n; i++) {
        prefix[i] = acc;
        acc = fr_mul(acc, values[i]);
    }
    if (fr_is_zero(acc)) return false;
    Fr inv = fr_inv(acc);
    for (std::size_t i = n; i-- > 0;) {
        const Fr v = values[i];
        values[i] = fr_mul(inv, prefix[i]);
        inv = fr_mul(inv, v);
    }
    return true;
}

void fr_powers(std::span<Fr> out, const Fr& x) {
    Fr acc = fr_one();
    for (auto& o : out) {
        o = acc;
        acc = fr_mul(acc, x);
    }
}

}  // namespace kzg::core
