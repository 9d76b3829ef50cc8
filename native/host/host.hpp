// handoffkit host: the HTTP/1.1 bot endpoint (Boost.Beast) around the pure invoke decision.
//
//   POST /api/messages  Bot Framework activities, each through the core's handoff pipeline
//                       (handoffkit/handoff.hpp); the host performs the redemption's store steps
//   GET  /healthz       {"status":"ok"}
//   GET  /metrics       Prometheus text: requests by route and status, latency histogram, in flight
//   GET  /<file>        static files under web_root (when set); no traversal, no dotfiles
//
// Limits: body_limit (413), header_timeout (time to receive the headers once the first byte came),
// idle_timeout (a keep-alive connection with no request), body_timeout, max_connections (beyond
// it a new connection is closed at once and counted). Request framing follows RFC 9112 §6.3: a
// Transfer-Encoding other than exactly `chunked`, or one beside a Content-Length, is answered 400
// and the connection closed. An accept that fails (EMFILE at the descriptor limit) is logged,
// counted and retried after a back-off. stop() is graceful: it stops accepting, closes idle
// connections, lets in-flight requests finish (answered with `Connection: close`), then run()
// returns once outbound sends are drained.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "forwarder.hpp"
#include "handoffkit/handoff.hpp"

namespace boost::asio {
class io_context;
}

namespace handoffkit::host {

/// The verdict on a request's Authorization header.
struct auth_result {
    bool ok = false;
    std::optional<handoffkit::code> code;  ///< an auth_code (native/codes.hpp) when not ok (logged; answered 401)
    std::string service_url;  ///< the token's `serviceurl` claim when it is a string; the host
                              ///< refuses an authenticated request without one
    /// The channels the token's signing key is endorsed for (the JWKS `endorsements`); the host
    /// refuses an activity whose channelId is not among them.
    std::vector<std::string> endorsements;
    /// Not ok yet, but the verdict may change shortly (the signing key is being fetched): the
    /// host asks again, without holding its thread, for a bounded time.
    bool retry_later = false;
};
/// Receives the raw Authorization header value (possibly empty). Must not log it.
using authenticator = std::function<auth_result(const std::string& authorization)>;

/// One batch of follow-up activities for one conversation, in order.
struct outbound_job {
    std::string service_url;
    std::string conversation_id;
    std::vector<std::string> activities;  ///< Bot Framework activity JSON texts
};
/// Queues the job and returns at once (the HTTP answer must not wait for it).
using outbound_sink = std::function<void(outbound_job)>;

/// One structured log line (a JSON object text, no newline).
using log_sink = std::function<void(const std::string& line)>;

/// A sidecar endpoint (/v1/…, for bots not written in C++): the JSON body in, an answer out.
struct sidecar_reply {
    int status = 200;
    std::optional<handoffkit::code> code;  ///< for the log and metrics; none on success
    std::string body;  ///< JSON
};
using sidecar_handler = std::function<sidecar_reply(const std::string& body)>;

/// Performs the store steps of one redemption (token::redemption) and then calls `done` exactly
/// once, on the thread of the io_context the driver was made for. The redemption stays alive and
/// untouched by the caller until then.
using redemption_done = std::function<void()>;
using store_driver = std::function<void(token::redemption&, redemption_done done)>;
/// Makes the driver of one io_context (the host runs one per thread); it is used only there.
using store_driver_factory = std::function<store_driver(boost::asio::io_context&)>;

/// The connection cap when none is configured: below the process's open-file limit
/// (RLIMIT_NOFILE), leaving a quarter of it (at least 32) for stores, outbound connections and
/// the host's own descriptors; at most 16384.
std::size_t default_max_connections();

struct host_config {
    std::string address = "127.0.0.1";
    std::uint16_t port = 3978;  ///< 0: an ephemeral port (see server::port())
    std::string web_root;       ///< empty: no static files
    std::size_t body_limit = 64 * 1024;
    std::chrono::milliseconds header_timeout{10'000};
    std::chrono::milliseconds body_timeout{10'000};
    std::chrono::milliseconds idle_timeout{30'000};
    std::size_t max_connections = 0;  ///< 0: default_max_connections()
    int threads = 2;
    authenticator authenticate;  ///< required unless insecure_no_auth
    /// How long a request whose signing key is being fetched waits for it (without holding a
    /// thread) before it is refused.
    std::chrono::milliseconds auth_key_wait{2000};
    bool insecure_no_auth = false;
    /// The pipeline's configuration: the bot (handoff.bot_id, required), its keys (required), the
    /// follow-up texts, and where follow-ups may go (handoff.service_urls: a handoff/action whose
    /// serviceUrl is not allowed is refused before its token is redeemed; give the outbound sender
    /// the same policy).
    handoff::config handoff;
    store_driver_factory drive;            ///< required: where redemptions are marked (store_drivers.hpp)
    std::function<std::int64_t()> now;     ///< unix seconds; the system clock when empty
    /// Optional: the app the host fronts; every activity that is not a handoff/action goes there
    /// (forwarder.hpp). Without it such activities are answered as the pipeline decides (200 for a
    /// message, 501 for another invoke).
    std::shared_ptr<const forward_config> forward;
    /// Optional: called on the connection's thread after each redemption that wrote a delivery
    /// (a fresh one, not a retry), e.g. to wake the delivery worker. Must not block.
    std::function<void()> redeemed;
    outbound_sink send;       ///< optional: follow-ups are dropped (and logged) without it
    log_sink log;             ///< optional: stderr by default
    /// Sidecar endpoints by path ("/v1/handoffs"); they answer only requests carrying
    /// "Authorization: Bearer <api_key>". Without an api_key they do not exist (404).
    std::map<std::string, sidecar_handler> sidecar;
    std::string api_key;
};

class server {
public:
    /// Binds and listens; errors: LISTEN_FAILED, CONFIG_INVALID.
    static result<std::unique_ptr<server>> create(host_config config);
    ~server();

    std::uint16_t port() const;
    /// Serves on config.threads threads until stop() completes; returns when all connections closed.
    void run();
    /// Graceful stop; safe from any thread and from a signal-handling thread (not a signal handler).
    void stop();
    /// Counts one follow-up activity by outcome ("sent", "failed", "dropped") in /metrics.
    void count_outbound(const std::string& outcome);
    /// Counts one handoff delivery by outcome ("delivered", "retry", "store_unavailable") in /metrics.
    void count_delivery(const std::string& outcome);

    struct impl;

private:
    explicit server(std::unique_ptr<impl> p);
    std::unique_ptr<impl> impl_;
};

/// Writes `line` + '\n' to stderr under a lock.
void log_to_stderr(const std::string& line);

}  // namespace handoffkit::host
