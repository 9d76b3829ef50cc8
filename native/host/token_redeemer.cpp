#include "token_redeemer.hpp"

#include <utility>

#include "handoffkit/native/redis_pipeline.hpp"
#include "handoffkit/native/redis_replay_guard.hpp"

namespace handoffkit::host {

invoke::redeem_status status_of_token_error(const std::string& code) {
    using s = invoke::redeem_status;
    if (code == "MALFORMED" || code == "TOKEN_TOO_LONG") return s::malformed;
    if (code == "EXPIRED") return s::expired;
    if (code == "WRONG_AUDIENCE") return s::wrong_audience;
    if (code == "WRONG_USER") return s::wrong_user;
    if (code == "REPLAYED") return s::replayed;
    if (code == "STORE_UNAVAILABLE") return s::store_unavailable;
    // Forged, foreign or out-of-policy tokens: one answer, so a prober learns nothing more.
    if (code == "BAD_SIGNATURE" || code == "UNKNOWN_KEY" || code == "UNSUPPORTED_ALG" || code == "UNSUPPORTED_TYPE" ||
        code == "WRONG_ISSUER" || code == "NOT_YET_VALID" || code == "LIFETIME_TOO_LONG")
        return s::bad_signature;
    return s::failed;
}

namespace {

token::verify_options options_for(const token_redeemer_config& c, const invoke::redeem_request& r) {
    token::verify_options options;
    options.audience = "28:" + r.bot_id;
    if (!r.user_aad_object_id.empty()) options.user = r.user_aad_object_id;
    options.issuer = c.issuer;
    options.leeway = c.leeway;
    options.now = c.now();
    return options;
}

invoke::redeem_outcome refused(const std::string& code) { return {status_of_token_error(code), "", code}; }
invoke::redeem_outcome redeemed(const std::string& jti) { return {invoke::redeem_status::ok, "", "redeemed " + jti}; }

using native::redis_pipeline;
using native::redis_reply;

// token::redeem's store steps (token.hpp, step 8) over a pipelined Redis connection: load a
// referenced context first (a missing one consumes nothing), then mark the jti once.
void redeem_pipelined(const native::redis_replay_guard& store, redis_pipeline& redis, const token::verified_token& t,
                      std::int64_t now, redeem_done done) {
    auto mark = [&store, &redis, jti = t.jti, keep_until = t.expires_at + token::max_leeway, now](redeem_done done) {
        redis.command(store.mark_command(jti, keep_until, now), [jti, done = std::move(done)](result<redis_reply> r) {
            auto marked = r ? native::redis_replay_guard::mark_result(*r) : r.err();
            if (!marked) return done(refused(marked.err().code));
            done(*marked == token::mark_outcome::fresh ? redeemed(jti) : refused("REPLAYED"));
        });
    };
    if (!t.context_by_reference) return mark(std::move(done));
    redis.command(store.load_context_command(t.jti), [mark, done = std::move(done)](result<redis_reply> r) mutable {
        auto context = r ? native::redis_replay_guard::context_result(std::move(*r)) : r.err();
        if (!context) return done(refused(context.err().code));
        if (!*context) return done(refused("CONTEXT_NOT_FOUND"));
        mark(std::move(done));
    });
}

}  // namespace

invoke::redeemer token_redeemer(token_redeemer_config config) {
    auto c = std::make_shared<token_redeemer_config>(std::move(config));
    return [c](const invoke::redeem_request& r) {
        auto result = token::redeem(r.continuation, c->keys, options_for(*c, r), *c->store);
        if (!result) return refused(result.err().code);
        return redeemed(result->jti);
    };
}

async_redeemer_factory pipelined_token_redeemers(token_redeemer_config config) {
    auto c = std::make_shared<token_redeemer_config>(std::move(config));
    const auto* store = dynamic_cast<const native::redis_replay_guard*>(c->store.get());
    if (!store || !store->connector()) return nullptr;
    // The store's connector: the same address, TLS context, AUTH and SELECT as its own connections.
    return [c, store](boost::asio::io_context& context) -> async_redeemer {
        auto redis = std::make_shared<redis_pipeline>(context, store->connector());
        return [c, store, redis](const invoke::redeem_request& r, redeem_done done) {
            const auto options = options_for(*c, r);
            auto verified = token::verify(r.continuation, c->keys, options);
            if (!verified) return done(refused(verified.err().code));
            redeem_pipelined(*store, *redis, *verified, options.now, std::move(done));
        };
    };
}

}  // namespace handoffkit::host
