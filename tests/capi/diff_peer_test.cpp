// kzgd's C API (libkzg.so) against c-kzg 2.1.8 (libckzg_peer.so), call for
// call: the same inputs to both, then the return codes and every output byte
// compared, errors included (outputs are prefilled with the same random bytes
// on both sides, so a write on one side only shows up).
//
// Both libraries export the same C names and each carries its own blst, so
// they are dlopen()ed (RTLD_LOCAL) rather than linked; this binary links only
// blst, to craft adversarial inputs (points outside the subgroup, ...).
//
//   KZG_CAPI_LIB, KZG_PEER_LIB  the two libraries (defaults from CMake)
//   KZG_DIFF_ITERATIONS         scales the random inputs (default 16)
//   KZG_DIFF_SEED               replays a run (printed at the start)
//   KZG_DIFF_PRECOMPUTE15=1     also loads both with precompute 15 (c-kzg: 12 GiB)
//
// Documented differences, expected explicitly (and counted) when the library
// under test is kzgd (it exports kzgd_version); any other library must match
// c-kzg byte for byte everywhere:
//  1. recover_cells_and_kzg_proofs on cells that are not one blob's (not a
//     codeword): the consensus spec truncates the recovered polynomial to 4096
//     coefficients and returns that polynomial's cells, as kzgd does; c-kzg
//     returns the untruncated polynomial's (all 128 given: the input as is).
//     Codes and proofs agree; kzgd's cells are checked against the spec's,
//     computed here from c-kzg's (truncate_to_codeword).
//  2. load_trusted_setup(_file): kzgd refuses setups that c-kzg loads although
//     they are not the ceremony's (a G1 point outside the subgroup, two points
//     exchanged), as ckzg.h documents. The spec fixes the setup, so no
//     consensus behaviour depends on it.
#include "kzg/ckzg.h"

#include <blst.h>
#include <dlfcn.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cinttypes>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <functional>
#include <map>
#include <memory>
#include <numeric>
#include <random>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "support/diff_random.hpp"

