#include "ops/log.hpp"

#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <mutex>

#include "ops/json_text.hpp"

namespace kzgd {

LogField::LogField(std::string_view k, std::string_view v) : key(k) { append_json_string(json, v); }

LogField::LogField(std::string_view k, double v) : key(k) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.3f", v);
    json = buf;
}

std::string utc_timestamp() {
    const auto now = std::chrono::system_clock::now();
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count();
    const std::time_t secs = static_cast<std::time_t>(ms / 1000);
    std::tm tm{};
    gmtime_r(&secs, &tm);
    char buf[96];
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1,
                  tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(ms % 1000));
    return buf;
}

namespace {
std::atomic<int> g_level{static_cast<int>(LogLevel::kInfo)};
std::atomic<bool> g_json{true};
}  // namespace

std::optional<LogLevel> parse_log_level(std::string_view name) {
    if (name == "debug") return LogLevel::kDebug;
    if (name == "info") return LogLevel::kInfo;
    if (name == "warn" || name == "warning") return LogLevel::kWarn;
    if (name == "error") return LogLevel::kError;
    return std::nullopt;
}

std::string_view log_level_name(LogLevel level) {
    switch (level) {
        case LogLevel::kDebug: return "debug";
        case LogLevel::kInfo: return "info";
        case LogLevel::kWarn: return "warn";
        case LogLevel::kError: return "error";
    }
    return "info";
}

void set_log_level(LogLevel level) { g_level.store(static_cast<int>(level), std::memory_order_relaxed); }
LogLevel log_level() { return static_cast<LogLevel>(g_level.load(std::memory_order_relaxed)); }

void change_log_level(LogLevel to, const LogField& cause) {
    const LogLevel from = log_level();
    auto note = [&] {
        const LogField fields[] = {cause, {"from", log_level_name(from)}, {"to", log_level_name(to)}};
        log_line("info", "log level changed", fields);
    };
    if (to > from) note();
    set_log_level(to);
    if (to <= from) note();
}
void set_log_json(bool json) { g_json.store(json, std::memory_order_relaxed); }

bool log_enabled(std::string_view level) {
    const auto l = parse_log_level(level);
    return !l || static_cast<int>(*l) >= g_level.load(std::memory_order_relaxed);
}

void log_line(std::string_view level, std::string_view msg, std::initializer_list<LogField> fields) {
    log_line(level, msg, std::span<const LogField>(fields.begin(), fields.size()));
}

void log_line(std::string_view level, std::string_view msg, std::span<const LogField> fields) {
    if (!log_enabled(level)) return;
    std::string line;
    if (g_json.load(std::memory_order_relaxed)) {
        line = "{\"ts\":\"" + utc_timestamp() + "\",\"level\":";
        append_json_string(line, level);
        line += ",\"msg\":";
        append_json_string(line, msg);
        for (const auto& f : fields) {
            line += ',';
            append_json_string(line, f.key);
            line += ':';
            line += f.json;
        }
        line += "}\n";
    } else {
        line = utc_timestamp() + " ";
        for (char c : level) line += static_cast<char>(c >= 'a' && c <= 'z' ? c - 32 : c);
        line += ' ';
        line += msg;
        for (const auto& f : fields) {
            line += ' ';
            line += f.key;
            line += '=';
            line += f.json;
        }
        line += '\n';
    }
    static std::mutex mutex;
    std::lock_guard<std::mutex> lock(mutex);
    const char* p = line.data();
    std::size_t left = line.size();
    while (left > 0) {
        const ssize_t n = ::write(STDOUT_FILENO, p, left);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return;  // stdout gone: logging must not take the service down
        p += n;
        left -= static_cast<std::size_t>(n);
    }
}

}  // namespace kzgd
