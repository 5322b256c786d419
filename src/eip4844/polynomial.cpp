#include "eip4844/polynomial.hpp"

#include <algorithm>
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
    // The domain is the n-th roots of unity: z^n == 1 (12 squarings) rules
    // out the scan of n elements for all other z.
    if (!core::fr_equal(core::fr_pow(z, ctx.roots_brp.size()), core::fr_one())) return -1;
    for (std::size_t i = 0; i < ctx.roots_brp.size(); i++)
        if (core::fr_equal(ctx.roots_brp[i], z)) return static_cast<std::ptrdiff_t>(i);
    return -1;
}

// sum_i p_i w_i / (z - w_i) over the bit-reversed blob domain, z off it.
//
// The domain's elements pair up: w_(2k+1) = -w_(2k) in bit-reversed order,
// and w_(2k)^2 = w_k for k < n/2. A pair's two terms share one denominator:
//   p w/(z - w) - q w/(z + w) = ((p - q) zw + (p + q) w^2) / (z^2 - w^2),
// so Montgomery's batch inversion runs over n/2 denominators: 7 products a
// pair instead of 10.
//
// Every p_i enters only products with Montgomery-form factors, so the sum is
// in p's own form: plain limbs in, plain limbs out (evaluate_blob_in_evaluation_form).
//
// The sum over pairs [k0, k1) only; with inv_out, inv_out[k] = 1 / (z^2 - w_k)
// as well (compute_kzg_proof_impl builds the quotient from them).
static Fr barycentric_sum(const detail::ContextImpl& ctx, std::span<const Fr> p, const Fr& z, std::size_t k0,
                          std::size_t k1, Fr* inv_out = nullptr) {
    constexpr std::size_t half = FIELD_ELEMENTS_PER_BLOB / 2;
    const std::vector<Fr>& w = ctx.roots_brp;
    thread_local std::vector<Fr> numer(half), prefix(half);
    const Fr z2 = core::fr_sqr(z);
    Fr acc = core::fr_one();
    for (std::size_t k = k0; k < k1; k++) {
        Fr zw, diff, sum, t;
        blst_fr_mul(&zw, &z, &w[2 * k]);
        blst_fr_sub(&diff, &p[2 * k], &p[2 * k + 1]);
        blst_fr_add(&sum, &p[2 * k], &p[2 * k + 1]);
        blst_fr_mul(&diff, &diff, &zw);
        blst_fr_mul(&t, &sum, &w[k]);  // w[k] = w[2k]^2
        blst_fr_add(&numer[k], &diff, &t);
        prefix[k] = acc;
        blst_fr_sub(&t, &z2, &w[k]);  // z is off the domain: never zero
        blst_fr_mul(&acc, &acc, &t);
    }
    Fr inv = core::fr_inv(acc);
    Fr total = core::fr_zero();
    for (std::size_t k = k1; k-- > k0;) {
        Fr inv_k, t;
        blst_fr_mul(&inv_k, &inv, &prefix[k]);  // 1 / (z^2 - w_k)
        if (inv_out) inv_out[k] = inv_k;
        blst_fr_sub(&t, &z2, &w[k]);
        blst_fr_mul(&inv, &inv, &t);
        blst_fr_mul(&t, &numer[k], &inv_k);
        blst_fr_add(&total, &total, &t);
    }
    return total;
}

static Fr barycentric_sum(const detail::ContextImpl& ctx, std::span<const Fr> p, const Fr& z) {
    return barycentric_sum(ctx, p, z, 0, FIELD_ELEMENTS_PER_BLOB / 2);
}

// The n/2 pairs cut into the pool's pieces (at most 8): f(p, k0, k1) for
// piece p over pairs [k0, k1), each piece's sum returned by f, the sums added.
template <class F>
static Fr sum_over_pair_pieces(const detail::ContextImpl& ctx, std::size_t pieces, const F& f) {
    constexpr std::size_t half = FIELD_ELEMENTS_PER_BLOB / 2;
    std::vector<Fr> partial(pieces, core::fr_zero());
    ctx.parallel(pieces, [&](std::size_t p0, std::size_t p1) {
        for (std::size_t p = p0; p < p1; p++) {
            const std::size_t k0 = half * p / pieces, k1 = half * (p + 1) / pieces;
            partial[p] = f(p, k0, k1);
        }
    });
    Fr sum = core::fr_zero();
    for (const Fr& s : partial) sum = core::fr_add(sum, s);
    return sum;
}

static std::size_t pair_pieces(const detail::ContextImpl& ctx) { return std::min<std::size_t>(ctx.parallelism(), 8); }

