// One JSON object per line on stdout: {"ts","level","msg",...fields}
// (or, with set_log_json(false), a text line for people).
// Lines are written whole (one write under a lock), so threads never interleave.
#pragma once

#include <concepts>
#include <initializer_list>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace kzgd {

struct LogField {
    LogField(std::string_view k, std::string_view v);
    LogField(std::string_view k, const char* v) : LogField(k, std::string_view(v)) {}
    LogField(std::string_view k, const std::string& v) : LogField(k, std::string_view(v)) {}
    LogField(std::string_view k, bool v) : key(k), json(v ? "true" : "false") {}
    LogField(std::string_view k, double v);
    template <std::integral T>
    LogField(std::string_view k, T v) : key(k), json(std::to_string(v)) {}

    std::string_view key;
    std::string json;  // the value, already JSON
};

// Levels, least to most severe: debug, info, warn, error. Lines below the
// current level are dropped before they are formatted.
enum class LogLevel { kDebug = 0, kInfo = 1, kWarn = 2, kError = 3 };
std::optional<LogLevel> parse_log_level(std::string_view name);
std::string_view log_level_name(LogLevel level);
void set_log_level(LogLevel level);  // any thread, any time
LogLevel log_level();
// Sets the level at run time and logs "log level changed" (from, to, and
// `cause`: who asked) under the more verbose of the two levels, so that the
// change always shows.
void change_log_level(LogLevel to, const LogField& cause);
bool log_enabled(std::string_view level);
// false: "ts LEVEL msg key=value ..." lines for people instead of JSON.
void set_log_json(bool json);

void log_line(std::string_view level, std::string_view msg, std::initializer_list<LogField> fields = {});
void log_line(std::string_view level, std::string_view msg, std::span<const LogField> fields);

// "2024-05-01T12:00:00.123Z"
std::string utc_timestamp();

}  // namespace kzgd
