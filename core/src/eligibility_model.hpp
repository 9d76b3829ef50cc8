// The compiled forms behind eligibility.hpp: inputs, conditions, rules, fixes, defaults,
// environments, and the names admins use for them.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "eligibility_names.hpp"
#include "handoffkit/json.hpp"

#include "handoffkit/eligibility.hpp"

namespace handoffkit::eligibility::detail {

using handoffkit::json;

// ---- inputs ---------------------------------------------------------------------------------

/// The closed set of inputs a rule can read (see eligibility.hpp).
enum class input_id : std::uint8_t {
    geography,
    data_movement_enabled,
    capacity_scenario,
    questions_and_emails_opt_in,
    summaries_opt_in,
    hub_enabled_features,
    custom_app_enabled_features,
    administrator_roles,
    surface,
    licenses,
    role_names,
    privileges,
    profile_out_of_the_box,
    profile_copilot_toggle,
    profile_features,
};
inline constexpr std::size_t input_count = 15;

enum class input_kind : std::uint8_t { boolean, enumeration, set };
enum class input_scope : std::uint8_t { organization, administrator, representative };
/// Where the allowed values of an input come from (`any`: free strings; `licenses`: the ruleset's
/// catalog when it has one).
enum class value_domain : std::uint8_t { any, geographies, capacity, opt_in, surface, features, licenses };

struct input_spec {
    std::string_view name;
    input_kind kind;
    input_scope scope;
    value_domain domain;
};
const std::array<input_spec, input_count>& input_specs();
const input_spec& spec_of(input_id id);
std::optional<input_id> input_named(std::string_view name);
/// Allowed values of a fixed domain (capacity, opt_in, surface); empty for the others.
const std::vector<std::string>& fixed_domain(value_domain domain);

/// One input's value. A set may be partly known (`complete` false): containment is then only
/// decided by what is known to be in it.
struct input_value {
    bool present = false;
    bool flag = false;               ///< boolean inputs
    std::string text;                ///< enumeration inputs
    std::vector<std::string> items;  ///< set inputs: sorted, unique
    bool complete = true;
};
using input_values = std::array<input_value, input_count>;

// ---- rules ----------------------------------------------------------------------------------

enum class op : std::uint8_t { eq, in, contains_any, contains_all, all, any, negate };

struct condition {
    op kind = op::all;
    input_id input = input_id::geography;
    bool flag = false;                ///< eq on a boolean input
    std::vector<std::string> values;  ///< eq on an enum (one value), in, containsAny/All
    std::vector<condition> parts;     ///< all, any (any count), not (one)
};

enum class effect : std::uint8_t { block, warn, not_applicable, stage };

/// Where a fix to an input is made in the environment (inputs that are facts, such as the
/// geography, have none and cannot be fixed).
enum class fix_target : std::uint8_t { none, organization, administrator, representative, role, profile };
fix_target fix_target_of(input_id id);

/// One way to make a failed rule hold: set a boolean or enumeration input, or add values to a set
/// input ("$feature": the feature evaluated; "$missing": what the failed containsAll lacked).
struct fix_spec {
    input_id input = input_id::data_movement_enabled;
    bool adds = false;
    bool flag = false;                ///< set, boolean input
    std::string value;                ///< set, enumeration input
    std::vector<std::string> values;  ///< add
};

/// "$missing" in a fix's values stands for the values the failed gate lacked.
inline constexpr std::string_view missing_placeholder = "$missing";

struct rule {
    std::string id;
    effect kind = effect::block;
    bool administrator = false;
    std::vector<std::size_t> features;  ///< indices into compiled::features
    std::optional<condition> when;
    std::optional<condition> require;
    std::string stage, code, remediation, source;
    std::vector<fix_spec> fixes;  ///< alternatives, tried in order (block rules only)
};

struct feature {
    std::string id, name;
};

struct license {
    std::string id, name;
};

/// A documented default: the value an organization input takes when the environment omits it.
struct default_value {
    std::string id;
    input_id input = input_id::data_movement_enabled;
    bool flag = false;
    std::string text;
    std::optional<condition> when;
    std::string source;
};

/// "$feature" in a value list stands for the feature being evaluated.
inline constexpr std::string_view feature_placeholder = "$feature";

std::string_view effect_name(effect e);

/// Precondition: `text` is valid JSON of at most max_ruleset_bytes. Errors: RULESET_INVALID.
result<std::shared_ptr<const ruleset::compiled>> compile_ruleset(std::string_view text);

// ---- environments ---------------------------------------------------------------------------

struct profile {
    std::string id;
    bool out_of_the_box = false;
    std::optional<bool> copilot_toggle;
    std::optional<std::vector<std::string>> features;
};

/// What the engine assumed for an input the environment left out (reported as `assumed`).
struct assumption {
    std::string field;  ///< JSON Pointer of the omitted field
    std::string input;
    json value;
    std::string source;
    std::string profile;  ///< out-of-the-box profile defaults: the profile
};

/// A likely mistake in the input that is not refused (an unknown license, privilege or role): the
/// report lists it once per value, with the closest known value.
struct input_warning {
    eligibility_code code = eligibility_code::unknown_license;
    std::string value, field, message, did_you_mean;
    std::size_t count = 1;
};

struct representative {
    std::string id;
    std::optional<std::string> surface;
    std::optional<std::vector<std::string>> licenses;  ///< sorted, unique
    std::optional<std::vector<std::string>> roles;     ///< sorted, unique
    std::optional<std::size_t> profile;                ///< index into environment::profiles
};

struct role {
    std::string name;
    std::optional<std::vector<std::string>> privileges;
};

struct environment {
    input_values organization;  ///< organization and administrator inputs
    std::vector<profile> profiles;
    std::vector<role> roles;  ///< sorted by name, unique
    std::vector<representative> representatives;
    std::vector<assumption> assumed;
    std::vector<input_warning> warnings;
    /// Privileges are reported as prv<Access><Table> when the environment names them so.
    bool prv_privileges = false;
    /// Representatives read from a CSV: their row numbers (the header is row 1).
    std::vector<std::size_t> csv_rows;
};

/// Errors: ENVIRONMENT_INVALID with `field` (for representatives from a CSV, `csv_rows` gives
/// each one's row, and messages name it).
result<environment> read_environment(const json& j, const ruleset::compiled& rules,
                                     std::vector<std::size_t> csv_rows = {});

/// Representatives as a spreadsheet keeps them (RFC 4180; see eligibility.hpp) -> the JSON array
/// `representatives` would hold, and each one's row. Errors: ENVIRONMENT_INVALID naming the row.
struct csv_representatives {
    json array;
    std::vector<std::size_t> rows;
};
result<csv_representatives> read_representatives_csv(std::string_view text);

/// Applies changes (a JSON array as the plan's fixes give them, see eligibility.hpp) to an
/// environment read by read_environment. Errors: INVALID_ARGUMENT with `field` under /apply.
std::optional<error> apply_changes(const json& changes, const ruleset::compiled& rules, environment& env);

/// Fills omitted organization inputs from the ruleset's defaults, and records every assumption
/// (those defaults and the out-of-the-box profile's) in env.assumed.
void apply_defaults(const ruleset::compiled& rules, environment& env);

/// Kleene logic over inputs, shared by evaluation and defaults.
enum class tri : std::uint8_t { no, yes, unknown };
tri test(const condition& c, const input_values& in, std::string_view feature);

// ---- the fix plan ---------------------------------------------------------------------------

/// Builds the fix plan from cells as a report writes them ({featureId: CELL}), so that a report
/// being evaluated and a report read back give the same plan.
class planner {
public:
    /// `rules`: the report's `rules`; `representative_ids`: every representative, in input order.
    planner(const json& rules, std::vector<feature> features, std::vector<license> licenses,
            std::vector<std::string_view> representative_ids);
    /// The cells of the representatives `representatives` (indices), who all have these cells.
    void add(const json& cells, const std::vector<std::size_t>& representatives);
    void add_administrator(const json& cell);
    json finish(const json& assumed, const json& warnings, std::string_view outcome, const json& ruleset);

private:
    struct fix {
        input_id input;
        std::string place;  ///< the role or profile, for fixes made there
        std::string value;  ///< the value added, or set (as JSON text)
        bool adds;
        std::vector<std::string> rules;            ///< the rules it clears, first met first
        std::vector<std::size_t> representatives;  ///< for fixes made on representatives
        std::size_t alone, with_others, batch;
    };
    const json* chosen_fix(const json& gate) const;
    void clauses_of(const json& gate, const json& alt, const std::string& feature,
                    std::vector<std::vector<std::size_t>>& out);
    void count(std::size_t fix, std::size_t cells, bool alone, const std::vector<std::size_t>& representatives);
    void note_undecided(const json& cell, std::size_t n);
    std::string feature_name(const std::string& id) const;
    std::string license_name(const std::string& id) const;
    std::string label(const fix& f) const;
    json change(const fix& f) const;
    json entry(const fix& f, const std::string& id) const;
    std::vector<std::size_t> ranked() const;
    json together_json(const std::vector<std::string>& id_of, const std::vector<std::size_t>& rank) const;

