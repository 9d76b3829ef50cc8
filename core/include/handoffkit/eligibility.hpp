// handoffkit/eligibility.hpp: which Copilot features in Dynamics 365 Customer Service each
// representative can use, in which stage, and what to change when they cannot.
//
// Source followed: Microsoft Learn, "Enable Copilot features in Customer Service"
// (shared/seeds/000_f7658ef83254187f.txt). The rules are data: a versioned JSON ruleset
// (core/rules/default_ruleset.json) compiled into the library and replaceable at run time. Every
// rule of it cites, in `source`, the sentence of that document it encodes.
//
// ---- The environment (input) -------------------------------------------------------------------
// One JSON object; every field except `representatives` may be omitted, and whatever a rule needs
// but is missing makes that rule (and so the feature) "unknown" instead of guessed. Unknown fields
// are refused (a typo should not silently become "missing").
//   {
//     "geography": "europe",                      // one of the ruleset's `geographies`
//     "dataMovementEnabled": true,                // data movement across regions (Power Platform admin center)
//     "capacityScenario": "sameRegion",           // Azure OpenAI capacity: sameRegion | outsideTenantRegion
//                                                 //   | fallbackToExternal (in the tenant region, falls back outside)
//     "optIn": { "questionsAndEmails": "optedIn",  // per admin page: optedIn | optedOut | notOptedIn
//                "summaries": "optedOut" },
//     "administrator": { "roles": ["System Administrator"] },   // the user doing the setup
//     "surfaces": { "customerServiceHub": { "enabledFeatures": ["askQuestion"] },
//                   "customApps": { "enabledFeatures": [] } },  // the "Enable Copilot features" step
//     "experienceProfiles": [
//       { "id": "ootb", "outOfTheBox": true },    // omitted features/copilotToggle: as shipped
//       { "id": "tier1", "copilotToggle": true, "features": ["askQuestion", "writeEmail"] } ],
//     "roles": [ { "name": "Contoso agent",        // custom security roles and their privileges:
//                  "privileges": ["msdyn_copilotinteraction:create", "prvIntelligenceUsage"] } ],
//     "representatives": [
//       { "id": "alice@contoso.com",
//         "surface": "copilotServiceWorkspace",   // | customerServiceHub | customApp
//         "licenses": ["customerServiceEnterprise", "chat"],   // also digitalMessaging, voice, …
//         "roles": ["Customer Service Representative"],
//         "experienceProfile": "ootb" } ]
//   }
// Privileges are "<table logical name>:<create|read|write|append|appendTo>" or a miscellaneous
// privilege name such as "prvIntelligenceUsage". A representative's privileges are the union over
// their roles; a role not listed under `roles` (or listed without `privileges`) contributes unknown
// privileges, which the Customer Service Representative role, used as shipped, does not need.
// `outOfTheBox` defaults to false. `experienceProfile` must name a listed profile.
// Limits (each refused with ENVIRONMENT_INVALID naming the field): see the constants below.
//
// ---- The inputs rules can read -----------------------------------------------------------------
//   organization:   geography (enum), dataMovementEnabled (bool), capacityScenario (enum),
//                   questionsAndEmailsOptIn, summariesOptIn (enum: optedIn|optedOut|notOptedIn),
//                   hubEnabledFeatures, customAppEnabledFeatures (sets of feature ids)
//   administrator:  administratorRoles (set)  — only in rules with "scope":"administrator"
//   representative: surface (enum), licenses, roleNames, privileges (sets),
//                   profileOutOfTheBox, profileCopilotToggle (bool), profileFeatures (set of feature ids)
//
// ---- The rule language (closed) ----------------------------------------------------------------
// A condition is an object with exactly one operator:
//   {"eq":  {"input": NAME, "value": V}}             bool input = true/false, or enum input = a value
//   {"in":  {"input": NAME, "values": [V, …]}}       enum input is one of the values
//   {"containsAny": {"input": NAME, "values": […]}}  set input holds at least one value
//   {"containsAll": {"input": NAME, "values": […]}}  set input holds every value
//   {"all": [C, …]}  {"any": [C, …]}  {"not": C}
// Enum values are checked against the input's domain and feature-id sets against the ruleset's
// features; in a representative rule the value "$feature" stands for the feature being evaluated.
// Logic is three-valued (Kleene): a missing input is unknown, `all` is false as soon as one part is
// false, `any` true as soon as one part is true, `not unknown` is unknown.
// A rule: {"id", "effect": block|warn|notApplicable|stage, "features": [ids] (or "scope":
// "administrator"), "when"?: C, "require": C (not for stage), "code", "remediation" (not for
// stage), "stage": ga|preview (stage only), "source": "<the sentence it encodes>"}. A rule holds
// when `when` is false or `require` is true. Stage rules are tried in order; the first whose `when`
// holds (no `when`: always) gives the stage.
//
// ---- The report (output) -----------------------------------------------------------------------
//   {"administrator": CELL,
//    "features": [{"id","name"}…],                      // ruleset order: the matrix columns
//    "representatives": [{"features": {"<featureId>": CELL…}, "id"}…],   // input order
//    "rules": {"<ruleId>": {"code","effect","remediation","source","stage"?}…},
//    "ruleset": {"name","schema","version"},
//    "summary": {"<featureId>": {"available":n,"available_with_warnings":n,"not_applicable":n,
//                                "unavailable":n,"unknown":n}…}}
//   CELL = {"status": available|available_with_warnings|unavailable|unknown|not_applicable,
//           "stage": ga|preview|unknown|unspecified,   (administrator cell: no stage)
//           "failed":   [{"code","missing"?:[values],"rule"}],  every failing block / notApplicable
//                                                      rule, in ruleset order; `missing`: the values a
//                                                      containsAll lacked (e.g. privileges to add)
//           "warnings": [{"code","rule"}],
//           "unknown":  [{"code","missingInputs":[input names, sorted],"rule"}]}   rules that could
//                                                      not be decided, and what to supply to decide them
// Status: any failing notApplicable rule -> not_applicable; else any failing block rule ->
// unavailable; else any undecided rule -> unknown; else any failing warn rule ->
// available_with_warnings; else available. "unspecified" stage: the source names no stage.
// A gate's remediation (what to change) and source (why) are `rules[<rule>].remediation` and
// `.source`: written once per report, not once per representative and feature.
// The text is canonical JSON (keys sorted, no spaces): the same input gives the same bytes.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

