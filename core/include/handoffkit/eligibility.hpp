// handoffkit/eligibility.hpp: which Copilot features in Dynamics 365 Customer Service each
// representative can use, in which stage, and what to change when they cannot.
//
// Source followed: the Microsoft Learn page "Enable Copilot features in Customer Service"
// (Dynamics 365 Customer Service documentation). The rules are data: a versioned JSON ruleset
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
// Names as admins see them:
//   privileges   "<table>:<access>" (access: create, read, write, delete, append, appendTo, assign,
//                share) or as Dataverse names them in role definitions and exports, prv<Access><Table>
//                ("prvReadmsdyn_aimodel", "prvAppendTomsdyn_copilotinteractiondata"), or a
//                miscellaneous privilege ("prvIntelligenceUsage"); any case. Reports name missing
//                privileges as prv<Access><Table> when the environment's roles name all theirs so.
//   licenses     the ruleset's ids or names ("customerServiceEnterprise", "Dynamics 365 Customer
//                Service Enterprise", "Chat", "Digital Messaging", "Voice"), any case
//   features     ids or the names the admin center and the source use ("Ask a question", "Scan
//                customer conversation and suggest a response", "Case summary", …), any case
//   geographies, surfaces   ids, or the same words spaced and in any case ("United States")
//   roles        a representative's roles match /roles and the roles rules name, in any case
// Closed vocabularies: a geography, surface, capacity scenario, opt-in state or feature that is not
// known is refused (ENVIRONMENT_INVALID listing the allowed values and the closest one). A license,
// privilege or role that is not known is not refused (an admin's export holds many that no rule
// reads) but listed in the report's `inputWarnings` once per value, with the closest known name:
// every unknown license; a privilege that is malformed or one edit (two from 8 characters) away
// from one the rules name; a representative's role neither listed under `roles` nor named by a rule.
// A representative's privileges are the union over their roles; a role not listed under `roles`
// (or listed without `privileges`) contributes unknown privileges, which the Customer Service
// Representative role, used as shipped, does not need.
// `outOfTheBox` defaults to false. `experienceProfile` must name a listed profile.
// Documented defaults: an organization input the environment omits takes the value the ruleset's
// `defaults` give it (data movement is on, by the source's two sentences), and an out-of-the-box
// profile without `features`/`copilotToggle` has what `outOfTheBoxProfile` says it ships with; the
// report lists each in `assumed` with the sentence it comes from.
// Limits (each refused with ENVIRONMENT_INVALID naming the field): see the constants below.
//
// ---- Representatives from a CSV ----------------------------------------------------------------
// evaluation_options::representatives_csv replaces the environment's `representatives` (which may
// then be left out). RFC 4180: a header row naming columns among id (required), surface,
// licenses, roles, experienceProfile (any order and case; no others); fields separated by commas,
// records by CRLF or LF; a field in double quotes may hold commas, line breaks and "" for a quote;
// a UTF-8 byte order mark is skipped. Lists are separated by ';'. Cells are trimmed. An empty list
// cell is an empty list; an empty surface or profile is not given; a column left out is not given
// for anyone; a row of empty cells is skipped. Errors are ENVIRONMENT_INVALID naming the row as the
// spreadsheet numbers it (the header is row 1), e.g. "CSV row 7: … duplicates representative 'bob'
// of row 3", with `field` the representative's JSON Pointer (/representatives/5/id).
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
// A block rule may say how to fix it: "fix": [ALT, …], alternatives tried in order, the first whose
// place the representative has being taken. ALT = {"input": NAME, "value": V} (a boolean or
// enumeration input set to V) or {"input": NAME, "add": [V, …]} (values added to a set input;
// "$feature": the feature evaluated, "$missing": what the failed containsAll lacked). Inputs that
// are facts (geography, capacityScenario, surface, profileOutOfTheBox) have no fix. Where a fix is
// made follows from its input: the organization, the administrator, the representative (licenses,
// roleNames), one of their roles (privileges: any of their roles listed under `roles`) or their
// experience profile (profileFeatures, profileCopilotToggle).
// Defaults: "defaults": [{"id", "input", "value", "when"?: C, "source"}], organization inputs
// (boolean or enumeration) only, tried in order; the first for an omitted input whose `when` holds
// (`when` reads organization inputs; unknown counts as not holding) gives its value.
// Licenses: "licenses": [{"id", "name", "alsoCalled"?, "source"}]; with it, rules and fixes name
// only these licenses. Features and licenses are also found by `name` and `alsoCalled`.
//
// ---- The report (output) -----------------------------------------------------------------------
//   {"administrator": CELL,
//    "assumed": [{"field","input","profile"?,"source","value"}…],   // documented defaults taken
//    "features": [{"id","name"}…],                      // ruleset order: the matrix columns
//    "inputWarnings": [{"code": UNKNOWN_LICENSE|UNKNOWN_PRIVILEGE|UNKNOWN_ROLE, "count", "didYouMean"?,
//                       "field" (its first place), "message", "value"}…],
//    "licenses": [{"id","name"}…],
//    "outcome": available|unavailable|incomplete,       // see `outcome` below
//    "plan": PLAN,                                      // only when evaluation_options::plan
//    "representatives": [{"features": {"<featureId>": CELL…}, "id"}…],   // input order
//    "rules": {"<ruleId>": {"code","effect","fix"?,"remediation","source","stage"?}…},
//    "ruleset": {"name","schema","version"},
//    "summary": {"<featureId>": {"available":n,"available_with_warnings":n,"not_applicable":n,
//                                "unavailable":n,"unknown":n}…}}
//   CELL = {"status": available|available_with_warnings|unavailable|unknown|not_applicable,
//           "stage": ga|preview|unknown|unspecified,   (administrator cell: no stage)
//           "stageMissingInputs"?: [input names],      when the stage is unknown: what decides it
//           "failed":   [{"code","missing"?:[values],"roles"?|"profile"?,"rule"}],  every failing block /
//                                                      notApplicable rule, in ruleset order; `missing`:
//                                                      the values a containsAll lacked (e.g. privileges
//                                                      to add); `roles`/`profile`: where its fix is made
//                                                      (privileges: into any of these roles)
//           "warnings": [{"code","rule"}],
//           "unknown":  [{"code","missingInputs":[input names, sorted],"rule"}]}   rules that could
//                                                      not be decided, and what to supply to decide them
// Status: any failing notApplicable rule -> not_applicable; else any failing block rule ->
// unavailable; else any undecided rule -> unknown; else any failing warn rule ->
// available_with_warnings; else available. "unspecified" stage: the source names no stage.
// A gate's remediation (what to change) and source (why) are `rules[<rule>].remediation` and
// `.source`: written once per report, not once per representative and feature.
// The text is canonical JSON (keys sorted, no spaces): the same input gives the same bytes.
//
// ---- The fix plan ------------------------------------------------------------------------------
//   PLAN = {"administrator": [FIX without counts, ids A1…],   // fixes for the administrator cell
//           "assumed", "inputWarnings", "outcome", "ruleset": as in the report,
//           "cells": {"unavailable": n, "unblockable": n, "withoutFix": n, "unknown": n},
//           "fixes": [FIX…],                                   // most cells unblocked alone first
//           "together": [{"fixes": [ids], "unblocks": n}…],    // cells no fix unblocks alone
//           "toDecide": [input names]}                         // what the unknown cells need
//   FIX = {"id": "F1"…, "label": "Enable data movement across regions in the Power Platform admin
//          center", "change": CHANGE, "rules": [rule ids it clears], "unblocks": n (cells, rep x
//          feature, it unblocks by itself), "unblocksWithOthers": n (cells it is one of several
//          fixes for)}
//   CHANGE = {"input": NAME, "value": V} or {"input": NAME, "add": V}, plus where it is made:
//          "representatives": [ids] (licenses, roleNames), "role": NAME (privileges), "profile":
//          NAME (profileFeatures, profileCopilotToggle). A fix is one value set or added in one
//          place ("add privilege P to role R", "assign license L to these N representatives").
//   A cell counts for every fix that unblocks it by itself (a privilege a representative lacks may
//   be added to any of their roles: each of those fixes counts it), or, when none does, for the set
//   of fixes it needs ("together": a cell blocked by two gates is unblocked by neither alone; where
//   a need has alternatives, the fix met first stands for them); a cell with a gate no fix clears
//   counts under withoutFix. `unblockable` counts cells once. Fixes are ordered by unblocks, then unblocksWithOthers, equal ones in
//   the order they were first met (representatives in input order, features and gates in ruleset
//   order); `together` by cells, then fewer fixes first, then first met.
//   evaluation_options::apply takes CHANGE objects and makes them before evaluating ("what if").
//
// ---- outcome -----------------------------------------------------------------------------------
//   incomplete  some cell is unknown, or available in a stage that is unknown, or the administrator
//               cell is unknown (the CLI exits 4)
//   unavailable otherwise, when some cell (or the administrator cell) is unavailable (exit 3)
//   available   every cell decided and none unavailable (exit 0)
#pragma once

