// The host's delivery of each redeemed handoff to the app (`--on-redeemed URL`): a POST of the
// handoff JSON (handoff::handoff_json) signed with `X-Handoffkit-Signature: sha256=<hex
// HMAC-SHA256(key, body)>` (handoff::delivery_signature), over a kept-alive connection. Only a 2xx
// answer counts as delivered; anything else, or no answer within the timeout, is tried again
// later by the delivery worker (handoffkit/native/delivery.hpp), so the app must answer only once
// it has the handoff, and de-duplicate by its jti (the npm adapters do).
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include <boost/asio/io_context.hpp>

#include "forwarder.hpp"
#include "handoffkit/native/outbox.hpp"
#include "handoffkit/result.hpp"
#include "http_client.hpp"

namespace handoffkit::host {

/// Blocking, for the delivery worker's own thread: each call runs a private io_context until its
/// answer (no thread of the host's is held).
class webhook_client {
public:
    /// Errors: ON_REDEEMED_URL_INVALID, DELIVERY_KEY_INVALID (an empty key), TLS_CONFIG_INVALID.
    static result<std::unique_ptr<webhook_client>> create(const std::string& url, std::string key,
                                                          const std::string& ca_file,
                                                          std::chrono::milliseconds timeout);

    /// True when the app answered 2xx; otherwise false and `why` says what happened.
    bool deliver(const native::pending_delivery& d, std::string& why);

private:
    webhook_client(forward_target target, std::string key, std::shared_ptr<boost::asio::ssl::context> tls,
                   std::chrono::milliseconds timeout);

    forward_target target_;
    std::string key_;
    std::chrono::milliseconds timeout_;
    boost::asio::io_context context_;
    std::shared_ptr<http_connection> connection_;
};

}  // namespace handoffkit::host
