#include "bench/workload.hpp"

#include <sys/utsname.h>
#include <unistd.h>

#include <fstream>
#include <random>

#include "core/parallel.hpp"

namespace kzg::bench {

namespace {

void random_blob(std::mt19937_64& rng, Blob& blob) {
    for (std::size_t i = 0; i < FIELD_ELEMENTS_PER_BLOB; i++) {
        for (std::size_t j = 0; j < 32; j++) blob.bytes[i * 32 + j] = static_cast<std::uint8_t>(rng());
        blob.bytes[i * 32] &= 0x3f;  // below the modulus
    }
}

}  // namespace

Workload::Workload(const Context& ctx, std::uint64_t seed) : ctx_(ctx) {
    constexpr std::size_t kBlobs = 64, kCellBlobs = 8;
    std::mt19937_64 rng(seed);
    blobs_.resize(kBlobs);
    for (auto& b : blobs_) {
        random_blob(rng, b);
        commitments_.push_back(ctx.blob_to_kzg_commitment(b).value());
        proofs_.push_back(ctx.compute_blob_kzg_proof(b, commitments_.back()).value());
    }
    z_.bytes[31] = 7;
    proof_y_ = ctx.compute_kzg_proof(blobs_[0], z_).value();
    for (std::size_t b = 0; b < kCellBlobs; b++) {
        const CellsAndProofs cp = ctx.compute_cells_and_kzg_proofs(blobs_[b]).value();
        for (std::uint64_t k = 0; k < CELLS_PER_EXT_BLOB; k++) {
            cell_commitments_.push_back(commitments_[b]);
            cell_indices_.push_back(k);
            cells_.push_back(cp.cells[k]);
            cell_proofs_.push_back(cp.proofs[k]);
            if (b == 0 && k % 2 == 0) {
                half_indices_.push_back(k);
                half_cells_.push_back(cp.cells[k]);
            }
        }
    }

    const Blob& blob = blobs_[0];
    ops_ = {
        {operation_names()[0], [this, &blob] { return ctx_.blob_to_kzg_commitment(blob).ok(); }},
        {operation_names()[1], [this, &blob] { return ctx_.compute_kzg_proof(blob, z_).ok(); }},
        {operation_names()[2], [this, &blob] { return ctx_.compute_blob_kzg_proof(blob, commitments_[0]).ok(); }},
        {operation_names()[3],
         [this] {
             auto r = ctx_.verify_kzg_proof(commitments_[0], z_, proof_y_.y, proof_y_.proof);
             return r.ok() && *r;
         }},
        {operation_names()[4],
         [this, &blob] {
             auto r = ctx_.verify_blob_kzg_proof(blob, commitments_[0], proofs_[0]);
             return r.ok() && *r;
         }},
        {operation_names()[5],
         [this] {
             auto r = ctx_.verify_blob_kzg_proof_batch(blobs_, commitments_, proofs_);
             return r.ok() && *r;
         }},
        {operation_names()[6], [this, &blob] { return ctx_.compute_cells(blob).ok(); }},
        {operation_names()[7], [this, &blob] { return ctx_.compute_cells_and_kzg_proofs(blob).ok(); }},
        {operation_names()[8],
         [this] { return ctx_.recover_cells_and_kzg_proofs(half_indices_, half_cells_).ok(); }},
        {operation_names()[9], [this] { return ctx_.recover_cells(half_indices_, half_cells_).ok(); }},
        {operation_names()[10],
         [this] {
             auto r = ctx_.verify_cell_kzg_proof_batch(cell_commitments_, cell_indices_, cells_, cell_proofs_);
             return r.ok() && *r;
         }},
    };
}

const std::vector<std::string>& Workload::operation_names() {
    static const std::vector<std::string> names = {
        "blob_to_kzg_commitment",
        "compute_kzg_proof",
        "compute_blob_kzg_proof",
        "verify_kzg_proof",
        "verify_blob_kzg_proof",
        "verify_blob_kzg_proof_batch_64",
        "compute_cells",
        "compute_cells_and_kzg_proofs",
        "recover_cells_and_kzg_proofs_64_of_128",
        "recover_cells_64_of_128",
        "verify_cell_kzg_proof_batch_8x128",
    };
    return names;
}

MachineInfo machine_info() {
    MachineInfo m;
    std::ifstream in("/proc/cpuinfo");
    std::string line;
    while (std::getline(in, line)) {
        if (line.rfind("model name", 0) == 0) {
            m.cpu_model = line.substr(line.find(':') + 2);
            break;
        }
    }
    m.online_cpus = static_cast<unsigned>(::sysconf(_SC_NPROCESSORS_ONLN));
    m.usable_cpus = core::affinity_cpus();
    utsname u{};
    if (::uname(&u) == 0) m.kernel = std::string(u.sysname) + " " + u.release + " " + u.machine;
    return m;
}

}  // namespace kzg::bench
