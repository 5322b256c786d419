// EIP-7594 public functions (consensus-specs fulu polynomial-commitments-sampling).
//
// Layout: this file validates and decodes the inputs (errors name the input);
// cells.cpp (compute_cells), fk20.cpp (the 128 cell proofs at once),
// recovery.cpp (recover_polynomialcoeff), verify.cpp (universal batch
// verification), tables.cpp (FK20 setup vectors, built once per Context).
//
// Working memory per call (heap; no blob-sized data on the stack), besides the
// returned cells (128 * 2048 B = 256 KiB) and proofs (128 * 48 B):
//   compute_cells                  8192 Fr (256 KiB) + 4096 Fr (128 KiB)                  < 0.5 MiB
//   compute_cells_and_kzg_proofs   the above + FK20: 8192 Fr scalars (256 KiB),
//                                  2 * 128 G1 (36 KiB), Pippenger scratch (< 16 KiB)      < 1 MiB
//                                  with fixed-base tables (precompute w > 0), the bucket
//                                  sums of 16 MSMs at a time: 1024 * ceil(256/w) terms of
//                                  12 B plus 1.5 * 96 B each (w = 8: < 5 MiB)
//   recover_cells(_and_kzg_proofs) decoded cells (<= 8192 Fr, 256 KiB), 3 * 8192 Fr
//                                  (768 KiB) + batch-inverse scratch (256 KiB), then the
//                                  compute_cells_and_kzg_proofs figures                 < 2 MiB
//   verify_cell_kzg_proof_batch    per cell: 2048 B decoded cell, 144 B proof, 2 Fr,
//                                  8 B commitment index, 2176 B of transcript, and the
//                                  MSM temporaries (272 B): about 4.7 KiB per cell, i.e.
//                                  about twice the input; plus a fixed 128 * 64 Fr
//                                  (256 KiB) and, per distinct commitment, ~250 B.
//   compute_verify_cell_kzg_proof_batch_challenge: the transcript (~2.2 KiB per cell).
#include <atomic>
#include <functional>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "context/inputs.hpp"
#include "context/phase.hpp"
#include "core/g1.hpp"
#include "core/g1_subgroup_batch.hpp"
#include "eip4844/blob_decode.hpp"
#include "eip7594/internal.hpp"

