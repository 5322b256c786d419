// kzgctl's HTTP/1.1 client (Boost.Beast; TLS through Asio SSL/OpenSSL): one
// request per connection (Connection: close) to http:// or https:// URLs whose
// host is a DNS name, an IPv4 address or a bracketed IPv6 address.
//
// https:// verifies the server's certificate chain (the system CA store, or
// the file given to set_ca_file: kzgctl's global --cacert) and that the
// certificate names the URL's host (DNS name or IP address), and sends SNI for
// DNS names.
#pragma once

#include <map>
#include <optional>
#include <string>

namespace kzgctl {

struct Url {
    bool tls = false;  // https://
    std::string host;  // DNS name, IPv4, or IPv6 (without brackets)
    int port = 80;     // default: 80 for http://, 443 for https://
    std::string path;  // the base path, without a trailing '/'

    // "host:port", with brackets around an IPv6 address.
    std::string authority() const;
    // "https://host:port/path" (normalized).
    std::string text() const;
};
// "https://kzgd.example:4844", "http://127.0.0.1:4844", "http://[::1]:4844/base"
// -> Url; nullopt (and why) when not understood. A URL without a scheme is
// taken as http://.
std::optional<Url> parse_url(const std::string& text, std::string* why);

struct HttpReply {
    int status = 0;
    std::map<std::string, std::string> headers;  // lower-case names
    std::string body;
};
// Sent as "Authorization: Bearer <token>" on every request from now on
// (kzgctl's global --token-file, for a kzgd with api-token-file/admin-token-file).
void set_bearer_token(std::string token);
// PEM file of the CA certificate(s) trusted for https:// from now on, instead
// of the system store (kzgctl's global --cacert). Empty: the system store.
void set_ca_file(std::string path);
// The name the server's certificate must carry (and the SNI sent) for https://,
// instead of the URL's host (kzgctl's global --tls-server-name): e.g. a
// health check that dials https://127.0.0.1:4844 of a kzgd whose certificate
// names kzgd.example.com. Empty: the URL's host.
void set_tls_server_name(std::string name);

// nullopt and *error on resolution, connection, TLS or protocol failure, or
// when the whole exchange does not complete within timeout_s. A non-empty
// content_type is sent as Content-Type and Accept.
std::optional<HttpReply> http_request(const Url& url, const std::string& method, const std::string& path,
                                      const std::string& body, const std::string& content_type, double timeout_s,
                                      std::string* error);

}  // namespace kzgctl
