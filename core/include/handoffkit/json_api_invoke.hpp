// handoffkit/json_api_invoke.hpp: the JSON face of invoke.hpp (envelope contract: json_api.hpp).
#pragma once

#include <string>
#include <string_view>

namespace handoffkit::json_api {

/// Reads a handoff/action activity and says what to redeem.
/// Request: {"activity": <activity object or its JSON text>, "botId": "<app id>" (optional)}
/// -> value: {"continuation","botId","userId","userAadObjectId","tenantId","conversationId"}.
/// Errors: INVALID_JSON/INVALID_ARGUMENT (the request), then those of invoke::parse_activity and
/// invoke::read_handoff (ACTIVITY_MALFORMED, NOT_INVOKE, UNKNOWN_INVOKE, CONTINUATION_MISSING, …).
std::string read_handoff_invoke(std::string_view request);

/// The whole decision for one activity, given what redeeming its token gave.
/// Request: {"activity": <object or text>, "botId": "…" (optional),
///           "redeem": {"outcome": "OK|TOKEN_MALFORMED|TOKEN_BAD_SIGNATURE|TOKEN_EXPIRED|
///                      TOKEN_WRONG_AUDIENCE|TOKEN_WRONG_USER|TOKEN_REPLAYED|STORE_UNAVAILABLE|REDEEM_FAILED",
///                      "resultText": "…" (optional)}}
/// `redeem` is required only when the activity is a well-formed handoff/action.
/// -> value: {"status":200,"code":"OK","body":"","followups":[<Bot Framework activity>, …]}
/// An activity that is not acceptable is not an error here: it is a decision (400, 501, …).
std::string handle_handoff_invoke(std::string_view request);

}  // namespace handoffkit::json_api
