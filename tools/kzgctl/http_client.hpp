// A small HTTP/1.1 client for kzgctl's operations commands: one request per
// connection (Connection: close), over TCP to an IP address or localhost.
#pragma once

#include <map>
#include <optional>
#include <string>

namespace kzgctl {

struct Url {
    std::string host;  // IPv4, IPv6 (without brackets) or localhost
    int port = 80;
    std::string path;  // the base path, without a trailing '/'
};
// "http://127.0.0.1:4844" -> Url; nullopt (and why) when not understood.
std::optional<Url> parse_url(const std::string& text, std::string* why);

struct HttpReply {
    int status = 0;
    std::map<std::string, std::string> headers;  // lower-case names
    std::string body;
};
// Sent as "Authorization: Bearer <token>" on every request from now on
// (kzgctl's global --token-file, for a kzgd with api-token-file/admin-token-file).
void set_bearer_token(std::string token);

// nullopt and *error on connection or protocol failure.
std::optional<HttpReply> http_request(const Url& url, const std::string& method, const std::string& path,
                                      const std::string& body, const std::string& content_type, double timeout_s,
                                      std::string* error);

}  // namespace kzgctl
