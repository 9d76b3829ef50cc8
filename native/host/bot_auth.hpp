// Inbound authentication of Bot Framework requests: the `Authorization: Bearer <JWT>` the Bot
// Connector sends, checked with OpenSSL (RS256) against the keys of a configured OpenID
// metadata document (its `jwks_uri`), as "Authentication with the Bot Connector API" describes
// (https://learn.microsoft.com/en-us/azure/bot-service/rest-api/bot-framework-rest-connector-authentication):
// issuer, audience (= the bot's app id), exp/nbf with leeway (saturating arithmetic: the numbers
// are the sender's), an RSA key of at least 2048 bits; handed back to the host, which has the
// activity: the `serviceurl` claim (it must equal the activity's serviceUrl) and the signing key's
// `endorsements` (they must include the activity's channelId).
// The key set is refetched in the background (when stale, or rate-limited on an unknown kid), so
// no request thread waits for the JWKS server.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <functional>

#include "handoffkit/result.hpp"
#include "host.hpp"

namespace handoffkit::host {

struct bot_auth_config {
    std::string openid_config;  ///< URL (https, or http to 127.0.0.1) or a file path
    std::string issuer = "https://api.botframework.com";
    std::string audience;  ///< the bot's app id
    std::int64_t leeway_seconds = 300;
    std::chrono::seconds keys_ttl{24 * 3600};        ///< refetch the keys after this
    std::chrono::seconds unknown_kid_refetch{300};  ///< at most this often on an unknown `kid`
};

class bot_authenticator {
public:
    /// Loads the OpenID document and its keys. Errors: AUTH_CONFIG_INVALID, OPENID_CONFIG_UNAVAILABLE,
    /// JWKS_UNAVAILABLE.
    static result<std::shared_ptr<bot_authenticator>> create(bot_auth_config config);
    ~bot_authenticator();

    /// Codes: AUTH_MISSING, AUTH_MALFORMED, AUTH_ALGORITHM, AUTH_UNKNOWN_KEY (with retry_later
    /// while a refresh of the key set runs), AUTH_KEY_TOO_SMALL, AUTH_BAD_SIGNATURE,
    /// AUTH_WRONG_ISSUER, AUTH_WRONG_AUDIENCE, AUTH_EXPIRED, AUTH_NOT_YET_VALID. Never blocks on I/O.
    auth_result verify(const std::string& authorization, std::int64_t now);
    /// Waits (at most `max_wait`) until no refresh of the key set runs; false on timeout. For tests
    /// and callers that may block.
    bool wait_for_refresh(std::chrono::milliseconds max_wait);

    struct impl;

private:
    explicit bot_authenticator(std::unique_ptr<impl> p);
    std::unique_ptr<impl> impl_;
};

/// verify() with the system clock, as the host's authenticator (keeps `a` alive).
authenticator make_authenticator(std::shared_ptr<bot_authenticator> a);

}  // namespace handoffkit::host
