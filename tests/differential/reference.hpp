// Differential testing helpers: our library (kzg::Context) against the
// reference C implementation (c-kzg 4.1.0, the `ckzg_ref` target).
//
// Both sides are loaded once per process: the reference from the mainnet text
// file (KZG_TRUSTED_SETUP_TXT, precompute 0), ours from the embedded setup.
//
// The helpers in `diff::` call both libraries with the same input and record a
// gtest failure on any difference in accept/reject (our Result ok()/error vs
// C_KZG_OK/C_KZG_BADARGS), in output bytes, or in a verification verdict.
// Input generation uses only blst and the reference's tables, never our code,
// so that a bug in our library cannot hide itself by also shaping the inputs.
#pragma once

// blst and our headers first: c-kzg's headers #define the size constants
// (BYTES_PER_BLOB, ...) that kzg.hpp declares as C++ constants.
#include <blst.h>
#include <gtest/gtest.h>

#include "support/diff_random.hpp"

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <optional>
#include <random>
#include <sstream>
#include <string>
#include <type_traits>
#include <vector>

#include "kzg/codec.hpp"
#include "kzg/kzg.hpp"

#include "ckzg_ref.hpp"

namespace diff {

using kzg::Blob;
using kzg::Bytes32;
using kzg::Bytes48;
using kzg::Cell;
using kzg::KZGCommitment;
using kzg::KZGProof;

static_assert(sizeof(kzg::Blob) == sizeof(::Blob));
static_assert(sizeof(kzg::Cell) == sizeof(::Cell));
static_assert(sizeof(kzg::Bytes48) == sizeof(::Bytes48));
static_assert(sizeof(kzg::KZGCommitment) == sizeof(::Bytes48) && sizeof(kzg::KZGProof) == sizeof(::Bytes48));
static_assert(sizeof(kzg::Bytes32) == sizeof(::Bytes32));

// ---- the two implementations --------------------------------------------------

// The reference settings, loaded once; nullptr (with the reason on stderr) when
// the file cannot be read or loaded.
inline const KZGSettings* ref_settings() {
    static const KZGSettings* settings = []() -> const KZGSettings* {
        FILE* fp = std::fopen(KZG_TRUSTED_SETUP_TXT, "r");
        if (fp == nullptr) {
            std::fprintf(stderr, "cannot open %s\n", KZG_TRUSTED_SETUP_TXT);
            return nullptr;
        }
        auto* s = new KZGSettings{};
        const C_KZG_RET ret = load_trusted_setup_file(s, fp, 0);
        std::fclose(fp);
        if (ret != C_KZG_OK) {
            std::fprintf(stderr, "c-kzg load_trusted_setup_file(%s) failed: %d\n", KZG_TRUSTED_SETUP_TXT,
                         static_cast<int>(ret));
            delete s;
            return nullptr;
        }
        return s;  // kept for the whole process
    }();
    return settings;
}

// Our context from the embedded mainnet setup; nullptr when it fails to build.
inline const kzg::Context* our_context() {
    static const std::shared_ptr<const kzg::Context> ctx = []() -> std::shared_ptr<const kzg::Context> {
        auto r = kzg::Context::mainnet();
        if (!r) {
            std::fprintf(stderr, "kzg::Context::mainnet() failed: %s\n", r.message().c_str());
            return nullptr;
        }
        return r.value();
    }();
    return ctx.get();
}

inline const KZGSettings& ref() { return *ref_settings(); }
inline const kzg::Context& ours() { return *our_context(); }

// Every test fixture: both libraries must be loaded.
class DiffTest : public ::testing::Test {
  protected:
    void SetUp() override {
        ASSERT_NE(ref_settings(), nullptr) << "the reference could not load " << KZG_TRUSTED_SETUP_TXT;
        ASSERT_NE(our_context(), nullptr) << "kzg::Context::mainnet() failed";
    }
};

// Our byte types have the reference's layout (static_asserts above).
inline const ::Blob* c_ptr(const Blob* b) { return reinterpret_cast<const ::Blob*>(b); }
inline const ::Cell* c_ptr(const Cell* c) { return reinterpret_cast<const ::Cell*>(c); }
template <class Tag>  // Bytes48, KZGCommitment, KZGProof
const ::Bytes48* c_ptr(const kzg::ByteArray<48, Tag>* b) { return reinterpret_cast<const ::Bytes48*>(b); }
inline const ::Bytes32* c_ptr(const Bytes32* b) { return reinterpret_cast<const ::Bytes32*>(b); }
inline ::Cell* c_out(Cell* c) { return reinterpret_cast<::Cell*>(c); }
template <class Tag>
::Bytes48* c_out(kzg::ByteArray<48, Tag>* b) { return reinterpret_cast<::Bytes48*>(b); }
inline ::Bytes32* c_out(Bytes32* b) { return reinterpret_cast<::Bytes32*>(b); }

// ---- iteration count and randomness ---------------------------------------------

// KZG_DIFF_ITERATIONS overrides the default of 1000 random inputs per function.
inline std::size_t iterations(std::size_t default_count = 1000) {
    const char* e = std::getenv("KZG_DIFF_ITERATIONS");
    if (e == nullptr || *e == '\0') return default_count;
    char* end = nullptr;
    const unsigned long long v = std::strtoull(e, &end, 10);
    if (*end != '\0' || v == 0) {
        ADD_FAILURE() << "KZG_DIFF_ITERATIONS must be a positive integer, got '" << e << "'";
        return default_count;
    }
    return static_cast<std::size_t>(v);
}

using kzg_test::Rng;  // tests/support/diff_random.hpp

// ---- field elements (32-byte big-endian, as in blobs) ---------------------------------

// The BLS12-381 scalar field modulus r, big-endian.
inline constexpr std::array<std::uint8_t, 32> kModulus = {
    0x73, 0xed, 0xa7, 0x53, 0x29, 0x9d, 0x7d, 0x48, 0x33, 0x39, 0xd8, 0x08, 0x09, 0xa1, 0xd8, 0x05,
    0x53, 0xbd, 0xa4, 0x02, 0xff, 0xfe, 0x5b, 0xfe, 0xff, 0xff, 0xff, 0xff, 0x00, 0x00, 0x00, 0x01};

// r + delta (delta may be negative), big-endian; used for r-1, r, r+1, ...
inline Bytes32 modulus_plus(std::int64_t delta) {
    Bytes32 out;
    std::copy(kModulus.begin(), kModulus.end(), out.bytes.begin());
    const bool add = delta >= 0;
    std::uint64_t mag = add ? static_cast<std::uint64_t>(delta) : static_cast<std::uint64_t>(-(delta + 1)) + 1;
    unsigned carry = 0;
    for (int i = 31; i >= 0; i--) {
        const unsigned d = static_cast<unsigned>(mag & 0xff);
        mag >>= 8;
        int v = add ? out.bytes[i] + static_cast<int>(d + carry) : out.bytes[i] - static_cast<int>(d + carry);
        carry = 0;
        if (v > 0xff) { v -= 0x100; carry = 1; }
        if (v < 0) { v += 0x100; carry = 1; }
        out.bytes[i] = static_cast<std::uint8_t>(v);
    }
    return out;
}

inline Bytes32 fe_from_u64(std::uint64_t v) {
    Bytes32 out;
    for (int i = 31; i >= 24; i--, v >>= 8) out.bytes[i] = static_cast<std::uint8_t>(v);
    return out;
}

inline Bytes32 fe_all_ff() {
    Bytes32 out;
    out.bytes.fill(0xff);
    return out;
}

// A uniformly random canonical element below 0x73 << 248 (always < r).
inline void random_canonical(Rng& rng, std::uint8_t* out) {
    rng.fill(out, 32);
    out[0] %= 0x73;
}

inline Bytes32 random_fe(Rng& rng) {
    Bytes32 out;
    random_canonical(rng, out.data());
    return out;
}

inline blst_fr fr_from_bytes(const std::uint8_t* in) {
    blst_scalar s;
    blst_scalar_from_bendian(&s, in);
    blst_fr f;
    blst_fr_from_scalar(&f, &s);
    return f;
}
inline blst_fr fr_from_bytes(const Bytes32& in) { return fr_from_bytes(in.data()); }

inline Bytes32 bytes_from_fr(const blst_fr& f) {
    blst_scalar s;
    blst_scalar_from_fr(&s, &f);
    Bytes32 out;
    blst_bendian_from_scalar(out.data(), &s);
    return out;
}

inline blst_fr fr_u64(std::uint64_t v) {
    const std::uint64_t limbs[4] = {v, 0, 0, 0};
    blst_fr f;
    blst_fr_from_uint64(&f, limbs);
    return f;
}

inline blst_fr fr_random(Rng& rng) { return fr_from_bytes(random_fe(rng)); }

inline Bytes32 fe_add_u64(const Bytes32& a, std::uint64_t v) {
    blst_fr x = fr_from_bytes(a), y = fr_u64(v);
    blst_fr_add(&x, &x, &y);
    return bytes_from_fr(x);
}

inline void set_element(Blob& blob, std::size_t i, const Bytes32& v) {
    std::copy(v.bytes.begin(), v.bytes.end(), blob.bytes.begin() + static_cast<std::ptrdiff_t>(32 * i));
}
inline Bytes32 get_element(const Blob& blob, std::size_t i) {
    Bytes32 v;
    std::copy_n(blob.bytes.begin() + static_cast<std::ptrdiff_t>(32 * i), 32, v.bytes.begin());
    return v;
}

// ---- the blob domain, from the reference's tables ------------------------------------

// bit_reversal_permutation(compute_roots_of_unity(4096)): the reference keeps
// the 8192-th roots; w_4096^i = w_8192^(2i).
inline const std::vector<blst_fr>& domain_brp() {
    static const std::vector<blst_fr> d = [] {
        std::vector<blst_fr> natural(kzg::FIELD_ELEMENTS_PER_BLOB), out(kzg::FIELD_ELEMENTS_PER_BLOB);
        for (std::size_t i = 0; i < natural.size(); i++) natural[i] = ref().roots_of_unity[2 * i];
        for (std::uint32_t i = 0; i < natural.size(); i++) {
            std::uint32_t r = 0;
            for (unsigned b = 0; b < 12; b++) r |= ((i >> b) & 1u) << (11 - b);
            out[r] = natural[i];
        }
        return out;
    }();
    return d;
}

// ---- G1 helpers --------------------------------------------------------------------------
//
// Points are untyped Bytes48 here (a random or invalid point goes where a
// commitment or a proof does); as_commitment / as_proof type them for the call.

template <class Tag>
KZGCommitment as_commitment(const kzg::ByteArray<48, Tag>& b) { return KZGCommitment{b.bytes}; }
template <class Tag>
KZGProof as_proof(const kzg::ByteArray<48, Tag>& b) { return KZGProof{b.bytes}; }
template <class Tag>
std::vector<KZGCommitment> as_commitments(const std::vector<kzg::ByteArray<48, Tag>>& v) {
    std::vector<KZGCommitment> out;
    for (const auto& b : v) out.push_back(as_commitment(b));
    return out;
}
template <class Tag>
std::vector<KZGProof> as_proofs(const std::vector<kzg::ByteArray<48, Tag>>& v) {
    std::vector<KZGProof> out;
    for (const auto& b : v) out.push_back(as_proof(b));
    return out;
}

inline Bytes48 g1_bytes(const blst_p1& p) {
    Bytes48 out;
    blst_p1_compress(out.data(), &p);
    return out;
}

inline blst_p1 g1_times(const blst_p1& p, const blst_fr& k) {
    blst_scalar s;
    blst_scalar_from_fr(&s, &k);
    blst_p1 out;
    blst_p1_mult(&out, &p, s.b, 255);
    return out;
}

inline Bytes48 random_g1(Rng& rng) { return g1_bytes(g1_times(*blst_p1_generator(), fr_random(rng))); }

inline Bytes48 g1_infinity() {
    Bytes48 out;
    out.bytes[0] = 0xc0;
    return out;
}

inline Bytes48 g1_with_x(std::uint64_t x, std::uint8_t flags) {
    Bytes48 out;
    for (int i = 47; i >= 40; i--, x >>= 8) out.bytes[i] = static_cast<std::uint8_t>(x);
    out.bytes[0] |= flags;
    return out;
}

// A compressed encoding whose x is a field element but not on the curve.
inline Bytes48 g1_off_curve(std::uint64_t start = 1) {
    for (std::uint64_t x = start;; x++) {
        Bytes48 b = g1_with_x(x, 0x80);
        blst_p1_affine a;
        if (blst_p1_uncompress(&a, b.data()) == BLST_POINT_NOT_ON_CURVE) return b;
    }
}

// On the curve (blst_p1_uncompress succeeds) but outside the G1 subgroup.
inline Bytes48 g1_not_in_subgroup(std::uint64_t start = 1) {
    for (std::uint64_t x = start;; x++) {
        Bytes48 b = g1_with_x(x, 0x80);
        blst_p1_affine a;
        if (blst_p1_uncompress(&a, b.data()) == BLST_SUCCESS && !blst_p1_affine_in_g1(&a)) return b;
    }
}

// x = p (the base-field modulus): not a canonical coordinate.
inline Bytes48 g1_x_equals_p() {
    static const std::uint8_t p[48] = {0x1a, 0x01, 0x11, 0xea, 0x39, 0x7f, 0xe6, 0x9a, 0x4b, 0x1b, 0xa7, 0xb6,
                                       0x43, 0x4b, 0xac, 0xd7, 0x64, 0x77, 0x4b, 0x84, 0xf3, 0x85, 0x12, 0xbf,
                                       0x67, 0x30, 0xd2, 0xa0, 0xf6, 0xb0, 0xf6, 0x24, 0x1e, 0xab, 0xff, 0xfe,
                                       0xb1, 0x53, 0xff, 0xff, 0xb9, 0xfe, 0xff, 0xff, 0xff, 0xff, 0xaa, 0xab};
    Bytes48 out;
    std::copy(p, p + 48, out.bytes.begin());
    out.bytes[0] |= 0x80;
    return out;
}

// A variety of invalid 48-byte encodings, each with a name.
inline std::vector<std::pair<std::string, Bytes48>> invalid_g1_encodings() {
    std::vector<std::pair<std::string, Bytes48>> v;
    Bytes48 b;
    b = g1_infinity();
    b.bytes[47] = 1;
    v.emplace_back("infinity flag with a non-zero last byte", b);
    b = g1_infinity();
    b.bytes[0] = 0xc1;
    v.emplace_back("infinity flag with a non-zero bit in the first byte", b);
    b = g1_infinity();
    b.bytes[0] = 0xe0;
    v.emplace_back("infinity flag with the sort flag", b);
    b = Bytes48{};
    b.bytes[0] = 0x40;
    v.emplace_back("infinity flag without the compression flag", b);
    v.emplace_back("all zero (no compression flag)", Bytes48{});
    b = Bytes48{};
    b.bytes.fill(0xff);
    v.emplace_back("all 0xff", b);
    v.emplace_back("x = p", g1_x_equals_p());
    v.emplace_back("off the curve", g1_off_curve());
    v.emplace_back("off the curve (second)", g1_off_curve(1000));
    v.emplace_back("on the curve, not in the subgroup", g1_not_in_subgroup());
    v.emplace_back("on the curve, not in the subgroup (second)", g1_not_in_subgroup(5000));
    v.emplace_back("x = 0 (a point of order 3)", g1_with_x(0, 0x80));
    b = g1_bytes(*blst_p1_generator());
    b.bytes[0] &= 0x7f;
    v.emplace_back("generator without the compression flag", b);
    return v;
}

// ---- low-degree polynomials: inputs with known commitments and proofs -----------------
//
// p(x) = sum c_j x^j of small degree, committed with the reference's monomial
// G1 points: [p(s)]G1 = sum c_j [s^j]G1, and opened at z by synthetic division.

struct LowDegree {
    std::vector<blst_fr> coeffs;
};

inline LowDegree random_low_degree(Rng& rng, std::size_t max_degree) {
    LowDegree p;
    p.coeffs.resize(1 + rng.below(max_degree + 1));
    for (auto& c : p.coeffs) c = fr_random(rng);
    return p;
}

inline blst_fr eval(const LowDegree& p, const blst_fr& z) {
    blst_fr acc = fr_u64(0);
    for (std::size_t j = p.coeffs.size(); j-- > 0;) {
        blst_fr_mul(&acc, &acc, &z);
        blst_fr_add(&acc, &acc, &p.coeffs[j]);
    }
    return acc;
}

inline std::unique_ptr<Blob> blob_of(const LowDegree& p) {
    auto blob = std::make_unique<Blob>();
    const auto& d = domain_brp();
    for (std::size_t i = 0; i < d.size(); i++) set_element(*blob, i, bytes_from_fr(eval(p, d[i])));
    return blob;
}

inline blst_p1 commit_monomial(const std::vector<blst_fr>& coeffs) {
    blst_p1 acc;
    std::memset(&acc, 0, sizeof acc);
    for (std::size_t j = 0; j < coeffs.size(); j++) {
        const blst_p1 t = g1_times(ref().g1_values_monomial[j], coeffs[j]);
        blst_p1_add_or_double(&acc, &acc, &t);
    }
    return acc;
}

inline KZGCommitment commitment_of(const LowDegree& p) { return as_commitment(g1_bytes(commit_monomial(p.coeffs))); }

// The KZG proof of p at z: [q(s)] with q = (p - p(z)) / (x - z).
inline KZGProof proof_of(const LowDegree& p, const blst_fr& z) {
    const std::size_t d = p.coeffs.size();
    if (d <= 1) return as_proof(g1_infinity());
    std::vector<blst_fr> q(d - 1);
    q[d - 2] = p.coeffs[d - 1];
    for (std::size_t j = d - 2; j-- > 0;) {
        blst_fr t;
        blst_fr_mul(&t, &q[j + 1], &z);
        blst_fr_add(&q[j], &p.coeffs[j + 1], &t);
    }
    return as_proof(g1_bytes(commit_monomial(q)));
}

// Spec compute_challenge, written out from the spec.
template <class Tag>  // any 48 bytes: hashed as they are
blst_fr blob_challenge(const Blob& blob, const kzg::ByteArray<48, Tag>& commitment) {
    static const char domain[] = "FSBLOBVERIFY_V1_";
    std::vector<std::uint8_t> data(domain, domain + 16);
    for (int i = 0; i < 14; i++) data.push_back(0);
    data.push_back(0x10);  // 4096 as a 16-byte big-endian integer
    data.push_back(0x00);
    data.insert(data.end(), blob.bytes.begin(), blob.bytes.end());
    data.insert(data.end(), commitment.bytes.begin(), commitment.bytes.end());
    std::uint8_t digest[32];
    blst_sha256(digest, data.data(), data.size());
    return fr_from_bytes(digest);
}

// A blob with its commitment and its valid blob proof, from a random low-degree polynomial.
struct BlobTriple {
    LowDegree poly;
    std::unique_ptr<Blob> blob;
    KZGCommitment commitment;
    KZGProof proof;
};

inline BlobTriple random_blob_triple(Rng& rng, std::size_t max_degree = 12) {
    BlobTriple t;
    t.poly = random_low_degree(rng, max_degree);
    t.blob = blob_of(t.poly);
    t.commitment = commitment_of(t.poly);
    t.proof = proof_of(t.poly, blob_challenge(*t.blob, t.commitment));
    return t;
}

// ---- random blobs ----------------------------------------------------------------------

enum class BlobKind { kRandom, kFullRange, kSparse, kSmall, kNearModulus, kLowDegree, kNonCanonical };

inline const char* blob_kind_name(BlobKind k) {
    switch (k) {
        case BlobKind::kRandom: return "random";
        case BlobKind::kFullRange: return "full-range";
        case BlobKind::kSparse: return "sparse";
        case BlobKind::kSmall: return "small";
        case BlobKind::kNearModulus: return "near-modulus";
        case BlobKind::kLowDegree: return "low-degree";
        case BlobKind::kNonCanonical: return "non-canonical";
    }
    return "?";
}

// A non-canonical element value (>= r), chosen at random among the classics.
inline Bytes32 random_non_canonical(Rng& rng) {
    switch (rng.below(5)) {
        case 0: return modulus_plus(0);
        case 1: return modulus_plus(1);
        case 2: return fe_all_ff();
        case 3: return modulus_plus(static_cast<std::int64_t>(rng.below(1u << 30)));
        default: {
            Bytes32 v;
            rng.fill(v.data(), 32);
            v.bytes[0] = static_cast<std::uint8_t>(0x74 + rng.below(0x8c));  // top byte 0x74..0xff
            return v;
        }
    }
}

// Fills `blob` (kLowDegree: also returns the polynomial).
inline std::optional<LowDegree> fill_blob(Rng& rng, BlobKind kind, Blob& blob) {
    const std::size_t n = kzg::FIELD_ELEMENTS_PER_BLOB;
    switch (kind) {
        case BlobKind::kRandom:
            for (std::size_t i = 0; i < n; i++) random_canonical(rng, blob.data() + 32 * i);
            break;
        case BlobKind::kFullRange:
            // Uniform over [0, r): draw with the top byte <= 0x73 and retry above r.
            for (std::size_t i = 0; i < n; i++) {
                std::uint8_t* e = blob.data() + 32 * i;
                do {
                    rng.fill(e, 32);
                    e[0] %= 0x74;
                } while (!std::lexicographical_compare(e, e + 32, kModulus.begin(), kModulus.end()));
            }
            break;
        case BlobKind::kSparse:
            blob = Blob{};
            for (std::size_t k = 1 + rng.below(16); k > 0; k--) random_canonical(rng, blob.data() + 32 * rng.below(n));
            break;
        case BlobKind::kSmall:
            blob = Blob{};
            for (std::size_t i = 0; i < n; i++) set_element(blob, i, fe_from_u64(rng.below(1u << 16)));
            break;
        case BlobKind::kNearModulus:
            for (std::size_t i = 0; i < n; i++) set_element(blob, i, modulus_plus(-1 - static_cast<std::int64_t>(rng.below(1000))));
            break;
        case BlobKind::kLowDegree: {
            LowDegree p = random_low_degree(rng, 16);
            blob = *blob_of(p);
            return p;
        }
        case BlobKind::kNonCanonical:
            for (std::size_t i = 0; i < n; i++) random_canonical(rng, blob.data() + 32 * i);
            set_element(blob, rng.below(n), random_non_canonical(rng));
            break;
    }
    return std::nullopt;
}

// ---- comparisons ---------------------------------------------------------------------------

inline const char* ret_name(C_KZG_RET r) {
    switch (r) {
        case C_KZG_OK: return "C_KZG_OK";
        case C_KZG_BADARGS: return "C_KZG_BADARGS";
        case C_KZG_ERROR: return "C_KZG_ERROR";
        case C_KZG_MALLOC: return "C_KZG_MALLOC";
    }
    return "C_KZG_?";
}

template <std::size_t N, class Tag>
std::string show(const kzg::ByteArray<N, Tag>& b) {
    if (N <= 48) return kzg::hex_encode(b);
    return kzg::hex_encode(std::span<const std::uint8_t>(b.bytes).first(48)) + "...";
}
inline std::string show(bool b) { return b ? "true" : "false"; }
inline std::string show(const kzg::ProofAndY& p) { return "proof " + show(p.proof) + " y " + show(p.y); }

inline std::string show(const std::vector<Cell>& cells) { return std::to_string(cells.size()) + " cells"; }
inline std::string show(const kzg::CellsAndProofs& cp) {
    return std::to_string(cp.cells.size()) + " cells and " + std::to_string(cp.proofs.size()) + " proofs";
}

// How two outputs differ, as text; "" when they are equal.
template <class T>
std::string difference(const T& ours_v, const T& theirs_v) {
    if (ours_v == theirs_v) return "";
    return "ours " + show(ours_v) + ", c-kzg " + show(theirs_v);
}
inline std::string difference(const kzg::ProofAndY& a, const kzg::ProofAndY& b) {
    if (a.proof == b.proof && a.y == b.y) return "";
    return "ours " + show(a) + ", c-kzg " + show(b);
}
template <class Tag>
std::string difference(const std::vector<kzg::ByteArray<48, Tag>>& a, const std::vector<kzg::ByteArray<48, Tag>>& b,
                       const char* what = "proofs") {
    if (a.size() != b.size())
        return std::string(what) + ": " + std::to_string(a.size()) + " vs " + std::to_string(b.size()) + " entries";
    for (std::size_t i = 0; i < a.size(); i++)
        if (!(a[i] == b[i]))
            return std::string(what) + "[" + std::to_string(i) + "]: ours " + show(a[i]) + ", c-kzg " + show(b[i]);
    return "";
}
inline std::string difference(const std::vector<Cell>& a, const std::vector<Cell>& b) {
    if (a.size() != b.size())
        return "cells: " + std::to_string(a.size()) + " vs " + std::to_string(b.size()) + " entries";
    for (std::size_t i = 0; i < a.size(); i++) {
        for (std::size_t j = 0; j < kzg::FIELD_ELEMENTS_PER_CELL; j++) {
            const auto off = static_cast<std::ptrdiff_t>(32 * j);
            if (!std::equal(a[i].bytes.begin() + off, a[i].bytes.begin() + off + 32, b[i].bytes.begin() + off)) {
                return "cells[" + std::to_string(i) + "] element " + std::to_string(j) + ": ours " +
                       kzg::hex_encode(std::span<const std::uint8_t>(a[i].bytes).subspan(32 * j, 32)) + ", c-kzg " +
                       kzg::hex_encode(std::span<const std::uint8_t>(b[i].bytes).subspan(32 * j, 32));
            }
        }
    }
    return "";
}
inline std::string difference(const kzg::CellsAndProofs& a, const kzg::CellsAndProofs& b) {
    std::string d = difference(a.cells, b.cells);
    if (d.empty()) d = difference(a.proofs, b.proofs, "proofs");
    return d;
}

// Counts of what the comparisons saw; the loops stop after too many mismatches.
struct Tally {
    std::size_t calls = 0, mismatches = 0, accepted = 0, rejected = 0, verified_true = 0, verified_false = 0;
    bool too_many() const { return mismatches >= 10; }
    std::string summary() const {
        std::ostringstream os;
        os << calls << " calls: " << accepted << " accepted";
        if (verified_true + verified_false) os << " (" << verified_true << " true, " << verified_false << " false)";
        os << ", " << rejected << " rejected by both, " << mismatches << " mismatches";
        return os.str();
    }
};

// Compares one call's outcome. Returns the common value when both succeeded
// with equal outputs; nullopt when both rejected or on a mismatch (reported).
template <class T>
std::optional<T> compare(const kzg::Result<T>& ours_r, C_KZG_RET theirs_ret, const T& theirs, Tally& t,
                         const std::string& what) {
    t.calls++;
    const bool ours_ok = ours_r.ok();
    const bool theirs_ok = theirs_ret == C_KZG_OK;
    if (ours_ok != theirs_ok) {
        t.mismatches++;
        ADD_FAILURE() << what << ": accept/reject differs: ours "
                      << (ours_ok ? "accepted (" + show(ours_r.value()) + ")"
                                  : "rejected (" + std::string(kzg::error_code_name(ours_r.code())) + ": " +
                                        ours_r.message() + ")")
                      << ", c-kzg " << ret_name(theirs_ret);
        return std::nullopt;
    }
    if (!ours_ok) {
        if (theirs_ret != C_KZG_BADARGS || ours_r.code() != kzg::ErrorCode::kInvalidInput) {
            t.mismatches++;
            ADD_FAILURE() << what << ": both rejected, but ours with " << kzg::error_code_name(ours_r.code()) << " ("
                          << ours_r.message() << ") and c-kzg with " << ret_name(theirs_ret)
                          << " (expected invalid_input / C_KZG_BADARGS)";
            return std::nullopt;
        }
        if (ours_r.message().empty()) {
            t.mismatches++;
            ADD_FAILURE() << what << ": our error has no message";
        }
        t.rejected++;
        return std::nullopt;
    }
    if (const std::string d = difference(ours_r.value(), theirs); !d.empty()) {
        t.mismatches++;
        ADD_FAILURE() << what << ": outputs differ: " << d;
        return std::nullopt;
    }
    t.accepted++;
    if constexpr (std::is_same_v<T, bool>) (ours_r.value() ? t.verified_true : t.verified_false)++;
    return ours_r.value();
}

// ---- one differential call per public function -------------------------------------------

inline std::optional<KZGCommitment> blob_to_kzg_commitment(const Blob& blob, Tally& t, const std::string& what) {
    KZGCommitment theirs;
    const C_KZG_RET r = ::blob_to_kzg_commitment(c_out(&theirs), c_ptr(&blob), &ref());
    return compare(ours().blob_to_kzg_commitment(blob), r, theirs, t, what);
}

inline std::optional<kzg::ProofAndY> compute_kzg_proof(const Blob& blob, const Bytes32& z, Tally& t,
                                                       const std::string& what) {
    kzg::ProofAndY theirs;
    const C_KZG_RET r = ::compute_kzg_proof(c_out(&theirs.proof), c_out(&theirs.y), c_ptr(&blob), c_ptr(&z), &ref());
    return compare(ours().compute_kzg_proof(blob, z), r, theirs, t, what);
}

// The wrappers below take any 48 bytes (Bytes48, KZGCommitment, KZGProof) where
// a commitment or a proof goes: the tests feed random and invalid points in
// every role, and both libraries get the same bytes.
template <class C>
std::optional<KZGProof> compute_blob_kzg_proof(const Blob& blob, const C& commitment, Tally& t,
                                                     const std::string& what) {
    KZGProof theirs;
    const C_KZG_RET r = ::compute_blob_kzg_proof(c_out(&theirs), c_ptr(&blob), c_ptr(&commitment), &ref());
    return compare(ours().compute_blob_kzg_proof(blob, as_commitment(commitment)), r, theirs, t, what);
}

template <class C, class P>
std::optional<bool> verify_kzg_proof(const C& commitment, const Bytes32& z, const Bytes32& y,
                                            const P& proof, Tally& t, const std::string& what) {
    bool theirs = false;
    const C_KZG_RET r =
        ::verify_kzg_proof(&theirs, c_ptr(&commitment), c_ptr(&z), c_ptr(&y), c_ptr(&proof), &ref());
    return compare(ours().verify_kzg_proof(as_commitment(commitment), z, y, as_proof(proof)), r, theirs, t, what);
}

template <class C, class P>
std::optional<bool> verify_blob_kzg_proof(const Blob& blob, const C& commitment, const P& proof,
                                                 Tally& t, const std::string& what) {
    bool theirs = false;
    const C_KZG_RET r = ::verify_blob_kzg_proof(&theirs, c_ptr(&blob), c_ptr(&commitment), c_ptr(&proof), &ref());
    return compare(ours().verify_blob_kzg_proof(blob, as_commitment(commitment), as_proof(proof)), r, theirs, t, what);
}

template <class CTag = kzg::KZGCommitmentTag, class PTag = kzg::KZGProofTag>
std::optional<bool> verify_blob_kzg_proof_batch(const std::vector<Blob>& blobs,
                                                       const std::vector<kzg::ByteArray<48, CTag>>& commitments,
                                                       const std::vector<kzg::ByteArray<48, PTag>>& proofs, Tally& t,
                                                       const std::string& what) {
    bool theirs = false;
    const C_KZG_RET r = ::verify_blob_kzg_proof_batch(&theirs, c_ptr(blobs.data()), c_ptr(commitments.data()),
                                                      c_ptr(proofs.data()), blobs.size(), &ref());
    return compare(ours().verify_blob_kzg_proof_batch(blobs, as_commitments(commitments), as_proofs(proofs)), r, theirs,
                   t, what);
}

}  // namespace diff
