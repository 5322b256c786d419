#include "service/log.hpp"

#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <mutex>

#include "service/json_codec.hpp"

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

void log_line(std::string_view level, std::string_view msg, std::initializer_list<LogField> fields) {
    std::string line = "{\"ts\":\"" + utc_timestamp() + "\",\"level\":";
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