// y = sum * (z^n - 1) / n.
static Fr barycentric_scale(const Fr& sum, const Fr& z) {
    const Fr zn_minus_one = core::fr_sub(core::fr_pow(z, FIELD_ELEMENTS_PER_BLOB), core::fr_one());
    const Fr inv_width = core::fr_inv(core::fr_from_u64(FIELD_ELEMENTS_PER_BLOB));
    return core::fr_mul(core::fr_mul(sum, zn_minus_one), inv_width);
}

Fr evaluate_polynomial_in_evaluation_form(const detail::ContextImpl& ctx, std::span<const Fr> poly, const Fr& z) {
    if (auto i = index_in_domain(ctx, z); i >= 0) return poly[static_cast<std::size_t>(i)];
    return barycentric_scale(barycentric_sum(ctx, poly, z), z);
}

std::optional<std::size_t> evaluate_blob_in_evaluation_form(const detail::ContextImpl& ctx, const Blob& blob,
                                                            const Fr& z, Fr& y) {
    // The elements are read as plain integers; one conversion of the sum
    // replaces one per element. The pairs are split across the pool: each
    // piece reads its elements and sums its pairs (a batch inversion each).
    thread_local std::vector<blst_fr> plain_buf(FIELD_ELEMENTS_PER_BLOB);
    blst_fr* const plain = plain_buf.data();  // the pieces fill the caller's buffer
    const std::ptrdiff_t in_domain = index_in_domain(ctx, z);
    const std::size_t pieces = pair_pieces(ctx);
    std::vector<std::optional<std::size_t>> bad(pieces);
    const Fr sum = sum_over_pair_pieces(ctx, pieces, [&](std::size_t p, std::size_t k0, std::size_t k1) {
        for (std::size_t i = 2 * k0; i < 2 * k1; i++)
            if (!core::fr_plain_from_bytes(plain[i], blob.data() + i * BYTES_PER_FIELD_ELEMENT)) {
                bad[p] = i;
                break;
            }
        if (bad[p] || in_domain >= 0) return core::fr_zero();
        return barycentric_sum(ctx, std::span<const Fr>(plain, FIELD_ELEMENTS_PER_BLOB), z, k0, k1);
    });
    for (const auto& b : bad)  // pieces in order: the first bad element
        if (b) return b;
    y = in_domain >= 0 ? core::fr_from_plain(plain[static_cast<std::size_t>(in_domain)])
                       : barycentric_scale(core::fr_from_plain(sum), z);
    return std::nullopt;
}

// Off the domain, the quotient reuses the evaluation's inverses: with
// d = z^2 - w^2 for the pair (w, -w),
//   1 / (w - z) = -(w + z) / d   and   1 / (-w - z) = (w - z) / d,
// so q needs two products an element and no second batch inversion. The
// pairs are split across the pool (a batch inversion per slice).
static Fr quotient_off_domain(const detail::ContextImpl& ctx, std::span<const Fr> poly, const Fr& z,
                              std::span<Fr> q) {
    constexpr std::size_t half = FIELD_ELEMENTS_PER_BLOB / 2;
    std::vector<Fr> inv(half);
    const Fr sum = sum_over_pair_pieces(ctx, pair_pieces(ctx), [&](std::size_t, std::size_t k0, std::size_t k1) {
        return barycentric_sum(ctx, poly, z, k0, k1, inv.data());
    });
    const Fr y = barycentric_scale(sum, z);
    ctx.parallel(half, [&](std::size_t k0, std::size_t k1) {
        for (std::size_t k = k0; k < k1; k++) {
            const Fr& w = ctx.roots_brp[2 * k];
            Fr a, b, t;
            blst_fr_add(&a, &w, &z);
            blst_fr_cneg(&a, &a, true);
            blst_fr_mul(&a, &a, &inv[k]);  // 1 / (w - z)
            blst_fr_sub(&b, &w, &z);
            blst_fr_mul(&b, &b, &inv[k]);  // 1 / (-w - z)
            blst_fr_sub(&t, &poly[2 * k], &y);
            blst_fr_mul(&q[2 * k], &t, &a);
            blst_fr_sub(&t, &poly[2 * k + 1], &y);
            blst_fr_mul(&q[2 * k + 1], &t, &b);
        }
    });
    return y;
}

