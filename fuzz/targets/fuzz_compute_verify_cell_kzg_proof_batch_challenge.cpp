// Context::compute_verify_cell_kzg_proof_batch_challenge.
//   u8 flags (bits 0-1: one list shorter), u8 count (mod 5) of commitments
//   (typed G1), u8 count (mod 7) of cells, then per cell: commitment index
//   (u8 v: v < 0xff is v % 6, 0xff a raw u64), cell index, cell, proof.
// Properties: accepted iff lengths match, commitment indices < number of
// commitments, cell indices < 128, every point decodes and every cell is
// canonical; the value is the spec's transcript hash, recomputed here.
#include "fuzz_common.hpp"

namespace {

void put_u64(std::vector<std::uint8_t>& t, std::uint64_t v) {
    for (int i = 7; i >= 0; i--) t.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const kzg::Context& ctx = fuzz::context();
    fuzz::Reader r(data, size);
    const std::uint8_t flags = r.u8();
    std::vector<kzg::KZGCommitment> commitments(r.u8() % 5);
    for (auto& c : commitments) c = fuzz::read_g1<kzg::KZGCommitment>(r);
    const std::size_t n = r.u8() % 7;
    std::vector<std::uint64_t> cidx, idx;
    std::vector<kzg::Cell> cells(n);
    std::vector<kzg::KZGProof> proofs;
    for (std::size_t k = 0; k < n; k++) {
        const std::uint8_t v = r.u8();
        cidx.push_back(v < 0xff ? v % 6 : r.u64());
        idx.push_back(fuzz::read_cell_index(r));
        fuzz::read_cell(r, cells[k]);
        proofs.push_back(fuzz::read_g1<kzg::KZGProof>(r));
    }
    if (n > 0) {
        switch (flags & 3) {
            case 1: cidx.pop_back(); break;
            case 2: cells.pop_back(); break;
            case 3: proofs.pop_back(); break;
            default: break;
        }
    }
    bool valid = cidx.size() == n && cells.size() == n && proofs.size() == n;
    for (const auto& c : commitments) valid = valid && fuzz::g1_is_valid(c);
    for (std::size_t k = 0; valid && k < n; k++)
        valid = cidx[k] < commitments.size() && idx[k] < kzg::CELLS_PER_EXT_BLOB && fuzz::cell_is_canonical(cells[k]) &&
                fuzz::g1_is_valid(proofs[k]);
    auto ch = ctx.compute_verify_cell_kzg_proof_batch_challenge(commitments, cidx, idx, cells, proofs);
    FUZZ_CHECK(ch.ok() == valid, ch.ok() ? "accepted" : ch.message());
    if (!ch.ok()) {
        FUZZ_CHECK(ch.code() == kzg::ErrorCode::kInvalidInput && !ch.message().empty(), ch.message());
        return 0;
    }
    std::vector<std::uint8_t> t;
    const char domain[] = "RCKZGCBATCH__V1_";
    t.insert(t.end(), domain, domain + 16);
    put_u64(t, kzg::FIELD_ELEMENTS_PER_BLOB);
    put_u64(t, kzg::FIELD_ELEMENTS_PER_CELL);
    put_u64(t, commitments.size());
    put_u64(t, n);
    for (const auto& c : commitments) t.insert(t.end(), c.bytes.begin(), c.bytes.end());
    for (std::size_t k = 0; k < n; k++) {
        put_u64(t, cidx[k]);
        put_u64(t, idx[k]);
        t.insert(t.end(), cells[k].bytes.begin(), cells[k].bytes.end());
        t.insert(t.end(), proofs[k].bytes.begin(), proofs[k].bytes.end());
    }
    std::uint8_t digest[32];
    blst_sha256(digest, t.data(), t.size());
    const kzg::Bytes32 want = fuzz::bytes_of(fuzz::fr_of(digest));
    FUZZ_CHECK(*ch == want, "challenge " + fuzz::hex(*ch) + " != " + fuzz::hex(want));
    return 0;
}
