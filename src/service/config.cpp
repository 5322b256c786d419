// Configuration parsing (see config.hpp). One table describes every key; the
// flag is --KEY, the environment variable KZGD_KEY (upper case, '-' -> '_'),
// the file key KEY.
#include "service/config.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <fstream>
#include <iterator>
#include <functional>
#include <map>
#include <optional>
#include <sstream>
#include <string_view>

#include "kzg/kzg.hpp"
#include "kzg/version.hpp"
#include "ops/text.hpp"  // trim

namespace kzgd {
namespace {

using Setter = std::function<std::optional<std::string>(Config&, std::string_view)>;

struct Option {
    std::string_view key;
    std::string_view default_text;
    std::string_view help;
    Setter set;
};

std::optional<std::uint64_t> parse_u64(std::string_view v) {
    std::uint64_t n = 0;
    auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
    if (v.empty() || ec != std::errc() || p != v.data() + v.size()) return std::nullopt;
    return n;
}

Setter uint_setter(std::size_t Config::*field, std::uint64_t min, std::uint64_t max) {
    return [=](Config& c, std::string_view v) -> std::optional<std::string> {
        auto n = parse_u64(v);
        if (!n || *n < min || *n > max)
            return "expected an integer from " + std::to_string(min) + " to " + std::to_string(max);
        c.*field = static_cast<std::size_t>(*n);
        return std::nullopt;
    };
}

// Bytes: an integer with an optional KiB, MiB or GiB suffix.
Setter bytes_setter(std::uint64_t Config::*field, std::uint64_t min, std::uint64_t max) {
    return [=](Config& c, std::string_view v) -> std::optional<std::string> {
        std::uint64_t mult = 1;
        for (auto [suffix, m] : {std::pair<std::string_view, std::uint64_t>{"KiB", 1ull << 10},
                                 {"MiB", 1ull << 20},
                                 {"GiB", 1ull << 30}}) {
            if (v.size() > suffix.size() && v.substr(v.size() - suffix.size()) == suffix) {
                mult = m;
                v.remove_suffix(suffix.size());
                break;
            }
        }
        auto n = parse_u64(v);
        if (!n || *n > max / mult || *n * mult < min) {
            return "expected a size from " + std::to_string(min) + " to " + std::to_string(max) +
                   " bytes (an integer, optionally with KiB, MiB or GiB)";
        }
        c.*field = *n * mult;
        return std::nullopt;
    };
}

// Seconds: a decimal number.
Setter seconds_setter(double Config::*field, double min, double max) {
    return [=](Config& c, std::string_view v) -> std::optional<std::string> {
        double d = 0;
        auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), d);
        if (v.empty() || ec != std::errc() || p != v.data() + v.size() || !std::isfinite(d) || d < min || d > max) {
            std::ostringstream s;
            s << "expected a number of seconds from " << min << " to " << max;
            return s.str();
        }
        c.*field = d;
        return std::nullopt;
    };
}

// A library table window: 0, or 2..16 bits.
Setter window_setter(std::optional<int> Config::*field) {
    return [=](Config& c, std::string_view v) -> std::optional<std::string> {
        auto n = parse_u64(v);
        if (!n || *n == 1 || *n > 16) return "expected 0 (no table) or a window of 2 to 16 bits";
        c.*field = static_cast<int>(*n);
        return std::nullopt;
    };
}

// The library's defaults, for --help.
const std::string kPrecomputeDefaultText = std::to_string(kzg::ContextOptions{}.precompute) + " (library default)";
const std::string kBlobWindowDefaultText =
    std::to_string(kzg::ContextOptions{}.blob_window_bits) + " (library default)";
const std::string_view kPrecomputeDefault = kPrecomputeDefaultText;
const std::string_view kBlobWindowDefault = kBlobWindowDefaultText;

Setter string_setter(std::string Config::*field) {
    return [=](Config& c, std::string_view v) -> std::optional<std::string> {
        c.*field = std::string(v);
        return std::nullopt;
    };
}

// A bearer token from a file (never from a flag: argv is visible to every
// user of the machine): one line, 16-4096 visible ASCII characters.
std::optional<std::string> read_token(const std::string& path, std::string& token) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return "cannot read " + path;
    std::string s((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) s.pop_back();
    if (s.size() < 16 || s.size() > 4096) return path + ": the token must be 16 to 4096 characters";
    for (char ch : s)
        if (ch < 0x21 || ch > 0x7e) return path + ": the token must be one line of visible ASCII characters";
    token = std::move(s);
    return std::nullopt;
}

