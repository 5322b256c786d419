// What a Context holds: the validated setup in the forms the algorithms use,
// and every table derived from it. Built once, immutable afterwards.
#pragma once

#include <blst.h>

#include <algorithm>
#include <array>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <vector>

#include "core/fft.hpp"
#include "core/g1.hpp"
#include "core/g1_generator_table.hpp"
#include "core/fr.hpp"
#include "core/msm_fixed_base.hpp"
#include "core/parallel.hpp"
#include "eip7594/tables.hpp"
#include "kzg/kzg.hpp"
#include "kzg/thread_pool.hpp"
#include "setup/table_cache.hpp"
#include "setup/trusted_setup.hpp"

namespace kzg::detail {

struct ContextImpl {
    ContextOptions options;
    std::array<std::uint8_t, 32> sha256{};

    // Spec KZG_SETUP_G1_LAGRANGE: bit_reversal_permutation of the file's order.
    std::vector<blst_p1_affine> g1_lagrange_brp;
    std::vector<blst_p1_affine> g1_monomial;   // [s^i]G1, i < 4096
    std::vector<blst_p2_affine> g2_monomial;   // [s^i]G2, i <= 64
    // Miller-loop lines of G2, [s]G2 and [s^64]G2, the fixed second arguments
    // of every verification pairing.
    std::unique_ptr<core::G2Prepared> g2_gen_lines, g2_s_lines, g2_s64_lines;
    // Multiples of G1 for the [y]G1 of every verification (78 KiB).
    std::unique_ptr<core::G1GeneratorTable> g1_gen_table;

    unsigned table_threads = 1;  // threads that build tables
    std::unique_ptr<setup::TableStore> tables;  // the cache directory, and where each table came from

    // Fixed-base tables over g1_lagrange_brp (none with blob_window_bits 0),
    // built at construction or, with lazy_tables, on first use.
    const core::FixedBaseMsm* blob_table() const {
        if (options.blob_window_bits == 0) return nullptr;
        std::call_once(blob_once_, [this] {
            const auto w = static_cast<unsigned>(options.blob_window_bits);
            blob_msm_.emplace(g1_lagrange_brp.size(), w,
                              tables->get("blob-msm", w, g1_lagrange_brp.size() * core::FixedBaseMsm::windows_for(w),
                                          [&] { return core::FixedBaseMsm::build_table(g1_lagrange_brp, w, table_threads); }));
        });
        return &*blob_msm_;
    }

    // Runs f(begin, end) over [0, n) in pieces on options.pool, or at once
    // on the caller's thread without a pool. More than one piece per thread
    // (the threads take them one at a time) suits work with no cost per
    // piece: a worker that wakes late (20-200 us here) leaves its share to
    // the others.
    void parallel(std::size_t n, const std::function<void(std::size_t, std::size_t)>& f,
                  std::size_t pieces_per_thread = 1) const {
        if (options.pool && n > 1) {
            options.pool->parallel_for(n, pieces_per_thread * (options.pool->size() + 1), f);
        } else if (n) {
            f(0, n);
        }
    }
    // Runs a and b side by side on the pool (two tasks, a taken first), or a
    // then b on the caller's thread without a pool.
    void side_by_side(const std::function<void()>& a, const std::function<void()>& b) const {
        parallel(2, [&](std::size_t i0, std::size_t i1) {
            for (std::size_t i = i0; i < i1; i++) (i == 0 ? a : b)();
        });
    }
    // Runs `first` beside f over [0, n) cut into `slices` slices: slices + 1
    // tasks (first is task 0), which the pool's threads and the caller take
    // one at a time, so that work of unequal lengths ends together (give the
    // longest first). Without a pool: first(), then f(0, n).
    void parallel_beside(const std::function<void()>& first, std::size_t n, std::size_t slices,
                         const std::function<void(std::size_t, std::size_t)>& f) const {
        slices = std::max<std::size_t>(1, std::min(slices, n));
        const auto task = [&](std::size_t t0, std::size_t t1) {
            for (std::size_t t = t0; t < t1; t++) {
                if (t == 0) {
                    first();
                } else if (n) {
                    f(n * (t - 1) / slices, n * t / slices);
                }
            }
        };
        if (options.pool) {
            options.pool->parallel_for(slices + 1, slices + 1, task);
        } else {
            first();
            if (n) f(0, n);
        }
    }
    // At the start of a call that splits work after decoding its inputs:
    // blocked workers start polling while the caller decodes (ThreadPool::wake).
    void wake_pool() const {
        if (options.pool) options.pool->wake();
    }
    std::size_t parallelism() const { return options.pool ? options.pool->size() + 1 : 1; }
    core::ParallelFor parallel_for(std::size_t pieces_per_thread = 1) const {
        return [this, pieces_per_thread](std::size_t n, const std::function<void(std::size_t, std::size_t)>& f) {
            parallel(n, f, pieces_per_thread);
        };
    }

    // Spec g1_lincomb(KZG_SETUP_G1_LAGRANGE, scalars): the commitment to a
    // polynomial in evaluation form, split across the pool.
    blst_p1 lagrange_lincomb(std::span<const core::Fr> scalars) const;

    // Spec bit_reversal_permutation(compute_roots_of_unity(FIELD_ELEMENTS_PER_BLOB)).
    std::vector<core::Fr> roots_brp;

    // EIP-7594 tables (FFT domain of the extended blob, FK20 setup vectors, ...).
    eip7594::Tables eip7594;

  private:
    mutable std::once_flag blob_once_;
    mutable std::optional<core::FixedBaseMsm> blob_msm_;
};

// The library's (and its white-box tests') access to a Context's internals:
// Context::impl() is private, and this is its one friend.
struct ContextAccess {
    static const ContextImpl& impl(const Context& ctx) { return ctx.impl(); }
};
inline const ContextImpl& impl_of(const Context& ctx) { return ContextAccess::impl(ctx); }

// Fills the derived fields from a validated setup.
Result<std::unique_ptr<ContextImpl>> make_context_impl(setup::TrustedSetup&& s, const ContextOptions& options);

}  // namespace kzg::detail
