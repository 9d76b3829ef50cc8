// handoffkit/json_api_invoke.hpp: the JSON face of invoke.hpp (envelope contract: json_api.hpp).
// What to answer an activity is the handoff pipeline's: json_api_handoff.hpp.
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

}  // namespace handoffkit::json_api
