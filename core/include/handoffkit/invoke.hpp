// handoffkit/invoke.hpp: the pure `handoff/action` decision of a bot endpoint.
//
// Spec followed: Microsoft Teams "Copilot handoff" (the `handoff/action` invoke carries
// `value.continuation`; success is HTTP 200 with no body; failures are a 4xx/5xx; the bot then
// tells the user what is happening in separate activities) and the Bot Framework activity schema
// (type, name, from, recipient, conversation, serviceUrl, value).
//
// The host (native/host) does the I/O; this header only decides. Redeeming the continuation token
// is a callback (`redeemer`), so the token module plugs in without this header knowing it:
//
//   auto in = invoke::parse_activity(body);              // result<activity>
//   auto d  = invoke::handle(body, options, [&](const invoke::redeem_request& r) {
//       return my_tokens.redeem(r);                       // -> redeem_outcome
//   });
//   // answer d.status with d.body, then send d.followups (see followup_json) to the user.
//
// HTTP status of each outcome (stable; `decision::code` says which one it was):
//   OK                        200  empty body; followups: "Continuing conversation from Copilot…",
//                                  typing, then the result text
//   NOT_INVOKE                200  any other activity type (conversationUpdate, message, …) is
//                                  acknowledged and ignored, as the Bot Framework SDKs do
//   ACTIVITY_MALFORMED        400  not JSON, not an object, a field of the wrong type, or a
//                                  handoff/action without from.id/recipient.id/conversation.id/serviceUrl
//   ACTIVITY_TOO_LARGE        413  more than max_activity_bytes
//   CONTINUATION_MISSING      400  handoff/action without a non-empty string value.continuation
//   CONTINUATION_TOO_LONG     400  value.continuation longer than max_continuation_length
//   WRONG_RECIPIENT           400  recipient.id is not 28:<expected bot id> (when one is configured)
//   UNKNOWN_INVOKE            501  any other invoke name (what the Bot Framework SDKs answer)
//   TOKEN_MALFORMED           400  redeemer: the token is not a token
//   TOKEN_BAD_SIGNATURE       401  redeemer: forged or unknown key
//   TOKEN_WRONG_AUDIENCE      401  redeemer: a valid token for another bot (still a bad token here)
//   TOKEN_WRONG_USER          403  redeemer: bound to another user (from.aadObjectId)
//   TOKEN_REPLAYED            409  redeemer: already redeemed (Conflict); followup asks for a new conversation
//   TOKEN_EXPIRED             410  redeemer: past its expiry (Gone); followup asks for a new conversation
//   STORE_UNAVAILABLE         503  redeemer: the replay store cannot answer; the user may retry
//   REDEEM_FAILED             500  redeemer: anything else
// Error bodies are {"error":{"code":…,"message":…}}; messages never contain the token.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "handoffkit/result.hpp"

namespace handoffkit::invoke {

/// Larger activities are refused before parsing (the host caps bodies too).
inline constexpr std::size_t max_activity_bytes = 256 * 1024;
/// A continuation token travels in a URL that Teams caps at 2048 characters.
inline constexpr std::size_t max_continuation_length = 2048;
inline constexpr std::string_view handoff_action_name = "handoff/action";

struct channel_account {
    std::string id;             ///< "29:…" for a user, "28:<botId>" for a bot
    std::string aad_object_id;  ///< Entra object id of a user (may be empty)
    std::string name;
};

/// The fields of a Bot Framework activity this module reads; other fields are ignored.
struct activity {
    std::string type;  ///< required
    std::string name;  ///< invoke name
    std::string id;
    std::string channel_id;
    std::string service_url;
    std::string locale;
    channel_account from;
    channel_account recipient;
    std::string conversation_id;
    std::string conversation_type;
    std::string tenant_id;
    bool has_continuation = false;  ///< value.continuation present and a string
    std::string continuation;       ///< value.continuation
};

/// Example: parse_activity(R"({"type":"invoke","name":"handoff/action","value":{"continuation":"t"}})")
///   -> activity{type="invoke", name="handoff/action", continuation="t", …}
/// Errors: ACTIVITY_TOO_LARGE, ACTIVITY_MALFORMED (invalid JSON, not an object, missing `type`,
/// a known field of the wrong type; the message names the field).
result<activity> parse_activity(std::string_view json_text);

/// What the redeemer is asked: the token and who presents it, for audience and user binding.
struct redeem_request {
    std::string continuation;
    std::string bot_id;              ///< recipient.id without the "28:" prefix
    std::string user_id;             ///< from.id
    std::string user_aad_object_id;  ///< from.aadObjectId (may be empty)
    std::string tenant_id;
    std::string conversation_id;
};

enum class redeem_status {
    ok,
    malformed,
    bad_signature,
    expired,
    wrong_audience,
    wrong_user,
    replayed,
    store_unavailable,
    failed,
};

/// What the redeemer answers. `result_text` is what the user is told on success (e.g. from the
/// token's context); empty means a generic sentence. `detail` is for logs and must hold no secret.
struct redeem_outcome {
    redeem_status status = redeem_status::failed;
    std::string result_text;
    std::string detail;
};

using redeemer = std::function<redeem_outcome(const redeem_request&)>;

/// A handoff/action ready to be redeemed: the request for the redeemer and the activity it came from.
struct handoff_invoke {
    activity source;
    redeem_request request;
};

struct decide_options {
    /// When non-empty, recipient.id must be "28:" + this (the bot's app id); else WRONG_RECIPIENT.
    std::string expected_bot_id;
};

/// Example: read_handoff(parse_activity(seed).value(), {}) -> handoff_invoke{request.continuation="test-continuation-token"}
/// Errors: NOT_INVOKE, UNKNOWN_INVOKE, ACTIVITY_MALFORMED, CONTINUATION_MISSING,
/// CONTINUATION_TOO_LONG, WRONG_RECIPIENT.
result<handoff_invoke> read_handoff(const activity& in, const decide_options& options);

/// One activity the bot sends to the conversation afterwards.
struct followup {
    std::string type;  ///< "message" or "typing"
    std::string text;  ///< empty for typing
};

/// What to answer and what to send afterwards.
struct decision {
    int status = 500;
    std::string code;  ///< OK, NOT_INVOKE or an error code above
    std::string body;  ///< empty on 200; else {"error":{"code","message"}}
    std::vector<followup> followups;
};

inline constexpr std::string_view continuing_text = "Continuing conversation from Copilot\xE2\x80\xA6";
inline constexpr std::string_view default_result_text = "You're all set: the conversation continues here.";
inline constexpr std::string_view start_new_conversation_text =
    "This handoff link can't be used any more. Please start a new conversation with me, or go back to "
    "Copilot and try the handoff again.";

/// The decision for an activity that never reached the redeemer (an error of parse_activity or
/// read_handoff; NOT_INVOKE gives 200).
decision decide_on_error(const error& e);
/// The decision after the redeemer answered.
decision decide_after_redeem(const redeem_outcome& outcome);
/// The stable code of a redeem status (TOKEN_EXPIRED, STORE_UNAVAILABLE, …; OK for ok).
std::string_view code_of(redeem_status status);

/// parse_activity + read_handoff + redeem + decide, in one call. `redeem` is called at most once,
/// only for a well-formed handoff/action.
decision handle(std::string_view json_text, const decide_options& options, const redeemer& redeem);

/// The Bot Framework activity JSON that sends `f` as a reply in the conversation of `in`
/// (from = in.recipient, recipient = in.from, conversation.id, replyToId = in.id).
std::string followup_json(const followup& f, const activity& in);

}  // namespace handoffkit::invoke
