// Listening-socket handover between two kzgd processes (see handover.hpp).
#include "service/handover.hpp"

#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <string_view>

#include "kzg/version.hpp"
#include "ops/log.hpp"

namespace kzgd::handover {
namespace {

using Clock = std::chrono::steady_clock;

// How long each side waits for the other's next line. The new process loads
// the setup and runs its self-test between LISTENERS and READY.
constexpr auto kReplyTimeout = std::chrono::seconds(10);
constexpr auto kReadyTimeout = std::chrono::seconds(300);
constexpr std::size_t kMaxLine = 512;

std::string errno_text(const char* what) { return std::string(what) + ": " + std::strerror(errno); }

void close_fd(int& fd) {
    if (fd >= 0) ::close(fd);
    fd = -1;
}

std::optional<sockaddr_un> unix_address(const std::string& path, std::string& error) {
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    if (path.empty() || path.size() >= sizeof(addr.sun_path)) {
        error = "upgrade-socket path must be 1 to " + std::to_string(sizeof(addr.sun_path) - 1) + " bytes: " + path;
        return std::nullopt;
    }
    std::memcpy(addr.sun_path, path.c_str(), path.size() + 1);
    return addr;
}

bool write_all(int fd, std::string_view s) {
    while (!s.empty()) {
        const ssize_t n = ::send(fd, s.data(), s.size(), MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return false;
        s.remove_prefix(static_cast<std::size_t>(n));
    }
    return true;
}

// Reads one '\n'-terminated line before `deadline`, collecting any descriptors
// that arrive with it. Returns false on EOF, error, timeout or a wake-up on `wake`.
bool read_line(int fd, Clock::time_point deadline, std::string& line, int wake = -1, Listeners* fds = nullptr) {
    line.clear();
    for (;;) {
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
        if (left <= 0) return false;
        pollfd p[2] = {{fd, POLLIN, 0}, {wake, POLLIN, 0}};
        const int r = ::poll(p, wake >= 0 ? 2 : 1, static_cast<int>(std::min<long long>(left, 1000)));
        if (r < 0 && errno == EINTR) continue;
        if (r < 0) return false;
        if (wake >= 0 && (p[1].revents & POLLIN)) return false;
        if (r == 0) continue;
        char buf[kMaxLine];
        alignas(cmsghdr) char control[CMSG_SPACE(2 * sizeof(int))];
        iovec iov{buf, sizeof(buf)};
        msghdr msg{};
        msg.msg_iov = &iov;
        msg.msg_iovlen = 1;
        msg.msg_control = control;
        msg.msg_controllen = sizeof(control);
        // Byte-sized reads would lose nothing, but one line is one message here;
        // MSG_PEEK first so that bytes after the newline stay unread.
        const ssize_t peeked = ::recv(fd, buf, sizeof(buf), MSG_PEEK);
        if (peeked <= 0) return false;
        const void* nl = std::memchr(buf, '\n', static_cast<std::size_t>(peeked));
        iov.iov_len = nl ? static_cast<std::size_t>(static_cast<const char*>(nl) - buf) + 1 : static_cast<std::size_t>(peeked);
        const ssize_t n = ::recvmsg(fd, &msg, MSG_CMSG_CLOEXEC);
        if (n <= 0) return false;
        for (cmsghdr* c = CMSG_FIRSTHDR(&msg); c != nullptr; c = CMSG_NXTHDR(&msg, c)) {
            if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS) continue;
            const std::size_t count = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
            int got[2] = {-1, -1};
            std::memcpy(got, CMSG_DATA(c), std::min<std::size_t>(count, 2) * sizeof(int));
            for (std::size_t i = 2; i < count; i++) {  // more than the protocol sends: close the extras
                int extra = -1;
                std::memcpy(&extra, CMSG_DATA(c) + i * sizeof(int), sizeof(int));
                ::close(extra);
            }
            if (fds != nullptr) {
                fds->api = got[0];
                fds->admin = count > 1 ? got[1] : -1;
            } else {
                for (int g : got)
                    if (g >= 0) ::close(g);
            }
        }
        line.append(buf, static_cast<std::size_t>(n));
        if (!line.empty() && line.back() == '\n') {
            line.pop_back();
            return true;
        }
        if (line.size() > kMaxLine) return false;
    }
}

// "key=value" from a space-separated line.
std::string field(std::string_view line, std::string_view key) {
    std::size_t at = 0;
    while (at < line.size()) {
        std::size_t end = line.find(' ', at);
        if (end == std::string_view::npos) end = line.size();
        const std::string_view word = line.substr(at, end - at);
        if (word.size() > key.size() && word.substr(0, key.size()) == key && word[key.size()] == '=')
            return std::string(word.substr(key.size() + 1));
        at = end + 1;
    }
    return "";
}

// Connects to `path`. -1 with an empty error: nobody listens there.
int connect_to(const std::string& path, std::string& error, bool remove_stale) {
    auto addr = unix_address(path, error);
    if (!addr) return -1;
    int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        error = errno_text("socket");
        return -1;
    }
    if (::connect(fd, reinterpret_cast<const sockaddr*>(&*addr), sizeof(*addr)) == 0) return fd;
    const int err = errno;
    ::close(fd);
    if (err == ENOENT) return -1;
    if (err == ECONNREFUSED) {  // a socket file without a process: a crashed kzgd's leftover
        if (remove_stale) ::unlink(path.c_str());
        return -1;
    }
    error = "cannot connect to " + path + ": " + std::strerror(err);
    return -1;
}

bool same_user(int conn) {
    ucred cred{};
    socklen_t len = sizeof(cred);
    if (::getsockopt(conn, SOL_SOCKET, SO_PEERCRED, &cred, &len) != 0) return false;
    return cred.uid == ::geteuid() || cred.uid == 0;
}

}  // namespace

