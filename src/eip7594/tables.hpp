// Tables EIP-7594 derives from the trusted setup (owned by the Context, built
// once by build_tables at context construction, read-only afterwards).
//
// Memory (bytes), on 64-bit targets:
//   fft.roots + fft.inv_roots   2 * 8192 * 32           =   524,288
//   Fk20Tables::columns         128 * 64 * 96 (affine)  =   786,432
//   odd_coset_scale             4096 * 32               =   131,072
//   interpolation               64 * 32 * 96 (affine)   =   196,608
//   total                                               = 1,638,400 (1.56 MiB)
//   Fk20Tables::msm (precompute = w > 0)  8192 * ceil(256/w) * 96  (w = 8: 25,165,824)
// The columns are c-kzg's precompute=0 layout (x_ext_fft_columns).
#pragma once

#include <blst.h>

#include <mutex>
#include <optional>
#include <vector>

#include "core/fft.hpp"
#include "core/msm_fixed_base.hpp"
#include "setup/table_cache.hpp"
#include "kzg/kzg.hpp"

namespace kzg::eip7594 {

// FK20 works on circulant matrices of this size: 2 * (FIELD_ELEMENTS_PER_BLOB / FIELD_ELEMENTS_PER_CELL).
inline constexpr std::size_t CELLS_PER_BLOB = FIELD_ELEMENTS_PER_BLOB / FIELD_ELEMENTS_PER_CELL;  // 64
inline constexpr std::size_t FK20_CIRCULANT_SIZE = 2 * CELLS_PER_BLOB;                             // 128

// The FK20 setup vectors, FFT'd: for offset j < 64 let B_j be the circulant
// embedding (size 128) of the Toeplitz column [s^(64v+j)]G1, v < 64
// (B_j[0] = [s^j], B_j[128-v] = [s^(64v+j)] for 1 <= v < 64, zero
// elsewhere) and T_j = g1_fft(B_j). Stored column-major by FFT position:
// columns[i * 64 + j] = T_j[i] (affine), so that each of the 128
// multi-scalar multiplications of a proof computation reads 64 contiguous
// points.
struct Fk20Tables {
    std::vector<blst_p1_affine> columns;
    // Fixed-base tables over columns (absent with precompute 0): the 128 MSMs
    // become one batched bucket sum (core/msm_fixed_base.hpp).
    std::optional<core::FixedBaseMsm> msm;
};

std::vector<core::Fr> make_odd_coset_scale(const core::FftDomain& ext);

class Tables {
  public:
    // Roots of unity of the extended domain (size FIELD_ELEMENTS_PER_EXT_BLOB);
    // serves every power-of-two FFT size up to 8192 (64, 128, 4096, 8192).
    core::FftDomain fft{FIELD_ELEMENTS_PER_EXT_BLOB};

    // w_8192^i / 4096 for i < 4096: moves 4096 times a blob's coefficients
    // onto the odd coset w_8192 * D in one product each (cells.cpp).
    std::vector<core::Fr> odd_coset_scale = make_odd_coset_scale(fft);

    // Fixed-base table (8-bit windows) over [s^i]G1, i < 64: the interpolation
    // MSM of verify_cell_kzg_proof_batch (RLI, 64 terms) as one bucket sum of
    // 2048 batched additions: 0.36 ms where a 64-point Pippenger takes 2.1. Built
    // with the other eager tables (0.2 MiB, a few ms), whatever lazy_tables.
    std::optional<core::FixedBaseMsm> interpolation;

    // The FK20 tables, built at construction or, with lazy_tables, on first
    // use (once, thread-safe). An error when the setup yields an unusable
    // table (a point at infinity), which a sound setup never does.
    Result<const Fk20Tables*> fk20() const;

  private:
    friend std::optional<Error> build_tables(Tables&, const std::vector<blst_p1_affine>&, const ContextOptions&,
                                             unsigned, const setup::TableStore&);
    const std::vector<blst_p1_affine>* g1_monomial_ = nullptr;
    const setup::TableStore* store_ = nullptr;
    int precompute_ = 0;
    unsigned threads_ = 1;
    mutable std::once_flag once_;
    mutable Fk20Tables fk20_;
    mutable std::optional<Error> error_;
};

// Prepares t over the monomial G1 setup ([s^i]G1, i < 4096); both it and
// the table store must outlive t. Builds the FK20 tables now unless
// options.lazy_tables.
std::optional<Error> build_tables(Tables& t, const std::vector<blst_p1_affine>& g1_monomial,
                                  const ContextOptions& options, unsigned threads, const setup::TableStore& store);

}  // namespace kzg::eip7594
