// kzgd configuration: flags > environment (KZGD_*) > config file (--config
// FILE, key = value lines) > defaults. Unknown keys and invalid values are
// errors that name the source ("--workers", "KZGD_WORKERS", "kzgd.conf:3").
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace kzgd {

struct Config {
    std::string listen = "127.0.0.1:4844";
    std::string listen_host = "127.0.0.1";  // parsed from listen
    std::uint16_t listen_port = 4844;
    std::string ports_file;
    std::string setup;  // empty: the embedded mainnet setup
    std::optional<int> precompute;        // unset: the library's default
    std::optional<int> blob_window_bits;  // unset: the library's default
    std::string table_cache;              // empty: no on-disk table cache
    std::size_t workers = 0;  // 0: from CPU affinity and the cgroup quota
    std::size_t io_threads = 1;
    std::size_t max_queue = 64;
    std::size_t max_connections = 1024;
    std::uint64_t max_body_bytes = 17 * 1024 * 1024;
    std::uint64_t max_header_bytes = 16 * 1024;
    std::uint64_t max_inflight_bytes = 256 * 1024 * 1024;
    std::size_t max_batch_blobs = 64;
    std::size_t max_cells = 8192;
    double read_timeout = 30;
    double idle_timeout = 60;
    double write_timeout = 30;
    double shutdown_delay = 0;
    double drain_timeout = 30;
    unsigned retry_after = 1;
    bool access_log = true;
    // Operations (docs/operations.md).
    std::string log_level = "info";    // debug, info, warn, error
    std::string log_format = "json";   // json or text
    std::uint64_t memory_budget = 0;   // 0: cgroup v2 memory.max, else physical memory
    double memory_warn_ratio = 0.9;    // warn once per crossing of this share of the budget
    double cpu_warn_ratio = 0.9;       // warn (rate-limited) above this host CPU usage
    std::string admin_listen;          // HOST:PORT of the admin listener (PUT /admin/log-level); empty: none
    std::string admin_host;
    std::uint16_t admin_port = 0;
    // Security (docs/service.md#security).
    std::string api_token_file;    // bearer token for /v1/* (and /metrics, /debug/*); empty: no auth
    std::string admin_token_file;  // bearer token for the admin listener; empty: no auth
    std::string api_token;         // read from api_token_file
    std::string admin_token;       // read from admin_token_file
    std::string tls_cert;          // PEM certificate chain; with tls_key: the API listener speaks TLS
    std::string tls_key;           // PEM private key
    // Single-host binary upgrades (docs/operations.md): the Unix socket over
    // which a new kzgd takes over this one's listening sockets.
    std::string upgrade_socket;
    std::string config_file;
};

struct ConfigParse {
    enum class Status { kRun, kExit };
    Status status = Status::kRun;
    int exit_code = 0;
    std::string message;  // --help / --version / --check-config text (stdout) or the error (stderr)
};

// Reads flags, the KZGD_* environment (envp) and the config file into cfg.
ConfigParse parse_config(int argc, const char* const* argv, const char* const* envp, Config& cfg);

}  // namespace kzgd