blst_p1 compute_kzg_proof_impl(const detail::ContextImpl& ctx, std::span<const Fr> poly, const Fr& z, Fr* y_out) {
    const std::size_t n = FIELD_ELEMENTS_PER_BLOB;
    const std::ptrdiff_t m = index_in_domain(ctx, z);
    std::vector<Fr> q(n);
    if (m < 0) {
        const Fr y = quotient_off_domain(ctx, poly, z, q);
        if (y_out) *y_out = y;
        return ctx.lagrange_lincomb(q);
    }
    const Fr y = poly[static_cast<std::size_t>(m)];

    // q_i = (p_i - y) / (w_i - z) off the point z itself.
    std::vector<Fr> denom(n);
    for (std::size_t i = 0; i < n; i++)
        denom[i] = (static_cast<std::ptrdiff_t>(i) == m) ? core::fr_one() : core::fr_sub(ctx.roots_brp[i], z);
    core::fr_batch_inverse(denom);
    for (std::size_t i = 0; i < n; i++) q[i] = core::fr_mul(core::fr_sub(poly[i], y), denom[i]);

    // Spec compute_quotient_eval_within_domain:
    //   q_m = sum_{i != m} (p_i - y) * w_i / (z * (z - w_i))
    std::vector<Fr> d(n);
    for (std::size_t i = 0; i < n; i++)
        d[i] = (static_cast<std::ptrdiff_t>(i) == m) ? core::fr_one() : core::fr_mul(z, core::fr_sub(z, ctx.roots_brp[i]));
    core::fr_batch_inverse(d);
    Fr acc = core::fr_zero();
    for (std::size_t i = 0; i < n; i++) {
        if (static_cast<std::ptrdiff_t>(i) == m) continue;
        acc = core::fr_add(acc, core::fr_mul(core::fr_mul(core::fr_sub(poly[i], y), ctx.roots_brp[i]), d[i]));
    }
    q[static_cast<std::size_t>(m)] = acc;
    if (y_out) *y_out = y;
    return ctx.lagrange_lincomb(q);
}

bool verify_kzg_proof_impl(const detail::ContextImpl& ctx, const blst_p1& commitment, const Fr& z, const Fr& y,
                           const blst_p1& proof) {
    // The spec's e(P - [y]G1, G2) == e(proof, [s]G2 - [z]G2), rearranged so that
    // both G2 arguments are fixed setup points with precomputed lines:
    //   e(P - [y]G1 + [z]proof, G2) == e(proof, [s]G2).
    // The two multiplications side by side where there is a pool. (Two
    // Miller loops side by side, one per pair, measured no faster than one
    // loop over both pairs on the 2-vCPU VM: each pays the 63 squarings.)
    blst_p1 terms[2];
    ctx.side_by_side([&] { terms[0] = core::g1_mul(proof, z); }, [&] { terms[1] = ctx.g1_gen_table->mul(y); });
    const blst_p1 lhs = core::g1_add(core::g1_sub(commitment, terms[1]), terms[0]);
    return core::pairings_verify(lhs, *ctx.g2_gen_lines, proof, *ctx.g2_s_lines);
}

Fr compute_kzg_proof_batch_challenge(std::span<const blst_p1> commitments, std::span<const Fr> zs,
                                     std::span<const Fr> ys, std::span<const blst_p1> proofs) {
    const std::size_t n = commitments.size();
    // The points' encodings, all at once: c_i at 48 i, proof_i at 48 (n + i).
    std::vector<blst_p1> points(commitments.begin(), commitments.end());
    points.insert(points.end(), proofs.begin(), proofs.end());
    std::vector<std::uint8_t> encoded(48 * 2 * n);
    core::g1_encode_all(encoded.data(), points);
    // r = hash_to_bls_field(domain || u64(4096) || u64(n) || (C_i || z_i || y_i || proof_i)...)
    std::vector<std::uint8_t> data(kBatchDomain, kBatchDomain + 16);
    core::append_u64_be(data, FIELD_ELEMENTS_PER_BLOB);
    core::append_u64_be(data, n);
    for (std::size_t i = 0; i < n; i++) {
        std::uint8_t buf[32];
        data.insert(data.end(), encoded.begin() + 48 * i, encoded.begin() + 48 * (i + 1));
        core::fr_to_bytes(buf, zs[i]);
        data.insert(data.end(), buf, buf + 32);
        core::fr_to_bytes(buf, ys[i]);
        data.insert(data.end(), buf, buf + 32);
        data.insert(data.end(), encoded.begin() + 48 * (n + i), encoded.begin() + 48 * (n + i + 1));
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
    for (std::size_t i = 0; i < n; i++) {  // blob i's two terms at 2i and 2i + 1
        points[2 * i] = commitments[i];
        points[2 * i + 1] = proofs[i];
        scalars[2 * i] = r_powers[i];
        scalars[2 * i + 1] = core::fr_mul(zs[i], r_powers[i]);
        ry = core::fr_add(ry, core::fr_mul(ys[i], r_powers[i]));
    }
    blst_p1 proof_lincomb, rhs;
    core::g1_lincomb_two(proof_lincomb, proofs, r_powers, rhs, points, scalars, ctx.parallelism(), ctx.parallel_for());
    rhs = core::g1_sub(rhs, ctx.g1_gen_table->mul(ry));
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