    const json& rules_;
    std::vector<feature> features_;
    std::vector<license> licenses_;
    std::vector<std::string_view> ids_;
    std::vector<fix> fixes_;
    std::map<std::string, std::size_t> index_;
    std::map<std::vector<std::size_t>, std::pair<std::size_t, std::size_t>> together_;  ///< -> cells, first met
    std::vector<std::size_t> administrator_;
    std::set<std::string> to_decide_;
    std::size_t unavailable_ = 0, unblockable_ = 0, without_fix_ = 0, undecided_ = 0, batch_ = 0;
};

// ---- JSON Pointer helpers and located errors ------------------------------------------------

std::string pointer_to(const std::string& parent, std::string_view key);
std::string pointer_to(const std::string& parent, std::size_t index);

/// Collects the first problem found while checking a document, as `code` with a JSON Pointer.
class problem_log {
public:
    explicit problem_log(handoffkit::code c) : code_(c) {}
    /// Records the problem (if it is the first) and returns false, so checks read `return log.fail(…)`.
    bool fail(const std::string& at, const std::string& why);
    bool failed() const { return problem_.has_value(); }
    const error& problem() const { return *problem_; }

    /// Checks that `j` is an object whose keys are all in `allowed`.
    bool object_with(const json& j, const std::string& at, std::initializer_list<std::string_view> allowed);
    /// Adds "; did you mean 'X'?" to a failure about `value`, when a candidate is near (suggestion()).
    bool fail_suggesting(const std::string& at, const std::string& why, const std::string& value,
                      const std::vector<std::string>& candidates);
    /// A non-empty string of at most `max` bytes.
    bool name(const json& j, const std::string& at, std::string& out, std::size_t max = max_name_length);
    /// An array of at most `max_items` names; `out` keeps their order.
    bool names(const json& j, const std::string& at, std::vector<std::string>& out,
               std::size_t max_items = max_list_items);
    bool boolean(const json& j, const std::string& at, bool& out);
    /// `value` is one of `domain`.
    bool one_of(const std::string& value, const std::vector<std::string>& domain, const std::string& at);

private:
    handoffkit::code code_;
    std::optional<error> problem_;
};

}  // namespace handoffkit::eligibility::detail

namespace handoffkit::eligibility {

struct ruleset::compiled {
    std::string schema, name, version;
    std::vector<std::string> geographies;  ///< sorted
    std::vector<detail::feature> features;
    std::vector<std::string> feature_ids;  ///< sorted, for domain checks
    std::vector<detail::license> licenses;
    std::vector<std::string> license_ids;  ///< sorted
    std::optional<std::vector<std::string>> out_of_the_box_features;
    std::optional<bool> out_of_the_box_toggle;
    std::string out_of_the_box_source;
    std::vector<detail::rule> rules;
    std::vector<std::vector<std::size_t>> rules_by_feature;  ///< per feature, in ruleset order
    std::vector<std::size_t> administrator_rules;
    std::vector<detail::default_value> defaults;
    detail::names names;
    /// Parts of every report that depend on the ruleset only, serialized once.
    std::string features_json, licenses_json, rules_json, ruleset_json;
    /// The report's `rules` as a document, for planning fixes without reading a report.
    detail::json rules_document;

    const std::vector<std::string>& domain(detail::value_domain d) const;
};

}  // namespace handoffkit::eligibility
