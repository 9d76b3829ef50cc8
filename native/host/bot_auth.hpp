// Inbound authentication of Bot Framework requests: the `Authorization: Bearer <JWT>` the Bot
// Connector sends, checked with OpenSSL (RS256) against the keys of a configured OpenID
// metadata document (its `jwks_uri`), as the Bot Framework authentication spec describes:
// issuer, audience (= the bot's app id), exp/nbf with leeway, and the `serviceurl` claim handed
// back so the host can compare it with the activity's serviceUrl.
// Not checked (documented gap): the JWKS `endorsements` (channel ids) of the signing key.
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

    /// Codes: AUTH_MISSING, AUTH_MALFORMED, AUTH_ALGORITHM, AUTH_UNKNOWN_KEY, AUTH_BAD_SIGNATURE,
    /// AUTH_WRONG_ISSUER, AUTH_WRONG_AUDIENCE, AUTH_EXPIRED, AUTH_NOT_YET_VALID.
    auth_result verify(const std::string& authorization, std::int64_t now);

    struct impl;

private:
    explicit bot_authenticator(std::unique_ptr<impl> p);
    std::unique_ptr<impl> impl_;
};

/// verify() with the system clock, as the host's authenticator (keeps `a` alive).
authenticator make_authenticator(std::shared_ptr<bot_authenticator> a);

}  // namespace handoffkit::host