std::optional<Takeover> request(const std::string& path, std::string& error) {
    error.clear();
    Takeover t;
    t.conn = connect_to(path, error, true);
    if (t.conn < 0) return std::nullopt;
    std::string line;
    if (!write_all(t.conn, "HANDOVER " + std::to_string(kProtocolVersion) + "\n") ||
        !read_line(t.conn, Clock::now() + kReplyTimeout, line, -1, &t.fds)) {
        error = "the kzgd at " + path + " did not answer the handover request";
    } else if (line.rfind("LISTENERS ", 0) != 0) {
        error = "the kzgd at " + path + " refused the handover: " + line.substr(0, 200);
    } else if (t.fds.api < 0 || (field(line, "admin") == "1" && t.fds.admin < 0)) {
        error = "the kzgd at " + path + " sent no listening socket";
    } else {
        t.old_pid = std::atol(field(line, "pid").c_str());
        t.old_version = field(line, "version");
        return t;
    }
    close_fd(t.conn);
    close_fd(t.fds.api);
    close_fd(t.fds.admin);
    return std::nullopt;
}

bool confirm(Takeover& t, std::string& error) {
    std::string line;
    const bool ok = write_all(t.conn, "READY pid=" + std::to_string(::getpid()) + "\n") &&
                    read_line(t.conn, Clock::now() + kReplyTimeout, line) && line == "OK";
    if (!ok) error = "the old process (pid " + std::to_string(t.old_pid) + ") did not acknowledge the handover";
    close_fd(t.conn);
    return ok;
}

std::optional<Status> status(const std::string& path, std::string& error) {
    error.clear();
    const int fd = connect_to(path, error, false);
    if (fd < 0) {
        if (error.empty()) error = "no kzgd serves upgrades at " + path;
        return std::nullopt;
    }
    std::string line;
    const bool ok = write_all(fd, "STATUS\n") && read_line(fd, Clock::now() + kReplyTimeout, line);
    ::close(fd);
    if (!ok || field(line, "pid").empty()) {
        error = "no status answer from " + path;
        return std::nullopt;
    }
    return Status{std::atol(field(line, "pid").c_str()), field(line, "version"), field(line, "state")};
}

Listener::Listener(std::string path, Listeners listeners, Hooks hooks)
    : path_(std::move(path)), fds_(listeners), hooks_(std::move(hooks)) {}

Listener::~Listener() {
    stop();
    close_fd(fds_.api);
    close_fd(fds_.admin);
}

std::optional<std::string> Listener::start(bool take_path) {
    std::string error;
    auto addr = unix_address(path_, error);
    if (!addr) return error;
    if (take_path) {
        ::unlink(path_.c_str());
    } else {
        // A leftover file from a crashed process is replaced; a live one is not
        // ours to take (the caller tried a handover first).
        const int probe = connect_to(path_, error, true);
        if (probe >= 0) {
            ::close(probe);
            return "another kzgd already serves upgrades at " + path_;
        }
        if (!error.empty()) return error;
    }
    sock_ = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (sock_ < 0) return errno_text("socket");
    // Whoever connects can take the listening sockets: owner only.
    const mode_t old_mask = ::umask(0177);
    const int bound = ::bind(sock_, reinterpret_cast<const sockaddr*>(&*addr), sizeof(*addr));
    ::umask(old_mask);
    if (bound != 0 || ::listen(sock_, 4) != 0) {
        const std::string e = "cannot listen on " + path_ + ": " + std::strerror(errno);
        close_fd(sock_);
        return e;
    }
    if (::pipe2(wake_, O_CLOEXEC) != 0) {
        close_fd(sock_);
        return errno_text("pipe2");
    }
    thread_ = std::thread([this] { serve(); });
    log_line("info", "serving upgrades", {{"upgrade_socket", path_}});
    return std::nullopt;
}