bool is_loopback(const std::string& host) {
    return host == "localhost" || host == "::1" || host.rfind("127.", 0) == 0;
}

std::optional<std::string> set_listen(Config& c, std::string_view v) {
    const auto colon = v.rfind(':');
    if (colon == std::string_view::npos || colon == 0) return "expected HOST:PORT (e.g. 127.0.0.1:4844 or [::1]:4844)";
    std::string_view host = v.substr(0, colon);
    if (host.front() == '[') {
        if (host.size() < 3 || host.back() != ']') return "expected [IPv6]:PORT";
        host = host.substr(1, host.size() - 2);
    }
    auto port = parse_u64(v.substr(colon + 1));
    if (!port || *port > 65535) return "port must be an integer from 0 to 65535";
    c.listen = std::string(v);
    c.listen_host = std::string(host);
    c.listen_port = static_cast<std::uint16_t>(*port);
    return std::nullopt;
}

const std::vector<Option>& options() {
    static const std::vector<Option> table = {
        {"listen", "127.0.0.1:4844", "address to listen on, HOST:PORT; port 0 picks a free port", set_listen},
        {"ports-file", "(none)", "after binding, write the bound port to this file (atomically)",
         string_setter(&Config::ports_file)},
        {"setup", "(embedded mainnet)", "trusted setup file (c-kzg text or consensus-specs JSON)",
         string_setter(&Config::setup)},
        {"table-cache", "(none)", "directory of the library's on-disk table cache (fast restarts)",
         string_setter(&Config::table_cache)},
        {"precompute", kPrecomputeDefault,
         "window bits of the FK20 tables (cell proofs, recovery): 0 (none) or 2-16",
         window_setter(&Config::precompute)},
        {"blob-window-bits", kBlobWindowDefault,
         "window bits of the blob commitment/proof MSM table: 0 (none) or 2-16",
         window_setter(&Config::blob_window_bits)},
        {"workers", "0 (auto)", "crypto worker threads; 0: CPUs in the affinity mask and cgroup cpu.max quota",
         uint_setter(&Config::workers, 0, 1024)},
        {"io-threads", "1", "threads doing network I/O and request decoding (never crypto)",
         uint_setter(&Config::io_threads, 1, 64)},
        {"max-queue", "64", "requests waiting for a worker beyond those running; when full: 503",
         uint_setter(&Config::max_queue, 0, 1000000)},
        {"max-connections", "1024", "open connections; more are answered 503 and closed",
         uint_setter(&Config::max_connections, 1, 1000000)},
        {"max-body-bytes", "17MiB", "request body limit (413 above it)",
         bytes_setter(&Config::max_body_bytes, 1024, 1ull << 32)},
        {"max-header-bytes", "16KiB", "request line and headers limit (431 above it)",
         bytes_setter(&Config::max_header_bytes, 1024, 1ull << 20)},
        {"max-inflight-bytes", "256MiB", "request bodies held in memory at once, all connections; when full: 503",
         bytes_setter(&Config::max_inflight_bytes, 1024, 1ull << 40)},
        {"max-batch-blobs", "64", "blobs (and commitments, proofs) in one verify_blob_kzg_proof_batch",
         uint_setter(&Config::max_batch_blobs, 1, 1000000)},
        {"max-cells", "8192", "cells (and each parallel list) in one cell request",
         uint_setter(&Config::max_cells, 1, 1000000)},
        {"read-timeout", "30", "seconds to receive a whole request once it has started",
         seconds_setter(&Config::read_timeout, 0.001, 86400)},
        {"idle-timeout", "60", "seconds a keep-alive connection may wait for its next request",
         seconds_setter(&Config::idle_timeout, 0.001, 86400)},
        {"write-timeout", "30", "seconds to send a response",
         seconds_setter(&Config::write_timeout, 0.001, 86400)},
        {"shutdown-delay", "0", "on SIGTERM/SIGINT: seconds to keep accepting (readiness 503) before draining",
         seconds_setter(&Config::shutdown_delay, 0, 3600)},
        {"drain-timeout", "30", "seconds to finish in-flight requests once draining; then exit anyway",
         seconds_setter(&Config::drain_timeout, 0.001, 3600)},
        {"retry-after", "1", "seconds in the Retry-After header of 503 answers",
         [](Config& c, std::string_view v) -> std::optional<std::string> {
             auto n = parse_u64(v);
             if (!n || *n < 1 || *n > 3600) return "expected an integer from 1 to 3600";
             c.retry_after = static_cast<unsigned>(*n);
             return std::nullopt;
         }},
        {"access-log", "true", "one JSON line per request on stdout (true/false)",
         [](Config& c, std::string_view v) -> std::optional<std::string> {
             if (v == "true" || v == "1" || v == "yes" || v == "on") c.access_log = true;
             else if (v == "false" || v == "0" || v == "no" || v == "off") c.access_log = false;
             else return "expected true or false";
             return std::nullopt;
         }},
        {"log-level", "info", "least severe log level written: debug, info, warn or error (SIGUSR1 raises verbosity, SIGUSR2 lowers it)",
         [](Config& c, std::string_view v) -> std::optional<std::string> {
             if (v != "debug" && v != "info" && v != "warn" && v != "error") return "expected debug, info, warn or error";
             c.log_level = std::string(v);
             return std::nullopt;
         }},
        {"log-format", "json", "log lines on stdout: json (one object per line) or text (for people)",
         [](Config& c, std::string_view v) -> std::optional<std::string> {
             if (v != "json" && v != "text") return "expected json or text";
             c.log_format = std::string(v);
             return std::nullopt;
         }},
        {"memory-budget", "0 (cgroup memory.max, else physical memory)",
         "bytes the process may use; requests that would exceed it get 503",
         bytes_setter(&Config::memory_budget, 0, 1ull << 50)},
        {"memory-warn-ratio", "0.9", "log a warning when tracked memory crosses this share of the budget",
         seconds_setter(&Config::memory_warn_ratio, 0.01, 1)},
        {"admin-listen", "(none)",
         "[HOST:]PORT of the admin listener (/admin/log-level, /debug/cpu-profile); HOST defaults to 127.0.0.1",
         [](Config& c, std::string_view v) -> std::optional<std::string> {
             Config tmp;
             const std::string with_host =
                 v.find(':') == std::string_view::npos ? "127.0.0.1:" + std::string(v) : std::string(v);
             if (auto e = set_listen(tmp, with_host)) return e;
             c.admin_listen = tmp.listen;
             c.admin_host = tmp.listen_host;
             c.admin_port = tmp.listen_port;
             return std::nullopt;
         }},
        {"cpu-warn-ratio", "0.9", "log a warning (at most once a minute) when host CPU usage is above this",
         seconds_setter(&Config::cpu_warn_ratio, 0.01, 1)},
        {"api-token-file", "(none: no authentication)",
         "file holding the bearer token required on /v1/*, /metrics and /debug/* (not /livez, /readyz, /healthz)",
         string_setter(&Config::api_token_file)},
        {"admin-token-file", "(none: no authentication)", "file holding the bearer token of the admin listener",
         string_setter(&Config::admin_token_file)},
        {"tls-cert", "(none: plain HTTP)", "PEM certificate chain; with tls-key the API listener speaks HTTPS only",
         string_setter(&Config::tls_cert)},
        {"tls-key", "(none)", "PEM private key of tls-cert", string_setter(&Config::tls_key)},
        {"upgrade-socket", "(none)",
         "Unix socket for zero-downtime binary upgrades: a new kzgd started with the same path takes over the "
         "listening sockets of the one serving there (docs/operations.md)",
         string_setter(&Config::upgrade_socket)},
    };
    return table;
}

