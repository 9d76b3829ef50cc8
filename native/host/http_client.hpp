// A small blocking HTTP/1.1 client for the host's own calls (OpenID/JWKS documents, the OAuth
// token endpoint, the Bot Connector). https is verified against the system's CA store with the
// host name checked; plain http is allowed only to 127.0.0.1 (local test servers).
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "handoffkit/result.hpp"

namespace handoffkit::host {

struct http_call {
    std::string method = "GET";
    std::string url;
    std::vector<std::pair<std::string, std::string>> headers;
    std::string body;
    std::chrono::milliseconds timeout{10'000};  ///< for the whole exchange
};

struct http_reply {
    int status = 0;
    std::string body;
};

/// Larger replies are refused (HTTP_FAILED).
inline constexpr std::size_t max_reply_bytes = 1024 * 1024;

/// Whether fetch() would call `url` at all: URL_INVALID or URL_NOT_ALLOWED, else nullopt.
std::optional<error> check_url(const std::string& url);

/// Errors: URL_INVALID, URL_NOT_ALLOWED (http to anything but 127.0.0.1, or another scheme),
/// HTTP_FAILED (resolve/connect/TLS/read/timeout; the message says which).
result<http_reply> fetch(const http_call& call);

}  // namespace handoffkit::host
