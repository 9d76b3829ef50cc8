// handoffkit/handoff.hpp: the whole Copilot handoff, both sides, in one place.
//
// The plugin side: create() gives a fresh continuation token, the handoff deep link carrying it and
// the Adaptive Card whose button opens that link (the host's POST /v1/handoffs, npm createHandoff).
//
// The bot side: the ONE pipeline that takes a Bot Framework activity to an answer. The native host,
// the npm handler and the invoke fuzz target all run it:
//   activity text -> parse_activity -> inbound binding (serviceUrl claim, channel endorsement)
//   -> read_handoff -> where follow-ups may go (service_url.hpp) -> token::verify
//   -> the redemption protocol (redemption.hpp; the caller performs its store steps) -> outcome:
//   the HTTP status to answer (200 with an EMPTY body, or a coded 4xx/5xx), the follow-up activities
//   to send after answering, and for a redeemed token its context, user and conversation (the
//   `handoff` the app continues from, also written to the store's outbox when delivery is on).
// Sans-I/O like the redemption: no clock, no store, no network here.
//
//   handoff::exchange x(activity_json, config, inbound, now);
//   while (!x.finished()) { ...perform x.redemption()'s step on a store, answer it... }
//   handoff::outcome o = x.take_outcome();
// or, with a store that answers at once: handoff::handle(activity_json, config, inbound, store, now).
//
// Answers (status, code):
//   200 OK                     redeemed: follow-ups continuing, typing, result
//   200 OK (retry)             the same activity (conversation + activity id) again: no follow-ups
//   200 NOT_INVOKE             not an invoke (message, conversationUpdate, ...): for the app
//   501 UNKNOWN_INVOKE         another invoke (composeExtension/query, ...): for the app
//   400 ACTIVITY_MALFORMED, CONTINUATION_MISSING, CONTINUATION_TOO_LONG, WRONG_RECIPIENT
//   413 ACTIVITY_TOO_LARGE
//   401 AUTH_SERVICE_URL_MISSING  authenticated request whose token names no serviceurl
//   401 AUTH_SERVICE_URL_MISMATCH the activity's serviceUrl is not the one its token names
//   403 AUTH_CHANNEL_NOT_ENDORSED the token's signing key is not endorsed for the activity's channel
//   403 SERVICE_URL_NOT_ALLOWED   follow-ups may not go to this serviceUrl (policy below)
//   400 SERVICE_URL_INVALID       not a serviceUrl follow-ups could ever go to
//   400 TOKEN_MALFORMED        MALFORMED, TOKEN_TOO_LONG
//   401 TOKEN_BAD_SIGNATURE    BAD_SIGNATURE, UNKNOWN_KEY, UNSUPPORTED_ALG/TYPE/HEADER, WRONG_ISSUER,
//                              NOT_YET_VALID, LIFETIME_TOO_LONG: one answer, a prober learns nothing more
//   401 TOKEN_WRONG_AUDIENCE   a valid token for another bot
//   403 TOKEN_WRONG_USER       bound to another user (from.aadObjectId)
//   409 TOKEN_REPLAYED         redeemed before by another activity; follow-up: start a new conversation
//   410 TOKEN_EXPIRED          follow-up: start a new conversation
//   410 TOKEN_CONTEXT_NOT_FOUND  a reference-mode token whose context the store no longer holds;
//                              follow-up: start a new conversation (was 500 REDEEM_FAILED before 0.2)
//   503 STORE_UNAVAILABLE      the store cannot answer; nothing consumed, the user may retry
//   500 REDEEM_FAILED          the endpoint's own settings are out of range (check_config, `now`)
// The codes are handoff_code (codes.hpp) but STORE_UNAVAILABLE, the token area's, passed on; the
// statuses are status_of() and answer_for() below, exhaustive switches.
// Error bodies are {"error":{"code":…,"message":…}}; messages never contain the token.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "handoffkit/cards.hpp"
#include "handoffkit/invoke.hpp"
#include "handoffkit/redemption.hpp"
#include "handoffkit/result.hpp"
#include "handoffkit/service_url.hpp"
#include "handoffkit/token.hpp"

