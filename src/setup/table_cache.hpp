// On-disk cache of tables derived from a trusted setup (fixed-base MSM tables,
// FK20 columns), so that a restart skips seconds of point arithmetic.
//
// A file is tied to everything its content depends on: the format version, the
// table's kind and window bits, its point count and the setup's sha256. It is
// verified in full before use (header, size, sha256 of the header and the
// points); a truncated, corrupted or mismatched file is ignored (and
// replaced), never trusted. Writes go to a temporary file renamed into place,
// so readers never see a partial file. A read-only or missing directory only
// means building the tables each time.
#pragma once

#include <blst.h>

#include <array>
#include <functional>
#include <mutex>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "kzg/kzg.hpp"

namespace kzg::setup {

struct TableKey {
    std::string kind;             // "blob-msm", "fk20-columns", "fk20-msm"
    unsigned window_bits = 0;     // 0 for tables without windows
    std::size_t points = 0;       // number of affine points
    std::array<std::uint8_t, 32> setup_sha256{};
};

// The file name a key maps to inside the cache directory.
std::string table_file_name(const TableKey& key);

// The table, when `dir` holds a valid file for `key`; otherwise nullopt with
// the reason in *why ("absent", "checksum mismatch", ...).
std::optional<std::vector<blst_p1_affine>> load_table(const std::string& dir, const TableKey& key, std::string* why);

// Writes the table atomically; false with the reason in *why on failure.
bool store_table(const std::string& dir, const TableKey& key, std::span<const blst_p1_affine> points, std::string* why);

// A Context's source of tables: the cache directory (if any) or the builder,
// with a record of where each table came from.
class TableStore {
  public:
    TableStore(std::string dir, const std::array<std::uint8_t, 32>& setup_sha256)
        : dir_(std::move(dir)), setup_sha256_(setup_sha256) {}

    // The table from the cache, or from build() (then stored). An empty
    // result of build() means "cannot be built": returned as is, not stored.
    std::vector<blst_p1_affine> get(const std::string& kind, unsigned window_bits, std::size_t points,
                                    const std::function<std::vector<blst_p1_affine>()>& build) const;
    std::vector<TableInfo> report() const;

  private:
    std::string dir_;
    std::array<std::uint8_t, 32> setup_sha256_;
    mutable std::mutex mutex_;
    mutable std::vector<TableInfo> report_;
};

}  // namespace kzg::setup
