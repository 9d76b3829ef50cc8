// handoffkit/json_api_cards.hpp: the JSON face of cards.hpp (envelope contract: json_api.hpp).
//
// Cards come back as JSON values (not strings) inside the envelope; their keys are sorted at
// every level, so serializing the value compactly gives the canonical card text in any runtime.
#pragma once

#include <string>
#include <string_view>

namespace handoffkit::json_api {

/// Request: {"url":"https://…", "title", "id", "iconUrl", "style", "fallback":"drop"|{action},
///           "requires":{"feature":"1.0"}, "tooltip", "isEnabled":true|false, "mode",
///           "version":"1.5"}; only `url` is required, `version` defaults to 1.5.
/// -> value: the Action.OpenUrl object. Errors: see cards::build_open_url_action, VERSION_UNKNOWN.
std::string build_open_url_action(std::string_view request);

/// Request: {"version":"1.5","target":"bot"|"webhook"|"copilot","title":"…","text":"…",
///           "actions":[{…as build_open_url_action without "version"}, …]} (all optional)
/// -> value: the AdaptiveCard object, checked against the target (default bot).
std::string build_card(std::string_view request);

/// Request: {"botId":"<guid or 28:guid>","continuation":"<token>","title":"…","text":"…",
///           "buttonTitle":"Continue in Teams","version":"1.5","target":"bot"|"webhook"|"copilot"}
///           (botId and continuation required; the card is checked against the target)
/// -> value: the AdaptiveCard object; the handoff link is value.actions[0].url.
std::string build_handoff_card(std::string_view request);

/// `card`: any text. Options: {"version":"1.5","target":"bot"|"webhook"|"copilot",
/// "allowedSchemes":["https","msteams"]} (all optional; an empty text means defaults)
/// -> value: {"valid":bool,"problems":[{"code","severity":"error"|"warning","message","path"}]}.
/// The card text itself never makes the envelope fail (bad JSON is an INVALID_JSON problem);
/// bad options do (INVALID_JSON, INVALID_ARGUMENT, VERSION_UNKNOWN).
std::string validate_card(std::string_view card, std::string_view options);

}  // namespace handoffkit::json_api
