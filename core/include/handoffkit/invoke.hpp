// handoffkit/invoke.hpp: reading a Bot Framework activity, and replying in its conversation.
//
// Spec followed: Microsoft Teams "Copilot handoff" (the `handoff/action` invoke carries
// `value.continuation`) and the Bot Framework activity schema (type, name, from, recipient,
// conversation, serviceUrl, value). What a bot answers is decided by the one handoff pipeline
// (handoff.hpp), which reads activities with this header:
//
//   auto in = invoke::parse_activity(body);             // result<activity>
//   auto h  = invoke::read_handoff(*in, {bot_id});       // result<handoff_invoke>
//   invoke::followup_json({"message", "Hi"}, *in);      // a reply in the same conversation
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
inline constexpr std::string_view bot_prefix = "28:";

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

/// What redeeming a handoff needs: the token and who presents it, for audience and user binding.
struct redeem_request {
    std::string continuation;
    std::string bot_id;              ///< recipient.id without the "28:" prefix
    std::string user_id;             ///< from.id
    std::string user_aad_object_id;  ///< from.aadObjectId (may be empty)
    std::string tenant_id;
    std::string conversation_id;
};

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

/// The Bot Framework activity JSON that sends `f` as a reply in the conversation of `in`
/// (from = in.recipient, recipient = in.from, conversation.id, replyToId = in.id).
std::string followup_json(const followup& f, const activity& in);

}  // namespace handoffkit::invoke
