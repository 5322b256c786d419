// Placeholder until the EIP-7594 implementation lands.
#include "context/context_impl.hpp"

namespace kzg {
namespace eip7594 {
std::optional<Error> build_tables(Tables&, const std::vector<blst_p1_affine>&) { return std::nullopt; }
}  // namespace eip7594

static Error not_yet() { return Error{ErrorCode::kInternal, "EIP-7594 is not implemented yet"}; }

Result<std::vector<Cell>> Context::compute_cells(const Blob&) const { return not_yet(); }
Result<CellsAndProofs> Context::compute_cells_and_kzg_proofs(const Blob&) const { return not_yet(); }
Result<CellsAndProofs> Context::recover_cells_and_kzg_proofs(std::span<const std::uint64_t>, std::span<const Cell>) const { return not_yet(); }
Result<std::vector<Cell>> Context::recover_cells(std::span<const std::uint64_t>, std::span<const Cell>) const { return not_yet(); }
Result<bool> Context::verify_cell_kzg_proof_batch(std::span<const Bytes48>, std::span<const std::uint64_t>, std::span<const Cell>, std::span<const Bytes48>) const { return not_yet(); }
Result<Bytes32> Context::compute_verify_cell_kzg_proof_batch_challenge(std::span<const Bytes48>, std::span<const std::uint64_t>, std::span<const std::uint64_t>, std::span<const Cell>, std::span<const Bytes48>) const { return not_yet(); }
}  // namespace kzg
