#include "core/g1_generator_table.hpp"

#include "core/g1.hpp"

namespace kzg::core {

G1GeneratorTable::G1GeneratorTable() : table_(kWindows * kPerWindow) {
    std::vector<blst_p1> jac(table_.size());
    blst_p1 base = *blst_p1_generator();  // 2^(5k) G1
    for (unsigned k = 0; k < kWindows; k++) {
        blst_p1* row = &jac[k * kPerWindow];
        row[0] = base;
        for (unsigned d = 1; d < kPerWindow; d++) blst_p1_add_or_double(&row[d], &row[d - 1], &base);
        blst_p1_double(&base, &row[kPerWindow - 1]);  // 2 * 16 * 2^(5k) = 2^(5(k+1))
    }
    const blst_p1* arg[2] = {jac.data(), nullptr};
    blst_p1s_to_affine(table_.data(), arg, jac.size());
}

blst_p1 G1GeneratorTable::mul(const Fr& s) const {
    blst_scalar sc;
    blst_scalar_from_fr(&sc, &s);  // 32 bytes, little-endian
    auto bits = [&](unsigned at) -> unsigned {  // kWindowBits bits from bit `at` (zero past 255)
        unsigned v = 0;
        for (unsigned b = 0; b < kWindowBits && at + b < 256; b++)
            v |= static_cast<unsigned>((sc.b[(at + b) / 8] >> ((at + b) % 8)) & 1u) << b;
        return v;
    };
    blst_p1 acc = g1_identity();
    bool empty = true;
    unsigned carry = 0;
    for (unsigned k = 0; k < kWindows; k++) {
        int digit = static_cast<int>(bits(k * kWindowBits) + carry);
        carry = digit > static_cast<int>(kPerWindow) ? 1u : 0u;
        if (carry) digit -= 1 << kWindowBits;
        if (digit == 0) continue;
        blst_p1_affine t = table_[k * kPerWindow + static_cast<unsigned>(digit < 0 ? -digit : digit) - 1];
        if (digit < 0) blst_fp_cneg(&t.y, &t.y, true);
        if (empty) {
            blst_p1_from_affine(&acc, &t);
            empty = false;
        } else {
            blst_p1_add_or_double_affine(&acc, &acc, &t);
        }
    }
    return acc;
}

}  // namespace kzg::core
