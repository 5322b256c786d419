#include <cstring>

#include "core/g1.hpp"
#include "core/roots.hpp"
#include "core/sha256.hpp"
#include "setup/trusted_setup.hpp"

namespace kzg::setup {

namespace {

Error setup_error(const std::string& msg) { return Error{ErrorCode::kInvalidSetup, msg}; }

std::string where_of(const std::vector<std::string>& where, const char* field, std::size_t i) {
    if (i < where.size() && !where[i].empty()) return where[i] + ": " + field + "[" + std::to_string(i) + "]";
    return std::string(field) + "[" + std::to_string(i) + "]";
}

// The compressed encoding's infinity flag: a setup point at infinity would be
// useless and would break the MSMs that assume finite affine bases.
bool has_infinity_flag(const std::uint8_t* b) { return (b[0] & 0x40) != 0; }

template <std::size_t N, class Affine, class Decode>
std::optional<Error> decode_all(const std::vector<std::array<std::uint8_t, N>>& in, std::vector<Affine>& out,
                                const std::vector<std::string>& where, const char* field, Decode decode) {
    out.resize(in.size());
    for (std::size_t i = 0; i < in.size(); i++) {
        if (has_infinity_flag(in[i].data()))
            return setup_error(where_of(where, field, i) + ": encodes the point at infinity");
        const core::PointStatus st = decode(out[i], in[i].data());
        if (st != core::PointStatus::kOk)
            return setup_error(where_of(where, field, i) + ": " + core::point_status_text(st));
    }
    return std::nullopt;
}

// The Lagrange points must be the same secret as the monomial ones: for the
// polynomial p(x) = sum_j r^j x^j (r from the file's own hash, so a file cannot
// be crafted against it), sum_j r^j [s^j] == sum_i p(w^i) [L_i(s)], where
// p(w^i) = (r^n - 1) / (r w^i - 1). Two MSMs, about 0.1 s.
bool lagrange_matches_monomial(const TrustedSetup& s, core::Fr r) {
    const std::size_t n = s.g1_monomial.size();
    const std::vector<core::Fr> roots = core::compute_roots_of_unity(n);
    std::vector<core::Fr> denominators(n);
    for (;;) {
        for (std::size_t i = 0; i < n; i++) denominators[i] = core::fr_sub(core::fr_mul(r, roots[i]), core::fr_one());
        if (core::fr_batch_inverse(denominators)) break;
        r = core::fr_add(r, core::fr_one());  // r w^i = 1 for some i: take another r
    }
    const core::Fr numerator = core::fr_sub(core::fr_pow(r, n), core::fr_one());
    std::vector<core::Fr> evaluations(n), powers(n);
    for (std::size_t i = 0; i < n; i++) evaluations[i] = core::fr_mul(numerator, denominators[i]);
    core::fr_powers(powers, r);
    return core::g1_equal(core::g1_lincomb_affine(s.g1_monomial, powers),
                          core::g1_lincomb_affine(s.g1_lagrange, evaluations));
}

}  // namespace

Result<TrustedSetup> validate_setup(const CompressedSetup& in) {
    if (in.g1_lagrange.size() != NUM_G1_POINTS)
        return setup_error("g1_lagrange: expected " + std::to_string(NUM_G1_POINTS) + " points, got " +
                           std::to_string(in.g1_lagrange.size()));
    if (in.g2_monomial.size() != NUM_G2_POINTS)
        return setup_error("g2_monomial: expected " + std::to_string(NUM_G2_POINTS) + " points, got " +
                           std::to_string(in.g2_monomial.size()));
    if (in.g1_monomial.size() != NUM_G1_POINTS)
        return setup_error("g1_monomial: expected " + std::to_string(NUM_G1_POINTS) + " points, got " +
                           std::to_string(in.g1_monomial.size()));

    TrustedSetup out;
    if (auto e = decode_all(in.g1_lagrange, out.g1_lagrange, in.g1_lagrange_where, "g1_lagrange",
                            core::g1_decode_affine))
        return *e;
    if (auto e = decode_all(in.g2_monomial, out.g2_monomial, in.g2_monomial_where, "g2_monomial", core::g2_decode))
        return *e;
    if (auto e = decode_all(in.g1_monomial, out.g1_monomial, in.g1_monomial_where, "g1_monomial",
                            core::g1_decode_affine))
        return *e;

    // The monomial G1 and G2 points must share the same secret: e([s]G1, G2) == e(G1, [s]G2).
    blst_p1 s1, g1;
    blst_p2 s2, g2;
    blst_p1_from_affine(&g1, &out.g1_monomial[0]);
    blst_p1_from_affine(&s1, &out.g1_monomial[1]);
    blst_p2_from_affine(&g2, &out.g2_monomial[0]);
    blst_p2_from_affine(&s2, &out.g2_monomial[1]);
    if (!core::pairings_verify(s1, g2, g1, s2))
        return setup_error("g1_monomial[1] and g2_monomial[1] do not commit to the same secret");

    std::vector<std::uint8_t> canonical;
    canonical.reserve(NUM_G1_POINTS * 96 + NUM_G2_POINTS * 96);
    for (const auto& p : in.g1_lagrange) canonical.insert(canonical.end(), p.begin(), p.end());
    for (const auto& p : in.g2_monomial) canonical.insert(canonical.end(), p.begin(), p.end());
    for (const auto& p : in.g1_monomial) canonical.insert(canonical.end(), p.begin(), p.end());
    out.sha256 = core::sha256(canonical);

    if (!lagrange_matches_monomial(out, core::hash_to_bls_field(out.sha256.data())))
        return setup_error("g1_lagrange is not the Lagrange form of g1_monomial (e.g. points out of order)");
    return out;
}

}  // namespace kzg::setup
