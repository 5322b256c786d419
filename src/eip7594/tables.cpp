// build_tables: the FK20 setup vectors of EIP-7594, FFT'd once per Context.
#include <string>

#include "core/fft.hpp"
#include "core/g1.hpp"
#include "core/parallel.hpp"
#include "eip7594/tables.hpp"

namespace kzg::eip7594 {

namespace {

// The FFT'd circulant columns (affine); empty if one is the identity, which
// the batched affine conversion and the MSMs cannot take (a sound setup never
// gives one).
std::vector<blst_p1_affine> compute_columns(const std::vector<blst_p1_affine>& g1_monomial, const Tables& t,
                                            unsigned threads) {
    constexpr std::size_t l = FIELD_ELEMENTS_PER_CELL;  // 64 offsets j within a cell
    constexpr std::size_t m = CELLS_PER_BLOB;           // 64 Toeplitz rows
    constexpr std::size_t n = FK20_CIRCULANT_SIZE;      // 128
    // Projective staging: 128 * 64 * 144 bytes = 1.125 MiB, freed on return.
    std::vector<blst_p1> columns(n * l);
    // The 64 column FFTs are independent: split them across threads.
    core::parallel_for(l, threads, [&](std::size_t j0, std::size_t j1) {
        std::vector<blst_p1> b(n);
        for (std::size_t j = j0; j < j1; j++) {
            // Circulant embedding of the Toeplitz column S_j[v] = [s^(64v+j)]G1:
            // B[0] = S_j[0], B[n-v] = S_j[v] for 1 <= v < m, zero elsewhere, so
            // that (a (*) B)[u] = sum_v a[u+v] S_j[v] for u < m (see fk20.cpp).
            for (auto& p : b) p = core::g1_identity();
            blst_p1_from_affine(&b[0], &g1_monomial[j]);
            for (std::size_t v = 1; v < m; v++) blst_p1_from_affine(&b[n - v], &g1_monomial[l * v + j]);
            core::g1_fft(b, t.fft);
            for (std::size_t i = 0; i < n; i++) columns[i * l + j] = b[i];
        }
    });
    for (const auto& p : columns)
        if (blst_p1_is_inf(&p)) return {};
    std::vector<blst_p1_affine> out(n * l);
    const blst_p1* arg[2] = {columns.data(), nullptr};
    blst_p1s_to_affine(out.data(), arg, columns.size());
    return out;
}

std::optional<Error> build_fk20(Fk20Tables& out, const std::vector<blst_p1_affine>& g1_monomial, const Tables& t,
                                int precompute, unsigned threads, const setup::TableStore& store) {
    constexpr std::size_t points = FK20_CIRCULANT_SIZE * FIELD_ELEMENTS_PER_CELL;
    out.columns = store.get("fk20-columns", 0, points, [&] { return compute_columns(g1_monomial, t, threads); });
    if (out.columns.empty())
        return Error{ErrorCode::kInvalidSetup, "g1_monomial: an FK20 table point is the identity"};
    if (precompute != 0) {
        const auto w = static_cast<unsigned>(precompute);
        out.msm.emplace(points, w,
                        store.get("fk20-msm", w, points * core::FixedBaseMsm::windows_for(w),
                                  [&] { return core::FixedBaseMsm::build_table(out.columns, w, threads); }));
    }
    return std::nullopt;
}

// 8 bits: 32 windows (2048 additions) into 128 buckets. Measured per MSM:
// 6 bits 0.42 ms, 7: 0.39, 8: 0.36, 9: 0.37, 10: 0.39.
constexpr unsigned kInterpolationWindowBits = 8;

}  // namespace

std::vector<core::Fr> make_odd_coset_scale(const core::FftDomain& ext) {
    std::vector<core::Fr> out(FIELD_ELEMENTS_PER_BLOB);
    const core::Fr inv_m = core::fr_inv(core::fr_from_u64(FIELD_ELEMENTS_PER_BLOB));
    for (std::size_t i = 0; i < out.size(); i++) out[i] = core::fr_mul(ext.roots[i], inv_m);
    return out;
}

Result<const Fk20Tables*> Tables::fk20() const {
    std::call_once(once_, [this] {
        try {
            error_ = build_fk20(fk20_, *g1_monomial_, *this, precompute_, threads_, *store_);
        } catch (const std::bad_alloc&) {
            error_ = Error{ErrorCode::kInternal, "out of memory while building the FK20 tables"};
        }
    });
    if (error_) return *error_;
    return &fk20_;
}

std::optional<Error> build_tables(Tables& t, const std::vector<blst_p1_affine>& g1_monomial,
                                  const ContextOptions& options, unsigned threads, const setup::TableStore& store) {
    if (g1_monomial.size() < FIELD_ELEMENTS_PER_BLOB)
        return Error{ErrorCode::kInvalidSetup, "g1_monomial: " + std::to_string(g1_monomial.size()) +
                                                   " points, EIP-7594 needs " +
                                                   std::to_string(FIELD_ELEMENTS_PER_BLOB)};
    t.g1_monomial_ = &g1_monomial;
    t.store_ = &store;
    t.precompute_ = options.precompute;
    t.threads_ = threads;
    t.interpolation.emplace(std::span(g1_monomial).first(FIELD_ELEMENTS_PER_CELL), kInterpolationWindowBits, threads);
    if (options.lazy_tables) return std::nullopt;
    auto built = t.fk20();
    if (!built) return built.error();
    return std::nullopt;
}

}  // namespace kzg::eip7594
