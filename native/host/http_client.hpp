// The host's HTTP/1.1 clients: fetch(), blocking, for documents read at start or on a background
// thread (OpenID configuration, JWKS); http_connection, asynchronous and kept alive, for the
// follow-up sender (the Bot Connector and the OAuth token endpoint). https is verified against
// the system's CA store (plus an optional CA file) with the host name checked.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>

#include "handoffkit/native/codes.hpp"
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
    std::string content_type;  ///< as the server sent it; empty when it sent none
};

/// Larger replies are refused (HTTP_FAILED).
inline constexpr std::size_t max_reply_bytes = 1024 * 1024;

/// Whether fetch() would call `url` at all: URL_INVALID or URL_NOT_ALLOWED, else nullopt.
std::optional<error> check_url(const std::string& url);

/// Errors: URL_INVALID, URL_NOT_ALLOWED (http to anything but 127.0.0.1, or another scheme),
/// HTTP_FAILED (resolve/connect/TLS/read/timeout; the message says which).
result<http_reply> fetch(const http_call& call);

/// A TLS client context that verifies servers against the system's CA store and, when given,
/// the PEM certificates in `ca_file`. Errors: TLS_CONFIG_INVALID.
result<std::shared_ptr<boost::asio::ssl::context>> tls_client_context(const std::string& ca_file);

/// Where one http_connection goes.
struct http_origin {
    bool tls = false;
    std::string host;  ///< a name or an IP literal (IPv6 without brackets)
    std::string port;
    /// Connect only to loopback addresses: `host` is resolved once per connection, every address
    /// that is not loopback is dropped, and the connection is made to one that was kept.
    bool loopback_only = false;
};

/// One kept-alive HTTP/1.1 connection to one origin, used only from its io_context's thread, one
/// request at a time (call request() again once `done` ran). It connects when first needed and
/// again after any failure or a `Connection: close`. A request that fails on a reused connection
/// before any answer arrived (the server closed it while idle) is sent once more on a new one.
class http_connection : public std::enable_shared_from_this<http_connection> {
public:
    using reply_handler = std::function<void(result<http_reply>)>;

    http_connection(boost::asio::io_context& context, std::shared_ptr<boost::asio::ssl::context> tls, http_origin origin);
    ~http_connection();
    http_connection(const http_connection&) = delete;
    http_connection& operator=(const http_connection&) = delete;

    /// Sends `req` (Host, User-Agent and framing are set here) and calls `done` once, on the
    /// context's thread, with the answer or HTTP_FAILED / URL_NOT_ALLOWED (a loopback-only host
    /// that resolved to no loopback address). `timeout` bounds each step (resolve, connect,
    /// handshake, the exchange).
    void request(boost::beast::http::request<boost::beast::http::string_body> req, std::chrono::milliseconds timeout,
                 reply_handler done);
    /// Closes the connection (the next request opens a new one).
    void close();
    bool is_open() const;
    const http_origin& origin() const { return origin_; }

    struct state;

private:
    std::shared_ptr<state> state_;
    http_origin origin_;
};

}  // namespace handoffkit::host
