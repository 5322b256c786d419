// File layout (host byte order, blst's raw affine coordinates):
//   "KZGTABLE" | u32 version | u32 window_bits | u64 points | 16-byte kind
//   | 32-byte setup sha256 | 32-byte sha256 of (everything before it + points)
//   | points
#include "setup/table_cache.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>

#include "core/sha256.hpp"
#include "kzg/codec.hpp"

namespace kzg::setup {

namespace {

constexpr char kMagic[8] = {'K', 'Z', 'G', 'T', 'A', 'B', 'L', 'E'};
constexpr std::uint32_t kVersion = 1;
constexpr std::size_t kKindBytes = 16;
constexpr std::size_t kHeaderBytes = 8 + 4 + 4 + 8 + kKindBytes + 32;  // before the checksum

std::vector<std::uint8_t> header_of(const TableKey& key) {
    std::vector<std::uint8_t> h(kHeaderBytes, 0);
    std::uint8_t* p = h.data();
    auto put = [&p](const void* src, std::size_t n) {
        std::memcpy(p, src, n);
        p += n;
    };
    const std::uint32_t w = key.window_bits;
    const std::uint64_t n = key.points;
    put(kMagic, 8);
    put(&kVersion, 4);
    put(&w, 4);
    put(&n, 8);
    char kind[kKindBytes] = {};
    std::memcpy(kind, key.kind.data(), std::min(key.kind.size(), kKindBytes));
    put(kind, kKindBytes);
    put(key.setup_sha256.data(), 32);
    return h;
}

std::array<std::uint8_t, 32> checksum(std::span<const std::uint8_t> header, std::span<const std::uint8_t> points) {
    std::vector<std::uint8_t> all(header.begin(), header.end());
    all.insert(all.end(), points.begin(), points.end());
    return core::sha256(all);
}

std::string path_of(const std::string& dir, const TableKey& key) { return dir + "/" + table_file_name(key); }

}  // namespace

std::string table_file_name(const TableKey& key) {
    return "kzg-" + key.kind + "-w" + std::to_string(key.window_bits) + "-" +
           hex_encode(std::span<const std::uint8_t>(key.setup_sha256).first(8), false) + "-v" +
           std::to_string(kVersion) + ".bin";
}

std::optional<std::vector<blst_p1_affine>> load_table(const std::string& dir, const TableKey& key, std::string* why) {
    auto fail = [why](const std::string& reason) {
        if (why) *why = reason;
        return std::nullopt;
    };
    std::ifstream in(path_of(dir, key), std::ios::binary);
    if (!in) return fail("absent");
    const std::vector<std::uint8_t> want = header_of(key);
    std::vector<std::uint8_t> header(kHeaderBytes);
    std::array<std::uint8_t, 32> stored{};
    in.read(reinterpret_cast<char*>(header.data()), static_cast<std::streamsize>(header.size()));
    in.read(reinterpret_cast<char*>(stored.data()), 32);
    if (!in) return fail("truncated header");
    if (header != want) return fail("made for another setup, table or format");
    std::vector<blst_p1_affine> points(key.points);
    const auto bytes = std::span<std::uint8_t>(reinterpret_cast<std::uint8_t*>(points.data()),
                                               points.size() * sizeof(blst_p1_affine));
    in.read(reinterpret_cast<char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
    if (!in) return fail("truncated");
    if (in.peek() != std::char_traits<char>::eof()) return fail("longer than expected");
    if (checksum(header, bytes) != stored) return fail("checksum mismatch");
    return points;
}

bool store_table(const std::string& dir, const TableKey& key, std::span<const blst_p1_affine> points,
                 std::string* why) {
    auto fail = [why](const std::string& reason) {
        if (why) *why = reason;
        return false;
    };
    if (points.size() != key.points) return fail("point count does not match the key");
    const std::vector<std::uint8_t> header = header_of(key);
    const auto bytes = std::span<const std::uint8_t>(reinterpret_cast<const std::uint8_t*>(points.data()),
                                                     points.size() * sizeof(blst_p1_affine));
    const auto sum = checksum(header, bytes);

    std::string tmp = path_of(dir, key) + ".XXXXXX";
    const int fd = ::mkstemp(tmp.data());
    if (fd < 0) return fail(std::string("cannot create a file in ") + dir + ": " + std::strerror(errno));
    auto write_all = [fd](const void* data, std::size_t n) {
        const auto* p = static_cast<const std::uint8_t*>(data);
        while (n) {
            const ssize_t w = ::write(fd, p, n);
            if (w < 0 && errno == EINTR) continue;
            if (w <= 0) return false;
            p += w;
            n -= static_cast<std::size_t>(w);
        }
        return true;
    };
    const bool ok = write_all(header.data(), header.size()) && write_all(sum.data(), sum.size()) &&
                    write_all(bytes.data(), bytes.size()) && ::fchmod(fd, 0644) == 0 && ::fsync(fd) == 0;
    const int saved = errno;
    ::close(fd);
    if (!ok || std::rename(tmp.c_str(), path_of(dir, key).c_str()) != 0) {
        const std::string reason = std::string("cannot write ") + tmp + ": " + std::strerror(ok ? errno : saved);
        ::unlink(tmp.c_str());
        return fail(reason);
    }
    return true;
}

std::vector<blst_p1_affine> TableStore::get(const std::string& kind, unsigned window_bits, std::size_t points,
                                            const std::function<std::vector<blst_p1_affine>()>& build) const {
    TableInfo info;
    info.name = kind + (window_bits ? "-w" + std::to_string(window_bits) : std::string());
    info.bytes = points * sizeof(blst_p1_affine);
    const TableKey key{kind, window_bits, points, setup_sha256_};
    std::optional<std::vector<blst_p1_affine>> table;
    if (!dir_.empty()) {
        std::string why;
        table = load_table(dir_, key, &why);
        info.source = table ? "cache" : "built";
        if (!table) info.cache_note = "not loaded from " + dir_ + ": " + why;
    } else {
        info.source = "built";
    }
    if (!table) {
        table = build();
        std::string why;
        if (!dir_.empty() && !table->empty()) {
            if (store_table(dir_, key, *table, &why)) {
                info.cache_note += (info.cache_note.empty() ? "" : "; ") + std::string("stored");
            } else {
                info.cache_note += (info.cache_note.empty() ? "" : "; ") + std::string("not stored: ") + why;
            }
        }
    }
    std::lock_guard lock(mutex_);
    report_.push_back(info);
    return std::move(*table);
}

std::vector<TableInfo> TableStore::report() const {
    std::lock_guard lock(mutex_);
    return report_;
}

}  // namespace kzg::setup