#include "handoffkit/result.hpp"

namespace handoffkit::eligibility {

/// Limits on what evaluate() accepts (the environment text is refused beyond max_environment_bytes
/// with INPUT_TOO_LARGE; the others with ENVIRONMENT_INVALID naming the field).
inline constexpr std::size_t max_environment_bytes = 32u << 20;
inline constexpr std::size_t max_representatives = 50000;
inline constexpr std::size_t max_profiles = 1000;
inline constexpr std::size_t max_roles = 1000;
inline constexpr std::size_t max_list_items = 256;       ///< licenses, roles of a representative, feature lists
inline constexpr std::size_t max_privileges_per_role = 2048;
inline constexpr std::size_t max_name_length = 256;      ///< ids, names, licenses, privileges
/// Limits on rulesets (refused with RULESET_INVALID).
inline constexpr std::size_t max_ruleset_bytes = 1u << 20;
inline constexpr std::size_t max_rules = 512;
inline constexpr std::size_t max_condition_depth = 12;

/// The embedded default ruleset, exactly as core/rules/default_ruleset.json.
std::string_view default_ruleset_json();

/// A validated, compiled ruleset. Cheap to copy (shared, immutable).
class ruleset {
public:
    /// Example: ruleset::parse(default_ruleset_json())->version() == "1.0.0"
    /// Errors: RULESET_INVALID, with `field` the JSON Pointer of the offending part
    /// (e.g. "/rules/3/require/all/0/eq/input") and a message saying what is wrong.
    static result<ruleset> parse(std::string_view json);
    /// The compiled default (parsed once).
    static const ruleset& builtin();

    const std::string& name() const;
    const std::string& version() const;

    struct compiled;  ///< opaque
    const compiled& get() const { return *impl_; }

private:
    explicit ruleset(std::shared_ptr<const compiled> impl) : impl_(std::move(impl)) {}
    std::shared_ptr<const compiled> impl_;
};

/// Evaluates an environment (schema above) and returns the report as canonical JSON text.
/// Example: evaluate(ruleset::builtin(), R"({"geography":"unitedStates", …})") -> R"({"administrator":…})"
/// Errors: INVALID_JSON (not JSON), INPUT_TOO_LARGE, ENVIRONMENT_INVALID (with `field`).
/// Never throws for any input; representatives with the same surface, licenses, roles and
/// profile are evaluated once.
result<std::string> evaluate(const ruleset& rules, std::string_view environment_json);

}  // namespace handoffkit::eligibility
