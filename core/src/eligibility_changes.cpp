// Changing an environment before it is evaluated: the documented defaults the ruleset declares
// (apply_defaults), and the changes of a fix plan, for "what if" (apply_changes).
#include <algorithm>
#include <unordered_map>

#include "eligibility_model.hpp"

namespace handoffkit::eligibility::detail {
namespace {

using handoffkit::json;

constexpr std::size_t max_changes = 100000;

/// Where an organization input sits in the environment.
std::string environment_field(input_id id) {
    switch (id) {
        case input_id::questions_and_emails_opt_in: return "/optIn/questionsAndEmails";
        case input_id::summaries_opt_in: return "/optIn/summaries";
        case input_id::hub_enabled_features: return "/surfaces/customerServiceHub/enabledFeatures";
        case input_id::custom_app_enabled_features: return "/surfaces/customApps/enabledFeatures";
        case input_id::administrator_roles: return "/administrator/roles";
        default: return "/" + std::string(spec_of(id).name);
    }
}

void insert_sorted(std::vector<std::string>& items, const std::string& value) {
    auto it = std::lower_bound(items.begin(), items.end(), value);
    if (it == items.end() || *it != value) items.insert(it, value);
}

/// Reads and applies one change of a plan (its `change` object); the first problem is kept.
class change_reader {
public:
    change_reader(const ruleset::compiled& rules, environment& env) : rules_(rules), env_(env) {
        for (std::size_t i = 0; i < env.representatives.size(); ++i) representative_index_.emplace(env.representatives[i].id, i);
    }
    problem_log log{input_code::invalid_argument};

    bool apply(const json& c, const std::string& at);

private:
    bool value_to_add(const json& c, const std::string& at, input_id id, std::string& out);
    bool set_value(const json& c, const std::string& at, const input_spec& spec, input_value& out);
    bool targets(const json& c, const std::string& at, std::vector<std::size_t>& out);
    role* role_named(const json& c, const std::string& at);
    profile* profile_named(const json& c, const std::string& at);

