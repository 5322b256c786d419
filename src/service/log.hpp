// One JSON object per line on stdout: {"ts","level","msg",...fields}.
// Lines are written whole (one write under a lock), so threads never interleave.
#pragma once

#include <concepts>
#include <initializer_list>
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

void log_line(std::string_view level, std::string_view msg, std::initializer_list<LogField> fields = {});

// "2024-05-01T12:00:00.123Z"
std::string utc_timestamp();

}  // namespace kzgd
