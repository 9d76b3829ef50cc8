#include "token_redeemer.hpp"

#include <utility>

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

invoke::redeemer token_redeemer(token_redeemer_config config) {
    auto c = std::make_shared<token_redeemer_config>(std::move(config));
    return [c](const invoke::redeem_request& r) {
        token::verify_options options;
        options.audience = "28:" + r.bot_id;
        if (!r.user_aad_object_id.empty()) options.user = r.user_aad_object_id;
        options.issuer = c->issuer;
        options.leeway = c->leeway;
        options.now = c->now();
        auto redeemed = token::redeem(r.continuation, c->keys, options, *c->store);
        if (!redeemed) return invoke::redeem_outcome{status_of_token_error(redeemed.err().code), "", redeemed.err().code};
        return invoke::redeem_outcome{invoke::redeem_status::ok, "", "redeemed " + redeemed->jti};
    };
}

}  // namespace handoffkit::host
