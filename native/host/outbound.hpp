// Follow-up activities to the Bot Connector: POST <serviceUrl>/v3/conversations/<id>/activities,
// asynchronously (Asio/Beast, TLS through OpenSSL) on one thread of its own, so the HTTP answer
// never waits for them and one slow connector holds up nothing else.
//
// - Where: every POST is checked first with service_url::check and the host's policy (the same
//   rule the host applied before redeeming): with app credentials only allowed hosts, with the
//   bot's bearer token (OAuth 2.0 client credentials, cached until shortly before it expires,
//   renewed once on a 401); without credentials only loopback (local emulators), without any
//   bearer token. A loopback name is resolved once, its non-loopback addresses dropped, and the
//   connection made to an address that was kept.
// - How: kept-alive connections per serviceUrl origin (scheme, host, port), up to
//   connections_per_host of them; the jobs of one conversation always take the same connection, so
//   they arrive in order, and the activities of a job one after the other.
// - Nothing lost silently: at most max_queue jobs are queued or in flight; every activity ends as
//   "sent", "failed" (refused serviceUrl, connector error, OAuth failure: the rest of its job is
//   given up too, it would arrive out of context) or "dropped" (queue full, or still unsent at
//   shutdown), each counted through `count` and logged (at most 20 such lines a second; the next
//   line says how many were left out). Logs never carry the bearer token, the app password or a
//   message text.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>

#include "handoffkit/result.hpp"
#include "handoffkit/service_url.hpp"
#include "host.hpp"

namespace handoffkit::host {

struct outbound_config {
    std::string token_url = "https://login.microsoftonline.com/botframework.com/oauth2/v2.0/token";
    std::string app_id;
    /// Never logged. Empty: no app credentials, so follow-ups go only to loopback serviceUrls and
    /// carry no bearer token.
    std::string app_password;
    std::string scope = "https://api.botframework.com/.default";
    /// Allowed serviceUrl hosts (the host's policy); `credentials` is taken from app_password.
    service_url::policy service_urls;
    std::chrono::milliseconds timeout{10'000};   ///< per step of an HTTP exchange
    std::size_t max_queue = 10'000;              ///< jobs queued or in flight; beyond it dropped
    /// Kept-alive connections per serviceUrl origin. Each carries one POST at a time (a
    /// conversation keeps its lane, so its activities stay in order): with 4, under a few thousand
    /// handoffs a second the lanes fell behind the host and the queue overflowed (bench host.prod).
    std::size_t connections_per_host = 16;
    std::chrono::milliseconds idle_timeout{30'000};  ///< an unused kept-alive connection is closed
    std::string ca_file;  ///< PEM certificates trusted besides the system's (private CAs, tests)
    log_sink log;         ///< optional: stderr by default
    /// Called with "sent", "failed" or "dropped" per activity (e.g. the host's metrics).
    std::function<void(const std::string&)> count;
};

class outbound_sender {
public:
    /// Errors: OUTBOUND_CONFIG_INVALID (a password without an app id, or a token URL that is not
    /// https or http://127.0.0.1), TLS_CONFIG_INVALID (ca_file).
    static result<std::unique_ptr<outbound_sender>> create(outbound_config config);
    ~outbound_sender();  ///< drain_and_stop(0)

    /// Queues a job; returns at once. Thread-safe.
    outbound_sink sink();
    /// Sends what is queued (waiting at most `max_wait`), counts what is left as dropped, stops.
    void drain_and_stop(std::chrono::milliseconds max_wait);

    struct impl;

private:
    explicit outbound_sender(std::shared_ptr<impl> p);
    std::shared_ptr<impl> impl_;
};

/// "<serviceUrl without trailing slash>/v3/conversations/<percent-encoded id>/activities"
std::string activities_url(const std::string& service_url, const std::string& conversation_id);

}  // namespace handoffkit::host
