// handoffkit/json_api_eligibility.hpp: the JSON face of eligibility.hpp (envelope contract as in
// json_api.hpp). The environment schema, the rule language, the report and the fix plan are
// documented in eligibility.hpp.
#pragma once

#include <string>
#include <string_view>

namespace handoffkit::json_api {

/// Environment: {"geography":"unitedStates", …, "representatives":[{"id":"alice", …}]}
/// Options: {"ruleset": <ruleset object, or its JSON text> (an empty text or no `ruleset` means the
/// embedded default), "representativesCsv": "<CSV text>" (replaces the environment's
/// representatives), "apply": [CHANGE…] (made before evaluating: "what if"), "plan": true (the
/// report gains `plan`)}, every member optional
/// -> value: the report {administrator, assumed, features, inputWarnings, licenses, outcome, plan?,
/// representatives:[{features:{<id>:{status,stage,failed,warnings,unknown}}, id}],
/// rules:{<ruleId>:{code,effect,fix?,remediation,source,…}}, ruleset:{name,schema,version}, summary};
/// a cell's failed gates and warnings are {code, rule, missing?, role?, profile?}: their remediation
/// is rules[rule].remediation. Same input, same bytes.
/// Errors: INVALID_JSON, INVALID_ARGUMENT (options; with "field" under /apply for a bad change),
/// INPUT_TOO_LARGE, ENVIRONMENT_INVALID and RULESET_INVALID; the last two carry "field": the JSON
/// Pointer of the offending part within the environment or within the ruleset document, e.g.
///   {"ok":false,"error":{"code":"ENVIRONMENT_INVALID","field":"/representatives/2/surface",
///                        "message":"/representatives/2/surface: 'web' is not one of …"}}
std::string evaluate_eligibility(std::string_view environment, std::string_view options);

/// A report (as evaluate_eligibility gives it) -> value: its fix plan, the same as `plan` gives.
/// Errors: INVALID_JSON, INPUT_TOO_LARGE (over 32 MiB: ask evaluate_eligibility for `plan`),
/// REPORT_INVALID with "field".
std::string plan_eligibility_fixes(std::string_view report);

/// -> value: the embedded default ruleset as a JSON object.
std::string default_eligibility_ruleset();

/// Ruleset JSON text -> value: {"features":[{"id","name"}…],"name","rules":<count>,"schema","version"}
/// Errors: RULESET_INVALID with "field".
std::string validate_eligibility_ruleset(std::string_view ruleset);

}  // namespace handoffkit::json_api
