// Forwarding to the app the host fronts (`handoffkit serve --forward URL`): every activity that is
// not the handoff/action the host answers itself (messages, conversationUpdate,
// composeExtension/query and every other invoke) goes on to the app's own endpoint with the
// request headers that matter (Authorization, Content-Type), and the app's answer (status, body,
// content type) comes back as the host's answer. A bot has one messaging endpoint, and this is how
// the host can be it.
//
// Kept-alive connections to the app, per io_context (the host runs one per thread), reused one
// request at a time. Bounded: each step (connect, write, the app's answer) within `timeout`, else
// 504 FORWARD_TIMEOUT; the app unreachable or answering garbage is 502 FORWARD_FAILED; an answer
// over max_reply_bytes is 502 FORWARD_ANSWER_TOO_LARGE. The request body is already capped by
// the host's body limit.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <boost/asio/io_context.hpp>

#include "handoffkit/native/codes.hpp"
#include "handoffkit/result.hpp"
#include "http_client.hpp"

namespace handoffkit::host {

/// Where the app listens: http (loopback only, the usual case of an app beside the host) or https.
struct forward_target {
    http_origin origin;
    std::string target;  ///< the request target (path and query) of the app's endpoint
    std::string url;     ///< as configured, for logs
    /// The origin's URL with `path` (the default delivery webhook is the app's /api/handoffs).
    std::string with_path(const std::string& path) const;
};

/// An URL of the app (--forward, --on-redeemed). Errors: `code` (FORWARD_URL_INVALID, …) for not
/// http(s), user info, a fragment, plain http to a host that is not loopback.
result<forward_target> parse_app_url(const std::string& url, code code, const std::string& flag);

struct forward_config {
    forward_target target;
    std::chrono::milliseconds timeout{10'000};
    std::size_t max_idle = 16;  ///< connections kept per io_context
    std::string ca_file;        ///< extra CAs for an https app (the system's are always used)
};

/// What the host answers for a forwarded request.
struct forwarded {
    int status = 502;
    std::string content_type;
    std::string body;
    std::optional<handoffkit::code> code;  ///< none when the app answered; FORWARD_TIMEOUT, FORWARD_FAILED, … otherwise
};

/// Forwards for one io_context; used only from that context's thread.
class forwarder {
public:
    forwarder(boost::asio::io_context& context, std::shared_ptr<const forward_config> config,
              std::shared_ptr<boost::asio::ssl::context> tls);

    /// Sends `body` with `authorization` and `content_type` (each only when not empty) to the app
    /// and calls `done` once, on this context's thread.
    void forward(std::string body, std::string authorization, std::string content_type,
                 std::function<void(forwarded)> done);

private:
    boost::asio::io_context& context_;
    std::shared_ptr<const forward_config> config_;
    std::shared_ptr<boost::asio::ssl::context> tls_;
    std::vector<std::shared_ptr<http_connection>> idle_;
};

}  // namespace handoffkit::host
