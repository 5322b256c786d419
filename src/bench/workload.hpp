// The benchmark workload shared by `kzgctl bench` and the Google Benchmark
// suite: fixed-seed inputs (64 blobs with commitments and proofs, 8 blobs'
// cells and cell proofs) and one named operation per public function.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "kzg/kzg.hpp"

namespace kzg::bench {

struct Operation {
    std::string name;
    std::function<bool()> run;  // false when the call failed or did not verify
};

class Workload {
  public:
    // Builds the inputs with `ctx` (which must outlive the workload).
    explicit Workload(const Context& ctx, std::uint64_t seed = 42);
    Workload(const Workload&) = delete;  // the operations refer to this object
    Workload& operator=(const Workload&) = delete;
    const std::vector<Operation>& operations() const { return ops_; }
    // The operations' names, in order, without building a workload.
    static const std::vector<std::string>& operation_names();

  private:
    const Context& ctx_;
    std::vector<Blob> blobs_;
    std::vector<KZGCommitment> commitments_;
    std::vector<KZGProof> proofs_;
    Bytes32 z_;
    ProofAndY proof_y_;
    std::vector<KZGCommitment> cell_commitments_;
    std::vector<KZGProof> cell_proofs_;
    std::vector<std::uint64_t> cell_indices_, half_indices_;
    std::vector<Cell> cells_, half_cells_;
    std::vector<Operation> ops_;
};

struct MachineInfo {
    std::string cpu_model;
    unsigned online_cpus = 0;
    unsigned usable_cpus = 0;  // affinity mask
    std::string kernel;
};
MachineInfo machine_info();

}  // namespace kzg::bench