#include <cstddef>
#include <memory>
#include <optional>
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

/// What an environment's cells add up to (see "outcome" above).
enum class outcome { available, unavailable, incomplete };
/// "available", "unavailable", "incomplete".
std::string_view outcome_name(outcome o);

struct evaluation_options {
    /// Representatives as CSV text, replacing the environment's (see "Representatives from a CSV").
    std::optional<std::string_view> representatives_csv;
    /// Changes to make before evaluating: a JSON array of CHANGE objects (see "The fix plan").
    std::string_view apply_json;
    /// Also plan the fixes: evaluation::plan, and the report's `plan`.
    bool plan = false;
};

struct evaluation {
    std::string report;  ///< canonical JSON
    std::string plan;    ///< canonical JSON, when asked for
    enum outcome verdict = outcome::incomplete;
};

/// Evaluates an environment (schema above) and returns the report as canonical JSON text.
/// Example: evaluate(ruleset::builtin(), R"({"geography":"unitedStates", …})") -> R"({"administrator":…})"
/// Errors: INVALID_JSON (not JSON), INPUT_TOO_LARGE, ENVIRONMENT_INVALID (with `field`).
/// Never throws for any input; representatives with the same surface, licenses, roles and
/// profile are evaluated once.
result<std::string> evaluate(const ruleset& rules, std::string_view environment_json);
/// The same, with the options above. Errors also: INVALID_ARGUMENT with `field` under /apply for a
/// change that names no input a fix can change, or a representative, role or profile that is not
/// in the environment.
result<evaluation> evaluate(const ruleset& rules, std::string_view environment_json, const evaluation_options& options);

/// The fix plan of a report (as evaluate() writes it; at most 32 MiB, about 14,000
/// representatives: beyond that, ask evaluate() for the plan). The same plan evaluate() gives.
/// Errors: INVALID_JSON, INVALID_UTF8, DUPLICATE_KEY, INPUT_TOO_LARGE, REPORT_INVALID (with `field`).
result<std::string> plan_fixes(std::string_view report_json);

}  // namespace handoffkit::eligibility