namespace handoffkit::handoff {

// ---- the plugin side ------------------------------------------------------------------------

struct create_options {
    std::string bot_id;                  ///< GUID or 28:GUID (the token's aud is 28:GUID)
    std::string user;                    ///< optional: the one user (AAD object id) who may redeem it
    std::optional<std::string> context;  ///< optional JSON object text (<= 256 bytes compact)
    bool reference = false;              ///< keep the context in the store, not in the token
    std::int64_t ttl = token::default_ttl;
    std::string issuer{token::default_issuer};
    std::string title;
    std::string text;
    std::string button_title = "Continue in Teams";
    cards::card_version version = cards::default_version;
    std::int64_t now = 0;                ///< unix seconds
    std::string random;                  ///< 16-32 random bytes (the jti)
};

struct created {
    token::issued_token token;  ///< token, jti, kid, iat, exp
    std::string link;           ///< the handoff deep link
    std::string card;           ///< the Adaptive Card (compact JSON, keys sorted)
    /// Reference mode: what the store must keep under context_key(jti) until keep_until BEFORE the
    /// token is handed out (create() with a store does it; callers of the sans-I/O form do it).
    std::optional<std::string> stored_context;
    std::int64_t keep_until = 0;
};

/// Errors: those of token::issue, deeplink::build_handoff_link and cards::build_handoff_card.
result<created> create(const create_options& options, const token::key_set& keys);
/// Same, saving a reference-mode context in `store` first. Errors: also STORE_UNAVAILABLE.
result<created> create(const create_options& options, const token::key_set& keys, token::replay_guard& store);

// ---- what the user is told ------------------------------------------------------------------

/// The follow-up texts of one locale. A text may name members of the token's context as
/// `{name}` (top-level strings and numbers), so a bot says what it continues with; each text is a
/// list of alternatives, the first whose names the context all has is sent.
struct texts {
    std::vector<std::string> continuing, result, replayed, expired;
};

class messages {
public:
    /// The built-in English texts.
    messages();
    /// {"en":{"continuing":…,"result":…,"replayed":…,"expired":…},"de-DE":{…},…}: each text a
    /// string or a non-empty array of strings, each locale giving any of the four (the others come
    /// from "en", then the built-in ones). Errors: MESSAGES_INVALID (with the JSON Pointer in field).
    static result<messages> parse(std::string_view json_text);
    /// The locale's texts: exact tag ("de-DE"), then its language ("de"), then "en".
    const texts& for_locale(std::string_view locale) const;

private:
    std::map<std::string, texts, std::less<>> by_locale_;
};

// ---- the bot side ---------------------------------------------------------------------------

struct config {
    std::string bot_id;  ///< the bot's app id, GUID or 28:GUID: recipient.id and the token's aud
    std::shared_ptr<const token::key_set> keys;
    std::string issuer{token::default_issuer};
    std::int64_t leeway = 0;
    std::int64_t max_lifetime = token::default_max_lifetime;
    std::shared_ptr<const messages> texts;  ///< null: the built-in English texts
    /// Write each redemption's handoff to the store's outbox with its marker (host delivery).
    bool deliver = false;
    /// Where follow-ups may go: a handoff/action whose serviceUrl the policy refuses is answered
    /// before its token is looked at (nothing consumed). Unset: no check (the caller sends no
    /// follow-ups itself, or checks them elsewhere).
    std::optional<service_url::policy> service_urls;
};

/// Checks a configuration before it serves: bot_id a GUID (or 28:GUID), keys set, issuer 1-64
/// bytes, leeway 0-300, max_lifetime 1-2592000. Errors: INVALID_ARGUMENT naming the field.
std::optional<error> check_config(const config& c);

/// What the endpoint's inbound authentication established (the host's Bot Framework JWT check;
/// in Node, the SDK's).
struct inbound {
    bool authenticated = false;  ///< a verified Bot Connector token came with the request
    /// The token's `serviceurl` claim as found: nullopt when absent or not a string.
    std::optional<std::string> service_url;
    /// The channels its signing key is endorsed for (the JWKS `endorsements`): when known, the
    /// activity's channelId must be one of them. nullopt: checked elsewhere (an SDK's own auth).
    std::optional<std::vector<std::string>> endorsements;
};

struct outcome {
    int status = 500;
    handoffkit::code code = handoff_code::redeem_failed;  ///< OK, NOT_INVOKE or an error code above
    std::string body;  ///< empty on 200, else {"error":{"code","message"}}
    /// NOT_INVOKE / UNKNOWN_INVOKE: a well-formed activity that is not a handoff/action (the host
    /// forwards it to the app when it fronts one).
    bool for_the_app = false;
    bool redeemed = false;  ///< a token was redeemed (by this activity, or earlier: retry)
    bool retry = false;     ///< the same activity again: answered as before, nothing else to do
    /// The serviceUrl policy lets follow-ups go (false: count them as dropped, send nothing).
    bool followups_go = true;
    invoke::activity activity;                ///< the fields read (empty when it did not parse)
    std::string jti;
    std::int64_t redeemed_at = 0;             ///< when redeemed: the pipeline's `now`
    std::optional<std::string> context;       ///< compact JSON, when redeemed and the token has one
    /// What to tell the user after answering, in order (render with followup_activities).
    std::vector<invoke::followup> followups;
};

/// The outcome's follow-ups as Bot Framework activities (JSON) replying in its conversation.
std::vector<std::string> followup_activities(const outcome& o);

/// The handoff the app continues from, delivered once per redemption (the outbox entry, the
/// host's webhook body, the npm handler's result):
/// {"type":"handoff","jti","redeemedAt","context"|null,"activityId","channelId","locale",
///  "bot":{"id","name"},"user":{"id","aadObjectId","name"},
///  "conversation":{"id","conversationType","tenantId","serviceUrl"}} (members sorted, compact).
std::string handoff_json(const token::verified_token& token, const invoke::activity& activity, std::int64_t redeemed_at);
/// The same for a redeemed outcome.
std::string handoff_json(const outcome& redeemed);

/// The signature header of a handoff delivered to the app (the host's webhook):
/// `X-Handoffkit-Signature: sha256=<lower-case hex of HMAC-SHA256(key, raw body)>`.
inline constexpr std::string_view delivery_signature_header = "X-Handoffkit-Signature";
std::string delivery_signature(std::string_view body, std::string_view key);
/// True when `signature` (the header's value) is delivery_signature(body, key), compared in
/// constant time. An empty key never verifies.
bool verify_delivery(std::string_view body, std::string_view signature, std::string_view key);

/// One activity through the pipeline (see the file comment).
class exchange {
public:
    /// `c` must outlive the exchange, which stays where it was made (its redemption refers to it).
    exchange(std::string_view activity_json, const config& c, const inbound& auth, std::int64_t now);
    exchange(const exchange&) = delete;
    exchange& operator=(const exchange&) = delete;