const Option* find_option(std::string_view key) {
    for (const auto& o : options())
        if (o.key == key) return &o;
    return nullptr;
}

std::string env_name(std::string_view key) {
    std::string s = "KZGD_";
    for (char c : key) s += c == '-' ? '_' : static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return s;
}

std::string help_text() {
    std::ostringstream s;
    s << "kzgd " << kzg::version()
      << ": the KZG (EIP-4844, EIP-7594) HTTP service.\n\n"
         "Usage: kzgd [--config FILE] [--KEY VALUE | --KEY=VALUE]...\n\n"
         "Every KEY can also be set by the environment variable KZGD_KEY (upper case, '-' -> '_') or\n"
         "in the config file as 'KEY = VALUE' (one per line, '#' comments). Precedence: flag >\n"
         "environment > file > default. Sizes take KiB/MiB/GiB suffixes; times are seconds.\n\n"
         "  --help                 this text\n"
         "  --version              version and build\n"
         "  --check-config         validate the flags, environment and config file, print the effective\n"
         "                         configuration and where each value came from, and exit (0: valid);\n"
         "                         loads no setup and opens no socket\n"
         "  --config FILE          config file (also KZGD_CONFIG)\n";
    for (const auto& o : options()) {
        std::string flag = "  --" + std::string(o.key) + " V";
        if (flag.size() < 27) flag.resize(27, ' ');
        else flag += ' ';
        s << flag << o.help << " [default " << o.default_text << "]\n";
    }
    s << "\nAPI: POST /v1/<function> (JSON or application/octet-stream SSZ), GET /v1/info, /livez, /readyz.\n"
         "See docs/service.md.\n";
    return s.str();
}

