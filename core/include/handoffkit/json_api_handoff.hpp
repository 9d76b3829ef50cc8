// handoffkit/json_api_handoff.hpp: the JSON face of handoff.hpp (envelope contract: json_api.hpp).
// The npm package's createHandoff and handoffHandler run on these.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "handoffkit/handoff.hpp"
#include "handoffkit/replay_guard.hpp"
#include "handoffkit/result.hpp"

namespace handoffkit::json_api {

/// Request: {"botId":"<GUID or 28:GUID>" (required), "user", "ctx":{…}, "reference":false, "ttl":600,
///           "issuer", "title", "text", "buttonTitle", "version":"1.5", "now":N (required),
///           "random":"<32-64 hex digits>" (required)}
/// -> value: {"token","jti","kid","iat","exp","link","card":{…}} and, in reference mode,
///    "store":{"key":"ctx:<jti>","value":"<ctx JSON>","keepUntil":N}: the caller keeps that in its
///    store before handing the token out.
/// Errors: those of token issuing (json_api_token.hpp), BOT_ID_INVALID, and the card's.
std::string create_handoff(std::string_view request, std::string_view keys);
/// Same, keeping a reference-mode context in `store` itself (no "store" member in the value).
std::string create_handoff_stored(std::string_view request, std::string_view keys, token::replay_guard& store);

/// For a server that fixes whom the handoff is for (the host's POST /v1/handoffs): `request` may
/// set only user, ctx, reference, ttl, title, text, buttonTitle and version (anything else is
/// INVALID_ARGUMENT, a key named twice DUPLICATE_KEY); `fixed` gives the bot, issuer, now and
/// random. -> the value JSON of create_handoff_stored, or the error.
result<std::string> create_handoff_value(std::string_view request, const handoff::create_options& fixed,
                                         const token::key_set& keys, token::replay_guard& store);

/// Options: {"body":"<raw body>","signature":"sha256=…","key":"<key text>"} -> value: true or false
/// (handoff::verify_delivery). Errors: INVALID_JSON, INVALID_ARGUMENT.
std::string verify_handoff_delivery(std::string_view request);

/// {"error":{"code":…,"message":…[,"field":…]}}: the body of an HTTP error answer.
std::string error_json(const error& e);

/// One activity through the handoff pipeline, the store steps performed by the caller (a JS
/// promise, for instance). Not thread-safe; one activity per session.
///
/// start(activity, keys, options): activity is the JSON text; keys the JWK Set text; options
///   {"botId" (required), "now" (required), "issuer", "leeway", "maxLifetime",
///    "messages":{…} (handoff::messages::parse), "authenticated":false, "serviceUrl":"…" (the
///    inbound token's serviceurl claim, when authenticated), "serviceUrls":{"allow":[hosts…],
///    "credentials":true} (handoff::config::service_urls; "allow" defaults to
///    service_url::default_allowed_hosts; absent: no serviceUrl policy), "followups":true,
///    "handoff":true (false: the outcome's "followups" is [] and its "handoff" null, not built)}
/// answer(text): the store's answer to the last step: {"value":"…"|null} or {"error":"why"}
///   (load: the context kept, or null; mark: null when the marker was placed, else the record kept).
/// Each returns an envelope whose value is {"step":{…}} while the store must act:
///   {"op":"load","key":"ctx:<jti>"} or {"op":"mark","key":"jti:<jti>","value":"<record>","keepUntil":N}
/// and then {"outcome":{"status","code","body","forTheApp","redeemed","retry","jti","context",
///   "handoff":{…}|null,"followups":[<Bot Framework activity>…],"activity":{…}}}
///   ("followups" is empty when the serviceUrl policy lets none go).
/// Errors: INVALID_JSON / INVALID_ARGUMENT (options, answers, a call out of turn), KEYS_INVALID,
/// MESSAGES_INVALID. An activity that cannot be accepted is not an error: it is an outcome.
class handoff_session {
public:
    handoff_session();
    ~handoff_session();
    handoff_session(const handoff_session&) = delete;
    handoff_session& operator=(const handoff_session&) = delete;

    std::string start(std::string_view activity, std::string_view keys, std::string_view options);
    std::string answer(std::string_view answer);

    struct state;

private:
    std::unique_ptr<state> state_;
};

}  // namespace handoffkit::json_api
