// Evaluating an environment against a compiled ruleset: three-valued rule logic, one evaluation
// per distinct (surface, licenses, roles, profile) combination, and a canonical JSON report.
#include <algorithm>
#include <set>
#include <unordered_map>

#include "eligibility_model.hpp"
#include "json_fields.hpp"

namespace handoffkit::eligibility {
namespace detail {
namespace {

using handoffkit::json;

enum status : std::size_t { available, available_with_warnings, not_applicable, unavailable, unknown, status_count };
constexpr std::string_view status_names[status_count] = {"available", "available_with_warnings", "not_applicable",
                                                          "unavailable", "unknown"};

std::string_view value_for(const std::string& value, std::string_view feature) {
    return value == feature_placeholder ? feature : std::string_view(value);
}

bool holds_item(const input_value& v, std::string_view item) {
    return std::binary_search(v.items.begin(), v.items.end(), item, std::less<>());
}

tri test_parts(const condition& c, const input_values& in, std::string_view feature) {
    if (c.kind == op::negate) {
        const tri t = test(c.parts[0], in, feature);
        return t == tri::unknown ? t : (t == tri::yes ? tri::no : tri::yes);
    }
    // all: false wins, else unknown, else true; any: true wins, else unknown, else false.
    const tri decisive = c.kind == op::all ? tri::no : tri::yes;
    tri outcome = c.kind == op::all ? tri::yes : tri::no;
    for (const auto& part : c.parts) {
        const tri t = test(part, in, feature);
        if (t == decisive) return t;
        if (t == tri::unknown) outcome = tri::unknown;
    }
    return outcome;
}

}  // namespace

tri test(const condition& c, const input_values& in, std::string_view feature) {
    if (c.kind == op::all || c.kind == op::any || c.kind == op::negate) return test_parts(c, in, feature);
    const input_value& v = in[static_cast<std::size_t>(c.input)];
    if (!v.present) return tri::unknown;
    const auto yes_if = [](bool b) { return b ? tri::yes : tri::no; };
    switch (c.kind) {
        case op::eq:
            return yes_if(spec_of(c.input).kind == input_kind::boolean ? v.flag == c.flag : v.text == c.values[0]);
        case op::in: return yes_if(std::find(c.values.begin(), c.values.end(), v.text) != c.values.end());
        case op::contains_all: {
            bool undecided = false;
            for (const auto& value : c.values) {
                if (holds_item(v, value_for(value, feature))) continue;
                if (v.complete) return tri::no;
                undecided = true;
            }
            return undecided ? tri::unknown : tri::yes;
        }
        case op::contains_any:
            for (const auto& value : c.values)
                if (holds_item(v, value_for(value, feature))) return tri::yes;
            return v.complete ? tri::no : tri::unknown;
        default: return tri::unknown;
    }
}

namespace {

/// A rule holds unless its `when` holds and its `require` fails (Kleene implication).
tri holds(const rule& r, const input_values& in, std::string_view feature) {
    const tri when = r.when ? test(*r.when, in, feature) : tri::yes;
    if (when == tri::no) return tri::yes;
    const tri require = test(*r.require, in, feature);
    if (require == tri::yes) return tri::yes;
    return when == tri::yes ? require : tri::unknown;
}

/// What one cell is evaluated in: the inputs, and who they belong to (for naming fixes).
struct cell_context {
    const ruleset::compiled& rules;
    const environment& env;
    const representative* rep;  ///< nullptr for the administrator cell
    const input_values& in;
};

/// For a failed condition: the values absent from containsAll sets that made it fail, privileges
/// in the form the environment writes them.
void collect_missing(const condition& c, const cell_context& cx, std::string_view feature, std::vector<std::string>& out) {
    if (c.kind == op::all || c.kind == op::any) {
        for (const auto& part : c.parts)
            if (test(part, cx.in, feature) == tri::no) collect_missing(part, cx, feature, out);
        return;
    }
    if (c.kind != op::contains_all) return;
    const input_value& v = cx.in[static_cast<std::size_t>(c.input)];
    const bool prv = c.input == input_id::privileges && cx.env.prv_privileges;
    for (const auto& value : c.values) {
        const std::string_view item = value_for(value, feature);
        if (holds_item(v, item)) continue;
        std::string shown = prv ? prv_name(item) : std::string(item);
        if (std::find(out.begin(), out.end(), shown) == out.end()) out.push_back(std::move(shown));
    }
}

/// For an undecided condition: the inputs whose absence (or partly known set) left it undecided.
void collect_unknown_inputs(const condition& c, const input_values& in, std::string_view feature,
                            std::set<std::string_view>& out) {
    if (test(c, in, feature) != tri::unknown) return;
    if (c.kind == op::all || c.kind == op::any || c.kind == op::negate) {
        for (const auto& part : c.parts) collect_unknown_inputs(part, in, feature, out);
        return;
    }
    out.insert(spec_of(c.input).name);
}

/// The stage of a feature, and when it cannot be decided, the inputs that would decide it.
std::string_view stage_of(const ruleset::compiled& rs, std::size_t feature, const input_values& in,
                          std::set<std::string_view>& missing) {
    const std::string_view id = rs.features[feature].id;
    for (std::size_t index : rs.rules_by_feature[feature]) {
        const rule& r = rs.rules[index];
        if (r.kind != effect::stage) continue;
        const tri when = r.when ? test(*r.when, in, id) : tri::yes;
        if (when == tri::yes) return r.stage;
        if (when == tri::unknown) {
            collect_unknown_inputs(*r.when, in, id, missing);
            return "unknown";
        }
    }
    return "unspecified";
}

/// Where the chosen fix of a failed gate is made, when that is a role or a profile: the first
/// alternative of the rule whose place the representative has (a profile, or roles listed under
/// /roles: the fix may be made in any of them).
void name_fix_target(const rule& r, const cell_context& cx, json& gate) {
    for (const auto& fix : r.fixes) {
        switch (fix_target_of(fix.input)) {
            case fix_target::role: {
                if (!cx.rep || !cx.rep->roles) continue;
                // Any of the representative's roles listed under /roles will do (in name order).
                std::vector<std::string> listed;
                for (const auto& name : *cx.rep->roles) {
                    auto it = std::lower_bound(cx.env.roles.begin(), cx.env.roles.end(), name,
                                               [](const role& ro, const std::string& n) { return ro.name < n; });
                    if (it != cx.env.roles.end() && it->name == name) listed.push_back(name);
                }
                if (listed.empty()) continue;
                gate["roles"] = listed;
                return;
            }
            case fix_target::profile:
                if (!cx.rep || !cx.rep->profile) continue;
                gate["profile"] = cx.env.profiles[*cx.rep->profile].id;
                return;
            default: return;
        }
    }
}

/// A failed gate names its rule; the rule's remediation and source are in the report's `rules`
/// once, instead of once per representative and feature (a 10,000-representative report stays small).
json gate(const rule& r) { return {{"code", r.code}, {"rule", r.id}}; }

/// One cell of the report: every rule of `rule_indices` (stage rules aside) for one feature.
json evaluate_cell(const cell_context& cx, const std::vector<std::size_t>& rule_indices, std::string_view feature,
                   status& out) {
    json failed = json::array(), warnings = json::array(), undecided = json::array();
    bool blocked = false, inapplicable = false;
    for (std::size_t index : rule_indices) {
        const rule& r = cx.rules.rules[index];
        if (r.kind == effect::stage) continue;
        const tri outcome = holds(r, cx.in, feature);
        if (outcome == tri::yes) continue;
        if (outcome == tri::unknown) {
            std::set<std::string_view> inputs;
            if (r.when) collect_unknown_inputs(*r.when, cx.in, feature, inputs);
            collect_unknown_inputs(*r.require, cx.in, feature, inputs);
            undecided.push_back({{"code", r.code}, {"missingInputs", inputs}, {"rule", r.id}});
            continue;
        }
        if (r.kind == effect::warn) {
            warnings.push_back(gate(r));
            continue;
        }
        json entry = gate(r);
        std::vector<std::string> missing;
        collect_missing(*r.require, cx, feature, missing);
        if (!missing.empty()) entry["missing"] = missing;
        if (r.kind == effect::block) name_fix_target(r, cx, entry);
        failed.push_back(std::move(entry));
        (r.kind == effect::not_applicable ? inapplicable : blocked) = true;
    }
    out = inapplicable         ? not_applicable
          : blocked            ? unavailable
          : !undecided.empty() ? unknown
          : !warnings.empty()  ? available_with_warnings
                               : available;
    return {{"failed", std::move(failed)},
            {"status", status_names[out]},
            {"unknown", std::move(undecided)},
            {"warnings", std::move(warnings)}};
}

// ---- representatives ------------------------------------------------------------------------

input_value& at(input_values& in, input_id id) { return in[static_cast<std::size_t>(id)]; }

/// The organization's inputs plus those of one representative.
input_values representative_inputs(const ruleset::compiled& rs, const environment& env, const representative& rep) {
    input_values in = env.organization;
    if (rep.surface) {
        at(in, input_id::surface).present = true;
        at(in, input_id::surface).text = *rep.surface;
    }
    if (rep.licenses) {
        at(in, input_id::licenses).present = true;
        at(in, input_id::licenses).items = *rep.licenses;
    }
    if (rep.roles) {
        at(in, input_id::role_names).present = true;
        at(in, input_id::role_names).items = *rep.roles;
        // Privileges are the union over the roles; a role whose privileges are not given leaves
        // the set only partly known.
        input_value& privileges = at(in, input_id::privileges);
        privileges.present = true;
        for (const auto& name : *rep.roles) {
            auto it = std::lower_bound(env.roles.begin(), env.roles.end(), name,
                                       [](const role& r, const std::string& n) { return r.name < n; });
            if (it == env.roles.end() || it->name != name || !it->privileges) {
                privileges.complete = false;
                continue;
            }
            privileges.items.insert(privileges.items.end(), it->privileges->begin(), it->privileges->end());
        }
        std::sort(privileges.items.begin(), privileges.items.end());
        privileges.items.erase(std::unique(privileges.items.begin(), privileges.items.end()), privileges.items.end());
    }
    if (rep.profile) {
        const profile& p = env.profiles[*rep.profile];
        at(in, input_id::profile_out_of_the_box) = {true, p.out_of_the_box, {}, {}, true};
        // An out-of-the-box profile has, for what the environment leaves out, what the ruleset says it ships with.
        const auto toggle = p.copilot_toggle ? p.copilot_toggle : (p.out_of_the_box ? rs.out_of_the_box_toggle : std::nullopt);
        if (toggle) at(in, input_id::profile_copilot_toggle) = {true, *toggle, {}, {}, true};
        const auto& features = p.features ? p.features : (p.out_of_the_box ? rs.out_of_the_box_features : p.features);
        if (features) at(in, input_id::profile_features) = {true, false, {}, *features, true};
    }
    return in;
}

/// Representatives with the same key get the same cells.
std::string group_key(const representative& rep) {
    std::string key;
    const auto add_list = [&](const std::optional<std::vector<std::string>>& list) {
        key += list ? '+' : '-';
        if (list)
            for (const auto& item : *list) key.append(item).push_back('\x1f');
        key.push_back('\x1e');
    };
    key += rep.surface ? "+" + *rep.surface : std::string("-");
    key.push_back('\x1e');
    add_list(rep.licenses);
    add_list(rep.roles);
    key += rep.profile ? std::to_string(*rep.profile) : std::string("-");
    return key;
}

struct group {
    json cells;  ///< {featureId: CELL}
    std::string features_json;
    std::vector<status> statuses;  ///< per feature
    bool undecided = false;        ///< a cell unknown, or available in a stage that is unknown
    std::vector<std::size_t> members;
};

group evaluate_group(const ruleset::compiled& rs, const environment& env, const representative& rep) {
    const input_values in = representative_inputs(rs, env, rep);
    const cell_context cx{rs, env, &rep, in};
    group g;
    g.cells = json::object();
    for (std::size_t f = 0; f < rs.features.size(); ++f) {
        status s = available;
        json cell = evaluate_cell(cx, rs.rules_by_feature[f], rs.features[f].id, s);
        std::set<std::string_view> stage_inputs;
        const std::string_view stage = stage_of(rs, f, in, stage_inputs);
        cell["stage"] = stage;
        if (!stage_inputs.empty()) cell["stageMissingInputs"] = stage_inputs;
        g.undecided |= s == unknown || (stage == "unknown" && (s == available || s == available_with_warnings));
        g.cells[rs.features[f].id] = std::move(cell);
        g.statuses.push_back(s);
    }
    g.features_json = handoffkit::dump_json(g.cells);
    return g;
}

json assumed_json(const environment& env) {
    json out = json::array();
    for (const auto& a : env.assumed) {
        json entry{{"field", a.field}, {"input", a.input}, {"source", a.source}, {"value", a.value}};
        if (!a.profile.empty()) entry["profile"] = a.profile;
        out.push_back(std::move(entry));
    }
    return out;
}

json warnings_json(const environment& env) {
    json out = json::array();
    for (const auto& w : env.warnings) {
        json entry{{"code", w.code}, {"count", w.count}, {"field", w.field}, {"message", w.message}, {"value", w.value}};
        if (!w.did_you_mean.empty()) entry["didYouMean"] = w.did_you_mean;
        out.push_back(std::move(entry));
    }
    return out;
}

outcome outcome_of(const std::vector<group>& groups, const std::vector<std::size_t>& group_of_rep, status admin) {
    bool undecided = admin == unknown, blocked = admin == unavailable;
    for (std::size_t g : group_of_rep) {
        undecided |= groups[g].undecided;
        for (status s : groups[g].statuses) blocked |= s == unavailable;
    }
    return undecided ? outcome::incomplete : blocked ? outcome::unavailable : outcome::available;
}

/// Assembles the report by hand, keys in sorted order, so the text equals what dumping the whole
/// document would give while each distinct group is serialized only once.
evaluation report(const ruleset::compiled& rs, const environment& env, bool with_plan) {
    status admin_status = available;
    const cell_context admin_cx{rs, env, nullptr, env.organization};
    const json administrator = evaluate_cell(admin_cx, rs.administrator_rules, "", admin_status);

    std::unordered_map<std::string, std::size_t> group_of_key;
    std::vector<group> groups;
    std::vector<std::size_t> group_of_rep;
    group_of_rep.reserve(env.representatives.size());
    for (std::size_t i = 0; i < env.representatives.size(); ++i) {
        const auto& rep = env.representatives[i];
        auto [it, fresh] = group_of_key.emplace(group_key(rep), groups.size());
        if (fresh) groups.push_back(evaluate_group(rs, env, rep));
        groups[it->second].members.push_back(i);
        group_of_rep.push_back(it->second);
    }

    std::vector<std::array<std::size_t, status_count>> counts(rs.features.size(), std::array<std::size_t, status_count>{});
    for (std::size_t g : group_of_rep)
        for (std::size_t f = 0; f < rs.features.size(); ++f) ++counts[f][groups[g].statuses[f]];
    json summary = json::object();
    for (std::size_t f = 0; f < rs.features.size(); ++f) {
        json per_status = json::object();
        for (std::size_t s = 0; s < status_count; ++s) per_status[std::string(status_names[s])] = counts[f][s];
        summary[rs.features[f].id] = std::move(per_status);
    }
    evaluation result;
    result.verdict = outcome_of(groups, group_of_rep, admin_status);
    const json assumed = assumed_json(env), warnings = warnings_json(env);

    if (with_plan) {
        std::vector<std::string_view> ids;
        ids.reserve(env.representatives.size());
        for (const auto& rep : env.representatives) ids.push_back(rep.id);
        planner p(rs.rules_document, rs.features, rs.licenses, ids);
        for (const auto& g : groups) p.add(g.cells, g.members);
        p.add_administrator(administrator);
        const json ruleset{{"name", rs.name}, {"schema", rs.schema}, {"version", rs.version}};
        result.plan = handoffkit::dump_json(p.finish(assumed, warnings, outcome_name(result.verdict), ruleset));
    }

    std::string& out = result.report;
    // Room for everything, and for the JSON API's envelope around it (json_api_eligibility.cpp).
    std::size_t estimate = 256 + rs.features_json.size() + rs.rules_json.size() + result.plan.size() +
                           assumed.size() * 256 + warnings.size() * 512;
    for (std::size_t g : group_of_rep) estimate += groups[g].features_json.size() + 64;
    out.reserve(estimate);
    // Member by member, keys in sorted order: the text equals what dumping the whole document
    // would give, while each distinct group of representatives is serialized only once.
    handoffkit::json_writer w(out);
    w.begin_object().key("administrator").value(administrator).key("assumed").value(assumed);
    w.key("features").raw(rs.features_json).key("inputWarnings").value(warnings);
    w.key("licenses").raw(rs.licenses_json).key("outcome").string(outcome_name(result.verdict));
    if (with_plan) w.key("plan").raw(result.plan);
    w.key("representatives").begin_array();
    for (std::size_t i = 0; i < env.representatives.size(); ++i)
        w.begin_object().key("features").raw(groups[group_of_rep[i]].features_json).key("id")
            .string(env.representatives[i].id).end_object();
    w.end_array().key("rules").raw(rs.rules_json).key("ruleset").raw(rs.ruleset_json);
    w.key("summary").value(summary).end_object();
    return result;
}

}  // namespace
}  // namespace detail

std::string_view outcome_name(outcome o) {
    switch (o) {
        case outcome::available: return "available";
        case outcome::unavailable: return "unavailable";
        case outcome::incomplete: return "incomplete";
    }
    return "incomplete";
}

result<evaluation> evaluate(const ruleset& rules, std::string_view environment_json, const evaluation_options& options) {
    const ruleset::compiled& rs = rules.get();
    if (rs.schema.empty()) return fail(eligibility_code::ruleset_invalid, "the ruleset did not compile");
    if (environment_json.size() > max_environment_bytes)
        return fail(input_code::input_too_large, "the environment is larger than " + std::to_string(max_environment_bytes >> 20) + " MiB");
    auto parsed = handoffkit::detail::parse_object(environment_json, "the environment");
    if (!parsed) {
        if (parsed.err().code != input_code::invalid_argument) return parsed.err();  // not JSON, not UTF-8, a key twice
        return error{eligibility_code::environment_invalid, "(document): must be a JSON object", ""};
    }
    std::vector<std::size_t> rows;
    if (options.representatives_csv) {
        auto csv = detail::read_representatives_csv(*options.representatives_csv);
        if (!csv) return csv.err();
        parsed.value()["representatives"] = std::move(csv.value().array);  // the CSV replaces them
        rows = std::move(csv.value().rows);
    }
    auto env = detail::read_environment(*parsed, rs, std::move(rows));
    if (!env) return env.err();
    if (!options.apply_json.empty()) {
        json changes;
        if (handoffkit::parse_json(options.apply_json, changes) != handoffkit::json_failure::none)
            return fail(input_code::invalid_argument, "apply: not JSON");
        if (auto problem = detail::apply_changes(changes, rs, env.value())) return *problem;
    }
    detail::apply_defaults(rs, env.value());
    return detail::report(rs, *env, options.plan);
}

result<std::string> evaluate(const ruleset& rules, std::string_view environment_json) {
    auto e = evaluate(rules, environment_json, evaluation_options{});
    if (!e) return e.err();
    return std::move(e->report);
}

}  // namespace handoffkit::eligibility
