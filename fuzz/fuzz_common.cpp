#include "fuzz_common.hpp"

#include <algorithm>

#include "context/context_impl.hpp"

namespace fuzz {

namespace {

// The BLS12-381 scalar field modulus r, big-endian.
constexpr std::array<std::uint8_t, 32> kModulus = {
    0x73, 0xed, 0xa7, 0x53, 0x29, 0x9d, 0x7d, 0x48, 0x33, 0x39, 0xd8, 0x08, 0x09, 0xa1, 0xd8, 0x05,
    0x53, 0xbd, 0xa4, 0x02, 0xff, 0xfe, 0x5b, 0xfe, 0xff, 0xff, 0xff, 0xff, 0x00, 0x00, 0x00, 0x01};

// r + delta for a small delta (may be negative), big-endian.
Bytes32 modulus_plus(std::int64_t delta) {
    Bytes32 out;
    std::copy(kModulus.begin(), kModulus.end(), out.bytes.begin());
    int carry = 0;
    std::uint64_t mag = delta >= 0 ? static_cast<std::uint64_t>(delta) : static_cast<std::uint64_t>(-delta);
    for (int i = 31; i >= 0; i--) {
        const int d = static_cast<int>(mag & 0xff);
        mag >>= 8;
        int v = delta >= 0 ? out.bytes[i] + d + carry : out.bytes[i] - d - carry;
        carry = 0;
        if (v > 0xff) v -= 0x100, carry = 1;
        if (v < 0) v += 0x100, carry = 1;
        out.bytes[i] = static_cast<std::uint8_t>(v);
    }
    return out;
}

// splitmix64: a small, seedable stream for dense pseudo-random blobs.
struct SplitMix {
    std::uint64_t s;
    std::uint64_t next() {
        std::uint64_t z = (s += 0x9e3779b97f4a7c15ULL);
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
        return z ^ (z >> 31);
    }
    void canonical(std::uint8_t* out) {
        for (int i = 0; i < 32; i += 8) {
            std::uint64_t v = next();
            for (int j = 0; j < 8; j++, v >>= 8) out[i + j] = static_cast<std::uint8_t>(v);
        }
        out[0] &= 0x3f;  // < 2^254 < r
    }
};

blst_p1 g1_times_u64(std::uint64_t k) {
    std::uint8_t le[8];
    for (int i = 0; i < 8; i++) le[i] = static_cast<std::uint8_t>(k >> (8 * i));
    blst_p1 out;
    blst_p1_mult(&out, blst_p1_generator(), le, 64);
    return out;
}

void set_element(std::uint8_t* base, std::size_t i, const Bytes32& v) { std::memcpy(base + 32 * i, v.data(), 32); }

void sparse_overrides(Reader& r, std::uint8_t* base, std::size_t elements) {
    for (std::size_t k = r.u8(); k > 0 && !r.empty(); k--) {
        const std::size_t pos = r.u16() % elements;
        set_element(base, pos, read_fe(r));
    }
}

}  // namespace

const kzg::Context& context() {
    static const std::shared_ptr<const kzg::Context> ctx = [] {
        kzg::ContextOptions options;
        const char* lazy = std::getenv("KZG_FUZZ_LAZY");
        options.lazy_tables = lazy != nullptr && std::string(lazy) == "1";
        options.build_threads = 1;  // -jobs=N already runs N processes
        auto r = kzg::Context::mainnet(options);
        if (!r) fail("kzg::Context::mainnet() failed: " + r.message());
        return r.value();
    }();
    return *ctx;
}

bool fe_is_canonical(const std::uint8_t* b) {
    return std::lexicographical_compare(b, b + 32, kModulus.begin(), kModulus.end());
}

bool g1_is_valid(const Bytes48& b) {
    if (b.bytes[0] == 0xc0 && std::all_of(b.bytes.begin() + 1, b.bytes.end(), [](std::uint8_t x) { return x == 0; }))
        return true;
    blst_p1_affine a;
    if (blst_p1_uncompress(&a, b.data()) != BLST_SUCCESS) return false;
    if (blst_p1_affine_is_inf(&a)) return false;  // infinity only in its canonical form, handled above
    return blst_p1_affine_in_g1(&a);
}

bool blob_is_canonical(const Blob& b) {
    for (std::size_t i = 0; i < kzg::FIELD_ELEMENTS_PER_BLOB; i++)
        if (!fe_is_canonical(b.data() + 32 * i)) return false;
    return true;
}

bool cell_is_canonical(const Cell& c) {
    for (std::size_t i = 0; i < kzg::FIELD_ELEMENTS_PER_CELL; i++)
        if (!fe_is_canonical(c.data() + 32 * i)) return false;
    return true;
}

blst_fr fr_of(const std::uint8_t* b) {
    blst_scalar s;
    blst_scalar_from_bendian(&s, b);
    blst_fr f;
    blst_fr_from_scalar(&f, &s);
    return f;
}

Bytes32 bytes_of(const blst_fr& f) {
    blst_scalar s;
    blst_scalar_from_fr(&s, &f);
    Bytes32 out;
    blst_bendian_from_scalar(out.data(), &s);
    return out;
}

Bytes48 g1_bytes(const blst_p1& p) {
    Bytes48 out;
    blst_p1_compress(out.data(), &p);
    return out;
}

blst_fr root_of_unity(unsigned log2n, std::uint64_t i) {
    // w = 7^((r - 1) >> log2n), computed once per size.
    static std::array<blst_fr, 33> roots{};
    static std::array<bool, 33> done{};
    if (log2n > 32) fail("root_of_unity: 2^" + std::to_string(log2n) + " does not divide r - 1");
    if (!done[log2n]) {
        Bytes32 e = modulus_plus(-1);
        for (unsigned s = 0; s < log2n; s++) {  // e >>= 1, big-endian
            for (int b = 31; b >= 0; b--)
                e.bytes[b] = static_cast<std::uint8_t>((e.bytes[b] >> 1) | (b > 0 ? (e.bytes[b - 1] & 1) << 7 : 0));
        }
        blst_fr base, acc;
        const std::uint64_t seven[4] = {7, 0, 0, 0}, one[4] = {1, 0, 0, 0};
        blst_fr_from_uint64(&base, seven);
        blst_fr_from_uint64(&acc, one);
        for (std::size_t bit = 0; bit < 256; bit++) {
            blst_fr_sqr(&acc, &acc);
            if ((e.bytes[bit / 8] >> (7 - bit % 8)) & 1) blst_fr_mul(&acc, &acc, &base);
        }
        roots[log2n] = acc;
        done[log2n] = true;
    }
    blst_fr out;
    const std::uint64_t one[4] = {1, 0, 0, 0};
    blst_fr_from_uint64(&out, one);
    blst_fr acc = roots[log2n];
    for (std::uint64_t k = i & ((std::uint64_t{1} << log2n) - 1); k != 0; k >>= 1) {
        if (k & 1) blst_fr_mul(&out, &out, &acc);
        blst_fr_sqr(&acc, &acc);
    }
    return out;
}

std::uint64_t reverse_bits(std::uint64_t i, unsigned bits) {
    std::uint64_t r = 0;
    for (unsigned b = 0; b < bits; b++) r |= ((i >> b) & 1) << (bits - 1 - b);
    return r;
}

blst_fr evaluate_sparse_blob(const Blob& blob, const std::vector<std::size_t>& nonzero, const blst_fr& x) {
    const std::uint64_t zero_limbs[4] = {0, 0, 0, 0}, one_limbs[4] = {1, 0, 0, 0}, n_limbs[4] = {4096, 0, 0, 0};
    blst_fr zero, one, n;
    blst_fr_from_uint64(&zero, zero_limbs);
    blst_fr_from_uint64(&one, one_limbs);
    blst_fr_from_uint64(&n, n_limbs);
    blst_fr sum = zero;
    for (std::size_t i : nonzero) {
        const blst_fr w = domain_root(reverse_bits(i, 12));
        blst_fr d;
        blst_fr_sub(&d, &x, &w);
        if (std::memcmp(&d, &zero, sizeof d) == 0) return fr_of(blob.data() + 32 * i);
    }
    // x is a root of the domain at a zero element?
    blst_fr xn = x;
    for (int k = 0; k < 12; k++) blst_fr_sqr(&xn, &xn);
    if (std::memcmp(&xn, &one, sizeof xn) == 0) return zero;
    for (std::size_t i : nonzero) {
        const blst_fr w = domain_root(reverse_bits(i, 12));
        blst_fr d, t;
        blst_fr_sub(&d, &x, &w);
        blst_fr_eucl_inverse(&d, &d);
        const blst_fr p = fr_of(blob.data() + 32 * i);
        blst_fr_mul(&t, &p, &w);
        blst_fr_mul(&t, &t, &d);
        blst_fr_add(&sum, &sum, &t);
    }
    blst_fr factor, ninv;
    blst_fr_sub(&factor, &xn, &one);
    blst_fr_eucl_inverse(&ninv, &n);
    blst_fr_mul(&factor, &factor, &ninv);
    blst_fr_mul(&sum, &sum, &factor);
    return sum;
}

Bytes48 commit_sparse_blob(const Blob& blob, const std::vector<std::size_t>& nonzero) {
    const auto& lagrange = kzg::detail::impl_of(context()).g1_lagrange_brp;  // validated setup, bit-reversed
    blst_p1 acc;
    std::memset(&acc, 0, sizeof acc);
    for (std::size_t i : nonzero) {
        blst_scalar s;
        blst_scalar_from_bendian(&s, blob.data() + 32 * i);
        blst_p1 p, t;
        blst_p1_from_affine(&p, &lagrange[i]);
        blst_p1_mult(&t, &p, s.b, 255);
        blst_p1_add_or_double(&acc, &acc, &t);
    }
    return g1_bytes(acc);
}

blst_fr coset_point(std::size_t cell, std::size_t j) {
    return root_of_unity(13, reverse_bits(64 * cell + j, 13));
}

Bytes32 read_fe(Reader& r) {
    Bytes32 out;
    switch (r.u8() & 7) {
        case 4: {
            std::uint64_t v = r.u64();
            for (int i = 31; i >= 24; i--, v >>= 8) out.bytes[i] = static_cast<std::uint8_t>(v);
            break;
        }
        case 5: return modulus_plus(-1 - static_cast<std::int64_t>(r.u16()));
        case 6: return modulus_plus(static_cast<std::int64_t>(r.u16()));
        case 7: return bytes_of(domain_root(r.u16()));
        default: r.bytes(out.data(), 32); break;
    }
    return out;
}

Bytes48 read_g1(Reader& r) {
    Bytes48 out;
    switch (r.u8() & 7) {
        case 4: return g1_bytes(g1_times_u64(r.u64()));
        case 5: out.bytes[0] = 0xc0; return out;
        case 6: {
            out = g1_bytes(g1_times_u64(r.u64()));
            const std::size_t bit = r.u16() % 384;
            out.bytes[bit / 8] ^= static_cast<std::uint8_t>(1u << (bit % 8));
            return out;
        }
        case 7:
            r.bytes(out.data(), 48);
            out.bytes[0] = static_cast<std::uint8_t>(0x80 | (out.bytes[0] & 0x3f));
            return out;
        default: r.bytes(out.data(), 48); return out;
    }
}

void read_blob(Reader& r, Blob& blob) {
    blob = Blob{};
    switch (r.u8() & 3) {
        case 0: {
            const std::size_t len = std::min<std::size_t>(r.u24(), kzg::BYTES_PER_BLOB);
            r.bytes(blob.data(), len);
            break;
        }
        case 1: sparse_overrides(r, blob.data(), kzg::FIELD_ELEMENTS_PER_BLOB); break;
        case 2: {
            const Bytes32 v = read_fe(r);
            for (std::size_t i = 0; i < kzg::FIELD_ELEMENTS_PER_BLOB; i++) set_element(blob.data(), i, v);
            sparse_overrides(r, blob.data(), kzg::FIELD_ELEMENTS_PER_BLOB);
            break;
        }
        default: {
            SplitMix g{r.u64()};
            for (std::size_t i = 0; i < kzg::FIELD_ELEMENTS_PER_BLOB; i++) g.canonical(blob.data() + 32 * i);
            sparse_overrides(r, blob.data(), kzg::FIELD_ELEMENTS_PER_BLOB);
            break;
        }
    }
}

void read_cell(Reader& r, Cell& cell) {
    cell = Cell{};
    switch (r.u8() & 3) {
        case 0: r.bytes(cell.data(), kzg::BYTES_PER_CELL); break;
        case 1: sparse_overrides(r, cell.data(), kzg::FIELD_ELEMENTS_PER_CELL); break;
        case 2: {
            const Bytes32 v = read_fe(r);
            for (std::size_t i = 0; i < kzg::FIELD_ELEMENTS_PER_CELL; i++) set_element(cell.data(), i, v);
            break;
        }
        default: {
            SplitMix g{r.u64()};
            for (std::size_t i = 0; i < kzg::FIELD_ELEMENTS_PER_CELL; i++) g.canonical(cell.data() + 32 * i);
            sparse_overrides(r, cell.data(), kzg::FIELD_ELEMENTS_PER_CELL);
            break;
        }
    }
}

std::uint64_t read_cell_index(Reader& r) {
    // Mostly valid indices, often just past the bound, sometimes extreme.
    static constexpr std::uint64_t kSpecial[15] = {255, 256, 1000, 4096, 8192, 65535, 65536, std::uint64_t{1} << 32,
                                                   (std::uint64_t{1} << 32) + 5, std::uint64_t{1} << 63,
                                                   (std::uint64_t{1} << 63) + 127, ~std::uint64_t{0} - 127,
                                                   ~std::uint64_t{0} - 1, ~std::uint64_t{0}, 128};
    const std::uint8_t v = r.u8();
    if (v < 0xc0) return v % 128;
    if (v < 0xf0) return 128 + (v - 0xc0);
    if (v < 0xff) return kSpecial[v - 0xf0];
    return r.u64();
}

std::vector<std::size_t> nonzero_elements(const Blob& blob, std::size_t limit) {
    std::vector<std::size_t> out;
    for (std::size_t i = 0; i < kzg::FIELD_ELEMENTS_PER_BLOB && out.size() < limit; i++) {
        const std::uint8_t* e = blob.data() + 32 * i;
        if (std::any_of(e, e + 32, [](std::uint8_t x) { return x != 0; })) out.push_back(i);
    }
    return out;
}

std::string hex(std::span<const std::uint8_t> b) {
    if (b.size() > 64) return kzg::hex_encode(b.first(64)) + "...";
    return kzg::hex_encode(b);
}

}  // namespace fuzz
