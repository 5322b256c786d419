// sd_notify(3) without libsystemd (see sd_notify.hpp).
#include "service/sd_notify.hpp"

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstddef>
#include <cstdlib>
#include <cstring>

#include "ops/log.hpp"

namespace kzgd::sd {

std::optional<std::string> notify(std::string_view state) {
    // Read at each call (a handful per process lifetime): nothing to cache,
    // and the variable is left in place for the processes kzgd never starts
    // anyway (kzgctl upgrade, which systemd runs as ExecReload, passes its own).
    const char* env = std::getenv("NOTIFY_SOCKET");
    if (env == nullptr || *env == '\0') return std::nullopt;
    const std::string_view path = env;
    if (path[0] != '/' && path[0] != '@')
        return "NOTIFY_SOCKET must be an absolute path or an @abstract name (got \"" + std::string(path) + "\")";

    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    // A path needs its terminating NUL inside sun_path; an abstract name does
    // not (its length is carried by the address length alone).
    const bool abstract = path[0] == '@';
    if (path.size() > sizeof(addr.sun_path) - (abstract ? 0 : 1))
        return "NOTIFY_SOCKET is too long for a Unix socket address: " + std::string(path);
    std::memcpy(addr.sun_path, path.data(), path.size());
    if (abstract) addr.sun_path[0] = '\0';  // "@name" -> "\0name"
    const auto len = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + path.size() + (abstract ? 0 : 1));

    const int fd = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return std::string("NOTIFY_SOCKET: socket: ") + std::strerror(errno);
    ssize_t n = -1;
    do {
        // MSG_DONTWAIT: a supervisor with a full queue must not stall a drain.
        n = ::sendto(fd, state.data(), state.size(), MSG_NOSIGNAL | MSG_DONTWAIT,
                     reinterpret_cast<const sockaddr*>(&addr), len);
    } while (n < 0 && errno == EINTR);
    const int err = errno;
    ::close(fd);
    if (n < 0) return "cannot notify " + std::string(path) + ": " + std::strerror(err);
    if (static_cast<std::size_t>(n) != state.size()) return "short write to NOTIFY_SOCKET " + std::string(path);
    return std::nullopt;
}

bool notify_logged(std::string_view state) {
    const char* env = std::getenv("NOTIFY_SOCKET");
    if (env == nullptr || *env == '\0') return false;
    // The log shows the assignments on one line.
    std::string shown(state);
    for (char& c : shown)
        if (c == '\n') c = ' ';
    if (auto err = notify(state)) {
        log_line("warn", "cannot notify the service manager", {{"state", shown}, {"error", *err}});
        return false;
    }
    log_line("debug", "notified the service manager", {{"state", shown}, {"notify_socket", env}});
    return true;
}

}  // namespace kzgd::sd