struct Setting {
    const Option* option;
    std::string value;
    std::string source;  // for messages
    std::string origin;  // for --check-config: "file PATH:LINE", "env KZGD_X", "flag --x"
};

ConfigParse fail(const std::string& message) {
    return ConfigParse{ConfigParse::Status::kExit, 2, "kzgd: " + message + " (see kzgd --help)"};
}

std::optional<ConfigParse> read_file(const std::string& path, std::vector<Setting>& out) {
    std::ifstream in(path);
    if (!in) return fail("cannot read config file " + path);
    std::string line;
    std::map<std::string, int> seen;
    for (int n = 1; std::getline(in, line); n++) {
        const std::string t(trim(line));  // a line holds no LF
        if (t.empty() || t[0] == '#') continue;
        const std::string where = path + ":" + std::to_string(n);
        const auto eq = t.find('=');
        if (eq == std::string::npos) return fail(where + ": expected 'key = value'");
        const std::string key(trim(std::string_view(t).substr(0, eq)));
        std::string value(trim(std::string_view(t).substr(eq + 1)));
        if (value.size() >= 2 && value.front() == '"' && value.back() == '"') value = value.substr(1, value.size() - 2);
        const Option* o = find_option(key);
        if (o == nullptr) return fail(where + ": unknown key \"" + key + "\"");
        if (auto it = seen.find(key); it != seen.end())
            return fail(where + ": duplicate key \"" + key + "\" (first on line " + std::to_string(it->second) + ")");
        seen[key] = n;
        out.push_back({o, value, where + " " + key, "file " + where});
    }
    return std::nullopt;
}

// --check-config: checks that only a start would otherwise make (files that
// must be readable), without loading or binding anything.
std::optional<ConfigParse> check_files(const Config& cfg) {
    for (auto [key, path] : {std::pair<std::string_view, const std::string*>{"setup", &cfg.setup},
                             {"tls-cert", &cfg.tls_cert},
                             {"tls-key", &cfg.tls_key}}) {
        if (path->empty()) continue;
        std::ifstream in(*path, std::ios::binary);
        if (!in) return fail(std::string(key) + ": cannot read " + *path);
    }
    return std::nullopt;
}

// The effective configuration, one key per line in the table's order: the
// value and where it came from (the last origin wins: flag > env > file).
std::string check_text(const Config& cfg, const std::map<std::string_view, std::vector<const Setting*>>& set) {
    struct Row {
        std::string key, value, source;
    };
    std::vector<Row> rows;
    std::size_t key_w = 3, value_w = 5;
    for (const auto& o : options()) {
        Row r{std::string(o.key), "", "default"};
        const auto it = set.find(o.key);
        if (it == set.end() || it->second.empty()) {
            r.value = std::string(o.default_text);
        } else {
            const auto& chain = it->second;  // file, env, flag order
            r.value = chain.back()->value.empty() ? "\"\"" : chain.back()->value;
            r.source = chain.back()->origin;
            if (chain.size() > 1) {
                r.source += " (overrides";
                for (std::size_t i = chain.size() - 1; i-- > 0;) r.source += " " + chain[i]->origin;
                r.source += ")";
            }
        }
        key_w = std::max(key_w, r.key.size());
        value_w = std::max(value_w, std::min<std::size_t>(r.value.size(), 40));
        rows.push_back(std::move(r));
    }
    std::ostringstream s;
    s << "kzgd: the configuration is valid\n"
      << "config file: " << (cfg.config_file.empty() ? "(none)" : cfg.config_file) << "\n\n";
    auto line = [&](const std::string& k, const std::string& v, const std::string& src) {
        std::string a = k, b = v;
        a.resize(key_w + 2, ' ');
        if (b.size() < value_w + 2) b.resize(value_w + 2, ' ');
        else b += "  ";
        s << a << b << src << "\n";
    };
    line("KEY", "VALUE", "SOURCE");
    for (const auto& r : rows) line(r.key, r.value, r.source);
    return s.str();
}

}  // namespace

