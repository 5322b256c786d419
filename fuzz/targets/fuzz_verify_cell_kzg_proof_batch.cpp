// Context::verify_cell_kzg_proof_batch.
//   byte 0 bit 0 clear, "raw": u8 count (mod 9), then per entry commitment,
//     cell index, cell, proof (typed); bits 1-2: one list shorter.
//   byte 0 bit 0 set, "derived": from three blobs prepared once (zero,
//     sparse, dense) with their commitments, cells and proofs: u8 count
//     (mod 17) entries of (u8 blob, u8 cell), then u8 % 4 edits, each u8 kind:
//     0 element u8 of an entry's cell := field element, 1 an entry's proof :=
//     another entry's, 2 an entry's commitment := another blob's, 3 an
//     entry's index := cell index, 4 an entry's commitment := typed G1.
// Properties: accepted iff lengths match, indices < 128, every point decodes
// and every cell is canonical; an unedited derived batch verifies; with at
// most 8 entries the batch is true iff every entry verifies alone.
#include "fuzz_common.hpp"

namespace {

struct Prepared {
    kzg::KZGCommitment commitment;
    kzg::CellsAndProofs cp;
};

const std::vector<Prepared>& prepared() {
    static const std::vector<Prepared> p = [] {
        const kzg::Context& ctx = fuzz::context();
        std::vector<Prepared> out;
        for (int k = 0; k < 3; k++) {
            auto blob = std::make_unique<kzg::Blob>();
            for (std::size_t i = 0; i < kzg::FIELD_ELEMENTS_PER_BLOB; i++) {
                if (k == 1 && i % 97 != 3) continue;
                if (k == 0) continue;
                std::uint64_t x = 0x9e3779b97f4a7c15ULL * (i + 1) * (static_cast<std::uint64_t>(k) + 7);
                for (int j = 0; j < 32; j++, x = x * 6364136223846793005ULL + 1442695040888963407ULL)
                    blob->bytes[32 * i + static_cast<std::size_t>(j)] = static_cast<std::uint8_t>(x >> 56);
                blob->bytes[32 * i] &= 0x3f;
            }
            Prepared e;
            e.commitment = ctx.blob_to_kzg_commitment(*blob).value();
            e.cp = ctx.compute_cells_and_kzg_proofs(*blob).value();
            out.push_back(std::move(e));
        }
        return out;
    }();
    return p;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const kzg::Context& ctx = fuzz::context();
    fuzz::Reader r(data, size);
    const std::uint8_t mode = r.u8();
    std::vector<kzg::KZGCommitment> cs;
    std::vector<kzg::KZGProof> ps;
    std::vector<std::uint64_t> idx;
    std::vector<kzg::Cell> cells;
    bool must_verify = false;
    if ((mode & 1) == 0) {
        const std::size_t n = r.u8() % 9;
        for (std::size_t i = 0; i < n; i++) {
            cs.push_back(fuzz::read_g1<kzg::KZGCommitment>(r));
            idx.push_back(fuzz::read_cell_index(r));
            cells.emplace_back();
            fuzz::read_cell(r, cells.back());
            ps.push_back(fuzz::read_g1<kzg::KZGProof>(r));
        }
        if (n > 0) {
            switch ((mode >> 1) & 3) {
                case 1: cs.pop_back(); break;
                case 2: cells.pop_back(); break;
                case 3: ps.pop_back(); break;
                default: break;
            }
        }
    } else {
        const auto& pool = prepared();
        const std::size_t n = r.u8() % 17;
        std::vector<std::size_t> which(n);
        for (std::size_t i = 0; i < n; i++) {
            which[i] = r.u8() % pool.size();
            const std::uint64_t k = r.u8() % kzg::CELLS_PER_EXT_BLOB;
            cs.push_back(pool[which[i]].commitment);
            idx.push_back(k);
            cells.push_back(pool[which[i]].cp.cells[k]);
            ps.push_back(pool[which[i]].cp.proofs[k]);
        }
        must_verify = true;
        for (std::size_t e = r.u8() % 4; e > 0 && n > 0; e--) {
            const std::uint8_t kind = r.u8() % 5;
            const std::size_t a = r.u8() % n, b = r.u8() % n;
            switch (kind) {
                case 0: {
                    const kzg::Bytes32 v = fuzz::read_fe(r);
                    const std::size_t j = r.u8() % kzg::FIELD_ELEMENTS_PER_CELL;
                    std::copy(v.bytes.begin(), v.bytes.end(), cells[a].bytes.begin() + static_cast<std::ptrdiff_t>(32 * j));
                    break;
                }
                case 1: ps[a] = ps[b]; break;
                case 2: cs[a] = pool[(which[a] + 1 + b % 2) % pool.size()].commitment; break;
                case 3: idx[a] = fuzz::read_cell_index(r); break;
                default: cs[a] = fuzz::read_g1<kzg::KZGCommitment>(r); break;
            }
            must_verify = false;
        }
    }
    const std::size_t n = idx.size();
    bool valid = cs.size() == n && cells.size() == n && ps.size() == n;
    for (std::size_t i = 0; valid && i < n; i++)
        valid = idx[i] < kzg::CELLS_PER_EXT_BLOB && fuzz::g1_is_valid(cs[i]) && fuzz::cell_is_canonical(cells[i]) &&
                fuzz::g1_is_valid(ps[i]);
    auto v = ctx.verify_cell_kzg_proof_batch(cs, idx, cells, ps);
    FUZZ_CHECK(v.ok() == valid, v.ok() ? "accepted" : v.message());
    if (!v.ok()) {
        FUZZ_CHECK(v.code() == kzg::ErrorCode::kInvalidInput && !v.message().empty(), v.message());
        return 0;
    }
    if (n == 0) FUZZ_CHECK(*v, "the empty batch is not true");
    if (must_verify) FUZZ_CHECK(*v, "cells and proofs of compute_cells_and_kzg_proofs do not verify");
    if (n <= 8) {
        bool all = true;
        for (std::size_t i = 0; i < n; i++) {
            auto one = ctx.verify_cell_kzg_proof_batch(std::span(&cs[i], 1), std::span(&idx[i], 1),
                                                       std::span(&cells[i], 1), std::span(&ps[i], 1));
            FUZZ_CHECK(one.ok(), one.message());
            all = all && *one;
        }
        FUZZ_CHECK(*v == all, std::string("batch ") + (*v ? "true" : "false") + ", one by one " + (all ? "all true" : "not all true"));
    }
    return 0;
}