namespace {

// ---- the two libraries ---------------------------------------------------------------------

#define KZG_CAPI_FUNCTIONS(X)                                                                 \
    X(load_trusted_setup)                                                                     \
    X(load_trusted_setup_file)                                                                \
    X(free_trusted_setup)                                                                     \
    X(blob_to_kzg_commitment)                                                                 \
    X(compute_kzg_proof)                                                                      \
    X(compute_blob_kzg_proof)                                                                 \
    X(verify_kzg_proof)                                                                       \
    X(verify_blob_kzg_proof)                                                                  \
    X(verify_blob_kzg_proof_batch)                                                            \
    X(compute_cells_and_kzg_proofs)                                                           \
    X(recover_cells_and_kzg_proofs)                                                           \
    X(verify_cell_kzg_proof_batch)

// One implementation: its twelve functions and its mainnet settings.
struct Lib {
    std::string label;  // "kzgd" or "c-kzg" in messages
    std::string path;
    void* handle = nullptr;
    bool is_kzgd = false;  // exports kzgd_version: kzgd's documented differences apply
    std::string version;
#define KZG_DECLARE(name) decltype(&::name) name = nullptr;
    KZG_CAPI_FUNCTIONS(KZG_DECLARE)
#undef KZG_DECLARE
    KZGSettings settings{};  // mainnet, precompute 0; one per library
};

std::string env_or(const char* name, const char* fallback) {
    const char* v = std::getenv(name);
    return v != nullptr && *v != '\0' ? std::string(v) : std::string(fallback);
}

// Opens one library; an empty string on success, else why not.
std::string open_lib(Lib& lib, const std::string& label, const std::string& path) {
    lib.label = label;
    lib.path = path;
    if (path.empty()) return label + ": no library given (build kzg_shared or set KZG_CAPI_LIB)";
    lib.handle = ::dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (lib.handle == nullptr) return label + ": dlopen(" + path + "): " + ::dlerror();
#define KZG_RESOLVE(name)                                                                       \
    lib.name = reinterpret_cast<decltype(&::name)>(::dlsym(lib.handle, #name));               \
    if (lib.name == nullptr) return label + ": " + path + " does not export " #name;
    KZG_CAPI_FUNCTIONS(KZG_RESOLVE)
#undef KZG_RESOLVE
    if (void* v = ::dlsym(lib.handle, "kzgd_version"); v != nullptr) {
        lib.is_kzgd = true;
        lib.version = reinterpret_cast<const char* (*)()>(v)();
    } else {
        lib.version = "no kzgd_version (c-kzg)";
    }
    return {};
}

std::string read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

// A FILE* holding `content`, positioned at the start (tmpfile: no name to clean up).
std::unique_ptr<FILE, int (*)(FILE*)> file_with(const std::string& content) {
    std::unique_ptr<FILE, int (*)(FILE*)> f(std::tmpfile(), &std::fclose);
    if (f && !content.empty()) std::fwrite(content.data(), 1, content.size(), f.get());
    if (f) std::rewind(f.get());
    return f;
}

std::uint64_t env_u64(const char* name, std::uint64_t fallback) {
    const char* v = std::getenv(name);
    if (v == nullptr || *v == '\0') return fallback;
    char* end = nullptr;
    const unsigned long long x = std::strtoull(v, &end, 0);
    if (*end != '\0') {
        std::fprintf(stderr, "kzg_capi_diff: %s='%s' is not a number; using %" PRIu64 "\n", name, v, fallback);
        return fallback;
    }
    return static_cast<std::uint64_t>(x);
}

// The seed (tests/support/diff_random.hpp).
std::uint64_t seed() { return kzg_test::diff_seed("kzg_capi_diff"); }

// The random inputs scale with this (the adversarial ones do not).
std::uint64_t scale() {
    static const std::uint64_t s = std::max<std::uint64_t>(1, env_u64("KZG_DIFF_ITERATIONS", 16));
    return s;
}

// Both libraries, opened and loaded once for the whole run.
struct Libs {
    Lib side[2];  // [0] the library under test, [1] c-kzg 2.1.8
    std::string error;
    std::string setup_text;

    static Libs& get() {
        static Libs* libs = [] {
            auto* l = new Libs;  // kept for the process: the libraries stay open
            l->init();
            return l;
        }();
        return *libs;
    }

  private:
    void init() {
        (void)seed();
        const std::string ours = env_or("KZG_CAPI_LIB", KZG_CAPI_LIB_DEFAULT);
        const std::string peer = env_or("KZG_PEER_LIB", KZG_PEER_LIB_DEFAULT);
        error = open_lib(side[0], "kzgd", ours);
        if (error.empty()) error = open_lib(side[1], "c-kzg", peer);
        if (!error.empty()) return;
        if (!side[0].is_kzgd) side[0].label = "lib-under-test";
        std::printf("kzg_capi_diff: under test %s [%s]\n", side[0].path.c_str(), side[0].version.c_str());
        std::printf("kzg_capi_diff: reference  %s [%s]\n", side[1].path.c_str(), side[1].version.c_str());
        setup_text = read_file(KZG_PEER_SETUP_TXT);
        if (setup_text.empty()) {
            error = std::string("cannot read ") + KZG_PEER_SETUP_TXT;
            return;
        }
        for (Lib& lib : side) {
            auto f = file_with(setup_text);
            const C_KZG_RET ret = lib.load_trusted_setup_file(&lib.settings, f.get(), 0);
            if (ret != C_KZG_OK) {
                error = lib.label + ": load_trusted_setup_file(" + KZG_PEER_SETUP_TXT + ", 0) = " +
                        std::to_string(static_cast<int>(ret));
                return;
            }
        }
    }
};

// ---- randomness and field elements ----------------------------------------------------------

using kzg_test::Rng;  // tests/support/diff_random.hpp

using Fe = std::array<std::uint8_t, 32>;  // big-endian, as in blobs

// The scalar field modulus r.
constexpr Fe kR = {0x73, 0xed, 0xa7, 0x53, 0x29, 0x9d, 0x7d, 0x48, 0x33, 0x39, 0xd8, 0x08, 0x09, 0xa1, 0xd8, 0x05,
                   0x53, 0xbd, 0xa4, 0x02, 0xff, 0xfe, 0x5b, 0xfe, 0xff, 0xff, 0xff, 0xff, 0x00, 0x00, 0x00, 0x01};
// The base field modulus p (big-endian, 48 bytes).
constexpr std::array<std::uint8_t, 48> kP = {
    0x1a, 0x01, 0x11, 0xea, 0x39, 0x7f, 0xe6, 0x9a, 0x4b, 0x1b, 0xa7, 0xb6, 0x43, 0x4b, 0xac, 0xd7,
    0x64, 0x77, 0x4b, 0x84, 0xf3, 0x85, 0x12, 0xbf, 0x67, 0x30, 0xd2, 0xa0, 0xf6, 0xb0, 0xf6, 0x24,
    0x1e, 0xab, 0xff, 0xfe, 0xb1, 0x53, 0xff, 0xff, 0xb9, 0xfe, 0xff, 0xff, 0xff, 0xff, 0xaa, 0xab};

// r + delta for small delta (r-1, r, r+1).
Fe r_plus(int delta) {
    Fe out = kR;
    int carry = delta;
    for (int i = 31; i >= 0 && carry != 0; i--) {
        int v = out[i] + carry;
        carry = 0;
        while (v < 0) { v += 256; carry -= 1; }
        while (v > 255) { v -= 256; carry += 1; }
        out[i] = static_cast<std::uint8_t>(v);
    }
    return out;
}
Fe fe_u64(std::uint64_t v) {
    Fe out{};
    for (int i = 31; i >= 24; i--, v >>= 8) out[i] = static_cast<std::uint8_t>(v);
    return out;
}
Fe fe_all_ff() {
    Fe out;
    out.fill(0xff);
    return out;
}
// Uniform below r (rejection sampling on 255 bits).
Fe random_fe(Rng& rng) {
    Fe out;
    do {
        rng.fill(out.data(), 32);
        out[0] &= 0x7f;
    } while (!std::lexicographical_compare(out.begin(), out.end(), kR.begin(), kR.end()));
    return out;
}

blst_fr fr_of(const std::uint8_t* be) {
    blst_scalar s;
    blst_scalar_from_bendian(&s, be);
    blst_fr f;
    blst_fr_from_scalar(&f, &s);
    return f;
}
void fr_put(std::uint8_t* be, const blst_fr& f) {
    blst_scalar s;
    blst_scalar_from_fr(&s, &f);
    blst_bendian_from_scalar(be, &s);
}
blst_fr fr_u64(std::uint64_t v) {
    const std::uint64_t limbs[4] = {v, 0, 0, 0};
    blst_fr f;
    blst_fr_from_uint64(&f, limbs);
    return f;
}
blst_fr fr_mul(const blst_fr& a, const blst_fr& b) {
    blst_fr out;
    blst_fr_mul(&out, &a, &b);
    return out;
}
blst_fr fr_pow(const blst_fr& base, const Fe& exponent_be) {
    blst_fr acc = fr_u64(1);
    for (std::uint8_t byte : exponent_be)
        for (int bit = 7; bit >= 0; bit--) {
            acc = fr_mul(acc, acc);
            if ((byte >> bit) & 1) acc = fr_mul(acc, base);
        }
    return acc;
}
// A primitive root of unity of order 2^log_n, as the spec and c-kzg derive it: 7^((r-1)/2^log_n).
blst_fr root_of_unity(unsigned log_n) {
    Fe e = r_plus(-1);
    for (unsigned k = 0; k < log_n; k++) {  // e >>= 1
        for (int i = 31; i >= 0; i--) {
            e[i] = static_cast<std::uint8_t>(e[i] >> 1);
            if (i > 0 && (e[i - 1] & 1)) e[i] |= 0x80;
        }
    }
    return fr_pow(fr_u64(7), e);
}

// In-place NTT of natural-order values: out_k = sum_i a_i root^(ik).
void ntt(std::vector<blst_fr>& a, const blst_fr& root) {
    const std::size_t n = a.size();
    for (std::size_t i = 1, j = 0; i < n; i++) {
        std::size_t bit = n >> 1;
        for (; j & bit; bit >>= 1) j ^= bit;
        j ^= bit;
        if (i < j) std::swap(a[i], a[j]);
    }
    std::vector<blst_fr> tw(n / 2);
    tw[0] = fr_u64(1);
    for (std::size_t i = 1; i < n / 2; i++) tw[i] = fr_mul(tw[i - 1], root);
    for (std::size_t len = 2; len <= n; len <<= 1) {
        const std::size_t half = len / 2, stride = n / len;
        for (std::size_t i = 0; i < n; i += len)
            for (std::size_t j = 0; j < half; j++) {
                const blst_fr t = fr_mul(a[i + j + half], tw[j * stride]);
                blst_fr_sub(&a[i + j + half], &a[i + j], &t);
                blst_fr_add(&a[i + j], &a[i + j], &t);
            }
    }
}

std::size_t reverse_bits(std::size_t v, unsigned bits) {
    std::size_t r = 0;
    for (unsigned i = 0; i < bits; i++, v >>= 1) r = (r << 1) | (v & 1);
    return r;
}

// The spec's view of 128 cells (8192 evaluations in bit-reversed order of the
// extended domain): the polynomial's coefficients. `spec_cells` receives the
// cells of that polynomial truncated to FIELD_ELEMENTS_PER_BLOB coefficients,
// which is what the spec's recover_cells_and_kzg_proofs returns; the result
// says whether the input already was such a codeword.
bool truncate_to_codeword(const std::uint8_t* cells, std::vector<std::uint8_t>* spec_cells) {
    constexpr std::size_t n = FIELD_ELEMENTS_PER_EXT_BLOB;
    constexpr unsigned log_n = 13;
    static const blst_fr w = root_of_unity(log_n);
    static const blst_fr w_inv = [] {
        blst_fr x;
        blst_fr_inverse(&x, &w);
        return x;
    }();
    static const blst_fr n_inv = [] {
        blst_fr x, nn = fr_u64(n);
        blst_fr_inverse(&x, &nn);
        return x;
    }();
    std::vector<blst_fr> a(n);
    for (std::size_t i = 0; i < n; i++) a[i] = fr_of(cells + reverse_bits(i, log_n) * BYTES_PER_FIELD_ELEMENT);
    ntt(a, w_inv);
    bool codeword = true;
    const blst_fr zero = fr_u64(0);
    for (std::size_t k = 0; k < n; k++) {
        a[k] = fr_mul(a[k], n_inv);
        if (k >= FIELD_ELEMENTS_PER_BLOB) {
            if (std::memcmp(&a[k], &zero, sizeof(blst_fr)) != 0) codeword = false;
            a[k] = zero;
        }
    }
    if (spec_cells != nullptr) {
        ntt(a, w);
        spec_cells->resize(n * BYTES_PER_FIELD_ELEMENT);
        for (std::size_t i = 0; i < n; i++)
            fr_put(spec_cells->data() + reverse_bits(i, log_n) * BYTES_PER_FIELD_ELEMENT, a[i]);
    }
    return codeword;
}

// ---- points (48-byte compressed G1) ---------------------------------------------------------

using Point = std::array<std::uint8_t, 48>;

Point random_valid_point(Rng& rng) {
    std::uint8_t scalar[32];
    rng.fill(scalar, sizeof scalar);
    scalar[31] &= 0x3f;  // little-endian: below 2^254 < r
    blst_p1 p;
    blst_p1_mult(&p, blst_p1_generator(), scalar, 254);
    Point out;
    blst_p1_compress(out.data(), &p);
    return out;
}

// x random below p with the compression flag (and a random sign bit): the
// first encoding whose decompression gives `want` (and, for a success,
// a point outside the subgroup).
Point random_x_point(Rng& rng, BLST_ERROR want) {
    for (;;) {
        Point b;
        rng.fill(b.data(), b.size());
        b[0] = static_cast<std::uint8_t>((b[0] & 0x3f) | 0x80);  // keeps the sign bit 0x20 random
        blst_p1_affine a;
        const BLST_ERROR e = blst_p1_uncompress(&a, b.data());
        if (e != want) continue;
        if (want == BLST_SUCCESS && blst_p1_affine_in_g1(&a)) continue;
        return b;
    }
}

enum class PointKind {
    kHonest,
    kOtherValid,         // on the curve, in G1, but not the right one
    kRandomBytes,        // 48 random bytes
    kNotOnCurve,         // well-formed x, no y on the curve
    kNotInSubgroup,      // on the curve, outside G1
    kInfinity,           // 0xc0 00..: valid
    kInfinityJunk,       // infinity flag with a nonzero x bit
    kInfinitySign,       // infinity flag with the sign bit (0xe0)
    kInfinityNoCompress, // 0x40 00..: infinity without the compression flag
    kNoCompressionFlag,  // the honest encoding with 0x80 cleared
    kXEqualsP,           // compression flag, x == p
    kXAbovePMax,         // compression flag, x == 2^381 - 1
};
const std::vector<PointKind> kAllPointKinds = {
    PointKind::kHonest,        PointKind::kOtherValid,    PointKind::kRandomBytes,   PointKind::kNotOnCurve,
    PointKind::kNotInSubgroup, PointKind::kInfinity,      PointKind::kInfinityJunk,  PointKind::kInfinitySign,
    PointKind::kInfinityNoCompress, PointKind::kNoCompressionFlag, PointKind::kXEqualsP, PointKind::kXAbovePMax};

const char* point_kind_name(PointKind k) {
    switch (k) {
        case PointKind::kHonest: return "honest";
        case PointKind::kOtherValid: return "another valid point";
        case PointKind::kRandomBytes: return "random bytes";
        case PointKind::kNotOnCurve: return "not on the curve";
        case PointKind::kNotInSubgroup: return "outside the subgroup";
        case PointKind::kInfinity: return "infinity";
        case PointKind::kInfinityJunk: return "infinity with junk bits";
        case PointKind::kInfinitySign: return "infinity with the sign bit";
        case PointKind::kInfinityNoCompress: return "infinity flag without compression flag";
        case PointKind::kNoCompressionFlag: return "compression flag cleared";
        case PointKind::kXEqualsP: return "x == p";
        case PointKind::kXAbovePMax: return "x == 2^381-1";
    }
    return "?";
}

Point make_point(Rng& rng, PointKind kind, const Point& honest) {
    Point b{};
    switch (kind) {
        case PointKind::kHonest: return honest;
        case PointKind::kOtherValid: return random_valid_point(rng);
        case PointKind::kRandomBytes: rng.fill(b.data(), b.size()); return b;
        case PointKind::kNotOnCurve: return random_x_point(rng, BLST_POINT_NOT_ON_CURVE);
        case PointKind::kNotInSubgroup: return random_x_point(rng, BLST_SUCCESS);
        case PointKind::kInfinity: b[0] = 0xc0; return b;
        case PointKind::kInfinityJunk:
            b[0] = 0xc0;
            b[1 + rng.below(47)] = static_cast<std::uint8_t>(1u << rng.below(8));
            return b;
        case PointKind::kInfinitySign: b[0] = 0xe0; return b;
        case PointKind::kInfinityNoCompress: b[0] = 0x40; return b;
        case PointKind::kNoCompressionFlag: b = honest; b[0] &= 0x7f; return b;
        case PointKind::kXEqualsP:
            b = kP;
            b[0] |= static_cast<std::uint8_t>(0x80 | (rng.chance(50) ? 0x20 : 0));
            return b;
        case PointKind::kXAbovePMax: b.fill(0xff); b[0] = 0x9f; return b;
    }
    return b;
}

// ---- blobs ------------------------------------------------------------------------------------

struct BlobBox {  // a Blob on the heap (128 KiB)
    std::unique_ptr<Blob> b = std::make_unique<Blob>();
    std::string name;
    bool canonical = true;
    Blob* get() const { return b.get(); }
    void set(std::size_t i, const Fe& v) { std::memcpy(b->bytes + i * BYTES_PER_FIELD_ELEMENT, v.data(), 32); }
};

BlobBox random_blob(Rng& rng) {
    BlobBox x;
    x.name = "random blob";
    for (std::size_t i = 0; i < FIELD_ELEMENTS_PER_BLOB; i++) x.set(i, random_fe(rng));
    return x;
}

BlobBox filled_blob(const Fe& v, const std::string& name) {
    BlobBox x;
    x.name = name;
    for (std::size_t i = 0; i < FIELD_ELEMENTS_PER_BLOB; i++) x.set(i, v);
    return x;
}

// A random blob with one non-canonical element (r, r+1 or 2^256-1) at `at`.
BlobBox noncanonical_blob(Rng& rng, std::size_t at, int which) {
    BlobBox x = random_blob(rng);
    const Fe v = which == 0 ? r_plus(0) : which == 1 ? r_plus(1) : fe_all_ff();
    x.set(at, v);
    x.canonical = false;
    x.name = std::string("blob with element ") + std::to_string(at) + " = " +
             (which == 0 ? "r" : which == 1 ? "r+1" : "2^256-1");
    return x;
}

// The fixed adversarial blobs, then `random` more random ones (a third of
// them with a non-canonical element at a random position).
std::vector<BlobBox> blob_inputs(Rng& rng, std::size_t random) {
    std::vector<BlobBox> v;
    v.push_back(filled_blob(fe_u64(0), "all-zero blob"));
    v.push_back(filled_blob(r_plus(-1), "blob of r-1"));
    v.push_back(filled_blob(fe_u64(1), "blob of ones"));
    for (int which = 0; which < 3; which++) {
        v.push_back(noncanonical_blob(rng, 0, which));
        v.push_back(noncanonical_blob(rng, FIELD_ELEMENTS_PER_BLOB - 1, which));
    }
    {
        BlobBox x = filled_blob(fe_all_ff(), "blob of 0xff bytes");
        x.canonical = false;
        v.push_back(std::move(x));
    }
    for (std::size_t i = 0; i < random; i++) {
        if (i % 3 == 2)
            v.push_back(noncanonical_blob(rng, rng.below(FIELD_ELEMENTS_PER_BLOB), static_cast<int>(rng.below(3))));
        else
            v.push_back(random_blob(rng));
    }
    return v;
}

// Evaluation points z (and y values) by class.
struct NamedFe {
    std::string name;
    Fe v;
};
std::vector<NamedFe> z_inputs(Rng& rng) {
    static const blst_fr w4096 = root_of_unity(12);
    const std::uint64_t k = 2 + rng.below(4000);  // some power of the domain's generator
    Fe root;
    fr_put(root.data(), fr_pow(w4096, fe_u64(k)));
    Fe root8192;  // on the extended domain only, not the blob's
    fr_put(root8192.data(), root_of_unity(13));
    return {{"random z", random_fe(rng)},
            {"z = 0", fe_u64(0)},
            {"z = 1 (a root of unity)", fe_u64(1)},
            {"z = -1 (a root of unity)", r_plus(-1)},
            {"z = w^" + std::to_string(k) + " (on the domain)", root},
            {"z = primitive 8192nd root (off the domain)", root8192},
            {"z = r", r_plus(0)},
            {"z = r+1", r_plus(1)},
            {"z = 2^256-1", fe_all_ff()}};
}

// ---- comparing one call ------------------------------------------------------------------------

const char* code_name(int c) {
    switch (c) {
        case C_KZG_OK: return "OK";
        case C_KZG_BADARGS: return "BADARGS";
        case C_KZG_ERROR: return "ERROR";
        case C_KZG_MALLOC: return "MALLOC";
    }
    return "other";
}

// Calls and return codes per function, for one test and for the whole run.
struct Tally {
    struct Counts {
        std::uint64_t calls = 0, mismatches = 0, documented = 0;
        std::map<std::string, std::uint64_t> codes;  // c-kzg's code
    };
    std::map<std::string, Counts> by_fn;

    void add(const std::string& fn, int peer_code, bool mismatch, bool documented) {
        Counts& c = by_fn[fn];
        c.calls++;
        c.codes[code_name(peer_code)]++;
        if (mismatch) c.mismatches++;
        if (documented) c.documented++;
    }
    void merge(const Tally& o) {
        for (const auto& [fn, c] : o.by_fn) {
            Counts& d = by_fn[fn];
            d.calls += c.calls;
            d.mismatches += c.mismatches;
            d.documented += c.documented;
            for (const auto& [k, n] : c.codes) d.codes[k] += n;
        }
    }
    void print(const std::string& title) const {
        std::printf("  %s: calls compared per function (return codes as c-kzg gave them)\n", title.c_str());
        for (const auto& [fn, c] : by_fn) {
            std::string codes;
            for (const auto& [k, n] : c.codes) codes += " " + k + "=" + std::to_string(n);
            std::printf("    %-30s %6" PRIu64 " calls:%s", fn.c_str(), c.calls, codes.c_str());
            if (c.documented) std::printf("  documented differences=%" PRIu64, c.documented);
            if (c.mismatches) std::printf("  MISMATCHES=%" PRIu64, c.mismatches);
            std::printf("\n");
        }
        std::fflush(stdout);
    }
};

Tally& run_tally() {
    static Tally t;
    return t;
}

constexpr std::size_t kCellsBytes = std::size_t{CELLS_PER_EXT_BLOB} * BYTES_PER_CELL;
constexpr std::size_t kProofsBytes = std::size_t{CELLS_PER_EXT_BLOB} * BYTES_PER_PROOF;

// One output argument: its name and size; size 0 passes NULL.
struct OutSpec {
    const char* name;
    std::size_t size;
};

// What both sides gave.
struct Call {
    int ret[2] = {-1, -1};
    std::vector<std::vector<std::uint8_t>> out[2];
    bool same = true;
    const std::vector<std::uint8_t>& peer(std::size_t i) const { return out[1][i]; }
};

// Where output byte `off` lies, for messages on cell arrays.
std::string where(const char* name, std::size_t off) {
    std::ostringstream s;
    s << "byte " << off;
    if (std::strcmp(name, "cells") == 0)
        s << " (cell " << off / BYTES_PER_CELL << ", element " << (off % BYTES_PER_CELL) / 32 << ")";
    else if (std::strcmp(name, "proofs") == 0)
        s << " (proof " << off / 48 << ")";
    return s.str();
}

std::ptrdiff_t first_difference(const std::vector<std::uint8_t>& a, const std::vector<std::uint8_t>& b) {
    const auto m = std::mismatch(a.begin(), a.end(), b.begin(), b.end());
    return m.first == a.end() && m.second == b.end() ? -1 : m.first - a.begin();
}

using Invoke = std::function<int(const Lib&, const KZGSettings*, std::uint8_t* const*)>;

// The fixture: both libraries, a seeded Rng per test, a tally per test.
class CapiDiff : public ::testing::Test {
  protected:
    static constexpr int kMaxReported = 8;  // detailed failures per function and test

    void SetUp() override {
        Libs& libs = Libs::get();
        ASSERT_TRUE(libs.error.empty()) << libs.error;
        lib_[0] = &libs.side[0];
        lib_[1] = &libs.side[1];
        settings_[0] = &libs.side[0].settings;
        settings_[1] = &libs.side[1].settings;
        const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
        test_name_ = std::string(info->test_suite_name()) + "." + info->name();
        std::uint64_t h = 1469598103934665603ull;  // FNV-1a: a per-test stream, same under --gtest_filter
        for (char c : test_name_) h = (h ^ static_cast<unsigned char>(c)) * 1099511628211ull;
        rng_ = std::make_unique<Rng>(seed() ^ h);
        kzgd_ = lib_[0]->is_kzgd;
    }

    void TearDown() override {
        for (const auto& [fn, n] : unreported_)
            ADD_FAILURE() << fn << ": " << n << " further mismatches not shown (seed 0x" << std::hex << seed() << ")";
        tally_.print(test_name_);
        run_tally().merge(tally_);
    }

    Rng& rng() { return *rng_; }

    // Runs `f` on both sides with identical, identically prefilled outputs and
    // compares the return codes and every output byte. With `check` false the
    // caller compares (a documented difference); it must then call record().
    Call both(const std::string& fn, const std::string& what, const std::vector<OutSpec>& outs, const Invoke& f,
              bool check = true) {
        Call c;
        std::vector<std::uint8_t> pattern;
        for (int s = 0; s < 2; s++) c.out[s].resize(outs.size());
        for (std::size_t i = 0; i < outs.size(); i++) {
            pattern.resize(outs[i].size);
            rng().fill(pattern.data(), pattern.size());
            c.out[0][i] = pattern;
            c.out[1][i] = pattern;
        }
        for (int s = 0; s < 2; s++) {
            std::vector<std::uint8_t*> ptrs;
            for (auto& o : c.out[s]) ptrs.push_back(o.empty() ? nullptr : o.data());
            c.ret[s] = f(*lib_[s], settings_[s], ptrs.data());
        }
        if (!check) return c;
        std::string diff;
        if (c.ret[0] != c.ret[1]) {
            diff = std::string("return codes differ: ") + lib_[0]->label + " " + code_name(c.ret[0]) + ", c-kzg " +
                   code_name(c.ret[1]);
        }
        for (std::size_t i = 0; i < outs.size(); i++) {
            const std::ptrdiff_t off = first_difference(c.out[0][i], c.out[1][i]);
            if (off < 0) continue;
            char buf[96];
            std::snprintf(buf, sizeof buf, " (%s 0x%02x, c-kzg 0x%02x)", lib_[0]->label.c_str(),
                          c.out[0][i][static_cast<std::size_t>(off)], c.out[1][i][static_cast<std::size_t>(off)]);
            diff += (diff.empty() ? "" : "; ") + std::string("output '") + outs[i].name + "' differs first at " +
                    where(outs[i].name, static_cast<std::size_t>(off)) + buf;
        }
        c.same = diff.empty();
        record(fn, what, c, diff, false);
        return c;
    }

    // Counts a call; reports `diff` (empty: none) as a failure.
    void record(const std::string& fn, const std::string& what, const Call& c, const std::string& diff,
                bool documented) {
        tally_.add(fn, c.ret[1], !diff.empty(), documented);
        if (diff.empty()) return;
        if (reported_[fn]++ < kMaxReported) {
            ADD_FAILURE() << fn << " [" << what << "]: " << diff << " (c-kzg returned " << code_name(c.ret[1]) << ", "
                          << lib_[0]->label << " " << code_name(c.ret[0]) << "; seed 0x" << std::hex << seed()
                          << ")";
        } else {
            unreported_[fn]++;
        }
    }

    // ---- one method per function; each returns both sides' outputs ----

    Call commit(const std::string& what, const Blob* blob) {
        return both("blob_to_kzg_commitment", what, {{"commitment", 48}},
                    [&](const Lib& l, const KZGSettings* s, std::uint8_t* const* o) {
                        return l.blob_to_kzg_commitment(reinterpret_cast<KZGCommitment*>(o[0]), blob, s);
                    });
    }
    Call kzg_proof(const std::string& what, const Blob* blob, const Fe& z) {
        return both("compute_kzg_proof", what, {{"proof", 48}, {"y", 32}},
                    [&](const Lib& l, const KZGSettings* s, std::uint8_t* const* o) {
                        return l.compute_kzg_proof(reinterpret_cast<KZGProof*>(o[0]), reinterpret_cast<Bytes32*>(o[1]),
                                                   blob, reinterpret_cast<const Bytes32*>(z.data()), s);
                    });
    }
    Call blob_proof(const std::string& what, const Blob* blob, const Point& commitment) {
        return both("compute_blob_kzg_proof", what, {{"proof", 48}},
                    [&](const Lib& l, const KZGSettings* s, std::uint8_t* const* o) {
                        return l.compute_blob_kzg_proof(reinterpret_cast<KZGProof*>(o[0]), blob,
                                                        reinterpret_cast<const Bytes48*>(commitment.data()), s);
                    });
    }
    Call verify(const std::string& what, const Point& c, const Fe& z, const Fe& y, const Point& p) {
        return both("verify_kzg_proof", what, {{"ok", sizeof(bool)}},
                    [&](const Lib& l, const KZGSettings* s, std::uint8_t* const* o) {
                        return l.verify_kzg_proof(reinterpret_cast<bool*>(o[0]),
                                                  reinterpret_cast<const Bytes48*>(c.data()),
                                                  reinterpret_cast<const Bytes32*>(z.data()),
                                                  reinterpret_cast<const Bytes32*>(y.data()),
                                                  reinterpret_cast<const Bytes48*>(p.data()), s);
                    });
    }
    Call verify_blob(const std::string& what, const Blob* blob, const Point& c, const Point& p) {
        return both("verify_blob_kzg_proof", what, {{"ok", sizeof(bool)}},
                    [&](const Lib& l, const KZGSettings* s, std::uint8_t* const* o) {
                        return l.verify_blob_kzg_proof(reinterpret_cast<bool*>(o[0]), blob,
                                                       reinterpret_cast<const Bytes48*>(c.data()),
                                                       reinterpret_cast<const Bytes48*>(p.data()), s);
                    });
    }
    Call verify_batch(const std::string& what, const Blob* blobs, const Point* cs, const Point* ps, std::uint64_t n) {
        return both("verify_blob_kzg_proof_batch", what, {{"ok", sizeof(bool)}},
                    [&](const Lib& l, const KZGSettings* s, std::uint8_t* const* o) {
                        return l.verify_blob_kzg_proof_batch(reinterpret_cast<bool*>(o[0]), blobs,
                                                             reinterpret_cast<const Bytes48*>(cs),
                                                             reinterpret_cast<const Bytes48*>(ps), n, s);
                    });
    }
    Call cells(const std::string& what, const Blob* blob, bool want_cells, bool want_proofs) {
        return both("compute_cells_and_kzg_proofs", what,
                    {{"cells", want_cells ? kCellsBytes : 0},
                     {"proofs", want_proofs ? kProofsBytes : 0}},
                    [&](const Lib& l, const KZGSettings* s, std::uint8_t* const* o) {
                        return l.compute_cells_and_kzg_proofs(reinterpret_cast<Cell*>(o[0]),
                                                              reinterpret_cast<KZGProof*>(o[1]), blob, s);
                    });
    }
    Call recover(const std::string& what, const std::uint64_t* idx, const Cell* in, std::uint64_t n, bool want_proofs,
                 bool check = true) {
        return both("recover_cells_and_kzg_proofs", what,
                    {{"cells", kCellsBytes},
                     {"proofs", want_proofs ? kProofsBytes : 0}},
                    [&](const Lib& l, const KZGSettings* s, std::uint8_t* const* o) {
                        return l.recover_cells_and_kzg_proofs(reinterpret_cast<Cell*>(o[0]),
                                                              reinterpret_cast<KZGProof*>(o[1]), idx, in, n, s);
                    },
                    check);
    }
    Call verify_cells(const std::string& what, const Point* cs, const std::uint64_t* idx, const Cell* in,
                      const Point* ps, std::uint64_t n) {
        return both("verify_cell_kzg_proof_batch", what, {{"ok", sizeof(bool)}},
                    [&](const Lib& l, const KZGSettings* s, std::uint8_t* const* o) {
                        return l.verify_cell_kzg_proof_batch(reinterpret_cast<bool*>(o[0]),
                                                             reinterpret_cast<const Bytes48*>(cs), idx, in,
                                                             reinterpret_cast<const Bytes48*>(ps), n, s);
                    });
    }

    // ---- honest material, from compared calls (c-kzg's outputs) ----

    Point honest_commitment(const BlobBox& b) {
        Call c = commit(b.name, b.get());
        Point p{};
        if (c.ret[1] == C_KZG_OK) std::memcpy(p.data(), c.peer(0).data(), 48);
        return p;
    }
    Point honest_blob_proof(const BlobBox& b, const Point& commitment) {
        Call c = blob_proof(b.name + ", honest commitment", b.get(), commitment);
        Point p{};
        if (c.ret[1] == C_KZG_OK) std::memcpy(p.data(), c.peer(0).data(), 48);
        return p;
    }

    const Lib* lib_[2] = {nullptr, nullptr};
    const KZGSettings* settings_[2] = {nullptr, nullptr};
    bool kzgd_ = false;
    Tally tally_;
    std::string test_name_;
    std::unique_ptr<Rng> rng_;
    std::map<std::string, int> reported_;
    std::map<std::string, int> unreported_;
};

// Checks that the fixed oracle pieces of this file agree with c-kzg before
// they are used to judge kzgd: the NTT's domain matches (a blob's 128 cells
// are a codeword) and the truncation leaves a codeword unchanged.
void expect_codeword_oracle(const std::vector<std::uint8_t>& cells) {
    std::vector<std::uint8_t> spec;
    ASSERT_TRUE(truncate_to_codeword(cells.data(), &spec))
        << "the test's own NTT disagrees with c-kzg's domain: a blob's cells are not a codeword";
    ASSERT_EQ(spec, cells) << "truncating a codeword changed it";
}

// ---- trusted setup ---------------------------------------------------------------------------

// The mainnet file's points as bytes: G1 Lagrange, G2 monomial, G1 monomial.
struct SetupBytes {
    std::vector<std::uint8_t> g1_lagrange, g2_monomial, g1_monomial;
};
SetupBytes parse_setup(const std::string& text) {
    std::istringstream in(text);
    std::uint64_t n1 = 0, n2 = 0;
    in >> n1 >> n2;
    SetupBytes out;
    auto read_points = [&](std::vector<std::uint8_t>& dst, std::uint64_t count) {
        std::string tok;
        for (std::uint64_t i = 0; i < count && (in >> tok); i++)
            for (std::size_t j = 0; j + 1 < tok.size(); j += 2)
                dst.push_back(static_cast<std::uint8_t>(std::stoul(tok.substr(j, 2), nullptr, 16)));
    };
    read_points(out.g1_lagrange, n1);
    read_points(out.g2_monomial, n2);
    read_points(out.g1_monomial, n1);
    return out;
}

// Offset in the text of the first character of token `t` (0: "4096", 1: "65", 2: first G1 point).
std::size_t token_offset(const std::string& text, std::size_t t) {
    std::size_t pos = 0;
    for (std::size_t i = 0;; i++) {
        pos = text.find_first_not_of(" \t\r\n", pos);
        if (i == t || pos == std::string::npos) return pos;
        pos = text.find_first_of(" \t\r\n", pos);
    }
}

class CapiDiffSetup : public CapiDiff {
  protected:
    // Loads on both sides (from text, or from bytes when `bytes` is set), compares
    // the codes (or expects `documented` codes {kzgd, c-kzg}), runs `use` on the
    // loaded settings when both loaded, then frees both and compares the
    // settings' bytes after failure and after free (all zero on c-kzg).
    void load_case(const std::string& what, const std::string* text, const SetupBytes* bytes, std::uint64_t g1m_len,
                   std::uint64_t g1l_len, std::uint64_t g2m_len, std::uint64_t precompute,
                   const std::function<void()>& use = nullptr, const int* documented = nullptr) {
        KZGSettings s[2];
        std::uint8_t pattern[sizeof(KZGSettings)];
        rng().fill(pattern, sizeof pattern);
        Call c;
        const std::string fn = text != nullptr ? "load_trusted_setup_file" : "load_trusted_setup";
        for (int i = 0; i < 2; i++) {
            std::memcpy(&s[i], pattern, sizeof pattern);
            if (text != nullptr) {
                auto f = file_with(*text);
                c.ret[i] = lib_[i]->load_trusted_setup_file(&s[i], f.get(), precompute);
            } else {
                c.ret[i] = lib_[i]->load_trusted_setup(&s[i], bytes->g1_monomial.data(), g1m_len,
                                                       bytes->g1_lagrange.data(), g1l_len, bytes->g2_monomial.data(),
                                                       g2m_len, precompute);
            }
        }
        std::string diff;
        const bool doc = documented != nullptr && kzgd_;
        if (doc) {
            if (c.ret[0] != documented[0] || c.ret[1] != documented[1])
                diff = std::string("documented difference not seen: expected ") + lib_[0]->label + " " +
                       code_name(documented[0]) + " and c-kzg " + code_name(documented[1]) + ", got " +
                       code_name(c.ret[0]) + " and " + code_name(c.ret[1]);
        } else if (c.ret[0] != c.ret[1]) {
            diff = std::string("return codes differ: ") + lib_[0]->label + " " + code_name(c.ret[0]) + ", c-kzg " +
                   code_name(c.ret[1]);
        }
        // A failed load leaves the settings freeable; c-kzg leaves them all zero.
        if (diff.empty() && c.ret[0] != C_KZG_OK && c.ret[1] != C_KZG_OK &&
            std::memcmp(&s[0], &s[1], sizeof(KZGSettings)) != 0)
            diff = "the settings' bytes after the failed load differ";
        record(fn, what + ", precompute " + std::to_string(precompute), c, diff, doc);

        if (c.ret[0] == C_KZG_OK && c.ret[1] == C_KZG_OK && use) {
            const KZGSettings* saved[2] = {settings_[0], settings_[1]};
            settings_[0] = &s[0];
            settings_[1] = &s[1];
            use();
            settings_[0] = saved[0];
            settings_[1] = saved[1];
        }
        Call f;
        f.ret[0] = f.ret[1] = C_KZG_OK;
        for (int i = 0; i < 2; i++) lib_[i]->free_trusted_setup(&s[i]);
        record("free_trusted_setup", what,
               f, std::memcmp(&s[0], &s[1], sizeof(KZGSettings)) == 0 ? "" : "the settings' bytes after free differ",
               false);
    }
};

TEST_F(CapiDiffSetup, LoadTrustedSetup) {
    const std::string& text = Libs::get().setup_text;
    const SetupBytes sb = parse_setup(text);
    ASSERT_EQ(sb.g1_lagrange.size(), 4096u * 48);
    ASSERT_EQ(sb.g2_monomial.size(), 65u * 96);
    ASSERT_EQ(sb.g1_monomial.size(), 4096u * 48);
    const std::uint64_t g1 = 4096 * 48, g2 = 65 * 96;

    // The same cells and proofs from any loaded settings (c-kzg's tables differ by precompute).
    const BlobBox blob = random_blob(rng());
    const Call reference = cells("random blob, mainnet settings (precompute 0)", blob.get(), true, true);
    auto same_cells = [&](const std::string& label) {
        return [&, label] {
            const Call c = cells("random blob, settings " + label, blob.get(), true, true);
            EXPECT_TRUE(c.out[0] == reference.out[0]) << "settings " << label << " change kzgd's output";
            EXPECT_TRUE(c.out[1] == reference.out[1]) << "settings " << label << " change c-kzg's output";
            const Call k = kzg_proof("random blob, settings " + label, blob.get(), random_fe(rng()));
            (void)k;
        };
    };

    // Good files.
    load_case("mainnet file", &text, nullptr, 0, 0, 0, 0, same_cells("file, precompute 0"));
    load_case("mainnet file", &text, nullptr, 0, 0, 0, 8, same_cells("file, precompute 8"));
    if (env_u64("KZG_DIFF_PRECOMPUTE15", 0) != 0) {
        load_case("mainnet file", &text, nullptr, 0, 0, 0, 15, same_cells("file, precompute 15"));
    }
    else if (kzgd_) {
        // c-kzg's tables would take 12 GiB; kzgd's do not grow with precompute,
        // so kzgd alone loads 15 (c-kzg accepts up to 15) and must still give
        // c-kzg's cells and proofs.
        std::printf("  (precompute 15: kzgd alone; KZG_DIFF_PRECOMPUTE15=1 compares c-kzg too, 12 GiB)\n");
        KZGSettings s{};
        auto f = file_with(text);
        const C_KZG_RET ret = lib_[0]->load_trusted_setup_file(&s, f.get(), 15);
        EXPECT_EQ(ret, C_KZG_OK) << "kzgd refuses precompute 15, which c-kzg accepts";
        if (ret == C_KZG_OK) {
            std::vector<std::uint8_t> c(kCellsBytes), p(kProofsBytes);
            EXPECT_EQ(lib_[0]->compute_cells_and_kzg_proofs(reinterpret_cast<Cell*>(c.data()),
                                                            reinterpret_cast<KZGProof*>(p.data()), blob.get(), &s),
                      C_KZG_OK);
            EXPECT_TRUE(c == reference.out[1][0] && p == reference.out[1][1])
                << "kzgd with precompute 15 differs from c-kzg with precompute 0";
        }
        lib_[0]->free_trusted_setup(&s);
    } else {
        std::printf("  (precompute 15 not loaded: c-kzg's tables take 12 GiB; KZG_DIFF_PRECOMPUTE15=1 does)\n");
    }
    {
        std::string one_line = text;  // any whitespace separates (fscanf)
        std::replace(one_line.begin(), one_line.end(), '\n', ' ');
        load_case("mainnet file on one line", &one_line, nullptr, 0, 0, 0, 0);
    }
    const std::string trailing = text + "\nzz trailing\n";  // fscanf stops after the last point
    load_case("mainnet file + trailing garbage", &trailing, nullptr, 0, 0, 0, 0);
    load_case("mainnet bytes", nullptr, &sb, g1, g1, g2, 0, same_cells("bytes, precompute 0"));

    // Refused by both.
    load_case("mainnet file", &text, nullptr, 0, 0, 0, 16);
    load_case("mainnet file", &text, nullptr, 0, 0, 0, ~std::uint64_t{0});
    load_case("mainnet bytes", nullptr, &sb, g1, g1, g2, 16);
    {
        const std::size_t end = text.find_last_not_of(" \t\r\n") + 1;
        const std::string empty, counts_only = "4096\n65\n", half = text.substr(0, text.size() / 2);
        const std::string minus2 = text.substr(0, end - 2);  // the last point's last byte gone
        load_case("empty file", &empty, nullptr, 0, 0, 0, 0);
        load_case("counts only", &counts_only, nullptr, 0, 0, 0, 0);
        load_case("truncated file (half)", &half, nullptr, 0, 0, 0, 0);
        load_case("truncated file (last byte gone)", &minus2, nullptr, 0, 0, 0, 0);
    }
    {
        // A bad hex digit in each of the three point lists.
        const std::size_t g1l_at = token_offset(text, 2 + 17) + 9;
        const std::size_t g2_at = token_offset(text, 2 + 4096 + 3);
        // Not the file's last digit: fscanf would read the byte before it alone (see below).
        const std::size_t g1m_at = token_offset(text, 2 + 4096 + 65 + 4000) + 10;
        for (auto [at, name] :
             {std::pair{g1l_at, "G1 Lagrange"}, std::pair{g2_at, "G2"}, std::pair{g1m_at, "G1 monomial"}}) {
            std::string bad = text;
            ASSERT_NE(at, std::string::npos);
            bad[at] = 'g';
            load_case(std::string("bad hex digit in a ") + name + " point", &bad, nullptr, 0, 0, 0, 0);
        }
    }
    for (const char* counts : {"4097\n65\n", "4095\n65\n", "4096\n64\n", "4096\n66\n", "x\n65\n", "-4096\n65\n"}) {
        std::string bad = text;
        bad.replace(0, token_offset(text, 2), counts);
        load_case(std::string("count lines '") + counts + "'", &bad, nullptr, 0, 0, 0, 0);
    }
    load_case("bytes: G1 monomial one byte short", nullptr, &sb, g1 - 1, g1, g2, 0);
    load_case("bytes: G1 Lagrange one point long", nullptr, &sb, g1, g1 + 48, g2, 0);
    load_case("bytes: G2 one point short", nullptr, &sb, g1, g1, g2 - 96, 0);
    load_case("bytes: all lengths zero", nullptr, &sb, 0, 0, 0, 0);
    {
        SetupBytes swapped = sb;  // monomial points where the Lagrange ones belong: c-kzg's form check
        std::swap(swapped.g1_lagrange, swapped.g1_monomial);
        load_case("bytes: monomial and Lagrange lists swapped", nullptr, &swapped, g1, g1, g2, 0);
    }
    {
        SetupBytes bad = sb;  // x >= p
        std::memcpy(bad.g1_lagrange.data() + 48 * 100, kP.data(), 48);
        bad.g1_lagrange[48 * 100] |= 0x80;
        load_case("bytes: a G1 Lagrange point with x == p", nullptr, &bad, g1, g1, g2, 0);
        SetupBytes bad2 = sb;
        const Point off = make_point(rng(), PointKind::kNotOnCurve, {});
        std::memcpy(bad2.g1_monomial.data() + 48 * 7, off.data(), 48);
        load_case("bytes: a G1 monomial point off the curve", nullptr, &bad2, g1, g1, g2, 0);
        SetupBytes bad3 = sb;
        bad3.g2_monomial[96 * 2] &= 0x7f;  // no compression flag
        load_case("bytes: a G2 point without the compression flag", nullptr, &bad3, g1, g1, g2, 0);
    }

    // Documented difference 2: setups c-kzg accepts and kzgd refuses (ckzg.h:
    // "every point is decompressed and checked (on the curve, in the subgroup,
    // not infinity) and the three lists must share one secret").
    const int kRefusedByKzgd[2] = {C_KZG_BADARGS, C_KZG_OK};
    {
        SetupBytes bad = sb;  // two Lagrange points exchanged: still points, not the same secret
        std::swap_ranges(bad.g1_lagrange.begin() + 48 * 5, bad.g1_lagrange.begin() + 48 * 6,
                         bad.g1_lagrange.begin() + 48 * 9);
        load_case("bytes: two G1 Lagrange points exchanged", nullptr, &bad, g1, g1, g2, 0, nullptr, kRefusedByKzgd);
        SetupBytes bad2 = sb;
        const Point outside = make_point(rng(), PointKind::kNotInSubgroup, {});
        std::memcpy(bad2.g1_lagrange.data() + 48 * 3000, outside.data(), 48);
        load_case("bytes: a G1 Lagrange point outside the subgroup", nullptr, &bad2, g1, g1, g2, 0, nullptr,
                  kRefusedByKzgd);
        // The file's last hex digit gone: "%2hhx" (c-kzg, and kzgd's reader
        // alike) reads the last byte from the one digit left, so the last G1
        // monomial point becomes another x, on the curve for the mainnet file
        // but outside G1: c-kzg keeps it, kzgd refuses it.
        const std::string minus1 = text.substr(0, text.find_last_not_of(" \t\r\n"));
        load_case("file: last hex digit gone", &minus1, nullptr, 0, 0, 0, 0, nullptr, kRefusedByKzgd);
    }

    // free_trusted_setup on NULL and on never-loaded (zeroed) settings.
    for (int i = 0; i < 2; i++) lib_[i]->free_trusted_setup(nullptr);
    KZGSettings zero[2] = {};
    for (int i = 0; i < 2; i++) lib_[i]->free_trusted_setup(&zero[i]);
    Call f;
    f.ret[0] = f.ret[1] = C_KZG_OK;
    record("free_trusted_setup", "NULL and never-loaded settings", f,
           std::memcmp(&zero[0], &zero[1], sizeof(KZGSettings)) == 0 ? "" : "bytes differ", false);
}

// ---- EIP-4844 -------------------------------------------------------------------------------

TEST_F(CapiDiff, BlobToKzgCommitment) {
    const auto blobs = blob_inputs(rng(), 4 * scale());
    for (const auto& b : blobs) {
        const Call c = commit(b.name, b.get());
        EXPECT_EQ(c.ret[1] == C_KZG_OK, b.canonical) << b.name << ": unexpected c-kzg verdict (test bug?)";
    }
}

TEST_F(CapiDiff, ComputeKzgProof) {
    const auto blobs = blob_inputs(rng(), 2 * scale());
    const auto zs = z_inputs(rng());
    for (std::size_t i = 0; i < blobs.size(); i++) {
        const auto& b = blobs[i];
        if (i < 10) {
            for (const auto& z : zs) kzg_proof(b.name + ", " + z.name, b.get(), z.v);  // every z on the fixed blobs
        } else {
            const auto& z = rng().chance(50) ? zs[0] : rng().pick(zs);
            kzg_proof(b.name + ", " + z.name, b.get(), z.v);
            kzg_proof(b.name + ", random z", b.get(), random_fe(rng()));
        }
    }
}

TEST_F(CapiDiff, ComputeBlobKzgProof) {
    const auto blobs = blob_inputs(rng(), 2 * scale());
    const Point valid = random_valid_point(rng());
    for (std::size_t i = 0; i < blobs.size(); i++) {
        const auto& b = blobs[i];
        const Point honest = b.canonical ? honest_commitment(b) : valid;
        if (i < 10) {  // every commitment class on the fixed blobs
            for (PointKind k : kAllPointKinds)
                blob_proof(b.name + ", commitment " + point_kind_name(k), b.get(), make_point(rng(), k, honest));
        } else {
            blob_proof(b.name + ", commitment honest", b.get(), honest);
            const PointKind k = rng().pick(kAllPointKinds);
            blob_proof(b.name + ", commitment " + point_kind_name(k), b.get(), make_point(rng(), k, honest));
        }
    }
}

TEST_F(CapiDiff, VerifyKzgProof) {
    const auto zs = z_inputs(rng());
    const std::size_t rounds = 4 + scale();
    for (std::size_t r = 0; r < rounds; r++) {
        BlobBox b = r == 0 ? filled_blob(fe_u64(0), "all-zero blob") : random_blob(rng());
        const Point commitment = honest_commitment(b);
        // Honest tuples at every z class that c-kzg accepts, then each field broken.
        for (const auto& z : zs) {
            const Call pc = kzg_proof(b.name + ", " + z.name, b.get(), z.v);
            Point proof{};
            Fe y{};
            if (pc.ret[1] == C_KZG_OK) {
                std::memcpy(proof.data(), pc.peer(0).data(), 48);
                std::memcpy(y.data(), pc.peer(1).data(), 32);
            } else {
                proof = random_valid_point(rng());
                y = random_fe(rng());
            }
            const std::string base = b.name + ", " + z.name;
            verify(base + ", honest", commitment, z.v, y, proof);
            if (r > 1 && z.name != zs[0].name && !rng().chance(30)) continue;  // the full sweep on a few rounds
            verify(base + ", y random", commitment, z.v, random_fe(rng()), proof);
            verify(base + ", y = 0", commitment, z.v, fe_u64(0), proof);
            verify(base + ", y = r", commitment, z.v, r_plus(0), proof);
            verify(base + ", y = r-1", commitment, z.v, r_plus(-1), proof);
            verify(base + ", y = 2^256-1", commitment, z.v, fe_all_ff(), proof);
            verify(base + ", proof as commitment", proof, z.v, y, commitment);
            for (PointKind k : kAllPointKinds) {
                if (k == PointKind::kHonest) continue;
                verify(base + ", commitment " + point_kind_name(k), make_point(rng(), k, commitment), z.v, y, proof);
                verify(base + ", proof " + point_kind_name(k), commitment, z.v, y, make_point(rng(), k, proof));
            }
        }
    }
    // Both points at infinity: true exactly when y == 0 (the zero polynomial).
    const Point inf = make_point(rng(), PointKind::kInfinity, {});
    for (const auto& z : zs) {
        verify("commitment and proof infinity, y = 0, " + z.name, inf, z.v, fe_u64(0), inf);
        verify("commitment and proof infinity, y = 1, " + z.name, inf, z.v, fe_u64(1), inf);
    }
}

TEST_F(CapiDiff, VerifyBlobKzgProof) {
    const auto blobs = blob_inputs(rng(), 2 * scale());
    const Point valid = random_valid_point(rng());
    for (std::size_t i = 0; i < blobs.size(); i++) {
        const auto& b = blobs[i];
        const Point c = b.canonical ? honest_commitment(b) : valid;
        const Point p = b.canonical ? honest_blob_proof(b, c) : valid;
        verify_blob(b.name + ", honest", b.get(), c, p);
        verify_blob(b.name + ", commitment and proof exchanged", b.get(), p, c);
        const bool sweep = i < 10 || rng().chance(25);
        for (PointKind k : kAllPointKinds) {
            if (k == PointKind::kHonest || (!sweep && !rng().chance(20))) continue;
            verify_blob(b.name + ", commitment " + point_kind_name(k), b.get(), make_point(rng(), k, c), p);
            verify_blob(b.name + ", proof " + point_kind_name(k), b.get(), c, make_point(rng(), k, p));
        }
        if (b.canonical) {  // another blob's honest pair
            BlobBox other = random_blob(rng());
            verify_blob(b.name + ", another blob", other.get(), c, p);
        }
    }
}

TEST_F(CapiDiff, VerifyBlobKzgProofBatch) {
    constexpr std::size_t kMax = 8;
    // kMax honest triples (the first is the zero blob: commitment and proof at infinity).
    std::vector<Blob> blobs(kMax);
    std::vector<Point> cs(kMax), ps(kMax);
    for (std::size_t i = 0; i < kMax; i++) {
        BlobBox b = i == 0 ? filled_blob(fe_u64(0), "all-zero blob") : random_blob(rng());
        blobs[i] = *b.get();
        cs[i] = honest_commitment(b);
        ps[i] = honest_blob_proof(b, cs[i]);
    }
    // n = 0: nothing is read, NULL included.
    verify_batch("n = 0, NULL arrays", nullptr, nullptr, nullptr, 0);
    verify_batch("n = 0, arrays", blobs.data(), cs.data(), ps.data(), 0);

    const std::size_t random_rounds = scale();
    for (std::size_t n = 1; n <= kMax; n++) {
        // A window of n of the triples, so that each n sees other blobs.
        const std::size_t off = rng().below(kMax - n + 1);
        std::vector<Blob> bb(blobs.begin() + off, blobs.begin() + off + n);
        std::vector<Point> cc(cs.begin() + off, cs.begin() + off + n), pp(ps.begin() + off, ps.begin() + off + n);
        const std::string nn = "n = " + std::to_string(n);
        verify_batch(nn + ", honest", bb.data(), cc.data(), pp.data(), n);
        // One bad element at each position.
        for (std::size_t at = 0; at < n; at++) {
            const std::string pos = nn + ", position " + std::to_string(at) + ": ";
            std::vector<Point> c2 = cc, p2 = pp;
            p2[at] = random_valid_point(rng());
            verify_batch(pos + "wrong proof", bb.data(), cc.data(), p2.data(), n);
            c2[at] = random_valid_point(rng());
            verify_batch(pos + "wrong commitment", bb.data(), c2.data(), pp.data(), n);
            for (PointKind k : {PointKind::kNotInSubgroup, PointKind::kNotOnCurve, PointKind::kInfinityJunk,
                                PointKind::kXEqualsP, PointKind::kNoCompressionFlag}) {
                if (n > 3 && !rng().chance(40)) continue;  // every kind at small n, a sample above
                c2 = cc;
                c2[at] = make_point(rng(), k, cc[at]);
                verify_batch(pos + "commitment " + point_kind_name(k), bb.data(), c2.data(), pp.data(), n);
                p2 = pp;
                p2[at] = make_point(rng(), k, pp[at]);
                verify_batch(pos + "proof " + point_kind_name(k), bb.data(), cc.data(), p2.data(), n);
            }
            std::vector<Blob> b2 = bb;
            const std::size_t el = rng().below(FIELD_ELEMENTS_PER_BLOB);
            const Fe nc = rng().chance(50) ? r_plus(0) : fe_all_ff();
            std::memcpy(b2[at].bytes + el * 32, nc.data(), 32);
            verify_batch(pos + "non-canonical blob element " + std::to_string(el), b2.data(), cc.data(), pp.data(), n);
            b2 = bb;
            b2[at].bytes[rng().below(FIELD_ELEMENTS_PER_BLOB) * 32 + 31] ^= 1;  // low bit: canonical, wrong blob
            verify_batch(pos + "blob changed", b2.data(), cc.data(), pp.data(), n);
        }
        if (n >= 2) {
            const std::size_t i = rng().below(n), j = (i + 1 + rng().below(n - 1)) % n;
            std::vector<Point> c2 = cc, p2 = pp;
            std::swap(p2[i], p2[j]);
            verify_batch(nn + ", two proofs swapped", bb.data(), cc.data(), p2.data(), n);
            std::swap(c2[i], c2[j]);
            verify_batch(nn + ", two commitments swapped", bb.data(), c2.data(), pp.data(), n);
            verify_batch(nn + ", commitments and proofs swapped", bb.data(), c2.data(), p2.data(), n);
            std::vector<Blob> b2 = bb;
            std::swap(b2[i], b2[j]);
            verify_batch(nn + ", blobs, commitments and proofs swapped", b2.data(), c2.data(), p2.data(), n);
            verify_batch(nn + ", proofs passed as commitments", bb.data(), pp.data(), cc.data(), n);
        }
    }
    // Random batches: repeated entries, random subsets, a random corruption.
    for (std::size_t r = 0; r < random_rounds; r++) {
        const std::size_t n = 2 + rng().below(2 * kMax);
        std::vector<Blob> bb(n);
        std::vector<Point> cc(n), pp(n);
        for (std::size_t i = 0; i < n; i++) {
            const std::size_t k = rng().below(kMax);
            bb[i] = blobs[k];
            cc[i] = cs[k];
            pp[i] = ps[k];
        }
        verify_batch("random batch of " + std::to_string(n) + " (repeats)", bb.data(), cc.data(), pp.data(), n);
        const std::size_t at = rng().below(n);
        const PointKind k = rng().pick(kAllPointKinds);
        if (rng().chance(50))
            cc[at] = make_point(rng(), k, cc[at]);
        else
            pp[at] = make_point(rng(), k, pp[at]);
        verify_batch("random batch of " + std::to_string(n) + ", entry " + std::to_string(at) + " " +
                         point_kind_name(k),
                     bb.data(), cc.data(), pp.data(), n);
    }
}

// ---- EIP-7594 -------------------------------------------------------------------------------

struct CellsOf {  // a blob's cells, proofs and commitment (c-kzg's, compared)
    std::vector<Cell> cells = std::vector<Cell>(CELLS_PER_EXT_BLOB);
    std::vector<Point> proofs = std::vector<Point>(CELLS_PER_EXT_BLOB);
    Point commitment{};
};

class CapiDiffCells : public CapiDiff {
  protected:
    CellsOf cells_of(const BlobBox& b) {
        CellsOf out;
        const Call c = cells(b.name + ", cells and proofs", b.get(), true, true);
        if (c.ret[1] == C_KZG_OK) {
            std::memcpy(out.cells.data(), c.peer(0).data(), c.peer(0).size());
            std::memcpy(out.proofs.data(), c.peer(1).data(), c.peer(1).size());
        }
        out.commitment = honest_commitment(b);
        return out;
    }

    // Recovery from `idx`/`in`, with and without proofs. Non-codeword input is
    // where kzgd follows the spec (documented difference 1, file header).
    void recover_both_ways(const std::string& what, const std::vector<std::uint64_t>& idx, const std::vector<Cell>& in,
                           bool maybe_noncodeword = false) {
        for (bool want_proofs : {true, false}) {
            if (!want_proofs && !rng().chance(35) && !maybe_noncodeword) continue;  // NULL proofs on a sample
            const std::string w = what + (want_proofs ? "" : ", recovered_proofs NULL");
            const std::uint64_t n = idx.size();
            if (!maybe_noncodeword || !kzgd_) {
                const Call c = recover(w, idx.data(), in.data(), n, want_proofs);
                if (c.ret[1] == C_KZG_OK && maybe_noncodeword)
                    noncodeword_seen_ += !truncate_to_codeword(c.peer(0).data(), nullptr);
                continue;
            }
            // Documented difference 1: the codes and proofs agree; kzgd's cells
            // are the spec's (the recovered polynomial truncated to 4096
            // coefficients), c-kzg's the untruncated polynomial's.
            const Call c = recover(w, idx.data(), in.data(), n, want_proofs, false);
            std::string diff;
            bool documented = false;
            if (c.ret[0] != c.ret[1]) {
                diff = std::string("return codes differ: kzgd ") + code_name(c.ret[0]) + ", c-kzg " +
                       code_name(c.ret[1]);
            } else if (c.out[0][1] != c.out[1][1]) {
                const std::ptrdiff_t off = first_difference(c.out[0][1], c.out[1][1]);
                diff = "output 'proofs' differs first at " + where("proofs", static_cast<std::size_t>(off));
            } else if (c.ret[1] == C_KZG_OK) {
                std::vector<std::uint8_t> spec;
                const bool codeword = truncate_to_codeword(c.peer(0).data(), &spec);
                noncodeword_seen_ += !codeword;
                documented = !codeword;
                if (c.out[0][0] != spec) {
                    const std::ptrdiff_t off = first_difference(c.out[0][0], spec);
                    diff = std::string("kzgd's cells are not the spec's (") +
                           (codeword ? "codeword input: must equal c-kzg's" : "truncated polynomial") +
                           "): first difference at " + where("cells", static_cast<std::size_t>(off));
                }
            } else if (c.out[0][0] != c.out[1][0]) {
                diff = "output 'cells' differs after an error";
            }
            record("recover_cells_and_kzg_proofs", w, c, diff, documented);
        }
    }

    std::size_t noncodeword_seen_ = 0;
};

TEST_F(CapiDiffCells, ComputeCellsAndKzgProofs) {
    const auto blobs = blob_inputs(rng(), scale() / 2 + 1);
    for (std::size_t i = 0; i < blobs.size(); i++) {
        const auto& b = blobs[i];
        const Call c = cells(b.name + ", (cells, proofs)", b.get(), true, true);
        if (c.ret[1] == C_KZG_OK && i == 10) expect_codeword_oracle(c.peer(0));  // the first random blob
        if (i < 3 || i >= 10 || rng().chance(30)) {  // NULL outputs: fixed blobs, random ones, a sample of the rest
            cells(b.name + ", (cells, NULL)", b.get(), true, false);
            cells(b.name + ", (NULL, proofs)", b.get(), false, true);
        }
        cells(b.name + ", (NULL, NULL)", b.get(), false, false);
    }
}

TEST_F(CapiDiffCells, RecoverCellsAndKzgProofs) {
    const BlobBox blob = random_blob(rng());
    const CellsOf full = cells_of(blob);
    {
        std::vector<std::uint8_t> bytes(CELLS_PER_EXT_BLOB * BYTES_PER_CELL);
        std::memcpy(bytes.data(), full.cells.data(), bytes.size());
        expect_codeword_oracle(bytes);
    }
    auto subset = [&](const std::vector<std::uint64_t>& idx, const CellsOf& src) {
        std::vector<Cell> in;
        for (std::uint64_t i : idx) in.push_back(src.cells[i < CELLS_PER_EXT_BLOB ? i : 0]);
        return in;
    };
    auto random_indices = [&](std::size_t k) {
        std::vector<std::uint64_t> all(CELLS_PER_EXT_BLOB);
        std::iota(all.begin(), all.end(), 0);
        for (std::size_t i = 0; i < k; i++) std::swap(all[i], all[i + rng().below(all.size() - i)]);
        all.resize(k);
        std::sort(all.begin(), all.end());
        return all;
    };
    std::vector<std::uint64_t> all(CELLS_PER_EXT_BLOB);
    std::iota(all.begin(), all.end(), 0);

    // Valid erasure patterns.
    recover_both_ways("all 128 cells", all, full.cells);
    {
        std::vector<std::uint64_t> first(all.begin(), all.begin() + 64), odd, second(all.begin() + 64, all.end());
        for (std::uint64_t i = 1; i < CELLS_PER_EXT_BLOB; i += 2) odd.push_back(i);
        recover_both_ways("exactly 64: the first half", first, subset(first, full));
        recover_both_ways("exactly 64: the second half", second, subset(second, full));
        recover_both_ways("exactly 64: the odd cells", odd, subset(odd, full));
        const auto r64 = random_indices(64);
        recover_both_ways("exactly 64, random", r64, subset(r64, full));
    }
    for (std::size_t r = 0; r < scale(); r++) {
        const CellsOf src = r % 2 == 0 ? cells_of(random_blob(rng())) : full;  // a fresh blob every other round
        const auto idx = random_indices(64 + rng().below(65));
        recover_both_ways("random " + std::to_string(idx.size()) + " cells", idx, subset(idx, src));
    }
    {
        const BlobBox zero = filled_blob(fe_u64(0), "all-zero blob");
        const CellsOf z = cells_of(zero);
        const auto idx = random_indices(70);
        recover_both_ways("all-zero blob, 70 cells", idx, subset(idx, z));
    }

    // Refused input (both BADARGS).
    {
        const auto i63 = random_indices(63);
        recover_both_ways("63 cells (too few)", i63, subset(i63, full));
        std::vector<std::uint64_t> i129 = all;
        i129.push_back(127);
        std::vector<Cell> c129 = full.cells;
        c129.push_back(full.cells[127]);
        recover_both_ways("129 cells (too many)", i129, c129);
        recover_both_ways("0 cells", {}, {});

        for (std::uint64_t big : {std::uint64_t{128}, std::uint64_t{129}, std::uint64_t{1} << 32, ~std::uint64_t{0}}) {
            auto idx = random_indices(80);
            idx.back() = big;
            recover_both_ways("index " + std::to_string(big) + " (>= 128) last", idx, subset(idx, full));
            idx = random_indices(80);
            idx[rng().below(idx.size())] = big;
            recover_both_ways("index " + std::to_string(big) + " at a random place", idx, subset(idx, full));
        }
        auto dup = random_indices(90);
        const std::size_t d = 1 + rng().below(dup.size() - 1);
        dup[d] = dup[d - 1];
        recover_both_ways("duplicate index", dup, subset(dup, full));
        auto dup128 = all;  // 128 entries with a duplicate (so one index is missing)
        dup128[100] = 99;
        recover_both_ways("128 entries with a duplicate", dup128, subset(dup128, full));
        auto unsorted = random_indices(90);
        std::swap(unsorted[3], unsorted[40]);
        recover_both_ways("unsorted indices (two swapped)", unsorted, subset(unsorted, full));
        auto reversed = random_indices(100);
        std::reverse(reversed.begin(), reversed.end());
        recover_both_ways("descending indices", reversed, subset(reversed, full));

        for (const Fe& nc : {r_plus(0), r_plus(1), fe_all_ff()}) {
            auto idx = random_indices(64 + rng().below(65));
            auto in = subset(idx, full);
            const std::size_t at = rng().below(in.size()), el = rng().below(FIELD_ELEMENTS_PER_CELL);
            std::memcpy(in[at].bytes + el * 32, nc.data(), 32);
            recover_both_ways("non-canonical element in cell " + std::to_string(at), idx, in);
        }
        auto in_all = full.cells;  // all 128: c-kzg still converts each element
        std::memcpy(in_all[127].bytes + 63 * 32, r_plus(0).data(), 32);
        recover_both_ways("all 128 cells, last element r", all, in_all);
        // NULL where c-kzg returns before dereferencing (count checks first).
        const Call c = recover("63 cells, NULL indices and cells", nullptr, nullptr, 63, true);
        (void)c;
        recover("129 cells, NULL indices and cells", nullptr, nullptr, 129, false);
    }

    // Input that is not one blob's cells: random canonical cells, mixed blobs,
    // a tampered cell. c-kzg interpolates whatever it is given.
    {
        const BlobBox other = random_blob(rng());
        const CellsOf o = cells_of(other);
        for (std::size_t k : {std::size_t{64}, std::size_t{65}, std::size_t{100}, std::size_t{127}, std::size_t{128}}) {
            const auto idx = random_indices(k);
            std::vector<Cell> in(k);
            for (auto& c : in)
                for (std::size_t e = 0; e < FIELD_ELEMENTS_PER_CELL; e++)
                    std::memcpy(c.bytes + e * 32, random_fe(rng()).data(), 32);
            recover_both_ways("random cells, " + std::to_string(k) + " of them", idx, in, true);
            auto mixed = subset(idx, full);
            for (std::size_t i = 0; i < k; i += 2) mixed[i] = o.cells[idx[i]];
            recover_both_ways("cells of two blobs mixed, " + std::to_string(k), idx, mixed, true);
            auto tampered = subset(idx, full);
            tampered[rng().below(k)].bytes[rng().below(FIELD_ELEMENTS_PER_CELL) * 32 + 31] ^= 0x01;
            recover_both_ways("one cell tampered, " + std::to_string(k), idx, tampered, true);
        }
    }
    std::printf("  non-codeword recoveries compared: %zu\n", noncodeword_seen_);
    EXPECT_GT(noncodeword_seen_, 0u) << "the non-codeword inputs should have exercised the truncation";
}

TEST_F(CapiDiffCells, VerifyCellKzgProofBatch) {
    constexpr std::size_t kBlobs = 4;
    std::vector<CellsOf> src;
    for (std::size_t i = 0; i < kBlobs; i++)
        src.push_back(cells_of(i == 0 ? filled_blob(fe_u64(0), "all-zero blob") : random_blob(rng())));

    struct Batch {
        std::vector<Point> cs, ps;
        std::vector<std::uint64_t> idx;
        std::vector<Cell> cells;
        void add(const CellsOf& s, std::uint64_t i) {
            cs.push_back(s.commitment);
            ps.push_back(s.proofs[i]);
            idx.push_back(i);
            cells.push_back(s.cells[i]);
        }
        std::size_t size() const { return idx.size(); }
    };
    auto run = [&](const std::string& what, const Batch& b) {
        return verify_cells(what, b.cs.data(), b.idx.data(), b.cells.data(), b.ps.data(), b.size());
    };
    // Several blobs, a random subset of each blob's cells (commitments repeat).
    auto honest_batch = [&](std::size_t max_per_blob) {
        Batch b;
        const std::size_t nblobs = 1 + rng().below(kBlobs);
        for (std::size_t k = 0; k < nblobs; k++) {
            const CellsOf& s = src[rng().below(kBlobs)];
            const std::size_t per = 1 + rng().below(max_per_blob);
            for (std::size_t j = 0; j < per; j++) b.add(s, rng().below(CELLS_PER_EXT_BLOB));
        }
        return b;
    };

    verify_cells("0 cells, NULL arrays", nullptr, nullptr, nullptr, nullptr, 0);
    {
        Batch one;
        one.add(src[1], 5);
        verify_cells("0 cells, arrays", one.cs.data(), one.idx.data(), one.cells.data(), one.ps.data(), 0);
        run("1 cell", one);
        Batch all;
        for (std::uint64_t i = 0; i < CELLS_PER_EXT_BLOB; i++) all.add(src[2], i);
        run("all 128 cells of one blob", all);
        Batch zero;
        for (std::uint64_t i = 0; i < 10; i++) zero.add(src[0], i * 11);
        run("zero blob: commitment and proofs at infinity", zero);
        Batch dup;  // the same entry twice, and a commitment repeated across cells
        dup.add(src[1], 7);
        dup.add(src[1], 7);
        dup.add(src[3], 7);
        dup.add(src[1], 8);
        run("duplicate entries", dup);
    }

    const std::size_t rounds = 2 + scale();
    for (std::size_t r = 0; r < rounds; r++) {
        const Batch b = honest_batch(r % 3 == 0 ? 40 : 6);
        const std::string nn = std::to_string(b.size()) + " cells: ";
        run(nn + "honest", b);
        const std::size_t at = rng().below(b.size());
        const std::string pos = nn + "entry " + std::to_string(at) + " ";
        {
            Batch t = b;
            t.cells[at].bytes[rng().below(FIELD_ELEMENTS_PER_CELL) * 32 + 31] ^= 0x01;
            run(pos + "cell tampered", t);
        }
        {
            Batch t = b;
            t.ps[at] = random_valid_point(rng());
            run(pos + "proof replaced by another valid point", t);
            t = b;
            t.ps[at] = src[rng().below(kBlobs)].proofs[(t.idx[at] + 1) % CELLS_PER_EXT_BLOB];
            run(pos + "proof of another cell", t);
        }
        {
            Batch t = b;
            t.idx[at] = (t.idx[at] + 1 + rng().below(CELLS_PER_EXT_BLOB - 1)) % CELLS_PER_EXT_BLOB;
            run(pos + "index changed", t);
            if (b.size() >= 2) {
                t = b;
                const std::size_t other = (at + 1) % b.size();
                std::swap(t.idx[at], t.idx[other]);
                run(pos + "index swapped with the next entry's", t);
            }
        }
        {
            Batch t = b;
            t.cs[at] = src[(rng().below(kBlobs))].commitment;
            run(pos + "commitment of some blob", t);
        }
        for (std::uint64_t big : {std::uint64_t{128}, ~std::uint64_t{0}}) {
            Batch t = b;
            t.idx[at] = big;
            run(pos + "index " + std::to_string(big), t);
        }
        const bool sweep = r < 2 || rng().chance(30);
        for (PointKind k : kAllPointKinds) {
            if (k == PointKind::kHonest || (!sweep && !rng().chance(25))) continue;
            Batch t = b;
            t.cs[at] = make_point(rng(), k, t.cs[at]);
            run(pos + "commitment " + point_kind_name(k), t);
            t = b;
            t.ps[at] = make_point(rng(), k, t.ps[at]);
            run(pos + "proof " + point_kind_name(k), t);
        }
        for (const Fe& nc : {r_plus(0), r_plus(1), fe_all_ff()}) {
            if (!sweep && !rng().chance(40)) continue;
            Batch t = b;
            const std::size_t el = rng().below(FIELD_ELEMENTS_PER_CELL);
            std::memcpy(t.cells[at].bytes + el * 32, nc.data(), 32);
            run(pos + "non-canonical element " + std::to_string(el), t);
        }
    }
}

}  // namespace

// Prints the whole run's counts after the last test.
class PrintTotals : public ::testing::Environment {
  public:
    void TearDown() override {
        if (!run_tally().by_fn.empty()) run_tally().print("all tests");
    }
};
[[maybe_unused]] const auto* const kPrintTotals = ::testing::AddGlobalTestEnvironment(new PrintTotals);
