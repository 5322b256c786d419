// Spec verify_cell_kzg_proof_batch_impl (universal verification) and its
// Fiat-Shamir challenge.
#include <algorithm>
#include <array>
#include <vector>

#include "core/bytes.hpp"
#include "core/fft.hpp"
#include "core/g1.hpp"
#include "core/roots.hpp"
#include "core/sha256.hpp"
#include "eip7594/internal.hpp"

namespace kzg::eip7594 {

// Spec RANDOM_CHALLENGE_KZG_CELL_BATCH_DOMAIN.
static constexpr char kCellBatchDomain[] = "RCKZGCBATCH__V1_";

Fr compute_verify_cell_kzg_proof_batch_challenge(std::span<const KZGCommitment> commitments,
                                                 std::span<const std::uint64_t> commitment_indices,
                                                 std::span<const std::uint64_t> cell_indices,
                                                 std::span<const Cell> cells, std::span<const KZGProof> proofs) {
    const std::size_t n = cell_indices.size();
    std::vector<std::uint8_t> data;
    data.reserve(16 + 4 * 8 + commitments.size() * BYTES_PER_COMMITMENT +
                 n * (8 + 8 + BYTES_PER_CELL + BYTES_PER_PROOF));
    data.insert(data.end(), kCellBatchDomain, kCellBatchDomain + 16);
    core::append_u64_be(data, FIELD_ELEMENTS_PER_BLOB);
    core::append_u64_be(data, FIELD_ELEMENTS_PER_CELL);
    core::append_u64_be(data, commitments.size());
    core::append_u64_be(data, n);
    for (const auto& c : commitments) core::append_bytes(data, c);
    for (std::size_t k = 0; k < n; k++) {
        core::append_u64_be(data, commitment_indices[k]);
        core::append_u64_be(data, cell_indices[k]);
        core::append_bytes(data, cells[k]);  // bls_field_to_bytes of each coset evaluation
        core::append_bytes(data, proofs[k]);
    }
    const auto digest = core::sha256(data);
    return core::hash_to_bls_field(digest.data());
}

bool verify_cell_kzg_proof_batch_impl(const detail::ContextImpl& ctx, const Fr& r, std::span<const blst_p1> commitments,
                                      std::span<const std::uint64_t> commitment_indices,
                                      std::span<const std::uint64_t> cell_indices, std::span<const Fr> cosets_evals,
                                      std::span<const blst_p1> proofs) {
    constexpr std::size_t l = FIELD_ELEMENTS_PER_CELL;  // spec n
    const Tables& t = ctx.eip7594;
    const std::size_t num_cells = cell_indices.size();

    // Step 1: the challenge r (given) and its powers r^0 .. r^(num_cells-1).
    std::vector<Fr> r_powers(num_cells);
    core::fr_powers(r_powers, r);

    // Step 2: LL = sum_k r^k proofs[k], and (step 4.3) RLP = sum_k (r^k * h_k^n)
    // proofs[k], h_k^64 = w_8192^(64 * rbo(k)), side by side on the pool.
    std::vector<Fr> weighted_r_powers(num_cells);
    for (std::size_t k = 0; k < num_cells; k++)
        weighted_r_powers[k] = core::fr_mul(r_powers[k], t.fft.roots[coset_shift_exponent(cell_indices[k]) * l]);
    blst_p1 ll, rlp;
    core::g1_lincomb_two(ll, proofs, r_powers, rlp, proofs, weighted_r_powers, ctx.parallelism(), ctx.parallel_for());

    // Step 3: LR = [s^n]G2 (its Miller-loop lines are precomputed: g2_s64_lines).

    // Step 4.1: RLC = sum_i weights[i] commitments[i], weights[i] = sum of r^k over the cells of commitment i.
    std::vector<Fr> weights(commitments.size(), core::fr_zero());
    for (std::size_t k = 0; k < num_cells; k++) {
        const std::size_t i = static_cast<std::size_t>(commitment_indices[k]);
        weights[i] = core::fr_add(weights[i], r_powers[k]);
    }
    blst_p1 rlc;  // below, as one more task beside the columns (a small MSM: ~0.3 ms for 8 points)

    // Step 4.2: RLI = [sum_k r^k interpolation_poly_k(s)]. The cells of one
    // column share their coset, so their interpolation polynomials are summed
    // in evaluation form first: one size-64 inverse FFT per used column.
    // On coset_for_cell(c) = {h_c w_64^rbo(j)}, I(h_c y) = J(y) with
    // J(w_64^i) = evals[rbo(i)], hence I's coefficients are J_i * h_c^-i.
    // The columns are independent: split across the pool in slices that the
    // threads take one at a time, after RLC (task 0); each column's
    // coefficients scaled in place, then summed.
    std::array<std::vector<std::uint32_t>, CELLS_PER_EXT_BLOB> column_cells;
    for (std::size_t k = 0; k < num_cells; k++)
        column_cells[static_cast<std::size_t>(cell_indices[k])].push_back(static_cast<std::uint32_t>(k));
    std::vector<Fr> columns(CELLS_PER_EXT_BLOB * l);
    const Fr inv_l = core::fr_inv(core::fr_from_u64(l));
    const auto sum_column = [&](std::size_t c) {
        if (column_cells[c].empty()) return;
        const std::span<Fr> col = std::span<Fr>(columns).subspan(c * l, l);
        for (auto& x : col) x = core::fr_zero();
        for (const std::uint32_t k : column_cells[c])
            for (std::size_t j = 0; j < l; j++)
                col[j] = core::fr_add(col[j], core::fr_mul(cosets_evals[k * l + j], r_powers[k]));
        // The cell holds J's values in bit-reversed order, as the inverse
        // transform takes them; its 1/64 rides on the shift's powers.
        core::fr_ifft_unscaled_from_brp(col, t.fft);
        const Fr inv_shift = t.fft.inv_roots[coset_shift_exponent(c)];  // h_c^-1
        Fr acc = inv_l;
        for (std::size_t i = 0; i < l; i++) {
            col[i] = core::fr_mul(col[i], acc);
            acc = core::fr_mul(acc, inv_shift);
        }
    };
    ctx.parallel_beside([&] { rlc = core::g1_lincomb(commitments, weights); }, CELLS_PER_EXT_BLOB, 16,
                        [&](std::size_t c0, std::size_t c1) {
                            for (std::size_t c = c0; c < c1; c++) sum_column(c);
                        });
    // The columns' sum and its MSM over [s^i]G1 (i < 64); on a pool in two
    // halves of the coefficients side by side, RLI = half 0 + half 1 (two
    // half MSMs take ~0.28 ms each against ~0.44 for the whole).
    std::vector<Fr> sum_interp_polys_coeff(l, core::fr_zero());
    const std::size_t halves = ctx.parallelism() > 1 ? 2 : 1;
    blst_p1 rli_half[2];
    ctx.parallel(halves, [&](std::size_t h0, std::size_t h1) {
        for (std::size_t h = h0; h < h1; h++) {
            const std::size_t i0 = h * l / halves, i1 = (h + 1) * l / halves;
            for (std::size_t c = 0; c < CELLS_PER_EXT_BLOB; c++) {
                if (column_cells[c].empty()) continue;
                for (std::size_t i = i0; i < i1; i++)
                    sum_interp_polys_coeff[i] = core::fr_add(sum_interp_polys_coeff[i], columns[c * l + i]);
            }
            rli_half[h] = t.interpolation->msm_range(sum_interp_polys_coeff, i0, i1);
        }
    });
    const blst_p1 rli = halves == 2 ? core::g1_add(rli_half[0], rli_half[1]) : rli_half[0];

    // Step 4.3: RLP, above.

    // Step 4.4: RL = RLC - RLI + RLP.
    const blst_p1 rl = core::g1_add(core::g1_sub(rlc, rli), rlp);

    // Step 5: e(LL, LR) == e(RL, [1]G2).
    return core::pairings_verify(ll, *ctx.g2_s64_lines, rl, *ctx.g2_gen_lines);
}

}  // namespace kzg::eip7594
