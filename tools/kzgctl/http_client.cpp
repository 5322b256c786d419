#include "http_client.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>

namespace kzgctl {

std::optional<Url> parse_url(const std::string& text, std::string* why) {
    std::string s = text;
    if (s.rfind("http://", 0) == 0) s = s.substr(7);
    else if (s.find("://") != std::string::npos) {
        *why = "only http:// URLs are supported";
        return std::nullopt;
    }
    Url u;
    const auto slash = s.find('/');
    std::string hostport = s.substr(0, slash);
    u.path = slash == std::string::npos ? "" : s.substr(slash);
    while (!u.path.empty() && u.path.back() == '/') u.path.pop_back();
    std::string port;
    if (!hostport.empty() && hostport[0] == '[') {
        const auto close = hostport.find(']');
        if (close == std::string::npos) {
            *why = "expected [IPv6]:PORT";
            return std::nullopt;
        }
        u.host = hostport.substr(1, close - 1);
        if (close + 1 < hostport.size() && hostport[close + 1] == ':') port = hostport.substr(close + 2);
    } else {
        const auto colon = hostport.rfind(':');
        u.host = hostport.substr(0, colon);
        if (colon != std::string::npos) port = hostport.substr(colon + 1);
    }
    if (u.host == "localhost") u.host = "127.0.0.1";
    if (!port.empty()) {
        char* end = nullptr;
        const long p = std::strtol(port.c_str(), &end, 10);
        if (*end != '\0' || p < 1 || p > 65535) {
            *why = "bad port '" + port + "'";
            return std::nullopt;
        }
        u.port = static_cast<int>(p);
    }
    in6_addr a6{};
    in_addr a4{};
    if (inet_pton(AF_INET, u.host.c_str(), &a4) != 1 && inet_pton(AF_INET6, u.host.c_str(), &a6) != 1) {
        *why = "the host must be an IP address or localhost, got '" + u.host + "'";
        return std::nullopt;
    }
    return u;
}

namespace {

using Clock = std::chrono::steady_clock;

int wait_fd(int fd, short events, Clock::time_point deadline) {
    for (;;) {
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
        if (left <= 0) return 0;
        pollfd p{fd, events, 0};
        const int r = ::poll(&p, 1, static_cast<int>(left));
        if (r < 0 && errno == EINTR) continue;
        return r;
    }
}

}  // namespace

namespace {
std::string& bearer_token() {
    static std::string token;
    return token;
}
}  // namespace

void set_bearer_token(std::string token) { bearer_token() = std::move(token); }

std::optional<HttpReply> http_request(const Url& url, const std::string& method, const std::string& path,
                                      const std::string& body, const std::string& content_type, double timeout_s,
                                      std::string* error) {
    const auto deadline = Clock::now() + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(timeout_s));
    sockaddr_storage ss{};
    socklen_t len = 0;
    const bool v6 = url.host.find(':') != std::string::npos;
    if (v6) {
        auto* a = reinterpret_cast<sockaddr_in6*>(&ss);
        a->sin6_family = AF_INET6;
        a->sin6_port = htons(static_cast<std::uint16_t>(url.port));
        inet_pton(AF_INET6, url.host.c_str(), &a->sin6_addr);
        len = sizeof(sockaddr_in6);
    } else {
        auto* a = reinterpret_cast<sockaddr_in*>(&ss);
        a->sin_family = AF_INET;
        a->sin_port = htons(static_cast<std::uint16_t>(url.port));
        inet_pton(AF_INET, url.host.c_str(), &a->sin_addr);
        len = sizeof(sockaddr_in);
    }
    const int fd = ::socket(v6 ? AF_INET6 : AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (fd < 0) {
        *error = std::string("socket: ") + std::strerror(errno);
        return std::nullopt;
    }
    struct Closer {
        int fd;
        ~Closer() { ::close(fd); }
    } closer{fd};
    if (::connect(fd, reinterpret_cast<sockaddr*>(&ss), len) != 0 && errno != EINPROGRESS) {
        *error = "connect to " + url.host + ":" + std::to_string(url.port) + ": " + std::strerror(errno);
        return std::nullopt;
    }
    if (wait_fd(fd, POLLOUT, deadline) <= 0) {
        *error = "connect to " + url.host + ":" + std::to_string(url.port) + ": timed out";
        return std::nullopt;
    }
    int soerr = 0;
    socklen_t sl = sizeof soerr;
    ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &sl);
    if (soerr != 0) {
        *error = "connect to " + url.host + ":" + std::to_string(url.port) + ": " + std::strerror(soerr);
        return std::nullopt;
    }
    const std::string host = url.host.find(':') != std::string::npos ? "[" + url.host + "]" : url.host;
    std::string req = method + " " + url.path + path + " HTTP/1.1\r\nHost: " + host + ":" + std::to_string(url.port) +
                      "\r\nConnection: close\r\nUser-Agent: kzgctl\r\n";
    if (!content_type.empty()) req += "Content-Type: " + content_type + "\r\nAccept: " + content_type + "\r\n";
    if (!bearer_token().empty()) req += "Authorization: Bearer " + bearer_token() + "\r\n";
    if (!body.empty() || method == "POST" || method == "PUT") req += "Content-Length: " + std::to_string(body.size()) + "\r\n";
    req += "\r\n";
    req += body;
    std::size_t sent = 0;
    while (sent < req.size()) {
        const ssize_t n = ::send(fd, req.data() + sent, req.size() - sent, MSG_NOSIGNAL);
        if (n > 0) {
            sent += static_cast<std::size_t>(n);
            continue;
        }
        if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
            if (wait_fd(fd, POLLOUT, deadline) <= 0) {
                *error = "send: timed out";
                return std::nullopt;
            }
            continue;
        }
        *error = std::string("send: ") + std::strerror(errno);
        return std::nullopt;
    }
    std::string in;
    char buf[65536];
    for (;;) {
        const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
        if (n > 0) {
            in.append(buf, static_cast<std::size_t>(n));
            continue;
        }
        if (n == 0) break;
        if (errno == EAGAIN || errno == EINTR) {
            if (wait_fd(fd, POLLIN, deadline) <= 0) {
                *error = "no complete response within " + std::to_string(timeout_s) + " s";
                return std::nullopt;
            }
            continue;
        }
        if (errno == ECONNRESET && !in.empty()) break;
        *error = std::string("recv: ") + std::strerror(errno);
        return std::nullopt;
    }
    const auto head_end = in.find("\r\n\r\n");
    if (in.rfind("HTTP/1.", 0) != 0 || head_end == std::string::npos) {
        *error = "not an HTTP response";
        return std::nullopt;
    }
    HttpReply r;
    r.status = std::atoi(in.c_str() + 9);
    std::size_t at = in.find("\r\n") + 2;
    while (at < head_end) {
        const auto eol = in.find("\r\n", at);
        const std::string line = in.substr(at, eol - at);
        const auto colon = line.find(':');
        if (colon != std::string::npos) {
            std::string name = line.substr(0, colon);
            for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
            std::string value = line.substr(colon + 1);
            value.erase(0, value.find_first_not_of(" \t"));
            r.headers[name] = value;
        }
        at = eol + 2;
    }
    r.body = in.substr(head_end + 4);
    if (auto it = r.headers.find("content-length"); it != r.headers.end()) {
        const auto n = std::strtoull(it->second.c_str(), nullptr, 10);
        if (r.body.size() < n) {
            *error = "response body truncated";
            return std::nullopt;
        }
        r.body.resize(n);
    }
    return r;
}

}  // namespace kzgctl