ConfigParse parse_config(int argc, const char* const* argv, const char* const* envp, Config& cfg) {
    std::vector<Setting> flags, env, file;
    std::string config_path;
    bool config_from_flag = false;
    bool check = false;  // --check-config
    for (int i = 1; i < argc; i++) {
        std::string_view a = argv[i];
        if (a == "--help" || a == "-h") return ConfigParse{ConfigParse::Status::kExit, 0, help_text()};
        if (a == "--check-config") {
            check = true;
            continue;
        }
        if (a == "--version") {
            return ConfigParse{ConfigParse::Status::kExit, 0,
                               "kzgd " + std::string(kzg::version()) + " (commit " + std::string(kzg::git_commit()) +
                                   ", blst " + std::string(kzg::blst_version()) + ")\n"};
        }
        if (a.substr(0, 2) != "--") return fail("unexpected argument \"" + std::string(a) + "\"");
        std::string key, value;
        const auto eq = a.find('=');
        if (eq != std::string_view::npos) {
            key = std::string(a.substr(2, eq - 2));
            value = std::string(a.substr(eq + 1));
        } else {
            key = std::string(a.substr(2));
            if (key == "config" || find_option(key) != nullptr) {
                if (i + 1 >= argc) return fail("--" + key + " needs a value");
                value = argv[++i];
            }
        }
        if (key == "config") {
            config_path = value;
            config_from_flag = true;
            continue;
        }
        const Option* o = find_option(key);
        if (o == nullptr) return fail("unknown option --" + key);
        flags.push_back({o, value, "--" + key, "flag --" + key});
    }
    for (const char* const* e = envp; e && *e; e++) {
        const std::string_view kv = *e;
        if (kv.substr(0, 5) != "KZGD_") continue;
        const auto eq = kv.find('=');
        const std::string name(kv.substr(0, eq));
        const std::string value = eq == std::string_view::npos ? "" : std::string(kv.substr(eq + 1));
        if (name == "KZGD_CONFIG") {
            if (!config_from_flag) config_path = value;
            continue;
        }
        const Option* found = nullptr;
        for (const auto& o : options())
            if (env_name(o.key) == name) found = &o;
        if (found == nullptr) return fail("unknown environment variable " + name);
        env.push_back({found, value, name, "env " + name});
    }
    if (!config_path.empty()) {
        if (auto err = read_file(config_path, file)) return *err;
        cfg.config_file = config_path;
    }
    std::map<std::string_view, std::vector<const Setting*>> set;  // key -> its settings, lowest precedence first
    for (const auto* layer : {&file, &env, &flags}) {
        for (const auto& s : *layer) {
            if (auto err = s.option->set(cfg, s.value))
                return fail("invalid value \"" + s.value + "\" for " + s.source + ": " + *err);
            set[s.option->key].push_back(&s);
        }
    }
    if (cfg.tls_cert.empty() != cfg.tls_key.empty()) return fail("tls-cert and tls-key go together: set both or neither");
    if (!cfg.api_token_file.empty())
        if (auto err = read_token(cfg.api_token_file, cfg.api_token)) return fail("api-token-file: " + *err);
    if (!cfg.admin_token_file.empty())
        if (auto err = read_token(cfg.admin_token_file, cfg.admin_token)) return fail("admin-token-file: " + *err);
    if (!cfg.admin_listen.empty() && !is_loopback(cfg.admin_host) && cfg.admin_token.empty())
        return fail("admin-listen on " + cfg.admin_listen +
                    " is reachable from other machines: keep it on loopback or set admin-token-file");
    if (cfg.max_inflight_bytes < cfg.max_body_bytes) {
        return fail("max-inflight-bytes (" + std::to_string(cfg.max_inflight_bytes) +
                    ") must be at least max-body-bytes (" + std::to_string(cfg.max_body_bytes) + ")");
    }
    if (check) {
        if (auto err = check_files(cfg)) return *err;
        return ConfigParse{ConfigParse::Status::kExit, 0, check_text(cfg, set)};
    }
    return ConfigParse{};
}

}  // namespace kzgd