    /// True when no store step is pending (the outcome is ready).
    bool finished() const;
    /// The redemption whose steps the caller performs. Precondition: !finished().
    token::redemption& redemption() { return *redemption_; }
    /// Precondition: finished(). Call once.
    outcome take_outcome();

private:
    void begin(std::string_view activity_json, const inbound& auth);
    void refuse(const error& e);
    void refuse_token(const error& e);
    void finish_redemption();

    const config& config_;
    std::int64_t now_;
    outcome outcome_;
    std::optional<token::redemption> redemption_;
    bool decided_ = false;
};

/// exchange driven to its end against a store that answers at once.
outcome handle(std::string_view activity_json, const config& c, const inbound& auth, token::replay_guard& store,
               std::int64_t now);

/// The HTTP status of each of the pipeline's answers (the table above).
int status_of(handoff_code c);

/// An answer: its status and its wire code.
struct answer {
    int status;
    handoffkit::code code;
};
/// What the pipeline answers for a token code: a handoff_code and its status, or for
/// STORE_UNAVAILABLE (503) the code itself. Every token code has one, issuing and key codes too
/// (500 REDEEM_FAILED: verification never gives them).
answer answer_for(token_code c);
/// The answer for any error of the token checks: answer_for() of a token code; anything else
/// (INVALID_ARGUMENT: the endpoint's verify options out of range) is 500 REDEEM_FAILED.
answer answer_for_token_error(const code& c);

}  // namespace handoffkit::handoff
