// handoffkit/json_api.hpp: the JSON face of the core, shared by every runtime.
//
// The CLI, the wasm bindings and (through them) the npm package all call these functions, so a
// request gives byte-identical JSON in C++, Node and the browser. Each function takes a JSON
// text and returns an envelope:
//   {"ok":true,"value":<result>}  or  {"ok":false,"error":{"code":"UPPER_SNAKE","message":"…"}}
// Nothing throws: malformed JSON is INVALID_JSON, a field of the wrong type or an unknown field
// is INVALID_ARGUMENT with the field named in the message.
// Adaptive Card operations: handoffkit/json_api_cards.hpp.
#pragma once

#include <string>
#include <string_view>

namespace handoffkit::json_api {

/// Request: {"botId":"<guid or 28:guid>","continuation":"<token>"} -> value: the link string.
std::string build_handoff_link(std::string_view request);

/// Request: {"kind":"handoff|chat|call|meeting|app|entity", …options of that kind in camelCase}
/// (see deeplink.hpp; `context` may be a JSON object or a string) -> value: the link string.
std::string build_deep_link(std::string_view request);

/// Options: {"allowedHosts":["teams.microsoft.com"],"expectKind":"handoff"} (both optional; an
/// empty text means defaults) -> value: {valid, kind, params:{…}, problems:[{code,severity,message}]}.
std::string validate_deep_link(std::string_view url, std::string_view options);

}  // namespace handoffkit::json_api