void Listener::stop() {
    if (thread_.joinable()) {
        const char c = 1;
        [[maybe_unused]] const ssize_t n = ::write(wake_[1], &c, 1);
        thread_.join();
    }
    if (sock_ >= 0) {
        close_fd(sock_);
        if (!handed_over_.load()) ::unlink(path_.c_str());  // after a handover the path is the new process's
    }
    close_fd(wake_[0]);
    close_fd(wake_[1]);
    // Let go of the listening sockets: after a drain nothing may keep their queue open.
    close_fd(fds_.api);
    close_fd(fds_.admin);
}

void Listener::serve() {
    while (!handed_over_.load()) {
        pollfd p[2] = {{sock_, POLLIN, 0}, {wake_[0], POLLIN, 0}};
        const int r = ::poll(p, 2, -1);
        if (r < 0 && errno == EINTR) continue;
        if (r < 0 || (p[1].revents & POLLIN)) return;
        const int conn = ::accept4(sock_, nullptr, nullptr, SOCK_CLOEXEC);
        if (conn < 0) continue;
        handle(conn);
        ::close(conn);
    }
}

void Listener::handle(int conn) {
    if (!same_user(conn)) {
        log_line("warn", "upgrade socket: refused a connection from another user", {{"upgrade_socket", path_}});
        return;
    }
    std::string line;
    if (!read_line(conn, Clock::now() + kReplyTimeout, line, wake_[0])) return;
    const bool draining = hooks_.draining && hooks_.draining();
    if (line == "STATUS") {
        write_all(conn, "pid=" + std::to_string(::getpid()) + " version=" + std::string(kzg::version()) +
                            " state=" + (draining ? "draining" : "serving") + "\n");
        return;
    }
    if (line != "HANDOVER " + std::to_string(kProtocolVersion)) {
        write_all(conn, "ERR unknown request\n");
        return;
    }
    if (draining) {
        write_all(conn, "ERR draining\n");
        return;
    }
    const std::string head = "LISTENERS pid=" + std::to_string(::getpid()) + " version=" +
                             std::string(kzg::version()) + " admin=" + (fds_.admin >= 0 ? "1" : "0") + "\n";
    int send_fds[2] = {fds_.api, fds_.admin};
    const int count = fds_.admin >= 0 ? 2 : 1;
    alignas(cmsghdr) char control[CMSG_SPACE(2 * sizeof(int))] = {};
    iovec iov{const_cast<char*>(head.data()), head.size()};
    msghdr msg{};
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    msg.msg_control = control;
    msg.msg_controllen = CMSG_SPACE(static_cast<std::size_t>(count) * sizeof(int));
    cmsghdr* c = CMSG_FIRSTHDR(&msg);
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_RIGHTS;
    c->cmsg_len = CMSG_LEN(static_cast<std::size_t>(count) * sizeof(int));
    std::memcpy(CMSG_DATA(c), send_fds, static_cast<std::size_t>(count) * sizeof(int));
    if (::sendmsg(conn, &msg, MSG_NOSIGNAL) != static_cast<ssize_t>(head.size())) {
        log_line("warn", "upgrade socket: cannot send the listeners", {{"error", std::strerror(errno)}});
        return;
    }
    log_line("info", "handover: listeners sent; waiting for the new process to pass its self-test");
    if (!read_line(conn, Clock::now() + kReadyTimeout, line, wake_[0]) || line.rfind("READY ", 0) != 0) {
        log_line("warn", "handover abandoned by the new process: still serving", {{"upgrade_socket", path_}});
        return;
    }
    const long pid = std::atol(field(line, "pid").c_str());
    handed_over_ = true;
    // Stop listening before "OK": the path is the new process's from then on
    // (the file is left for it to replace).
    close_fd(sock_);
    if (hooks_.handed_over) hooks_.handed_over(pid);
    write_all(conn, "OK\n");
}

}  // namespace kzgd::handover
