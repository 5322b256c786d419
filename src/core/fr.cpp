#include "core/fr.hpp"

#include <memory>
#include <vector>

#include "core/batch_inverse.hpp"

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
    for (std::size_t i = 0; i < n; i++) batch_inverse_prefix(prefix.data(), i, values[i]);
    if (fr_is_zero(prefix[n - 1])) return false;
    // values[i] is read (for the running inverse) before it is overwritten.
    const auto value_at = [&](std::size_t i) -> const Fr& { return values[i]; };
    batch_inverse_each(prefix.data(), n, value_at, [&](std::size_t i, const Fr& inv) { values[i] = inv; });
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
