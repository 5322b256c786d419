// Inputs of recover_cells / recover_cells_and_kzg_proofs (both targets and
// the differential target share them).
//   byte 0 bit 0 clear, "raw": u8 count (mod 131) of cell indices, then that
//     many cells (one more or one fewer with bits 1/2), typed (fuzz_common.hpp).
//   byte 0 bit 0 set, "derived": a blob (made canonical: the top two bits of
//     each element cleared), its 128 cells from compute_cells, then a 16-byte
//     mask of the cells kept (ascending), then u8 % 4 edits, each u8 kind:
//     0 swap two indices, 1 duplicate one, 2 set one to a cell index,
//     3 replace element u8 of cell u8 by a field element, 4 drop a cell.
#pragma once

#include <algorithm>

#include "fuzz_common.hpp"

namespace fuzz {

struct RecoveryInput {
    std::vector<std::uint64_t> indices;
    std::vector<kzg::Cell> cells;
    bool derived = false;
    bool cells_edited = false;             // a cell no longer from the blob at its index
    std::vector<kzg::Cell> all_cells;      // derived: the blob's 128 cells
    std::unique_ptr<kzg::Blob> blob;       // derived: the blob
};

inline RecoveryInput read_recovery_input(Reader& r, const kzg::Context& ctx) {
    RecoveryInput in;
    const std::uint8_t mode = r.u8();
    if ((mode & 1) == 0) {
        const std::size_t n = r.u8() % 131;
        for (std::size_t i = 0; i < n; i++) in.indices.push_back(read_cell_index(r));
        std::size_t m = n;
        if (mode & 2) m++;
        if ((mode & 4) && m > 0) m--;
        in.cells.resize(m);
        for (auto& c : in.cells) read_cell(r, c);
        return in;
    }
    in.derived = true;
    in.blob = std::make_unique<kzg::Blob>();
    read_blob(r, *in.blob);
    for (std::size_t i = 0; i < kzg::FIELD_ELEMENTS_PER_BLOB; i++) in.blob->bytes[32 * i] &= 0x3f;
    auto cells = ctx.compute_cells(*in.blob);
    if (!cells) fail("compute_cells of a canonical blob failed: " + cells.message());
    in.all_cells = std::move(cells).value();
    std::uint8_t mask[16];
    r.bytes(mask, 16);
    for (std::uint64_t k = 0; k < kzg::CELLS_PER_EXT_BLOB; k++) {
        if (mask[k / 8] >> (k % 8) & 1) {
            in.indices.push_back(k);
            in.cells.push_back(in.all_cells[k]);
        }
    }
    for (std::size_t e = r.u8() % 4; e > 0; e--) {
        const std::uint8_t kind = r.u8() % 5;
        if (in.indices.empty()) break;
        const std::size_t a = r.u8() % in.indices.size(), b = r.u8() % in.indices.size();
        switch (kind) {
            case 0: std::swap(in.indices[a], in.indices[b]); break;
            case 1:
                in.indices.insert(in.indices.begin() + static_cast<std::ptrdiff_t>(a), in.indices[a]);
                in.cells.insert(in.cells.begin() + static_cast<std::ptrdiff_t>(a), in.cells[a]);
                break;
            case 2: {
                const std::uint64_t v = read_cell_index(r);
                if (v != in.indices[a]) in.cells_edited = true;  // the cell no longer matches its index
                in.indices[a] = v;
                break;
            }
            case 3: {
                if (a >= in.cells.size()) break;
                const kzg::Bytes32 v = read_fe(r);
                const std::size_t j = b % kzg::FIELD_ELEMENTS_PER_CELL;
                std::copy(v.bytes.begin(), v.bytes.end(), in.cells[a].bytes.begin() + static_cast<std::ptrdiff_t>(32 * j));
                in.cells_edited = true;
                break;
            }
            default:
                if (!in.cells.empty()) in.cells.pop_back();
                break;
        }
    }
    return in;
}

// The spec's input checks, written out: equal lengths, 64..128 cells, indices
// below 128 and strictly ascending, canonical cells.
inline bool recovery_input_valid(const RecoveryInput& in) {
    const std::size_t n = in.indices.size();
    if (in.cells.size() != n || n < kzg::CELLS_PER_EXT_BLOB / 2 || n > kzg::CELLS_PER_EXT_BLOB) return false;
    for (std::size_t k = 0; k < n; k++) {
        if (in.indices[k] >= kzg::CELLS_PER_EXT_BLOB) return false;
        if (k > 0 && in.indices[k] <= in.indices[k - 1]) return false;
    }
    return std::all_of(in.cells.begin(), in.cells.end(), [](const kzg::Cell& c) { return cell_is_canonical(c); });
}

// Did the recovered cells keep the given ones? (True exactly when the given
// cells are evaluations of one polynomial of degree < 4096.)
inline bool recovered_keeps_input(const RecoveryInput& in, const std::vector<kzg::Cell>& recovered) {
    for (std::size_t k = 0; k < in.indices.size(); k++)
        if (!(recovered[static_cast<std::size_t>(in.indices[k])] == in.cells[k])) return false;
    return true;
}

}  // namespace fuzz