    const ruleset::compiled& rules_;
    environment& env_;
    std::unordered_map<std::string, std::size_t> representative_index_;
};

bool change_reader::apply(const json& c, const std::string& at) {
    if (!c.is_object()) return log.fail(at, "must be an object (a fix's `change`)");
    const bool adds = c.contains("add");
    const auto found = c.find("input");
    if (found == c.end()) return log.fail(pointer_to(at, "input"), "is required");
    std::string name;
    if (!log.name(*found, pointer_to(at, "input"), name)) return false;
    const auto id = input_named(name);
    const fix_target target = id ? fix_target_of(*id) : fix_target::none;
    if (target == fix_target::none) return log.fail(pointer_to(at, "input"), "'" + name + "' is not an input a fix can change");
    const input_spec& spec = spec_of(*id);
    const char* where = target == fix_target::representative ? "representatives"
                        : target == fix_target::role        ? "role"
                        : target == fix_target::profile     ? "profile"
                                                            : nullptr;
    if (where ? !log.object_with(c, at, {"input", adds ? "add" : "value", where})
              : !log.object_with(c, at, {"input", adds ? "add" : "value"}))
        return false;
    if (adds != (spec.kind == input_kind::set))
        return log.fail(pointer_to(at, adds ? "add" : "value"), adds ? "'" + name + "' takes `value`" : "'" + name + "' takes `add`");

    std::string value;
    if (adds && !value_to_add(c, at, *id, value)) return false;
    switch (target) {
        case fix_target::organization:
        case fix_target::administrator: {
            input_value& slot = env_.organization[static_cast<std::size_t>(*id)];
            if (!adds) return set_value(c, at, spec, slot);
            slot.present = true;
            insert_sorted(slot.items, value);
            return true;
        }
        case fix_target::representative: {
            std::vector<std::size_t> reps;
            if (!targets(c, at, reps)) return false;
            for (std::size_t i : reps) {
                auto& list = *id == input_id::licenses ? env_.representatives[i].licenses : env_.representatives[i].roles;
                if (!list) list.emplace();
                insert_sorted(*list, value);
            }
            return true;
        }
        case fix_target::role: {
            role* r = role_named(c, at);
            if (!r) return false;
            if (!r->privileges) r->privileges.emplace();
            insert_sorted(*r->privileges, value);
            return true;
        }
        case fix_target::profile: {
            profile* p = profile_named(c, at);
            if (!p) return false;
            if (!adds) {
                input_value toggle;
                if (!set_value(c, at, spec, toggle)) return false;
                p->copilot_toggle = toggle.flag;
                return true;
            }
            if (!p->features)
                p->features = p->out_of_the_box && rules_.out_of_the_box_features ? *rules_.out_of_the_box_features
                                                                                   : std::vector<std::string>{};
            insert_sorted(*p->features, value);
            return true;
        }
        case fix_target::none: break;
    }
    return false;
}

/// The one value `add` names, in the form rules compare (feature and license names accepted).
bool change_reader::value_to_add(const json& c, const std::string& at, input_id id, std::string& out) {
    const input_spec& spec = spec_of(id);
    const std::string here = pointer_to(at, "add");
    if (!log.name(c["add"], here, out)) return false;
    if (spec.domain == value_domain::features) {
        if (std::binary_search(rules_.feature_ids.begin(), rules_.feature_ids.end(), out)) return true;
        auto it = rules_.names.features.find(lower_ascii(out));
        if (it == rules_.names.features.end())
            return log.fail_suggesting(here, "'" + out + "' is not a feature", out, rules_.names.feature_spellings);
        out = it->second;
        return true;
    }
    if (spec.domain == value_domain::licenses && !rules_.licenses.empty()) {
        if (std::binary_search(rules_.license_ids.begin(), rules_.license_ids.end(), out)) return true;
        auto it = rules_.names.licenses.find(lower_ascii(out));
        if (it == rules_.names.licenses.end())
            return log.fail_suggesting(here, "'" + out + "' is not a license the ruleset knows", out, rules_.names.license_spellings);
        out = it->second;
        return true;
    }
    if (id == input_id::privileges) {
        const privilege p = parse_privilege(out, rules_.names);
        if (p.form == privilege::kind::malformed)
            return log.fail(here, "'" + out + "' is not a privilege (<table>:<access>, prv<Access><Table> or prv<Name>)");
        out = canonical_privilege(p, rules_.names);
        return true;
    }
    if (id == input_id::role_names || id == input_id::administrator_roles)
        if (auto it = rules_.names.roles.find(lower_ascii(out)); it != rules_.names.roles.end()) out = it->second;
    return true;
}

bool change_reader::set_value(const json& c, const std::string& at, const input_spec& spec, input_value& out) {
    const std::string here = pointer_to(at, "value");
    if (!c.contains("value")) return log.fail(here, "is required");
    const json& v = c["value"];
    if (spec.kind == input_kind::boolean) {
        if (!log.boolean(v, here, out.flag)) return false;
    } else if (!log.name(v, here, out.text) || !log.one_of(out.text, rules_.domain(spec.domain), here)) {
        return false;
    }
    out.present = true;
    return true;
}

bool change_reader::targets(const json& c, const std::string& at, std::vector<std::size_t>& out) {
    const std::string here = pointer_to(at, "representatives");
    const auto list = c.find("representatives");
    if (list == c.end()) return log.fail(here, "is required");
    std::vector<std::string> ids;
    if (!log.names(*list, here, ids, max_representatives)) return false;
    for (std::size_t i = 0; i < ids.size(); ++i) {
        auto it = representative_index_.find(ids[i]);
        if (it == representative_index_.end())
            return log.fail(pointer_to(here, i), "'" + ids[i] + "' is not a representative of the environment");
        out.push_back(it->second);
    }
    return true;
}

role* change_reader::role_named(const json& c, const std::string& at) {
    const std::string here = pointer_to(at, "role");
    const auto name = c.find("role");
    std::string wanted;
    if (name == c.end()) return log.fail(here, "is required"), nullptr;
    if (!log.name(*name, here, wanted)) return nullptr;
    for (auto& r : env_.roles)
        if (lower_ascii(r.name) == lower_ascii(wanted)) return &r;
    std::vector<std::string> listed;
    for (const auto& r : env_.roles) listed.push_back(r.name);
    return log.fail_suggesting(here, "'" + wanted + "' names no role listed in /roles", wanted, listed), nullptr;
}

profile* change_reader::profile_named(const json& c, const std::string& at) {
    const std::string here = pointer_to(at, "profile");
    const auto name = c.find("profile");
    std::string wanted;
    if (name == c.end()) return log.fail(here, "is required"), nullptr;
    if (!log.name(*name, here, wanted)) return nullptr;
    for (auto& p : env_.profiles)
        if (p.id == wanted) return &p;
    std::vector<std::string> listed;
    for (const auto& p : env_.profiles) listed.push_back(p.id);
    return log.fail_suggesting(here, "'" + wanted + "' names no profile listed in /experienceProfiles", wanted, listed), nullptr;
}

}  // namespace

std::optional<error> apply_changes(const json& changes, const ruleset::compiled& rules, environment& env) {
    change_reader r(rules, env);
    if (!changes.is_array()) return error{input_code::invalid_argument, "/apply: must be an array of changes (a plan's fixes' `change`)", "/apply"};
    if (changes.size() > max_changes)
        return error{input_code::invalid_argument, "/apply: has more than " + std::to_string(max_changes) + " changes", "/apply"};
    for (std::size_t i = 0; i < changes.size(); ++i)
        if (!r.apply(changes[i], pointer_to("/apply", i))) return r.log.problem();
    return std::nullopt;
}

void apply_defaults(const ruleset::compiled& rules, environment& env) {
    for (const auto& d : rules.defaults) {
        input_value& slot = env.organization[static_cast<std::size_t>(d.input)];
        if (slot.present) continue;  // given, or an earlier default applied
        if (d.when && test(*d.when, env.organization, "") != tri::yes) continue;
        const bool boolean = spec_of(d.input).kind == input_kind::boolean;
        slot.present = true;
        slot.flag = d.flag;
        slot.text = d.text;
        env.assumed.push_back({environment_field(d.input), std::string(spec_of(d.input).name),
                               boolean ? json(d.flag) : json(d.text), d.source, ""});
    }
    for (std::size_t i = 0; i < env.profiles.size(); ++i) {
        const profile& p = env.profiles[i];
        if (!p.out_of_the_box) continue;
        const std::string at = pointer_to("/experienceProfiles", i);
        if (!p.copilot_toggle && rules.out_of_the_box_toggle)
            env.assumed.push_back({pointer_to(at, "copilotToggle"), "profileCopilotToggle", json(*rules.out_of_the_box_toggle),
                                   rules.out_of_the_box_source, p.id});
        if (!p.features && rules.out_of_the_box_features)
            env.assumed.push_back({pointer_to(at, "features"), "profileFeatures", json(*rules.out_of_the_box_features),
                                   rules.out_of_the_box_source, p.id});
    }
}

}  // namespace handoffkit::eligibility::detail
