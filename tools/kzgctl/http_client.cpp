// kzgctl's HTTP client on Boost.Beast, with TLS through Asio SSL (OpenSSL).
// The only kzgctl translation unit that includes Beast (slow to compile).
#include "http_client.hpp"

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509_vfy.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/version.hpp>

#include <cctype>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <utility>

namespace kzgctl {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;
using error_code = boost::system::error_code;

namespace {

std::string lower(std::string s) {
    for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

bool is_ip_literal(const std::string& host) {
    error_code ec;
    (void)asio::ip::make_address(host, ec);
    return !ec;
}

bool valid_dns_name(const std::string& host) {
    if (host.empty() || host.size() > 253) return false;
    for (const char c : host) {
        const auto u = static_cast<unsigned char>(c);
        if (!std::isalnum(u) && c != '-' && c != '.' && c != '_') return false;
    }
    return host.front() != '.' && host.front() != '-';
}

std::string& bearer_token() {
    static std::string token;
    return token;
}

std::string& ca_file() {
    static std::string path;
    return path;
}

std::string& tls_server_name() {
    static std::string name;
    return name;
}

}  // namespace

std::string Url::authority() const {
    return (host.find(':') != std::string::npos ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

std::string Url::text() const { return (tls ? "https://" : "http://") + authority() + path; }

std::optional<Url> parse_url(const std::string& text, std::string* why) {
    Url u;
    std::string s = text;
    if (const auto sep = s.find("://"); sep != std::string::npos) {
        const std::string scheme = lower(s.substr(0, sep));
        if (scheme == "https") {
            u.tls = true;
            u.port = 443;
        } else if (scheme != "http") {
            *why = "unsupported scheme '" + scheme + "://' (http:// or https://)";
            return std::nullopt;
        }
        s = s.substr(sep + 3);
    }
    const auto slash = s.find('/');
    const std::string hostport = s.substr(0, slash);
    u.path = slash == std::string::npos ? "" : s.substr(slash);
    while (!u.path.empty() && u.path.back() == '/') u.path.pop_back();
    if (hostport.find('@') != std::string::npos) {
        *why = "user information in the URL is not supported (use --token-file)";
        return std::nullopt;
    }
    std::string port;
    bool has_port = false;
    if (!hostport.empty() && hostport[0] == '[') {
        const auto close = hostport.find(']');
        if (close == std::string::npos) {
            *why = "expected [IPv6]:PORT";
            return std::nullopt;
        }
        u.host = hostport.substr(1, close - 1);
        error_code ec;
        (void)asio::ip::make_address_v6(u.host, ec);
        if (ec) {
            *why = "'" + u.host + "' between brackets is not an IPv6 address";
            return std::nullopt;
        }
        if (close + 1 < hostport.size()) {
            if (hostport[close + 1] != ':') {
                *why = "expected [IPv6]:PORT";
                return std::nullopt;
            }
            port = hostport.substr(close + 2);
            has_port = true;
        }
    } else {
        const auto colon = hostport.find(':');
        if (colon != std::string::npos && hostport.find(':', colon + 1) != std::string::npos) {
            *why = "an IPv6 address goes between brackets, e.g. http://[::1]:4844";
            return std::nullopt;
        }
        u.host = hostport.substr(0, colon);
        if (colon != std::string::npos) {
            port = hostport.substr(colon + 1);
            has_port = true;
        }
        if (u.host.empty()) {
            *why = "missing host";
            return std::nullopt;
        }
        if (!is_ip_literal(u.host) && !valid_dns_name(u.host)) {
            *why = "bad host name '" + u.host + "'";
            return std::nullopt;
        }
    }
    if (has_port) {
        char* end = nullptr;
        const long p = std::strtol(port.c_str(), &end, 10);
        if (port.empty() || *end != '\0' || p < 1 || p > 65535) {
            *why = "bad port '" + port + "'";
            return std::nullopt;
        }
        u.port = static_cast<int>(p);
    }
    return u;
}

void set_bearer_token(std::string token) { bearer_token() = std::move(token); }
void set_ca_file(std::string path) { ca_file() = std::move(path); }
void set_tls_server_name(std::string name) { tls_server_name() = std::move(name); }

namespace {

using Clock = std::chrono::steady_clock;

// One request: each step starts an asynchronous operation and runs the
// io_context until it completes or the deadline passes.
class Exchange {
  public:
    Exchange(const Url& url, double timeout_s, std::string* error)
        : url_(url),
          timeout_s_(timeout_s),
          deadline_(Clock::now() + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(timeout_s))),
          error_(error) {}

    std::optional<HttpReply> run(const std::string& method, const std::string& path, const std::string& body,
                                 const std::string& content_type) {
        if (!resolve()) return std::nullopt;
        if (!url_.tls) {
            beast::tcp_stream stream(ioc_);
            if (!connect(stream)) return std::nullopt;
            return exchange(stream, method, path, body, content_type);
        }
        ssl::context ctx(ssl::context::tls_client);
        if (!configure(ctx)) return std::nullopt;
        beast::ssl_stream<beast::tcp_stream> stream(ioc_, ctx);
        if (!connect(beast::get_lowest_layer(stream))) return std::nullopt;
        if (!handshake(stream)) return std::nullopt;
        return exchange(stream, method, path, body, content_type);
    }

  private:
    // Runs the io_context until *done or the deadline; false on the deadline.
    bool wait(const bool& done) {
        ioc_.restart();
        while (!done) {
            const auto now = Clock::now();
            if (now >= deadline_) return false;
            if (ioc_.run_one_for(deadline_ - now) == 0 && ioc_.stopped() && !done) return false;
        }
        return true;
    }

    bool fail(std::string message) {
        *error_ = std::move(message);
        return false;
    }

    std::string timeout_text() const {
        std::string t = std::to_string(timeout_s_);
        t.erase(t.find_last_not_of('0') + 1);
        if (!t.empty() && t.back() == '.') t.pop_back();
        return "timed out (" + t + " s)";
    }

    bool resolve() {
        bool done = false;
        error_code ec;
        resolver_.async_resolve(url_.host, std::to_string(url_.port), tcp::resolver::numeric_service,
                                [&](error_code e, tcp::resolver::results_type r) {
                                    ec = e;
                                    endpoints_ = std::move(r);
                                    done = true;
                                });
        if (!wait(done)) return fail("cannot resolve host '" + url_.host + "': " + timeout_text());
        if (ec) return fail("cannot resolve host '" + url_.host + "': " + ec.message());
        if (endpoints_.empty()) return fail("cannot resolve host '" + url_.host + "': no address");
        return true;
    }

    bool connect(beast::tcp_stream& stream) {
        bool done = false;
        error_code ec;
        stream.async_connect(endpoints_, [&](error_code e, const tcp::endpoint&) {
            ec = e;
            done = true;
        });
        if (!wait(done)) {
            stream.socket().close();
            return fail("connect to " + url_.authority() + " failed: " + timeout_text());
        }
        if (ec) return fail("connect to " + url_.authority() + " failed: " + ec.message());
        stream.socket().set_option(tcp::no_delay(true), ec);
        return true;
    }

    bool configure(ssl::context& ctx) {
        error_code ec;
        ctx.set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 | ssl::context::no_sslv3 |
                            ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1,
                        ec);
        if (ca_file().empty()) {
            ctx.set_default_verify_paths(ec);
            if (ec) return fail("cannot load the system's CA certificates: " + ec.message());
        } else {
            if (!std::ifstream(ca_file())) return fail("--cacert " + ca_file() + ": cannot read the file");
            ctx.load_verify_file(ca_file(), ec);
            if (ec) return fail("--cacert " + ca_file() + ": no PEM CA certificate could be loaded (" + ec.message() + ")");
        }
        ctx.set_verify_mode(ssl::verify_peer);
        return true;
    }

    bool handshake(beast::ssl_stream<beast::tcp_stream>& stream) {
        const std::string where = url_.authority();
        const std::string name = tls_server_name().empty() ? url_.host : tls_server_name();
        // SNI carries DNS names only (RFC 6066), never IP addresses.
        if (!is_ip_literal(name) && !SSL_set_tlsext_host_name(stream.native_handle(), name.c_str()))
            return fail("TLS handshake with " + where + " failed: cannot set the server name");
        // The chain is checked by OpenSSL against the trusted CAs; the leaf
        // must also name the host (DNS name or IP address, RFC 6125 rules).
        bool name_mismatch = false;
        stream.set_verify_callback(
            [&name_mismatch, check = ssl::host_name_verification(name)](bool preverified,
                                                                              ssl::verify_context& vc) mutable {
                const bool ok = check(preverified, vc);
                if (preverified && !ok) {
                    name_mismatch = true;
                    X509_STORE_CTX_set_error(vc.native_handle(), X509_V_ERR_HOSTNAME_MISMATCH);
                }
                return ok;
            });
        bool done = false;
        error_code ec;
        stream.async_handshake(ssl::stream_base::client, [&](error_code e) {
            ec = e;
            done = true;
        });
        if (!wait(done)) {
            beast::get_lowest_layer(stream).socket().close();
            return fail("TLS handshake with " + where + " failed: " + timeout_text());
        }
        if (!ec) return true;
        std::string why = ec.message();
        if (ec.category() == asio::error::get_ssl_category() &&
            ERR_GET_REASON(static_cast<unsigned long>(ec.value())) == SSL_R_CERTIFICATE_VERIFY_FAILED) {
            why = "certificate verify failed: ";
            if (name_mismatch) {
                why += "the certificate is not valid for '" + name + "' (hostname mismatch" +
                       (tls_server_name().empty() ? ")" : ", --tls-server-name)");
            } else {
                const long v = SSL_get_verify_result(stream.native_handle());
                why += X509_verify_cert_error_string(v);
                if (v == X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY || v == X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT ||
                    v == X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN || v == X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT)
                    why += ca_file().empty() ? " (not signed by a CA of the system store; trust its CA with --cacert FILE)"
                                             : " (not signed by a CA in --cacert " + ca_file() + ")";
            }
        } else if (ec.category() == asio::error::get_ssl_category() &&
                   ERR_GET_REASON(static_cast<unsigned long>(ec.value())) == SSL_R_WRONG_VERSION_NUMBER) {
            why += " (is it a plain http:// server?)";
        } else if (ec == asio::error::eof || ec == beast::errc::connection_reset || ec == ssl::error::stream_truncated) {
            why = "the server closed the connection (" + ec.message() + "; is it a plain http:// server?)";
        }
        return fail("TLS handshake with " + where + " failed: " + why);
    }

    template <class Stream>
    std::optional<HttpReply> exchange(Stream& stream, const std::string& method, const std::string& path,
                                      const std::string& body, const std::string& content_type) {
        const std::string where = url_.authority();
        http::request<http::string_body> req;
        req.method(http::string_to_verb(method));
        if (req.method() == http::verb::unknown) req.method_string(method);
        req.target(url_.path + path);
        req.version(11);
        const bool default_port = url_.port == (url_.tls ? 443 : 80);
        const auto bracketed = url_.host.find(':') != std::string::npos ? "[" + url_.host + "]" : url_.host;
        req.set(http::field::host, default_port ? bracketed : url_.authority());
        req.set(http::field::connection, "close");
        req.set(http::field::user_agent, "kzgctl");
        if (!content_type.empty()) {
            req.set(http::field::content_type, content_type);
            req.set(http::field::accept, content_type);
        }
        if (!bearer_token().empty()) req.set(http::field::authorization, "Bearer " + bearer_token());
        req.body() = body;
        if (!body.empty() || method == "POST" || method == "PUT") req.prepare_payload();

        bool done = false;
        error_code ec;
        http::async_write(stream, req, [&](error_code e, std::size_t) {
            ec = e;
            done = true;
        });
        if (!wait(done)) {
            beast::get_lowest_layer(stream).socket().close();
            fail("sending the request to " + where + " failed: " + timeout_text());
            return std::nullopt;
        }
        // A server may answer and close before reading the whole body (401,
        // 413, 503): after a failed write, still read what it said.
        const error_code write_error = ec;

        beast::flat_buffer buffer;
        http::response_parser<http::string_body> parser;
        parser.body_limit(std::uint64_t{1} << 30);
        parser.header_limit(1u << 20);
        if (method == "HEAD") parser.skip(true);
        done = false;
        http::async_read(stream, buffer, parser, [&](error_code e, std::size_t) {
            ec = e;
            done = true;
        });
        if (!wait(done)) {
            beast::get_lowest_layer(stream).socket().close();
            fail("no complete response from " + where + ": " + timeout_text());
            return std::nullopt;
        }
        if (ec && write_error) {
            fail("sending the request to " + where + " failed: " + write_error.message());
            return std::nullopt;
        }
        if (ec) {
            std::string why = ec.message();
            if (!url_.tls && (ec == http::error::end_of_stream || ec == asio::error::eof ||
                              ec == beast::errc::connection_reset || ec == http::error::bad_version))
                why += " (is it an https:// server?)";
            fail("reading the response from " + where + " failed: " + why);
            return std::nullopt;
        }
        auto res = parser.release();
        HttpReply r;
        r.status = static_cast<int>(res.result_int());
        for (const auto& field : res) r.headers[lower(std::string(field.name_string()))] = std::string(field.value());
        r.body = std::move(res.body());
        return r;
    }

    const Url& url_;
    double timeout_s_;
    Clock::time_point deadline_;
    std::string* error_;
    asio::io_context ioc_;
    tcp::resolver resolver_{ioc_};
    tcp::resolver::results_type endpoints_;
};

}  // namespace

std::optional<HttpReply> http_request(const Url& url, const std::string& method, const std::string& path,
                                      const std::string& body, const std::string& content_type, double timeout_s,
                                      std::string* error) {
    Exchange x(url, timeout_s, error);
    return x.run(method, path, body, content_type);
}

}  // namespace kzgctl
