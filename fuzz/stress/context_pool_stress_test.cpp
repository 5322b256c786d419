// Concurrent use of one Context that splits its calls on a shared ThreadPool,
// the way kzgd runs it: requests posted to the pool call the Context, whose
// calls post their pieces to the same pool; other threads call it directly
// at the same time; the tables are built lazily, on first use, by whichever
// call gets there first. Meant for ThreadSanitizer (scripts/ci-hardening.sh),
// also a plain test: every result must equal the one of a Context without a
// pool, computed first on one thread.
#include <gtest/gtest.h>

#include <atomic>
#include <future>
#include <latch>
#include <memory>
#include <thread>
#include <vector>

#include "kzg/kzg.hpp"
#include "kzg/thread_pool.hpp"

namespace {

std::unique_ptr<kzg::Blob> make_blob(std::uint64_t seed) {
    auto b = std::make_unique<kzg::Blob>();
    std::uint64_t x = seed * 0x9e3779b97f4a7c15ULL + 1;
    for (std::size_t i = 0; i < b->bytes.size(); i++) {
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        b->bytes[i] = static_cast<std::uint8_t>(x);
    }
    for (std::size_t i = 0; i < kzg::FIELD_ELEMENTS_PER_BLOB; i++) b->bytes[32 * i] &= 0x3f;
    return b;
}

struct Expected {
    std::unique_ptr<kzg::Blob> blob;
    kzg::KZGCommitment commitment;
    kzg::KZGProof blob_proof;
    kzg::ProofAndY proof_y;
    kzg::CellsAndProofs cells;
};

struct Outcome {
    bool ok = true;
    std::string what;
    void expect(bool cond, const std::string& w) {
        if (!cond && ok) ok = false, what = w;
    }
};

// Every function on one blob, compared with the expected results.
void exercise(const kzg::Context& ctx, const std::vector<Expected>& want, std::size_t i, Outcome& out) {
    const Expected& e = want[i % want.size()];
    kzg::Bytes32 z;
    z.bytes[31] = static_cast<std::uint8_t>(7 + i % want.size());
    auto c = ctx.blob_to_kzg_commitment(*e.blob);
    out.expect(c.ok() && *c == e.commitment, "blob_to_kzg_commitment");
    auto p = ctx.compute_kzg_proof(*e.blob, z);
    out.expect(p.ok() && p->proof == e.proof_y.proof && p->y == e.proof_y.y, "compute_kzg_proof");
    auto bp = ctx.compute_blob_kzg_proof(*e.blob, e.commitment);
    out.expect(bp.ok() && *bp == e.blob_proof, "compute_blob_kzg_proof");
    std::vector<kzg::Blob> blobs;
    std::vector<kzg::KZGCommitment> cs;
    std::vector<kzg::KZGProof> ps;
    for (const auto& x : want) {
        blobs.push_back(*x.blob);
        cs.push_back(x.commitment);
        ps.push_back(x.blob_proof);
    }
    auto v = ctx.verify_blob_kzg_proof_batch(blobs, cs, ps);
    out.expect(v.ok() && *v, "verify_blob_kzg_proof_batch");
    auto cp = ctx.compute_cells_and_kzg_proofs(*e.blob);
    out.expect(cp.ok() && cp->cells == e.cells.cells && cp->proofs == e.cells.proofs, "compute_cells_and_kzg_proofs");
    std::vector<std::uint64_t> idx;
    std::vector<kzg::Cell> half;
    for (std::uint64_t k = i % 2; k < kzg::CELLS_PER_EXT_BLOB; k += 2) {
        idx.push_back(k);
        half.push_back(e.cells.cells[k]);
    }
    auto rec = ctx.recover_cells_and_kzg_proofs(idx, half);
    out.expect(rec.ok() && rec->cells == e.cells.cells && rec->proofs == e.cells.proofs, "recover_cells_and_kzg_proofs");
    std::vector<kzg::KZGCommitment> ccs(idx.size(), e.commitment);
    std::vector<kzg::KZGProof> pps;
    for (auto k : idx) pps.push_back(e.cells.proofs[k]);
    auto vc = ctx.verify_cell_kzg_proof_batch(ccs, idx, half, pps);
    out.expect(vc.ok() && *vc, "verify_cell_kzg_proof_batch");
}

TEST(ContextPoolStress, RequestsOnThePoolAndDirectCallersAgree) {
    // The reference answers: no pool, tables built up front, one thread.
    kzg::ContextOptions plain;
    plain.build_threads = 1;
    auto ref = kzg::Context::mainnet(plain);
    ASSERT_TRUE(ref.ok()) << ref.message();
    std::vector<Expected> want;
    for (std::uint64_t s = 0; s < 2; s++) {
        Expected e;
        e.blob = make_blob(s + 1);
        kzg::Bytes32 z;
        z.bytes[31] = static_cast<std::uint8_t>(7 + s);
        e.commitment = (*ref)->blob_to_kzg_commitment(*e.blob).value();
        e.blob_proof = (*ref)->compute_blob_kzg_proof(*e.blob, e.commitment).value();
        e.proof_y = (*ref)->compute_kzg_proof(*e.blob, z).value();
        e.cells = (*ref)->compute_cells_and_kzg_proofs(*e.blob).value();
        want.push_back(std::move(e));
    }

    // One pool for requests and for the pieces of each call; lazy tables.
    auto pool = std::make_shared<kzg::ThreadPool>(3);
    kzg::ContextOptions opts;
    opts.pool = pool;
    opts.lazy_tables = true;
    opts.build_threads = 2;
    auto ctx_r = kzg::Context::mainnet(opts);
    ASSERT_TRUE(ctx_r.ok()) << ctx_r.message();
    const std::shared_ptr<const kzg::Context> ctx = ctx_r.value();

    constexpr std::size_t kRequests = 4, kDirect = 2;
    std::vector<Outcome> outcomes(kRequests + kDirect);
    std::vector<std::promise<void>> done(kRequests);
    std::latch start(kDirect + 1);
    for (std::size_t i = 0; i < kRequests; i++)
        pool->post([&, i] {
            exercise(*ctx, want, i, outcomes[i]);
            done[i].set_value();
        });
    std::vector<std::thread> direct;
    for (std::size_t i = 0; i < kDirect; i++)
        direct.emplace_back([&, i] {
            start.arrive_and_wait();
            exercise(*ctx, want, i + 1, outcomes[kRequests + i]);
        });
    start.arrive_and_wait();
    for (auto& d : done) ASSERT_EQ(d.get_future().wait_for(std::chrono::minutes(10)), std::future_status::ready);
    for (auto& t : direct) t.join();
    for (std::size_t i = 0; i < outcomes.size(); i++) EXPECT_TRUE(outcomes[i].ok) << "caller " << i << ": " << outcomes[i].what;
    pool->stop();
}

}  // namespace
