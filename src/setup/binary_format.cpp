// The embedded binary form of a trusted setup (host byte order, blst's raw
// affine coordinates, so loading is a copy):
//   "KZGSETUP" | u32 version | u32 n_g1 | u32 n_g2 | u32 reserved
//   | 32-byte canonical sha256 | 32-byte checksum: sha256(canonical sha256 || payload)
//   | payload: g1_lagrange[n_g1] | g2_monomial[n_g2] | g1_monomial[n_g1]
#include <cstring>

#include "core/sha256.hpp"
#include "setup/trusted_setup.hpp"

namespace kzg::setup {

namespace {

constexpr char kMagic[8] = {'K', 'Z', 'G', 'S', 'E', 'T', 'U', 'P'};
constexpr std::uint32_t kVersion = 1;
constexpr std::size_t kHeaderBytes = 8 + 4 * 4 + 32 + 32;

// Appends raw bytes at the writer's position (the buffer is sized up front).
struct Writer {
    std::uint8_t* p;
    void raw(const void* src, std::size_t n) {
        std::memcpy(p, src, n);
        p += n;
    }
    template <class T>
    void value(const T& v) { raw(&v, sizeof(T)); }
    template <class T>
    void all(const std::vector<T>& v) { raw(v.data(), v.size() * sizeof(T)); }
};

template <class T>
void get_all(const std::uint8_t*& p, std::vector<T>& v, std::size_t n) {
    v.resize(n);
    std::memcpy(v.data(), p, n * sizeof(T));
    p += n * sizeof(T);
}

// Covers the identity in the header and every point, so neither can change unseen.
std::array<std::uint8_t, 32> checksum(std::span<const std::uint8_t> file) {
    std::vector<std::uint8_t> data(file.begin() + 8 + 16, file.begin() + 8 + 16 + 32);
    data.insert(data.end(), file.begin() + kHeaderBytes, file.end());
    return core::sha256(data);
}

Error bad(const std::string& msg) { return Error{ErrorCode::kInvalidSetup, "binary setup: " + msg}; }

}  // namespace

std::vector<std::uint8_t> serialize_binary(const TrustedSetup& s) {
    const std::size_t payload_bytes = (s.g1_lagrange.size() + s.g1_monomial.size()) * sizeof(blst_p1_affine) +
                                      s.g2_monomial.size() * sizeof(blst_p2_affine);
    std::vector<std::uint8_t> out(kHeaderBytes + payload_bytes);
    Writer payload{out.data() + kHeaderBytes};
    payload.all(s.g1_lagrange);
    payload.all(s.g2_monomial);
    payload.all(s.g1_monomial);
    Writer header{out.data()};
    header.raw(kMagic, sizeof kMagic);
    header.value(kVersion);
    header.value(static_cast<std::uint32_t>(s.g1_lagrange.size()));
    header.value(static_cast<std::uint32_t>(s.g2_monomial.size()));
    header.value(std::uint32_t{0});
    header.raw(s.sha256.data(), 32);
    const auto digest = checksum(out);
    header.raw(digest.data(), 32);
    return out;
}

Result<TrustedSetup> deserialize_binary(std::span<const std::uint8_t> bytes) {
    if (bytes.size() < kHeaderBytes || std::memcmp(bytes.data(), kMagic, 8) != 0) return bad("bad magic");
    std::uint32_t version, n_g1, n_g2;
    std::memcpy(&version, bytes.data() + 8, 4);
    std::memcpy(&n_g1, bytes.data() + 12, 4);
    std::memcpy(&n_g2, bytes.data() + 16, 4);
    if (version != kVersion) return bad("unsupported version " + std::to_string(version));
    if (n_g1 != NUM_G1_POINTS || n_g2 != NUM_G2_POINTS) return bad("unexpected point counts");
    const std::size_t payload_bytes = 2 * n_g1 * sizeof(blst_p1_affine) + n_g2 * sizeof(blst_p2_affine);
    if (bytes.size() != kHeaderBytes + payload_bytes) return bad("truncated or oversized");
    const auto payload = bytes.subspan(kHeaderBytes);
    const auto digest = checksum(bytes);
    if (std::memcmp(digest.data(), bytes.data() + 8 + 16 + 32, 32) != 0) return bad("checksum mismatch");

    TrustedSetup s;
    std::memcpy(s.sha256.data(), bytes.data() + 8 + 16, 32);
    const std::uint8_t* p = payload.data();
    get_all(p, s.g1_lagrange, n_g1);
    get_all(p, s.g2_monomial, n_g2);
    get_all(p, s.g1_monomial, n_g1);
    return s;
}

}  // namespace kzg::setup
