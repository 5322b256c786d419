// Shared pieces of the libFuzzer targets (fuzz/README in docs/reliability.md):
// a reader that carves the fuzzer's bytes into typed inputs, the shared
// Context, and independent oracles written against blst directly (never
// against our own decoding code, so that a bug there cannot hide itself).
//
// Input encoding (make_corpus.py writes the same format from the
// consensus-spec vectors). Every read past the end yields zero bytes, so any
// byte string is a valid input.
//   field element  tag u8: 0-3 raw 32 bytes | 4 small u64 | 5 r-1-u16 |
//                  6 r+u16 (non-canonical) | 7 w^u16, a root of the blob domain
//   G1 point       tag u8: 0-3 raw 48 bytes | 4 [u64]G1 | 5 infinity |
//                  6 [u64]G1 with bit u16 flipped | 7 compression flag + raw x
//   blob           tag u8: 0 raw: u24 length, bytes from element 0 (rest zero)
//                  | 1 sparse: u8 count, count x (u16 position, field element)
//                  | 2 every element one field element, then sparse overrides
//                  | 3 dense pseudo-random canonical (u64 seed), then overrides
//   cell           tag u8: 0 raw 2048 bytes | 1 sparse: u8 count x (u8 pos, fe)
//                  | 2 every element one field element | 3 sparse on a pseudo-random cell
//   cell index     u8 v: < 0xc0 index v % 128 | < 0xf0 128 + (v - 0xc0), just past
//                  the bound | < 0xff one of 15 extremes (2^64-1, 2^32, ...) | 0xff raw u64
//   list           u8 count (modulo the target's maximum + 1), then the elements
// Integers are big-endian.
#pragma once

#include <blst.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "kzg/codec.hpp"
#include "kzg/kzg.hpp"

namespace fuzz {

using kzg::Blob;
using kzg::Bytes32;
using kzg::Bytes48;
using kzg::Cell;

// A property failed: print it and abort, which libFuzzer records as a crash
// (with the input saved as crash-<sha1>).
[[noreturn]] inline void fail(const std::string& what) {
    std::fprintf(stderr, "\n*** fuzz property failed: %s\n", what.c_str());
    std::fflush(stderr);
    std::abort();
}
inline void check(bool ok, const std::string& what) {
    if (!ok) fail(what);
}
#define FUZZ_CHECK(cond, msg)                                                                        \
    do {                                                                                             \
        if (!(cond)) ::fuzz::fail(std::string(#cond) + " (" + __FILE__ + ":" + std::to_string(__LINE__) + "): " + (msg)); \
    } while (0)

class Reader {
  public:
    Reader(const std::uint8_t* data, std::size_t size) : p_(data), n_(size) {}
    std::size_t remaining() const { return n_; }
    bool empty() const { return n_ == 0; }
    std::uint8_t u8() {
        if (n_ == 0) return 0;
        n_--;
        return *p_++;
    }
    std::uint16_t u16() { return static_cast<std::uint16_t>(uint_be(2)); }
    std::uint32_t u24() { return static_cast<std::uint32_t>(uint_be(3)); }
    std::uint64_t u64() { return uint_be(8); }
    // Copies up to n bytes, zero-padding once the input runs out.
    void bytes(std::uint8_t* out, std::size_t n) {
        const std::size_t k = n < n_ ? n : n_;
        if (k) std::memcpy(out, p_, k);
        if (n > k) std::memset(out + k, 0, n - k);
        p_ += k;
        n_ -= k;
    }
    // The next up to n bytes, as they are.
    std::span<const std::uint8_t> take(std::size_t n) {
        const std::size_t k = n < n_ ? n : n_;
        std::span<const std::uint8_t> s(p_, k);
        p_ += k;
        n_ -= k;
        return s;
    }
    std::span<const std::uint8_t> rest() { return take(n_); }

  private:
    std::uint64_t uint_be(unsigned k) {
        std::uint64_t v = 0;
        for (unsigned i = 0; i < k; i++) v = (v << 8) | u8();
        return v;
    }
    const std::uint8_t* p_;
    std::size_t n_;
};

// ---- the shared Context ------------------------------------------------------------

// The embedded mainnet setup with the default options (fixed-base tables
// included, as a service runs it), built once per process. KZG_FUZZ_LAZY=1
// builds the tables on first use instead (faster start for short runs).
const kzg::Context& context();

// ---- independent oracles (blst only) ----------------------------------------------

// Spec bytes_to_bls_field accepts it: big-endian value < r.
bool fe_is_canonical(const std::uint8_t* b);
inline bool fe_is_canonical(const Bytes32& b) { return fe_is_canonical(b.data()); }
// Spec validate_kzg_g1: the compressed identity, or a point in the G1 subgroup.
bool g1_is_valid(const Bytes48& b);
template <class Tag>  // a KZGCommitment or KZGProof
bool g1_is_valid(const kzg::ByteArray<48, Tag>& b) {
    return g1_is_valid(Bytes48{b.bytes});
}
bool blob_is_canonical(const Blob& b);
bool cell_is_canonical(const Cell& c);

blst_fr fr_of(const std::uint8_t* b);  // reduces mod r (for canonical inputs: the value)
Bytes32 bytes_of(const blst_fr& f);
Bytes48 g1_bytes(const blst_p1& p);
// The same, typed: g1_bytes<kzg::KZGProof>(p).
template <class T>
T g1_bytes(const blst_p1& p) {
    return T{g1_bytes(p).bytes};
}
// w^i for the primitive 2^log2n-th root of unity w = 7^((r-1)/2^log2n) (spec
// compute_roots_of_unity, natural order).
blst_fr root_of_unity(unsigned log2n, std::uint64_t i);
inline blst_fr domain_root(std::size_t i) { return root_of_unity(12, i); }
// reverse_bits(i, 2^bits).
std::uint64_t reverse_bits(std::uint64_t i, unsigned bits);

// Independent evaluation of a blob's polynomial (evaluation form over the
// bit-reversed 4096 roots) at x, from its non-zero elements (barycentric form).
blst_fr evaluate_sparse_blob(const Blob& blob, const std::vector<std::size_t>& nonzero, const blst_fr& x);
// Independent commitment: sum of p_i [L_i(s)] over the non-zero elements,
// with plain scalar multiplications (no MSM code of ours).
Bytes48 commit_sparse_blob(const Blob& blob, const std::vector<std::size_t>& nonzero);
// Point j of the spec's coset_for_cell(k): roots_brp(8192)[64k + j].
blst_fr coset_point(std::size_t cell, std::size_t j);

// ---- typed inputs -----------------------------------------------------------------

Bytes32 read_fe(Reader& r);
Bytes48 read_g1(Reader& r);
// The same, typed: read_g1<kzg::KZGCommitment>(r) (any point, valid or not).
template <class T>
T read_g1(Reader& r) {
    return T{read_g1(r).bytes};
}
void read_blob(Reader& r, Blob& blob);
void read_cell(Reader& r, Cell& cell);
std::uint64_t read_cell_index(Reader& r);
// A count in [0, max].
inline std::size_t read_count(Reader& r, std::size_t max) { return r.u8() % (max + 1); }

// Non-zero field elements of a blob (positions), stopping after `limit`.
std::vector<std::size_t> nonzero_elements(const Blob& blob, std::size_t limit);

std::string hex(std::span<const std::uint8_t> b);
template <std::size_t N, class Tag>
std::string hex(const kzg::ByteArray<N, Tag>& b) {
    return hex(std::span<const std::uint8_t>(b.bytes));
}

}  // namespace fuzz
