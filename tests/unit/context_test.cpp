// kzg::Context basics: the embedded mainnet setup, its identity, use from
// several threads at once, error codes and the messages naming bad inputs.
#include <gtest/gtest.h>

#include <latch>
#include <thread>
#include <type_traits>

#include "soundness/sha256_oracle.hpp"
#include "unit/unit_helpers.hpp"

namespace {

using kzg::ErrorCode;
using unit::contains_all;

// ---- Misuse that must not compile (issue #14) ----------------------------------

// `if (result)` on a verify result would read "verified" but mean "no error":
// Result<bool> has no conversion to bool; every other Result keeps it.
template <class R>
concept TestableAsBool = requires(const R& r) {
    static_cast<bool>(r);
    !r;
    r ? 1 : 0;
};
static_assert(!TestableAsBool<kzg::Result<bool>>);
static_assert(!std::is_constructible_v<bool, const kzg::Result<bool>&>);
static_assert(!std::is_constructible_v<bool, kzg::Result<bool>>);
static_assert(TestableAsBool<kzg::Result<kzg::KZGCommitment>>);
static_assert(TestableAsBool<kzg::Result<kzg::Bytes32>>);
static_assert(std::is_constructible_v<bool, const kzg::Result<int>&>);
static_assert(!std::is_convertible_v<kzg::Result<int>, bool>);  // explicit only

// A commitment is not a proof, and neither is a plain Bytes48.
static_assert(!std::is_convertible_v<kzg::KZGProof, kzg::KZGCommitment>);
static_assert(!std::is_convertible_v<kzg::KZGCommitment, kzg::KZGProof>);
static_assert(!std::is_convertible_v<kzg::Bytes48, kzg::KZGCommitment>);
static_assert(!std::is_convertible_v<kzg::Bytes48, kzg::KZGProof>);
static_assert(!std::is_constructible_v<kzg::KZGCommitment, kzg::KZGProof>);
static_assert(!std::is_constructible_v<kzg::KZGProof, const kzg::KZGCommitment&>);
static_assert(!std::is_convertible_v<std::span<const kzg::KZGProof>, std::span<const kzg::KZGCommitment>>);
static_assert(!std::is_convertible_v<std::vector<kzg::KZGCommitment>, std::span<const kzg::KZGProof>>);
static_assert(sizeof(kzg::KZGCommitment) == 48 && sizeof(kzg::KZGProof) == 48);
static_assert(kzg::KZGCommitment::size() == kzg::BYTES_PER_COMMITMENT && kzg::KZGProof::size() == kzg::BYTES_PER_PROOF);

// Deliberate conversion still works, by value (aggregate initialization).
static_assert(requires(const kzg::Bytes48& raw) { kzg::KZGProof{raw.bytes}; });
static_assert(kzg::KZGProof{kzg::KZGCommitment{}.bytes}.bytes == kzg::KZGProof{}.bytes);

// Each call takes its commitments and proofs in the right places only.
using kzg::Blob;
using kzg::Bytes32;
using kzg::Cell;
using kzg::Context;
using kzg::KZGCommitment;
using kzg::KZGProof;
using Cs = std::span<const KZGCommitment>;
using Ps = std::span<const KZGProof>;
using Idx = std::span<const std::uint64_t>;
using Cells = std::span<const Cell>;
using Blobs = std::span<const Blob>;

static_assert(std::is_invocable_v<decltype(&Context::verify_kzg_proof), const Context&, const KZGCommitment&,
                                  const Bytes32&, const Bytes32&, const KZGProof&>);
static_assert(!std::is_invocable_v<decltype(&Context::verify_kzg_proof), const Context&, const KZGProof&,
                                   const Bytes32&, const Bytes32&, const KZGCommitment&>);
static_assert(!std::is_invocable_v<decltype(&Context::verify_kzg_proof), const Context&, const kzg::Bytes48&,
                                   const Bytes32&, const Bytes32&, const kzg::Bytes48&>);
static_assert(std::is_invocable_v<decltype(&Context::verify_blob_kzg_proof), const Context&, const Blob&,
                                  const KZGCommitment&, const KZGProof&>);
static_assert(!std::is_invocable_v<decltype(&Context::verify_blob_kzg_proof), const Context&, const Blob&,
                                   const KZGProof&, const KZGCommitment&>);
static_assert(std::is_invocable_v<decltype(&Context::verify_blob_kzg_proof_batch), const Context&, Blobs, Cs, Ps>);
static_assert(!std::is_invocable_v<decltype(&Context::verify_blob_kzg_proof_batch), const Context&, Blobs, Ps, Cs>);
static_assert(std::is_invocable_v<decltype(&Context::compute_blob_kzg_proof), const Context&, const Blob&,
                                  const KZGCommitment&>);
static_assert(!std::is_invocable_v<decltype(&Context::compute_blob_kzg_proof), const Context&, const Blob&,
                                   const KZGProof&>);
static_assert(!std::is_invocable_v<decltype(&Context::compute_challenge), const Context&, const Blob&,
                                   const KZGProof&>);
static_assert(std::is_invocable_v<decltype(&Context::verify_cell_kzg_proof_batch), const Context&, Cs, Idx, Cells,
                                  Ps>);
static_assert(!std::is_invocable_v<decltype(&Context::verify_cell_kzg_proof_batch), const Context&, Ps, Idx, Cells,
                                   Cs>);
static_assert(std::is_invocable_v<decltype(&Context::compute_verify_cell_kzg_proof_batch_challenge),
                                  const Context&, Cs, Idx, Idx, Cells, Ps>);
static_assert(!std::is_invocable_v<decltype(&Context::compute_verify_cell_kzg_proof_batch_challenge),
                                   const Context&, Ps, Idx, Idx, Cells, Cs>);
static_assert(std::is_same_v<decltype(std::declval<const Context&>().blob_to_kzg_commitment(std::declval<const Blob&>())),
                             kzg::Result<KZGCommitment>>);
static_assert(std::is_same_v<decltype(kzg::ProofAndY::proof), KZGProof>);
static_assert(std::is_same_v<decltype(kzg::CellsAndProofs::proofs), std::vector<KZGProof>>);
static_assert(std::is_invocable_v<decltype(&kzg::kzg_commitment_to_versioned_hash), const KZGCommitment&>);
static_assert(!std::is_invocable_v<decltype(&kzg::kzg_commitment_to_versioned_hash), const KZGProof&>);

// Context's internals are not public: impl() is reachable only through
// detail::ContextAccess (src/context/context_impl.hpp).
template <class C>
concept HasPublicImpl = requires(const C& c) { c.impl(); };
static_assert(!HasPublicImpl<Context>);

using unit::mainnet;
using unit::pooled_mainnet;

// A commitment and a proof that decode onto the curve but not into G1.
struct NotInG1 {
    kzg::KZGCommitment commitment;
    kzg::KZGProof proof;
};
NotInG1 not_in_g1() {
    const auto nsub = unit::g1_not_in_subgroup();
    NotInG1 out;
    std::copy(nsub.begin(), nsub.end(), out.commitment.bytes.begin());
    std::copy(nsub.begin(), nsub.end(), out.proof.bytes.begin());
    return out;
}

// The mainnet setup's identity (README): sha256 of the compressed points
// g1_lagrange (file order) || g2_monomial || g1_monomial.
constexpr char kMainnetSetupSha256[] = "608ac720ba55fc77f65d155391020fc5b0501db266a3e360e734d6c0db0dfae3";

// The same identity computed from trusted_setup.txt with an independent
// SHA-256 and hex codec (not the library's), so a shared bug cannot hide.
// "" (with a gtest failure) when the file does not have the expected shape.
std::string setup_sha256_of_text_file() {
    const auto& lines = unit::mainnet_lines();
    if (lines.size() != unit::kTotalLines || lines[0] != "4096" || lines[1] != "65") {
        ADD_FAILURE() << KZG_TRUSTED_SETUP_TXT << ": " << lines.size() << " lines, expected 4096, 65 and the points";
        return "";
    }
    auto nibble = [](char c) -> int {
        if (c >= '0' && c <= '9') return c - '0';
        if (c >= 'a' && c <= 'f') return c - 'a' + 10;
        if (c >= 'A' && c <= 'F') return c - 'A' + 10;
        return -1;
    };
    soundness::Sha256 h;
    std::vector<std::uint8_t> point;
    // Lines 3.. are the points in the identity's order: 4096 G1 (48 B), 65 G2 (96 B), 4096 G1.
    for (std::size_t i = unit::kG1LagrangeLine - 1; i < lines.size(); i++) {
        std::string line = lines[i];
        if (!line.empty() && line.back() == '\r') line.pop_back();
        const std::size_t want = (i + 1 >= unit::kG2Line && i + 1 < unit::kG1MonomialLine) ? 96 : 48;
        if (line.size() != 2 * want) {
            ADD_FAILURE() << "line " << i + 1 << ": " << line.size() << " hex digits, expected " << 2 * want;
            return "";
        }
        point.assign(want, 0);
        for (std::size_t j = 0; j < want; j++) {
            const int hi = nibble(line[2 * j]), lo = nibble(line[2 * j + 1]);
            if (hi < 0 || lo < 0) {
                ADD_FAILURE() << "line " << i + 1 << ": not hex";
                return "";
            }
            point[j] = static_cast<std::uint8_t>(hi * 16 + lo);
        }
        h.update(point);
    }
    static constexpr char kDigits[] = "0123456789abcdef";
    std::string out;
    for (std::uint8_t b : h.finish()) {
        out += kDigits[b >> 4];
        out += kDigits[b & 15];
    }
    return out;
}

TEST(Context, MainnetLoads) {
    auto ctx = mainnet();
    ASSERT_NE(ctx, nullptr);
    const std::string hex = ctx->setup_sha256_hex();
    EXPECT_EQ(hex.size(), 64u);
    for (char c : hex) EXPECT_TRUE((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')) << hex;
    EXPECT_EQ(hex, kzg::hex_encode(std::span<const std::uint8_t>(ctx->setup_sha256()), false));
    // Stable: a second context, built independently, has the same identity.
    auto again = unit::build_mainnet();
    ASSERT_NE(again, nullptr);
    EXPECT_NE(again.get(), ctx.get());
    EXPECT_EQ(again->setup_sha256_hex(), hex);
    EXPECT_EQ(again->setup_sha256(), ctx->setup_sha256());
    EXPECT_NE(hex, std::string(64, '0'));
    // The full identity, and the same value computed here from the text file.
    EXPECT_EQ(hex, kMainnetSetupSha256);
    EXPECT_EQ(setup_sha256_of_text_file(), kMainnetSetupSha256);
}

TEST(Context, SameResultsFromFourThreads) {
    auto ctx = mainnet();
    ASSERT_NE(ctx, nullptr);
    unit::Rng rng(0xc0117e47u);
    auto shared_blob = unit::random_blob(rng);
    std::vector<std::unique_ptr<kzg::Blob>> own;
    for (int i = 0; i < 4; i++) own.push_back(unit::random_blob(rng));
    kzg::Bytes32 z;
    rng.fill(z.data(), 32);
    z.bytes[0] = 0x2a;

    struct Out {
        std::string shared_c, own_c, proof, y;
        bool verified = false;
    };
    std::vector<Out> out(4);
    std::latch start(4);
    std::vector<std::thread> threads;
    for (int i = 0; i < 4; i++) {
        threads.emplace_back([&, i] {
            start.arrive_and_wait();
            auto c = ctx->blob_to_kzg_commitment(*shared_blob);
            auto oc = ctx->blob_to_kzg_commitment(*own[i]);
            auto p = ctx->compute_kzg_proof(*shared_blob, z);
            if (c.ok()) out[i].shared_c = kzg::hex_encode(*c);
            if (oc.ok()) out[i].own_c = kzg::hex_encode(*oc);
            if (p.ok()) {
                out[i].proof = kzg::hex_encode(p->proof);
                out[i].y = kzg::hex_encode(p->y);
                if (c.ok()) {
                    auto v = ctx->verify_kzg_proof(*c, z, p->y, p->proof);
                    out[i].verified = v.ok() && *v;
                }
            }
        });
    }
    for (auto& t : threads) t.join();

    // The same computations on this thread, afterwards.
    auto c = ctx->blob_to_kzg_commitment(*shared_blob);
    auto p = ctx->compute_kzg_proof(*shared_blob, z);
    ASSERT_TRUE(c.ok() && p.ok());
    for (int i = 0; i < 4; i++) {
        EXPECT_EQ(out[i].shared_c, kzg::hex_encode(*c)) << "thread " << i;
        EXPECT_EQ(out[i].proof, kzg::hex_encode(p->proof)) << "thread " << i;
        EXPECT_EQ(out[i].y, kzg::hex_encode(p->y)) << "thread " << i;
        EXPECT_TRUE(out[i].verified) << "thread " << i;
        auto oc = ctx->blob_to_kzg_commitment(*own[i]);
        ASSERT_TRUE(oc.ok());
        EXPECT_EQ(out[i].own_c, kzg::hex_encode(*oc)) << "thread " << i;
    }
}

// Tables built on first use (lazy_tables) by four threads racing for them give
// the answers of a context that built them at construction.
TEST(Context, LazyTablesFromFourThreads) {
    auto eager = mainnet();
    ASSERT_NE(eager, nullptr);
    kzg::ContextOptions options;
    options.lazy_tables = true;
    auto lazy_r = kzg::Context::mainnet(options);
    ASSERT_TRUE(lazy_r.ok()) << lazy_r.message();
    auto lazy = lazy_r.value();
    unit::Rng rng(0x1a2bu);
    auto blob = unit::random_blob(rng);
    const auto want_c = eager->blob_to_kzg_commitment(*blob);
    const auto want_cp = eager->compute_cells_and_kzg_proofs(*blob);
    ASSERT_TRUE(want_c.ok() && want_cp.ok());

    std::vector<int> ok(4, 0);
    std::latch start(4);
    std::vector<std::thread> threads;
    for (int i = 0; i < 4; i++) {
        threads.emplace_back([&, i] {
            start.arrive_and_wait();
            // Half the threads race for the FK20 tables first, half for the blob table.
            auto cp = (i % 2) ? lazy->compute_cells_and_kzg_proofs(*blob) : kzg::Result<kzg::CellsAndProofs>(
                                                                                   kzg::CellsAndProofs{});
            auto c = lazy->blob_to_kzg_commitment(*blob);
            if (i % 2 == 0) cp = lazy->compute_cells_and_kzg_proofs(*blob);
            ok[i] = c.ok() && cp.ok() && *c == *want_c && cp->proofs == want_cp->proofs && cp->cells == want_cp->cells;
        });
    }
    for (auto& t : threads) t.join();
    for (int i = 0; i < 4; i++) EXPECT_TRUE(ok[i]) << "thread " << i;
}

TEST(Context, InvalidOptionsAreRefused) {
    for (int bits : {-1, 1, 17, 64}) {
        kzg::ContextOptions o;
        o.precompute = bits;
        auto r = kzg::Context::mainnet(o);
        EXPECT_FALSE(r.ok()) << bits;
        EXPECT_NE(r.message().find("precompute"), std::string::npos) << r.message();
        kzg::ContextOptions b;
        b.blob_window_bits = bits;
        auto rb = kzg::Context::mainnet(b);
        EXPECT_FALSE(rb.ok()) << bits;
        EXPECT_NE(rb.message().find("blob_window_bits"), std::string::npos) << rb.message();
    }
}

TEST(Context, ErrorCodeNames) {
    EXPECT_EQ(kzg::error_code_name(ErrorCode::kOk), "ok");
    EXPECT_EQ(kzg::error_code_name(ErrorCode::kInvalidInput), "invalid_input");
    EXPECT_EQ(kzg::error_code_name(ErrorCode::kInvalidSetup), "invalid_setup");
    EXPECT_EQ(kzg::error_code_name(ErrorCode::kIo), "io");
    EXPECT_EQ(kzg::error_code_name(ErrorCode::kInternal), "internal");
    EXPECT_EQ(kzg::error_code_name(static_cast<ErrorCode>(99)), "unknown");
}

TEST(Context, ResultBasics) {
    kzg::Result<int> ok(7);
    EXPECT_TRUE(ok.ok());
    EXPECT_TRUE(static_cast<bool>(ok));
    EXPECT_EQ(*ok, 7);
    EXPECT_EQ(ok.code(), ErrorCode::kOk);
    kzg::Result<int> bad(ErrorCode::kIo, "disk: gone");
    EXPECT_FALSE(bad.ok());
    EXPECT_FALSE(static_cast<bool>(bad));
    EXPECT_EQ(bad.code(), ErrorCode::kIo);
    EXPECT_EQ(bad.message(), "disk: gone");
    kzg::Result<int> from_error(kzg::Error{ErrorCode::kInvalidInput, "z: bad"});
    EXPECT_EQ(from_error.code(), ErrorCode::kInvalidInput);
    EXPECT_EQ(from_error.error().message, "z: bad");
}

// ---- messages name the bad input -----------------------------------------------------------

TEST(Context, ErrorMessagesNameTheInput) {
    auto ctx = mainnet();
    ASSERT_NE(ctx, nullptr);
    unit::Rng rng(0xe7707u);
    auto blob = unit::random_blob(rng);
    std::fill(blob->bytes.begin() + 32 * 17, blob->bytes.begin() + 32 * 18, 0xff);  // element 17 >= r
    auto c = ctx->blob_to_kzg_commitment(*blob);
    ASSERT_FALSE(c.ok());
    EXPECT_EQ(c.code(), ErrorCode::kInvalidInput);
    EXPECT_TRUE(contains_all(c.message(), {"blob", "element 17"}));

    auto good = unit::random_blob(rng);
    auto gc = ctx->blob_to_kzg_commitment(*good);
    ASSERT_TRUE(gc.ok());
    kzg::Bytes32 bad_fe;
    bad_fe.bytes.fill(0xff);
    kzg::Bytes32 zero{};
    auto p = ctx->compute_kzg_proof(*good, bad_fe);
    ASSERT_FALSE(p.ok());
    EXPECT_EQ(p.code(), ErrorCode::kInvalidInput);
    EXPECT_TRUE(contains_all(p.message(), {"z"}));

    const auto off = unit::g1_off_curve();
    const auto nsub = unit::g1_not_in_subgroup();
    kzg::Bytes48 off_b, nsub_b;
    std::copy(off.begin(), off.end(), off_b.bytes.begin());
    std::copy(nsub.begin(), nsub.end(), nsub_b.bytes.begin());
    // Bad points as the argument each call takes; the good commitment's point
    // also stands in for a (well-formed) proof.
    const kzg::KZGCommitment off_c{off_b.bytes}, nsub_c{nsub_b.bytes};
    const kzg::KZGProof nsub_p{nsub_b.bytes}, gp{gc->bytes};

    auto v = ctx->verify_kzg_proof(off_c, zero, zero, gp);
    ASSERT_FALSE(v.ok());
    EXPECT_TRUE(contains_all(v.message(), {"commitment"}));
    v = ctx->verify_kzg_proof(*gc, zero, bad_fe, gp);
    ASSERT_FALSE(v.ok());
    EXPECT_TRUE(contains_all(v.message(), {"y"}));
    v = ctx->verify_kzg_proof(*gc, zero, zero, nsub_p);
    ASSERT_FALSE(v.ok());
    EXPECT_TRUE(contains_all(v.message(), {"proof", "subgroup"}));
    auto bp = ctx->compute_blob_kzg_proof(*good, nsub_c);
    ASSERT_FALSE(bp.ok());
    EXPECT_TRUE(contains_all(bp.message(), {"commitment", "subgroup"}));

    std::vector<kzg::Blob> blobs{*good, *good, *blob};
    std::vector<kzg::KZGCommitment> cs{*gc, *gc, *gc};
    std::vector<kzg::KZGProof> ps{gp, gp, gp};
    v = ctx->verify_blob_kzg_proof_batch(blobs, cs, ps);
    ASSERT_FALSE(v.ok());
    EXPECT_TRUE(contains_all(v.message(), {"blobs[2]", "element 17"}));
    blobs[2] = *good;
    cs[1] = off_c;
    v = ctx->verify_blob_kzg_proof_batch(blobs, cs, ps);
    ASSERT_FALSE(v.ok());
    EXPECT_TRUE(contains_all(v.message(), {"commitments[1]"}));
    cs[1] = *gc;
    ps[0] = nsub_p;
    v = ctx->verify_blob_kzg_proof_batch(blobs, cs, ps);
    ASSERT_FALSE(v.ok());
    EXPECT_TRUE(contains_all(v.message(), {"proofs[0]"}));
    v = ctx->verify_blob_kzg_proof_batch(blobs, std::span<const kzg::KZGCommitment>(cs).first(2), ps);
    ASSERT_FALSE(v.ok());
    EXPECT_EQ(v.code(), ErrorCode::kInvalidInput);
    EXPECT_TRUE(contains_all(v.message(), {"3 blobs", "2 commitments", "3 proofs"}));
    v = ctx->verify_blob_kzg_proof_batch({}, {}, {});
    ASSERT_TRUE(v.ok()) << v.message();
    EXPECT_TRUE(*v);
}

// Single verifications decode their two points side by side on a pool (and
// verify_blob_kzg_proof hashes the challenge beside them; compute_blob_kzg_proof
// decodes its blob beside its commitment and challenge), but the error
// reported is still the first in the spec's order: for verify_kzg_proof the
// arguments' order, for verify_blob_kzg_proof the blob, then the commitment,
// then the proof. Checked without a pool and on one.
TEST(Context, SingleVerificationErrorsComeInOrder) {
    unit::Rng rng(0x5eed);
    auto good = unit::random_blob(rng);
    auto bad = unit::random_blob(rng);
    std::fill(bad->bytes.begin() + 32 * 7, bad->bytes.begin() + 32 * 8, 0xff);  // element 7 >= r
    const auto [bad_c, bad_p] = not_in_g1();
    kzg::Bytes32 bad_fr;
    bad_fr.bytes.fill(0xff);  // >= r
    for (const kzg::Context* ctx : {mainnet().get(), pooled_mainnet().get()}) {
        ASSERT_NE(ctx, nullptr);
        const auto c = ctx->blob_to_kzg_commitment(*good);
        ASSERT_TRUE(c.ok());
        const auto p = ctx->compute_blob_kzg_proof(*good, *c);
        ASSERT_TRUE(p.ok());
        auto arg = [](const auto& r) { return r.ok() ? std::string("(ok)") : r.error().argument; };
        const kzg::Bytes32 zero{};
        EXPECT_EQ(arg(ctx->verify_kzg_proof(bad_c, bad_fr, bad_fr, bad_p)), "commitment");
        EXPECT_EQ(arg(ctx->verify_kzg_proof(*c, bad_fr, bad_fr, bad_p)), "z");
        EXPECT_EQ(arg(ctx->verify_kzg_proof(*c, zero, bad_fr, bad_p)), "y");
        EXPECT_EQ(arg(ctx->verify_kzg_proof(*c, zero, zero, bad_p)), "proof");
        EXPECT_EQ(arg(ctx->compute_blob_kzg_proof(*bad, bad_c)), "blob");
        EXPECT_EQ(arg(ctx->compute_blob_kzg_proof(*good, bad_c)), "commitment");
        EXPECT_EQ(arg(ctx->verify_blob_kzg_proof(*bad, bad_c, bad_p)), "blob");
        EXPECT_EQ(arg(ctx->verify_blob_kzg_proof(*good, bad_c, bad_p)), "commitment");
        EXPECT_EQ(arg(ctx->verify_blob_kzg_proof(*good, *c, bad_p)), "proof");
        const auto ok = ctx->verify_blob_kzg_proof(*good, *c, *p);
        ASSERT_TRUE(ok.ok());
        EXPECT_TRUE(*ok);
        const auto wrong = ctx->verify_blob_kzg_proof(*good, *c, kzg::KZGProof{c->bytes});
        ASSERT_TRUE(wrong.ok());
        EXPECT_FALSE(*wrong);
    }
}

// The cell batch decodes its distinct commitments beside the proofs (with
// the challenge's hash) on a pool, but reports the spec's order: the
// commitments, then the cells, then the proofs, each by its lowest index.
// 128 cells, enough for the batched proof check; without a pool and on one.
TEST(Context, CellBatchErrorsComeInOrder) {
    unit::Rng rng(0xce11);
    auto blob = unit::random_blob(rng);
    const auto [bad_c, bad_p] = not_in_g1();
    for (const kzg::Context* ctx : {mainnet().get(), pooled_mainnet().get()}) {
        ASSERT_NE(ctx, nullptr);
        const auto c = ctx->blob_to_kzg_commitment(*blob);
        const auto cp = ctx->compute_cells_and_kzg_proofs(*blob);
        ASSERT_TRUE(c.ok() && cp.ok());
        std::vector<kzg::KZGCommitment> commitments(kzg::CELLS_PER_EXT_BLOB, *c);
        std::vector<std::uint64_t> indices(kzg::CELLS_PER_EXT_BLOB);
        for (std::size_t k = 0; k < indices.size(); k++) indices[k] = k;
        std::vector<kzg::Cell> cells = cp->cells;
        std::vector<kzg::KZGProof> proofs = cp->proofs;
        const auto where = [&] {
            const auto r = ctx->verify_cell_kzg_proof_batch(commitments, indices, cells, proofs);
            if (r.ok()) return std::string(*r ? "valid" : "invalid");
            return r.error().argument + "[" + std::to_string(r.error().index.value_or(999)) + "]";
        };
        EXPECT_EQ(where(), "valid");
        commitments[70] = bad_c;  // the second distinct commitment, first seen at 70
        commitments[90] = bad_c;
        std::fill(cells[3].bytes.begin(), cells[3].bytes.begin() + 32, 0xff);  // element 0 >= r
        proofs[1] = bad_p;
        proofs[100] = bad_p;
        EXPECT_EQ(where(), "commitments[70]");
        commitments[70] = commitments[90] = *c;
        EXPECT_EQ(where(), "cells[3]");
        cells[3] = cp->cells[3];
        EXPECT_EQ(where(), "proofs[1]");
        proofs[1] = cp->proofs[1];
        EXPECT_EQ(where(), "proofs[100]");
        proofs[100] = cp->proofs[100];
        commitments[127] = bad_c;  // a bad commitment alone, after every proof
        EXPECT_EQ(where(), "commitments[127]");
    }
}

// The argument and element at fault are data too (Error::argument, index), so
// that callers (kzgd's failures[]) never parse the message.
TEST(Context, ErrorsCarryArgumentAndIndex) {
    auto ctx = mainnet();
    ASSERT_NE(ctx, nullptr);
    unit::Rng rng(0xa59u);
    auto good = unit::random_blob(rng);
    auto bad = unit::random_blob(rng);
    std::fill(bad->bytes.begin() + 32 * 5, bad->bytes.begin() + 32 * 6, 0xff);  // element 5 >= r
    auto gc = ctx->blob_to_kzg_commitment(*good);
    ASSERT_TRUE(gc.ok());
    const auto nsub = unit::g1_not_in_subgroup();
    kzg::KZGProof nsub_b;
    std::copy(nsub.begin(), nsub.end(), nsub_b.bytes.begin());
    const kzg::KZGProof gp{gc->bytes};  // a well-formed point where a proof goes
    auto expect = [](const kzg::Error& e, std::string_view argument, std::optional<std::size_t> index,
                     std::string_view prefix) {
        EXPECT_EQ(e.code, ErrorCode::kInvalidInput) << e.message;
        EXPECT_EQ(e.argument, argument) << e.message;
        EXPECT_EQ(e.index, index) << e.message;
        EXPECT_EQ(e.message.substr(0, prefix.size()), prefix) << e.message;  // the message says the same
    };

    expect(ctx->blob_to_kzg_commitment(*bad).error(), "blob", std::nullopt, "blob: field element 5");
    expect(ctx->verify_kzg_proof(*gc, {}, {}, nsub_b).error(), "proof", std::nullopt, "proof: ");
    std::vector<kzg::Blob> blobs{*good, *good, *bad};
    std::vector<kzg::KZGCommitment> cs{*gc, *gc, *gc};
    std::vector<kzg::KZGProof> ps{gp, gp, gp};
    expect(ctx->verify_blob_kzg_proof_batch(blobs, cs, ps).error(), "blobs", 2, "blobs[2]: field element 5");
    blobs[2] = *good;
    ps[1] = nsub_b;
    expect(ctx->verify_blob_kzg_proof_batch(blobs, cs, ps).error(), "proofs", 1, "proofs[1]: ");
    const auto lengths = ctx->verify_blob_kzg_proof_batch(blobs, std::span<const kzg::KZGCommitment>(cs).first(2), ps);
    expect(lengths.error(), "", std::nullopt, "lists differ in length");

    auto cells = ctx->compute_cells_and_kzg_proofs(*good);
    ASSERT_TRUE(cells.ok());
    std::vector<kzg::KZGCommitment> commitments(3, *gc);
    std::vector<std::uint64_t> indices{0, 1, 200};
    std::vector<kzg::Cell> cs3(cells->cells.begin(), cells->cells.begin() + 3);
    std::vector<kzg::KZGProof> proofs(cells->proofs.begin(), cells->proofs.begin() + 3);
    expect(ctx->verify_cell_kzg_proof_batch(commitments, indices, cs3, proofs).error(), "cell_indices", 2,
           "cell_indices[2]: 200 is not below 128");
    indices[2] = 2;
    std::fill(cs3[1].bytes.begin(), cs3[1].bytes.begin() + 32, 0xff);
    expect(ctx->verify_cell_kzg_proof_batch(commitments, indices, cs3, proofs).error(), "cells", 1,
           "cells[1]: field element 0");
    std::vector<std::uint64_t> few(63);
    for (std::size_t k = 0; k < few.size(); k++) few[k] = k;
    std::vector<kzg::Cell> few_cells(cells->cells.begin(), cells->cells.begin() + 63);
    expect(ctx->recover_cells_and_kzg_proofs(few, few_cells).error(), "cell_indices", std::nullopt,
           "cell_indices: 63 cells given");
}

}  // namespace
