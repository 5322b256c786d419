// Differential target: the same inputs to our library and to the reference
// C implementation (c-kzg 4.1.0, target ckzg_ref), function by function;
// aborts on any difference in accept/reject or in output bytes.
//   byte 0 % 11 picks the function, then its typed inputs (fuzz_common.hpp,
//   recovery_input.hpp; verify_cell_kzg_proof_batch as in its own target,
//   the derived entries drawn from cells and proofs c-kzg computed).
// Known differences, not reported:
//   * c-kzg 4.1.0 accepts cell indices that are not ascending in
//     recover_cells_and_kzg_proofs; the spec and we reject them: for such
//     inputs only our rejection is checked.
//   * recovery from cells that are not the evaluations of one polynomial of
//     degree < 4096 (not a codeword): the spec (and we) truncate the
//     recovered polynomial to 4096 coefficients before computing the cells,
//     c-kzg 4.1.0 returns the evaluations of the untruncated one (with all
//     128 cells given: the input cells). There only the proofs are compared
//     (both use the truncated polynomial). KZG_FUZZ_DIFF_STRICT=1 compares the
//     cells too.
#include "fuzz_common.hpp"
#include "recovery_input.hpp"

#include "ckzg_ref.hpp"

namespace {

static_assert(sizeof(kzg::Blob) == sizeof(::Blob) && sizeof(kzg::Cell) == sizeof(::Cell) &&
              sizeof(kzg::Bytes48) == sizeof(::Bytes48) && sizeof(kzg::Bytes32) == sizeof(::Bytes32));

const KZGSettings& ref() {
    static const KZGSettings* s = [] {
        FILE* fp = std::fopen(KZG_TRUSTED_SETUP_TXT, "r");
        if (fp == nullptr) fuzz::fail("cannot open " KZG_TRUSTED_SETUP_TXT);
        auto* settings = new KZGSettings{};
        const C_KZG_RET ret = load_trusted_setup_file(settings, fp, 0);
        std::fclose(fp);
        if (ret != C_KZG_OK) fuzz::fail("c-kzg load_trusted_setup_file failed");
        return settings;
    }();
    return *s;
}

const ::Blob* c(const kzg::Blob* b) { return reinterpret_cast<const ::Blob*>(b); }
const ::Cell* c(const kzg::Cell* b) { return reinterpret_cast<const ::Cell*>(b); }
template <class Tag>  // Bytes48, KZGCommitment, KZGProof
const ::Bytes48* c(const kzg::ByteArray<48, Tag>* b) { return reinterpret_cast<const ::Bytes48*>(b); }
const ::Bytes32* c(const kzg::Bytes32* b) { return reinterpret_cast<const ::Bytes32*>(b); }
::Cell* out(kzg::Cell* b) { return reinterpret_cast<::Cell*>(b); }
template <class Tag>
::Bytes48* out(kzg::ByteArray<48, Tag>* b) { return reinterpret_cast<::Bytes48*>(b); }
::Bytes32* out(kzg::Bytes32* b) { return reinterpret_cast<::Bytes32*>(b); }

const char* ret_name(C_KZG_RET r) {
    switch (r) {
        case C_KZG_OK: return "C_KZG_OK";
        case C_KZG_BADARGS: return "C_KZG_BADARGS";
        case C_KZG_ERROR: return "C_KZG_ERROR";
        case C_KZG_MALLOC: return "C_KZG_MALLOC";
    }
    return "?";
}

// Same accept/reject? Returns true when both accepted (outputs to compare).
template <class T>
bool same_verdict(const char* fn, const kzg::Result<T>& ours, C_KZG_RET theirs) {
    if (ours.ok() != (theirs == C_KZG_OK))
        fuzz::fail(std::string(fn) + ": ours " + (ours.ok() ? "accepted" : "rejected (" + ours.message() + ")") +
                   ", c-kzg " + ret_name(theirs));
    if (!ours.ok()) {
        FUZZ_CHECK(theirs == C_KZG_BADARGS, std::string(fn) + ": c-kzg failed with " + ret_name(theirs));
        FUZZ_CHECK(ours.code() == kzg::ErrorCode::kInvalidInput, std::string(fn) + ": our code " +
                                                                      std::string(kzg::error_code_name(ours.code())));
    }
    return ours.ok();
}

template <std::size_t N, class Tag>
void same_bytes(const char* fn, const char* what, const kzg::ByteArray<N, Tag>& a, const kzg::ByteArray<N, Tag>& b) {
    if (!(a == b)) fuzz::fail(std::string(fn) + ": " + what + " differ: ours " + fuzz::hex(a) + ", c-kzg " + fuzz::hex(b));
}

template <class T>
void same_list(const char* fn, const char* what, const std::vector<T>& a, const std::vector<T>& b) {
    FUZZ_CHECK(a.size() == b.size(), std::string(fn) + ": " + what + " counts");
    for (std::size_t i = 0; i < a.size(); i++)
        if (!(a[i] == b[i]))
            fuzz::fail(std::string(fn) + ": " + what + "[" + std::to_string(i) + "] differ: ours " + fuzz::hex(a[i]) +
                       ", c-kzg " + fuzz::hex(b[i]));
}

// Commitment, cells and proofs of a few blobs, computed by c-kzg.
struct Prepared {
    kzg::KZGCommitment commitment;
    std::vector<kzg::Cell> cells;
    std::vector<kzg::KZGProof> proofs;
};

const std::vector<Prepared>& prepared() {
    static const std::vector<Prepared> pool = [] {
        std::vector<Prepared> v;
        for (int k = 0; k < 3; k++) {
            auto blob = std::make_unique<kzg::Blob>();
            for (std::size_t i = 0; k > 0 && i < kzg::FIELD_ELEMENTS_PER_BLOB; i++) {
                if (k == 1 && i % 97 != 3) continue;
                std::uint64_t x = 0x9e3779b97f4a7c15ULL * (i + 1) * (static_cast<std::uint64_t>(k) + 11);
                for (int j = 0; j < 32; j++, x = x * 6364136223846793005ULL + 1442695040888963407ULL)
                    blob->bytes[32 * i + static_cast<std::size_t>(j)] = static_cast<std::uint8_t>(x >> 56);
                blob->bytes[32 * i] &= 0x3f;
            }
            Prepared p;
            p.cells.resize(kzg::CELLS_PER_EXT_BLOB);
            p.proofs.resize(kzg::CELLS_PER_EXT_BLOB);
            if (blob_to_kzg_commitment(out(&p.commitment), c(blob.get()), &ref()) != C_KZG_OK ||
                compute_cells_and_kzg_proofs(out(p.cells.data()), out(p.proofs.data()), c(blob.get()), &ref()) != C_KZG_OK)
                fuzz::fail("c-kzg could not prepare the cell pool");
            v.push_back(std::move(p));
        }
        return v;
    }();
    return pool;
}

bool env_flag(const char* name) {
    const char* v = std::getenv(name);
    return v != nullptr && std::string(v) == "1";
}

void diff_recover(const kzg::Context& ctx, fuzz::Reader& r, bool with_proofs) {
    const char* fn = with_proofs ? "recover_cells_and_kzg_proofs" : "recover_cells";
    const fuzz::RecoveryInput in = fuzz::read_recovery_input(r, ctx);
    const std::size_t n = in.indices.size();
    if (in.cells.size() != n) {  // c-kzg takes one count for both lists: ours alone
        auto ours = ctx.recover_cells(in.indices, in.cells);
        FUZZ_CHECK(!ours.ok(), std::string(fn) + ": lists of different lengths accepted");
        return;
    }
    bool ascending = true;
    for (std::size_t k = 1; k < n; k++) ascending = ascending && in.indices[k] > in.indices[k - 1];
    std::vector<kzg::Cell> cells(kzg::CELLS_PER_EXT_BLOB);
    std::vector<kzg::KZGProof> proofs(kzg::CELLS_PER_EXT_BLOB);
    const C_KZG_RET theirs = recover_cells_and_kzg_proofs(out(cells.data()), with_proofs ? out(proofs.data()) : nullptr,
                                                          in.indices.data(), c(in.cells.data()), n, &ref());
    if (!ascending) {
        // Known difference: c-kzg accepts unsorted (not duplicate) indices.
        auto ours = ctx.recover_cells(in.indices, in.cells);
        FUZZ_CHECK(!ours.ok(), std::string(fn) + ": indices not strictly ascending were accepted");
        return;
    }
    std::vector<kzg::Cell> our_cells;
    std::vector<kzg::KZGProof> our_proofs;
    if (with_proofs) {
        auto ours = ctx.recover_cells_and_kzg_proofs(in.indices, in.cells);
        if (!same_verdict(fn, ours, theirs)) return;
        our_cells = ours->cells;
        our_proofs = ours->proofs;
        same_list(fn, "proofs", our_proofs, proofs);
    } else {
        auto ours = ctx.recover_cells(in.indices, in.cells);
        if (!same_verdict(fn, ours, theirs)) return;
        our_cells = *ours;
    }
    // Known difference: cells recovered from a non-codeword (see the top).
    if (fuzz::recovered_keeps_input(in, our_cells) || env_flag("KZG_FUZZ_DIFF_STRICT"))
        same_list(fn, "cells", our_cells, cells);
}

void diff_verify_cells(const kzg::Context& ctx, fuzz::Reader& r) {
    const char* fn = "verify_cell_kzg_proof_batch";
    const std::uint8_t mode = r.u8();
    std::vector<kzg::KZGCommitment> cs;
    std::vector<kzg::KZGProof> ps;
    std::vector<std::uint64_t> idx;
    std::vector<kzg::Cell> cells;
    if ((mode & 1) == 0) {
        const std::size_t n = r.u8() % 9;
        for (std::size_t i = 0; i < n; i++) {
            cs.push_back(fuzz::read_g1<kzg::KZGCommitment>(r));
            idx.push_back(fuzz::read_cell_index(r));
            cells.emplace_back();
            fuzz::read_cell(r, cells.back());
            ps.push_back(fuzz::read_g1<kzg::KZGProof>(r));
        }
    } else {
        const auto& pool = prepared();
        const std::size_t n = r.u8() % 17;
        for (std::size_t i = 0; i < n; i++) {
            const std::size_t w = r.u8() % pool.size(), k = r.u8() % kzg::CELLS_PER_EXT_BLOB;
            cs.push_back(pool[w].commitment);
            idx.push_back(k);
            cells.push_back(pool[w].cells[k]);
            ps.push_back(pool[w].proofs[k]);
        }
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
                case 2: cs[a] = cs[b]; break;
                case 3: idx[a] = fuzz::read_cell_index(r); break;
                default: cs[a] = fuzz::read_g1<kzg::KZGCommitment>(r); break;
            }
        }
    }
    bool theirs_v = false;
    const C_KZG_RET theirs = verify_cell_kzg_proof_batch(&theirs_v, c(cs.data()), idx.data(), c(cells.data()),
                                                         c(ps.data()), idx.size(), &ref());
    auto ours = ctx.verify_cell_kzg_proof_batch(cs, idx, cells, ps);
    if (same_verdict(fn, ours, theirs)) FUZZ_CHECK(*ours == theirs_v, std::string(fn) + ": verdicts differ");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const kzg::Context& ctx = fuzz::context();
    (void)ref();
    fuzz::Reader r(data, size);
    auto blob = std::make_unique<kzg::Blob>();
    const std::uint8_t selector = r.u8() % 11;
    switch (selector) {
        case 0: {
            fuzz::read_blob(r, *blob);
            kzg::KZGCommitment theirs;
            const C_KZG_RET ret = blob_to_kzg_commitment(out(&theirs), c(blob.get()), &ref());
            auto ours = ctx.blob_to_kzg_commitment(*blob);
            if (same_verdict("blob_to_kzg_commitment", ours, ret))
                same_bytes("blob_to_kzg_commitment", "commitments", *ours, theirs);
            break;
        }
        case 1: {
            fuzz::read_blob(r, *blob);
            const kzg::Bytes32 z = fuzz::read_fe(r);
            kzg::KZGProof proof;
            kzg::Bytes32 y;
            const C_KZG_RET ret = compute_kzg_proof(out(&proof), out(&y), c(blob.get()), c(&z), &ref());
            auto ours = ctx.compute_kzg_proof(*blob, z);
            if (same_verdict("compute_kzg_proof", ours, ret)) {
                same_bytes("compute_kzg_proof", "proofs", ours->proof, proof);
                same_bytes("compute_kzg_proof", "y", ours->y, y);
            }
            break;
        }
        case 2: {
            const std::uint8_t flags = r.u8();
            fuzz::read_blob(r, *blob);
            kzg::KZGCommitment cm = fuzz::read_g1<kzg::KZGCommitment>(r);
            if ((flags & 1) && blob_to_kzg_commitment(out(&cm), c(blob.get()), &ref()) != C_KZG_OK)
                cm = fuzz::read_g1<kzg::KZGCommitment>(r);
            kzg::KZGProof theirs;
            const C_KZG_RET ret = compute_blob_kzg_proof(out(&theirs), c(blob.get()), c(&cm), &ref());
            auto ours = ctx.compute_blob_kzg_proof(*blob, cm);
            if (same_verdict("compute_blob_kzg_proof", ours, ret)) same_bytes("compute_blob_kzg_proof", "proofs", *ours, theirs);
            break;
        }
        case 3: {
            const kzg::KZGCommitment cm = fuzz::read_g1<kzg::KZGCommitment>(r);
            const kzg::Bytes32 z = fuzz::read_fe(r), y = fuzz::read_fe(r);
            const kzg::KZGProof proof = fuzz::read_g1<kzg::KZGProof>(r);
            bool theirs_v = false;
            const C_KZG_RET ret = verify_kzg_proof(&theirs_v, c(&cm), c(&z), c(&y), c(&proof), &ref());
            auto ours = ctx.verify_kzg_proof(cm, z, y, proof);
            if (same_verdict("verify_kzg_proof", ours, ret)) FUZZ_CHECK(*ours == theirs_v, "verify_kzg_proof verdicts");
            break;
        }
        case 4:
        case 5: {
            // verify_blob_kzg_proof (4: the first entry) and a batch of up to 3 (5): u8 count, per entry:
            // u8 flags (bit 0 the blob's commitment, bit 1 its proof, by c-kzg), blob, commitment, proof.
            const std::size_t n = (r.u8() % 4);
            std::vector<kzg::Blob> blobs(n);
            std::vector<kzg::KZGCommitment> cs(n);
            std::vector<kzg::KZGProof> ps(n);
            for (std::size_t i = 0; i < n; i++) {
                const std::uint8_t flags = r.u8();
                fuzz::read_blob(r, blobs[i]);
                cs[i] = fuzz::read_g1<kzg::KZGCommitment>(r);
                ps[i] = fuzz::read_g1<kzg::KZGProof>(r);
                if ((flags & 1) && blob_to_kzg_commitment(out(&cs[i]), c(&blobs[i]), &ref()) == C_KZG_OK && (flags & 2))
                    (void)compute_blob_kzg_proof(out(&ps[i]), c(&blobs[i]), c(&cs[i]), &ref());
            }
            bool theirs_v = false;
            if (n == 0) break;
            if (selector == 4) {
                const C_KZG_RET ret = verify_blob_kzg_proof(&theirs_v, c(&blobs[0]), c(&cs[0]), c(&ps[0]), &ref());
                auto ours = ctx.verify_blob_kzg_proof(blobs[0], cs[0], ps[0]);
                if (same_verdict("verify_blob_kzg_proof", ours, ret)) FUZZ_CHECK(*ours == theirs_v, "verify_blob_kzg_proof verdicts");
            } else {
                const C_KZG_RET ret = verify_blob_kzg_proof_batch(&theirs_v, c(blobs.data()), c(cs.data()), c(ps.data()), n, &ref());
                auto ours = ctx.verify_blob_kzg_proof_batch(blobs, cs, ps);
                if (same_verdict("verify_blob_kzg_proof_batch", ours, ret))
                    FUZZ_CHECK(*ours == theirs_v, "verify_blob_kzg_proof_batch verdicts");
            }
            break;
        }
        case 6: {
            fuzz::read_blob(r, *blob);
            std::vector<kzg::Cell> cells(kzg::CELLS_PER_EXT_BLOB);
            const C_KZG_RET ret = compute_cells_and_kzg_proofs(out(cells.data()), nullptr, c(blob.get()), &ref());
            auto ours = ctx.compute_cells(*blob);
            if (same_verdict("compute_cells", ours, ret)) same_list("compute_cells", "cells", *ours, cells);
            break;
        }
        case 7: {
            fuzz::read_blob(r, *blob);
            std::vector<kzg::Cell> cells(kzg::CELLS_PER_EXT_BLOB);
            std::vector<kzg::KZGProof> proofs(kzg::CELLS_PER_EXT_BLOB);
            const C_KZG_RET ret = compute_cells_and_kzg_proofs(out(cells.data()), out(proofs.data()), c(blob.get()), &ref());
            auto ours = ctx.compute_cells_and_kzg_proofs(*blob);
            if (same_verdict("compute_cells_and_kzg_proofs", ours, ret)) {
                same_list("compute_cells_and_kzg_proofs", "cells", ours->cells, cells);
                same_list("compute_cells_and_kzg_proofs", "proofs", ours->proofs, proofs);
            }
            break;
        }
        case 8: diff_recover(ctx, r, true); break;
        case 9: diff_recover(ctx, r, false); break;
        default: diff_verify_cells(ctx, r); break;
    }
    return 0;
}
