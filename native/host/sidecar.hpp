// The sidecar endpoints of `handoffkit serve`, for bots not written in C++ (behind the host's API
// key, see host_config::sidecar):
//   POST /v1/handoffs     {"user"?, "ttl"?, "ctx"?, "reference"?, "title"?, "text"?, "buttonTitle"?,
//                          "version"?} -> 200 {"token","jti","kid","iat","exp","link","card"}: a
//                          continuation token for this bot, its handoff deep link and the Adaptive
//                          Card carrying it (handoff::create, the same function as npm createHandoff)
//   POST /v1/eligibility  an environment (eligibility.hpp) -> 200 the eligibility report
// Errors: 400 {"error":{"code","message"[,"field"]}} with the core's codes (INVALID_ARGUMENT for an
// unknown field, DUPLICATE_KEY for a key named twice), 500 ENTROPY_UNAVAILABLE, 503 STORE_UNAVAILABLE.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>

#include "handoffkit/replay_guard.hpp"
#include "handoffkit/result.hpp"
#include "handoffkit/token.hpp"
#include "host.hpp"

namespace handoffkit::host {

struct sidecar_config {
    std::shared_ptr<const token::key_set> keys;  ///< what tokens are signed with
    std::string bot_id;  ///< the bot's app id (GUID or 28:GUID)
    std::string issuer;  ///< empty: the core's default
    std::shared_ptr<token::replay_guard> store;  ///< where reference-mode contexts are kept
    std::function<std::int64_t()> now;
    std::function<result<std::string>()> random;  ///< 16 random bytes
};

std::map<std::string, sidecar_handler> sidecar_endpoints(sidecar_config config);

}  // namespace handoffkit::host
