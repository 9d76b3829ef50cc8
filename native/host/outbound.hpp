// Follow-up activities to the Bot Connector: POST <serviceUrl>/v3/conversations/<id>/activities
// with a bearer token from an OAuth 2.0 client-credentials endpoint, cached until shortly before
// it expires. One worker thread sends jobs in order, so the HTTP answer never waits for them.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>

#include "handoffkit/result.hpp"
#include "host.hpp"

namespace handoffkit::host {

struct outbound_config {
    std::string token_url = "https://login.microsoftonline.com/botframework.com/oauth2/v2.0/token";
    std::string app_id;
    std::string app_password;  ///< never logged
    std::string scope = "https://api.botframework.com/.default";
    std::chrono::milliseconds timeout{10'000};  ///< per HTTP exchange
    std::size_t max_queue = 10'000;             ///< jobs beyond it are dropped (and logged)
    log_sink log;                               ///< optional: stderr by default
    /// Called with "sent", "failed" or "dropped" per activity (e.g. the host's metrics).
    std::function<void(const std::string&)> count;
};

class outbound_sender {
public:
    /// Errors: OUTBOUND_CONFIG_INVALID (no app id/password, or a token URL that is not https or
    /// http://127.0.0.1).
    static result<std::unique_ptr<outbound_sender>> create(outbound_config config);
    ~outbound_sender();  ///< drain_and_stop(0)

    /// Queues a job; returns at once.
    outbound_sink sink();
    /// Sends what is queued (waiting at most `max_wait`), then stops the worker.
    void drain_and_stop(std::chrono::milliseconds max_wait);

    struct impl;

private:
    explicit outbound_sender(std::shared_ptr<impl> p);
    std::shared_ptr<impl> impl_;
};

/// "<serviceUrl without trailing slash>/v3/conversations/<percent-encoded id>/activities"
std::string activities_url(const std::string& service_url, const std::string& conversation_id);

}  // namespace handoffkit::host
