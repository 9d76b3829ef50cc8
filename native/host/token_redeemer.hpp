// The production redeemer of `handoffkit serve`: verifies the continuation token of a
// handoff/action (signature, time, audience = this bot, user = from.aadObjectId when the token is
// bound) and redeems it exactly once in the configured store (SQLite, Redis or memory). Each token
// error becomes the redeem_status the host answers with (see invoke.hpp for the HTTP codes).
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "handoffkit/invoke.hpp"
#include "handoffkit/replay_guard.hpp"
#include "handoffkit/token.hpp"
#include "host.hpp"

namespace handoffkit::host {

struct token_redeemer_config {
    token::key_set keys;
    std::shared_ptr<token::replay_guard> store;  ///< thread-safe (native::open_store gives such)
    std::string issuer{token::default_issuer};
    std::int64_t leeway = 0;
    std::function<std::int64_t()> now;  ///< unix seconds; tests pin it
};

invoke::redeemer token_redeemer(token_redeemer_config config);

/// When the store is Redis: redeemers that send the store's commands through a pipelined
/// connection of their own io_context (redis_pipeline.hpp) instead of holding a thread for each
/// round trip; the same checks, steps and answers as token_redeemer. Empty for other stores.
async_redeemer_factory pipelined_token_redeemers(token_redeemer_config config);

/// The status the host answers for a token error code (every code of token.hpp has one).
invoke::redeem_status status_of_token_error(const std::string& code);

}  // namespace handoffkit::host
