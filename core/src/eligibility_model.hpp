// The compiled forms behind eligibility.hpp: inputs, conditions, rules, environments.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "handoffkit/eligibility.hpp"
#include "handoffkit/json.hpp"

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
/// Where the allowed values of an input come from (`any`: free strings).
enum class value_domain : std::uint8_t { any, geographies, capacity, opt_in, surface, features };

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

struct rule {
    std::string id;
    effect kind = effect::block;
    bool administrator = false;
    std::vector<std::size_t> features;  ///< indices into compiled::features
    std::optional<condition> when;
    std::optional<condition> require;
    std::string stage, code, remediation, source;
};

struct feature {
    std::string id, name;
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
};

/// Errors: ENVIRONMENT_INVALID with `field`.
result<environment> read_environment(const json& j, const ruleset::compiled& rules);

// ---- JSON Pointer helpers and located errors ------------------------------------------------

std::string pointer_to(const std::string& parent, std::string_view key);
std::string pointer_to(const std::string& parent, std::size_t index);

/// Collects the first problem found while checking a document, as `code` with a JSON Pointer.
class problem_log {
public:
    explicit problem_log(const char* code) : code_(code) {}
    /// Records the problem (if it is the first) and returns false, so checks read `return log.fail(…)`.
    bool fail(const std::string& at, const std::string& why);
    bool failed() const { return problem_.has_value(); }
    const error& problem() const { return *problem_; }

    /// Checks that `j` is an object whose keys are all in `allowed`.
    bool object_with(const json& j, const std::string& at, std::initializer_list<std::string_view> allowed);
    /// A non-empty string of at most `max` bytes.
    bool name(const json& j, const std::string& at, std::string& out, std::size_t max = max_name_length);
    /// An array of at most `max_items` names; `out` keeps their order.
    bool names(const json& j, const std::string& at, std::vector<std::string>& out,
               std::size_t max_items = max_list_items);
    bool boolean(const json& j, const std::string& at, bool& out);
    /// `value` is one of `domain`.
    bool one_of(const std::string& value, const std::vector<std::string>& domain, const std::string& at);

private:
    const char* code_;
    std::optional<error> problem_;
};

}  // namespace handoffkit::eligibility::detail

namespace handoffkit::eligibility {

struct ruleset::compiled {
    std::string schema, name, version;
    std::vector<std::string> geographies;  ///< sorted
    std::vector<detail::feature> features;
    std::vector<std::string> feature_ids;  ///< sorted, for domain checks
    std::optional<std::vector<std::string>> out_of_the_box_features;
    std::optional<bool> out_of_the_box_toggle;
    std::vector<detail::rule> rules;
    std::vector<std::vector<std::size_t>> rules_by_feature;  ///< per feature, in ruleset order
    std::vector<std::size_t> administrator_rules;
    /// Parts of every report that depend on the ruleset only, serialized once.
    std::string features_json, rules_json, ruleset_json;

    const std::vector<std::string>& domain(detail::value_domain d) const;
};

}  // namespace handoffkit::eligibility
