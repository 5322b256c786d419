#include "eip4844/polynomial.hpp"

#include <cstring>
#include <vector>

#include "core/bytes.hpp"
#include "core/sha256.hpp"

namespace kzg::eip4844 {

using core::Fr;

// Spec FIAT_SHAMIR_PROTOCOL_DOMAIN and RANDOM_CHALLENGE_KZG_BATCH_DOMAIN.
static constexpr char kFiatShamirDomain[] = "FSBLOBVERIFY_V1_";
static constexpr char kBatchDomain[] = "RCKZGBATCH___V1_";

static std::ptrdiff_t index_in_domain(const detail::ContextImpl& ctx, const Fr& z) {
    for (std::size_t i = 0; i < ctx.roots_brp.size(); i++)
        if (core::fr_equal(ctx.roots_brp[i], z)) return static_cast<std::ptrdiff_t>(i);
    return -1;
}

Fr evaluate_polynomial_in_evaluation_form(const detail::ContextImpl& ctx, std::span<const Fr> poly, const Fr& z) {
    const std::size_t n = FIELD_ELEMENTS_PER_BLOB;
    if (auto i = index_in_domain(ctx, z); i >= 0) return poly[static_cast<std::size_t>(i)];

    std::vector<Fr> inv(n);
    for (std::size_t i = 0; i < n; i++) inv[i] = core::fr_sub(z, ctx.roots_brp[i]);
    core::fr_batch_inverse(inv);  // z is off the domain: no zero
    Fr sum = core::fr_zero();
    for (std::size_t i = 0; i < n; i++)
        sum = core::fr_add(sum, core::fr_mul(core::fr_mul(poly[i], ctx.roots_brp[i]), inv[i]));
    // sum * (z^n - 1) / n
    const Fr zn_minus_one = core::fr_sub(core::fr_pow(z, n), core::fr_one());
    const Fr inv_width = core::fr_inv(core::fr_from_u64(n));
    return core::fr_mul(core::fr_mul(sum, zn_minus_one), inv_width);
}

std::optional<std::size_t> evaluate_blob_in_evaluation_form(const detail::ContextImpl& ctx, const Blob& blob,
                                                            const Fr& z, Fr& y) {
    const std::size_t n = FIELD_ELEMENTS_PER_BLOB;
    thread_local std::vector<blst_fr> plain(n), c(n), prefix(n);
    for (std::size_t i = 0; i < n; i++)
        if (!core::fr_plain_from_bytes(plain[i], blob.data() + i * BYTES_PER_FIELD_ELEMENT)) return i;
    if (auto i = index_in_domain(ctx, z); i >= 0) {
        y = core::fr_from_plain(plain[static_cast<std::size_t>(i)]);
        return std::nullopt;
    }
    // sum_i p_i w_i / (z - w_i) by Montgomery's batch inversion. A Montgomery
    // product of a plain p_i and a Montgomery-form x is p_i * x in plain form,
    // so the plain elements enter the products as they are and the sum is
    // plain: one conversion at the end replaces one per element.
    Fr acc = core::fr_one();
    for (std::size_t i = 0; i < n; i++) {
        const Fr d = core::fr_sub(z, ctx.roots_brp[i]);  // z is off the domain: never zero
        prefix[i] = acc;
        acc = core::fr_mul(acc, d);
        c[i] = core::fr_mul(plain[i], ctx.roots_brp[i]);  // p_i w_i, plain
    }
    Fr inv = core::fr_inv(acc);
    Fr sum = core::fr_zero();
    for (std::size_t i = n; i-- > 0;) {
        const Fr inv_i = core::fr_mul(inv, prefix[i]);  // 1 / (z - w_i)
        inv = core::fr_mul(inv, core::fr_sub(z, ctx.roots_brp[i]));
        sum = core::fr_add(sum, core::fr_mul(c[i], inv_i));
    }
    // sum * (z^n - 1) / n
    const Fr zn_minus_one = core::fr_sub(core::fr_pow(z, n), core::fr_one());
    const Fr inv_width = core::fr_inv(core::fr_from_u64(n));
    y = core::fr_mul(core::fr_mul(core::fr_from_plain(sum), zn_minus_one), inv_width);
    return std::nullopt;
}

blst_p1 compute_kzg_proof_impl(const detail::ContextImpl& ctx, std::span<const Fr> poly, const Fr& z, Fr* y_out) {
    const std::size_t n = FIELD_ELEMENTS_PER_BLOB;
    const Fr y = evaluate_polynomial_in_evaluation_form(ctx, poly, z);
    const std::ptrdiff_t m = index_in_domain(ctx, z);

    // q_i = (p_i - y) / (w_i - z) off the point z itself.
    std::vector<Fr> q(n), denom(n);
    for (std::size_t i = 0; i < n; i++)
        denom[i] = (static_cast<std::ptrdiff_t>(i) == m) ? core::fr_one() : core::fr_sub(ctx.roots_brp[i], z);
    core::fr_batch_inverse(denom);
    for (std::size_t i = 0; i < n; i++) q[i] = core::fr_mul(core::fr_sub(poly[i], y), denom[i]);

    if (m >= 0) {
        // Spec compute_quotient_eval_within_domain:
        //   q_m = sum_{i != m} (p_i - y) * w_i / (z * (z - w_i))
        std::vector<Fr> d(n);
        for (std::size_t i = 0; i < n; i++)
            d[i] = (static_cast<std::ptrdiff_t>(i) == static_cast<std::ptrdiff_t>(m))
                       ? core::fr_one()
                       : core::fr_mul(z, core::fr_sub(z, ctx.roots_brp[i]));
        core::fr_batch_inverse(d);
        Fr acc = core::fr_zero();
        for (std::size_t i = 0; i < n; i++) {
            if (static_cast<std::ptrdiff_t>(i) == m) continue;
            acc = core::fr_add(acc, core::fr_mul(core::fr_mul(core::fr_sub(poly[i], y), ctx.roots_brp[i]), d[i]));
        }
        q[static_cast<std::size_t>(m)] = acc;
    }
    if (y_out) *y_out = y;
    return ctx.lagrange_lincomb(q);
}

bool verify_kzg_proof_impl(const detail::ContextImpl& ctx, const blst_p1& commitment, const Fr& z, const Fr& y,
                           const blst_p1& proof) {
    // The spec's e(P - [y]G1, G2) == e(proof, [s]G2 - [z]G2), rearranged so that
    // both G2 arguments are fixed setup points with precomputed lines:
    //   e(P - [y]G1 + [z]proof, G2) == e(proof, [s]G2).
    const blst_p1 lhs = core::g1_add(core::g1_sub(commitment, core::g1_mul(core::g1_generator(), y)),
                                     core::g1_mul(proof, z));
    return core::pairings_verify(lhs, *ctx.g2_gen_lines, proof, *ctx.g2_s_lines);
}

Fr compute_kzg_proof_batch_challenge(std::span<const blst_p1> commitments, std::span<const Fr> zs,
                                     std::span<const Fr> ys, std::span<const blst_p1> proofs) {
    const std::size_t n = commitments.size();
    // r = hash_to_bls_field(domain || u64(4096) || u64(n) || (C_i || z_i || y_i || proof_i)...)
    std::vector<std::uint8_t> data(kBatchDomain, kBatchDomain + 16);
    core::append_u64_be(data, FIELD_ELEMENTS_PER_BLOB);
    core::append_u64_be(data, n);
    for (std::size_t i = 0; i < n; i++) {
        std::uint8_t buf[48];
        core::g1_encode(buf, commitments[i]);
        data.insert(data.end(), buf, buf + 48);
        core::fr_to_bytes(buf, zs[i]);
        data.insert(data.end(), buf, buf + 32);
        core::fr_to_bytes(buf, ys[i]);
        data.insert(data.end(), buf, buf + 32);
        core::g1_encode(buf, proofs[i]);
        data.insert(data.end(), buf, buf + 48);
    }
    const auto digest = core::sha256(data);
    return core::hash_to_bls_field(digest.data());
}

bool verify_kzg_proof_batch(const detail::ContextImpl& ctx, std::span<const blst_p1> commitments,
                            std::span<const Fr> zs, std::span<const Fr> ys, std::span<const blst_p1> proofs) {
    const std::size_t n = commitments.size();
    std::vector<Fr> r_powers(n);
    core::fr_powers(r_powers, compute_kzg_proof_batch_challenge(commitments, zs, ys, proofs));

    // sum r^i (C_i - [y_i]G + [z_i]proof_i)
    //   = sum r^i C_i + sum (r^i z_i) proof_i - [sum r^i y_i]G:
    // one MSM over commitments and proofs, one multiplication of G.
    std::vector<blst_p1> points(2 * n);
    std::vector<Fr> scalars(2 * n);
    Fr ry = core::fr_zero();
    for (std::size_t i = 0; i < n; i++) {
        points[i] = commitments[i];
        points[n + i] = proofs[i];
        scalars[i] = r_powers[i];
        scalars[n + i] = core::fr_mul(zs[i], r_powers[i]);
        ry = core::fr_add(ry, core::fr_mul(ys[i], r_powers[i]));
    }
    const blst_p1 proof_lincomb = core::g1_lincomb(proofs, r_powers);
    const blst_p1 rhs = core::g1_sub(core::g1_lincomb(points, scalars), core::g1_mul(core::g1_generator(), ry));
    // e(sum r^i proof_i, [s]G2) == e(sum r^i (C_i - y_i + z_i proof_i), G2)
    return core::pairings_verify(proof_lincomb, *ctx.g2_s_lines, rhs, *ctx.g2_gen_lines);
}

Fr compute_challenge(const Blob& blob, const KZGCommitment& commitment) {
    std::vector<std::uint8_t> data;
    data.reserve(16 + 16 + BYTES_PER_BLOB + BYTES_PER_COMMITMENT);
    data.insert(data.end(), kFiatShamirDomain, kFiatShamirDomain + 16);
    // The polynomial degree as a 16-byte big-endian integer.
    core::append_u64_be(data, 0);
    core::append_u64_be(data, FIELD_ELEMENTS_PER_BLOB);
    core::append_bytes(data, blob);
    core::append_bytes(data, commitment);
    const auto digest = core::sha256(data);
    return core::hash_to_bls_field(digest.data());
}

}  // namespace kzg::eip4844