namespace kzg {

using core::Fr;
using detail::decode_g1;
using detail::indexed;
using detail::invalid;
using detail::PhaseTimer;

namespace {

constexpr std::size_t kCellFr = FIELD_ELEMENTS_PER_CELL;

// Spec cell_to_coset_evals into out (FIELD_ELEMENTS_PER_CELL elements).
std::optional<Error> cell_to_coset_evals(std::span<Fr> out, const Cell& cell, const detail::Arg& field) {
    for (std::size_t j = 0; j < kCellFr; j++) {
        if (!core::fr_from_bytes(out[j], cell.data() + j * BYTES_PER_FIELD_ELEMENT))
            return detail::non_canonical_element(field, j);
    }
    return std::nullopt;
}

// Split across the pool by `par`; the error is the lowest index's, as in a
// serial loop (each slice stops at its first fault, and the lowest slice
// with a fault holds the lowest one).
std::optional<Error> cells_to_cosets_evals(std::vector<Fr>& out, std::span<const Cell> cells, std::string_view field,
                                           const core::ParallelFor& par = core::run_sequential) {
    out.resize(cells.size() * kCellFr);
    std::vector<std::optional<Error>> errors(cells.size());
    par(cells.size(), [&](std::size_t k0, std::size_t k1) {
        for (std::size_t k = k0; k < k1; k++) {
            const std::span<Fr> evals = std::span<Fr>(out).subspan(k * kCellFr, kCellFr);
            if ((errors[k] = cell_to_coset_evals(evals, cells[k], indexed(field, k)))) return;
        }
    });
    for (auto& e : errors)
        if (e) return e;
    return std::nullopt;
}

std::optional<Error> check_cell_index(std::span<const std::uint64_t> cell_indices, std::size_t k,
                                      std::string_view field = "cell_indices") {
    if (cell_indices[k] >= CELLS_PER_EXT_BLOB)
        return invalid(indexed(field, k), std::to_string(cell_indices[k]) + " is not below " +
                                              std::to_string(CELLS_PER_EXT_BLOB));
    return std::nullopt;
}

// The input checks of spec recover_cells_and_kzg_proofs; decodes the cells.
std::optional<Error> validate_recovery_inputs(std::vector<Fr>& cosets_evals,
                                              std::span<const std::uint64_t> cell_indices,
                                              std::span<const Cell> cells) {
    const std::size_t n = cell_indices.size();
    if (cells.size() != n)
        return invalid("lists differ in length: " + std::to_string(n) + " cell_indices, " +
                       std::to_string(cells.size()) + " cells");
    if (n < CELLS_PER_EXT_BLOB / 2)
        return invalid(detail::Arg("cell_indices"), std::to_string(n) + " cells given, at least " +
                                                        std::to_string(CELLS_PER_EXT_BLOB / 2) + " needed");
    if (n > CELLS_PER_EXT_BLOB)
        return invalid(detail::Arg("cell_indices"), std::to_string(n) + " cells given, at most " +
                                                        std::to_string(CELLS_PER_EXT_BLOB) + " allowed");
    for (std::size_t k = 0; k < n; k++) {
        if (auto e = check_cell_index(cell_indices, k)) return e;
        // Spec: cell_indices must be unique and sorted (strictly ascending).
        if (k > 0 && cell_indices[k] <= cell_indices[k - 1])
            return invalid(indexed("cell_indices", k), std::to_string(cell_indices[k]) +
                                                           " is not above the previous index " +
                                                           std::to_string(cell_indices[k - 1]) +
                                                           " (indices must be strictly ascending)");
    }
    return cells_to_cosets_evals(cosets_evals, cells, "cells");
}

// Decodes every proof onto the curve and checks them for G1 membership
// together (core/g1_subgroup_batch.hpp: a wrong acceptance has probability
// below 2^-128). False, with `out` unspecified, when there are too few proofs
// for it to pay, or on any fault: the caller then decodes proof by proof,
// which names the fault.
// `alongside` runs as one more task beside the decompression (on a pool, in
// parallel with it), before this returns; not at all when it returns false
// before decompressing (fewer than kSubgroupBatchMinPoints proofs).
bool decode_proofs_batched(const detail::ContextImpl& impl, std::span<const KZGProof> bytes, std::span<blst_p1> out,
                           const std::function<void()>& alongside) {
    const std::size_t n = bytes.size();
    if (n < core::kSubgroupBatchMinPoints) return false;
    std::vector<blst_p1_affine> points(n);
    std::atomic<bool> fault{false};
    // `alongside` first, the longest task (the cell batch's commitments and
    // its 2.2 MB transcript hash, ~2.5 ms), then slices of square roots (an
    // eighth of a thread's share each: ~1 ms for 1024 proofs on two threads).
    impl.parallel_beside(alongside, n, 8 * impl.parallelism(), [&](std::size_t k0, std::size_t k1) {
        for (std::size_t k = k0; k < k1 && !fault.load(std::memory_order_relaxed); k++)
            if (core::g1_decode_affine_on_curve(points[k], bytes[k].data()) != core::PointStatus::kOk) fault = true;
    });
    if (fault || core::g1_batch_in_g1(points, impl.parallel_for(4)) != core::SubgroupBatch::kAllInG1)
        return false;
    for (std::size_t k = 0; k < n; k++) {
        if (blst_p1_affine_is_inf(&points[k])) {
            out[k] = core::g1_identity();
        } else {
            blst_p1_from_affine(&out[k], &points[k]);
        }
    }
    return true;
}

struct Bytes48Hash {
    std::size_t operator()(const KZGCommitment& b) const {
        // Bytes 1..8 of a compressed point are bits of its x-coordinate.
        std::size_t h = 0;
        for (std::size_t i = 1; i < 9; i++) h = (h << 8) | b.bytes[i];
        return h ^ b.bytes[0];
    }
};

}  // namespace

Result<std::vector<Cell>> Context::compute_cells(const Blob& blob) const {
    // Spec compute_cells: blob -> polynomial -> coefficients -> evaluations over
    // every coset. The elements stay plain integers throughout (cells.cpp).
    constexpr std::string_view op = "compute_cells";
    impl_->wake_pool();
    std::vector<Fr> poly(FIELD_ELEMENTS_PER_BLOB);
    if (auto e = detail::decode_blob_plain_phase(impl_->options, op, poly, blob)) return *e;
    PhaseTimer fft(impl_->options, op, "fft");  // to coefficients, then every coset
    const core::ParallelFor par = impl_->parallel_for();
    eip7594::blob_evals_to_scaled_coeffs(poly, impl_->eip7594, par);
    return eip7594::compute_cells_from_scaled_coeffs(poly, impl_->eip7594, blob, par);
}

Result<CellsAndProofs> Context::compute_cells_and_kzg_proofs(const Blob& blob) const {
    // Spec compute_cells_and_kzg_proofs -> compute_cells_and_kzg_proofs_polynomialcoeff.
    constexpr std::string_view op = "compute_cells_and_kzg_proofs";
    impl_->wake_pool();
    std::vector<Fr> poly(FIELD_ELEMENTS_PER_BLOB);
    if (auto e = detail::decode_blob_plain_phase(impl_->options, op, poly, blob)) return *e;
    CellsAndProofs out;
    {
        PhaseTimer t(impl_->options, op, "fft");  // to coefficients, and the cells
        const core::ParallelFor par = impl_->parallel_for();
        eip7594::blob_evals_to_scaled_coeffs(poly, impl_->eip7594, par);
        out.cells = eip7594::compute_cells_from_scaled_coeffs(poly, impl_->eip7594, blob, par);
        eip7594::scaled_plain_coeffs_to_montgomery(poly, par);
    }
    PhaseTimer fk20(impl_->options, op, "fk20");  // the FK20 MSMs and G1 FFTs
    auto proofs = eip7594::compute_cell_kzg_proofs(poly, impl_->eip7594, impl_->parallel_for());
    if (!proofs) return proofs.error();
    out.proofs = std::move(*proofs);
    return out;
}

Result<CellsAndProofs> Context::recover_cells_and_kzg_proofs(std::span<const std::uint64_t> cell_indices,
                                                             std::span<const Cell> cells) const {
    // Spec recover_cells_and_kzg_proofs.
    constexpr std::string_view op = "recover_cells_and_kzg_proofs";
    impl_->wake_pool();
    std::vector<Fr> cosets_evals;
    {
        PhaseTimer t(impl_->options, op, "decode");
        if (auto e = validate_recovery_inputs(cosets_evals, cell_indices, cells)) return *e;
    }
    PhaseTimer fft(impl_->options, op, "fft");  // recover_polynomialcoeff
    const std::vector<Fr> coeffs = eip7594::recover_polynomialcoeff(cell_indices, cosets_evals, impl_->eip7594, impl_->parallel_for());
    fft.stop();
    cosets_evals = {};
    PhaseTimer fk20(impl_->options, op, "fk20");
    return eip7594::compute_cells_and_kzg_proofs_polynomialcoeff(coeffs, impl_->eip7594, impl_->parallel_for());
}

Result<std::vector<Cell>> Context::recover_cells(std::span<const std::uint64_t> cell_indices,
                                                 std::span<const Cell> cells) const {
    // recover_cells_and_kzg_proofs without the proofs.
    impl_->wake_pool();
    std::vector<Fr> cosets_evals;
    if (auto e = validate_recovery_inputs(cosets_evals, cell_indices, cells)) return *e;
    const std::vector<Fr> coeffs = eip7594::recover_polynomialcoeff(cell_indices, cosets_evals, impl_->eip7594, impl_->parallel_for());
    cosets_evals = {};
    return eip7594::compute_cells_polynomialcoeff(coeffs, impl_->eip7594, impl_->parallel_for());
}

Result<bool> Context::verify_cell_kzg_proof_batch(std::span<const KZGCommitment> commitments_bytes,
                                                  std::span<const std::uint64_t> cell_indices,
                                                  std::span<const Cell> cells,
                                                  std::span<const KZGProof> proofs_bytes) const {
    // Spec verify_cell_kzg_proof_batch.
    const std::size_t n = cell_indices.size();
    if (commitments_bytes.size() != n || cells.size() != n || proofs_bytes.size() != n)
        return invalid("lists differ in length: " + std::to_string(commitments_bytes.size()) + " commitments, " +
                       std::to_string(n) + " cell_indices, " + std::to_string(cells.size()) + " cells, " +
                       std::to_string(proofs_bytes.size()) + " proofs");
    for (std::size_t k = 0; k < n; k++)
        if (auto e = check_cell_index(cell_indices, k)) return *e;
    if (n == 0) return true;
    impl_->wake_pool();

    PhaseTimer decode(impl_->options, "verify_cell_kzg_proof_batch", "decode");  // commitments, cells, proofs; the challenge
    // Deduplicate the commitments (first occurrence order, as the spec's
    // list comprehension); each distinct one is decoded once, below.
    std::vector<KZGCommitment> unique_bytes;
    std::vector<std::size_t> unique_first;  // where each first occurs, for its error
    std::vector<std::uint64_t> commitment_indices(n);
    std::unordered_map<KZGCommitment, std::uint64_t, Bytes48Hash> seen;
    for (std::size_t k = 0; k < n; k++) {
        auto [it, inserted] = seen.try_emplace(commitments_bytes[k], unique_bytes.size());
        if (inserted) {
            unique_bytes.push_back(commitments_bytes[k]);
            unique_first.push_back(k);
        }
        commitment_indices[k] = it->second;
    }
    std::vector<blst_p1> unique_points(unique_bytes.size());
    std::optional<Error> commitment_error;
    bool commitments_decoded = false;
    const auto decode_commitments = [&] {
        for (std::size_t i = 0; i < unique_bytes.size() && !commitment_error; i++)
            commitment_error = decode_g1(unique_points[i], unique_bytes[i], indexed("commitments", unique_first[i]));
        commitments_decoded = true;
    };

    // The spec's order of checks: the commitments, the cells, the proofs.
    std::vector<Fr> cosets_evals;
    if (auto e = cells_to_cosets_evals(cosets_evals, cells, "cells", impl_->parallel_for(4))) {
        decode_commitments();
        return commitment_error ? *commitment_error : *e;
    }

    // Decompressing and subgroup-checking the proofs dominates. Many proofs
    // are checked together (decode_proofs_batched), with the commitments'
    // decoding (each a square root and a subgroup check: ~0.5 ms for 8) and
    // spec step 1, the challenge, beside them: the challenge hashes the input
    // bytes only (its result is dropped if a check fails). Otherwise, and
    // whenever that finds a fault, proof by proof across the pool, so that
    // the error is the lowest index's, as in a serial loop.
    std::optional<Fr> challenge;
    const auto hash = [&] {
        challenge = eip7594::compute_verify_cell_kzg_proof_batch_challenge(unique_bytes, commitment_indices,
                                                                           cell_indices, cells, proofs_bytes);
    };
    std::vector<blst_p1> proofs(n);
    const bool batched = decode_proofs_batched(*impl_, proofs_bytes, proofs, [&] {
        decode_commitments();
        hash();
    });
    if (!commitments_decoded) decode_commitments();
    if (commitment_error) return *commitment_error;
    if (!batched) {
        std::vector<std::optional<Error>> errors(n);
        impl_->parallel(n, [&](std::size_t k0, std::size_t k1) {
            for (std::size_t k = k0; k < k1; k++)
                if ((errors[k] = decode_g1(proofs[k], proofs_bytes[k], indexed("proofs", k)))) return;
        });
        for (auto& e : errors)
            if (e) return *e;
    }
    decode.stop();

    PhaseTimer pairing(impl_->options, "verify_cell_kzg_proof_batch", "pairing");  // RLC, MSMs, pairing
    if (!challenge) hash();
    return eip7594::verify_cell_kzg_proof_batch_impl(*impl_, *challenge, unique_points, commitment_indices,
                                                     cell_indices, cosets_evals, proofs);
}

Result<Bytes32> Context::compute_verify_cell_kzg_proof_batch_challenge(
    std::span<const KZGCommitment> commitments, std::span<const std::uint64_t> commitment_indices,
    std::span<const std::uint64_t> cell_indices, std::span<const Cell> cosets_evals,
    std::span<const KZGProof> proofs) const {
    const std::size_t n = cell_indices.size();
    if (commitment_indices.size() != n || cosets_evals.size() != n || proofs.size() != n)
        return invalid("lists differ in length: " + std::to_string(commitment_indices.size()) +
                       " commitment_indices, " + std::to_string(n) + " cell_indices, " +
                       std::to_string(cosets_evals.size()) + " cosets_evals, " + std::to_string(proofs.size()) +
                       " proofs");
    for (std::size_t k = 0; k < n; k++) {
        if (commitment_indices[k] >= commitments.size())
            return invalid(indexed("commitment_indices", k), std::to_string(commitment_indices[k]) +
                                                                 " is not below the number of commitments " +
                                                                 std::to_string(commitments.size()));
        if (auto e = check_cell_index(cell_indices, k)) return *e;
    }
    for (std::size_t i = 0; i < commitments.size(); i++) {
        blst_p1 p;
        if (auto e = decode_g1(p, commitments[i], indexed("commitments", i))) return *e;
    }
    std::vector<Fr> evals(kCellFr);
    for (std::size_t k = 0; k < n; k++) {
        if (auto e = cell_to_coset_evals(evals, cosets_evals[k], indexed("cosets_evals", k))) return *e;
        blst_p1 p;
        if (auto e = decode_g1(p, proofs[k], indexed("proofs", k))) return *e;
    }
    Bytes32 out;
    core::fr_to_bytes(out.data(), eip7594::compute_verify_cell_kzg_proof_batch_challenge(
                                      commitments, commitment_indices, cell_indices, cosets_evals, proofs));
    return out;
}

}  // namespace kzg
