// Environment JSON -> detail::environment, refusing anything outside the schema documented in
// eligibility.hpp with ENVIRONMENT_INVALID and the JSON Pointer of the offending part. A null
// value counts as an omitted one (unknown), so generated environments need not drop keys.
#include <algorithm>
#include <map>
#include <unordered_set>

#include "eligibility_model.hpp"

namespace handoffkit::eligibility::detail {
namespace {

using handoffkit::json;

constexpr std::string_view environment_schema = "handoffkit.eligibility.environment/1";

/// The value of `key` in object `j`, or nullptr when it is absent or null.
const json* given(const json& j, const char* key) {
    if (!j.is_object()) return nullptr;
    auto it = j.find(key);
    return it == j.end() || it->is_null() ? nullptr : &*it;
}

std::vector<std::string> sorted_unique(std::vector<std::string> v) {
    std::sort(v.begin(), v.end());
    v.erase(std::unique(v.begin(), v.end()), v.end());
    return v;
}

class reader {
public:
    reader(const ruleset::compiled& rules, environment& out) : rules_(rules), out_(out) {}
    problem_log log{"ENVIRONMENT_INVALID"};

    bool document(const json& j);

private:
    input_value& org(input_id id) { return out_.organization[static_cast<std::size_t>(id)]; }
    bool enum_input(const json& j, const char* key, const std::string& at, input_id id);
    bool set_input(const json& j, const char* key, const std::string& at, input_id id);
    bool feature_ids(const json& j, const std::string& at, std::vector<std::string>& out);
    bool opt_in(const json& j, const std::string& at);
    bool surfaces(const json& j, const std::string& at);
    bool profiles(const json& j, const std::string& at);
    bool roles(const json& j, const std::string& at);
    bool representatives(const json& j, const std::string& at);
    bool representative_at(const json& j, const std::string& at, representative& rep);
    template <class F>
    bool array_of(const json& j, const std::string& at, std::size_t max, F&& each);

    const ruleset::compiled& rules_;
    environment& out_;
    std::map<std::string, std::size_t, std::less<>> profile_index_;
};

template <class F>
bool reader::array_of(const json& j, const std::string& at, std::size_t max, F&& each) {
    if (!j.is_array()) return log.fail(at, "must be an array");
    if (j.size() > max) return log.fail(at, "has more than " + std::to_string(max) + " entries");
    for (std::size_t i = 0; i < j.size(); ++i)
        if (!each(j[i], pointer_to(at, i))) return false;
    return true;
}

bool reader::enum_input(const json& j, const char* key, const std::string& at, input_id id) {
    const json* v = given(j, key);
    if (!v) return true;
    const std::string here = pointer_to(at, key);
    input_value& value = org(id);
    if (!log.name(*v, here, value.text) || !log.one_of(value.text, rules_.domain(spec_of(id).domain), here)) return false;
    value.present = true;
    return true;
}

bool reader::set_input(const json& j, const char* key, const std::string& at, input_id id) {
    const json* v = given(j, key);
    if (!v) return true;
    input_value& value = org(id);
    const bool features = spec_of(id).domain == value_domain::features;
    if (!(features ? feature_ids(*v, pointer_to(at, key), value.items) : log.names(*v, pointer_to(at, key), value.items)))
        return false;
    value.items = sorted_unique(std::move(value.items));
    value.present = true;
    return true;
}

bool reader::feature_ids(const json& j, const std::string& at, std::vector<std::string>& out) {
    if (!log.names(j, at, out)) return false;
    for (std::size_t i = 0; i < out.size(); ++i)
        if (!log.one_of(out[i], rules_.feature_ids, pointer_to(at, i))) return false;
    out = sorted_unique(std::move(out));
    return true;
}

bool reader::document(const json& j) {
    if (!log.object_with(j, "", {"$comment", "schema", "geography", "dataMovementEnabled", "capacityScenario", "optIn",
                                 "administrator", "surfaces", "experienceProfiles", "roles", "representatives"}))
        return false;
    if (const json* s = given(j, "schema"); s && !(s->is_string() && s->get_ref<const std::string&>() == environment_schema))
        return log.fail("/schema", "must be \"" + std::string(environment_schema) + "\"");
    if (!enum_input(j, "geography", "", input_id::geography)) return false;
    if (const json* v = given(j, "dataMovementEnabled")) {
        input_value& value = org(input_id::data_movement_enabled);
        if (!log.boolean(*v, "/dataMovementEnabled", value.flag)) return false;
        value.present = true;
    }
    if (!enum_input(j, "capacityScenario", "", input_id::capacity_scenario)) return false;
    if (const json* v = given(j, "optIn"); v && !opt_in(*v, "/optIn")) return false;
    if (const json* v = given(j, "administrator")) {
        if (!log.object_with(*v, "/administrator", {"roles"})) return false;
        if (!set_input(*v, "roles", "/administrator", input_id::administrator_roles)) return false;
    }
    if (const json* v = given(j, "surfaces"); v && !surfaces(*v, "/surfaces")) return false;
    if (const json* v = given(j, "experienceProfiles"); v && !profiles(*v, "/experienceProfiles")) return false;
    if (const json* v = given(j, "roles"); v && !roles(*v, "/roles")) return false;
    const json* reps = given(j, "representatives");
    if (!reps) return log.fail("/representatives", "is required");
    return representatives(*reps, "/representatives");
}

bool reader::opt_in(const json& j, const std::string& at) {
    return log.object_with(j, at, {"questionsAndEmails", "summaries"}) &&
           enum_input(j, "questionsAndEmails", at, input_id::questions_and_emails_opt_in) &&
           enum_input(j, "summaries", at, input_id::summaries_opt_in);
}

bool reader::surfaces(const json& j, const std::string& at) {
    if (!log.object_with(j, at, {"customerServiceHub", "customApps"})) return false;
    const std::pair<const char*, input_id> kinds[] = {{"customerServiceHub", input_id::hub_enabled_features},
                                                      {"customApps", input_id::custom_app_enabled_features}};
    for (const auto& [key, id] : kinds) {
        const json* s = given(j, key);
        if (!s) continue;
        const std::string here = pointer_to(at, key);
        if (!log.object_with(*s, here, {"enabledFeatures"}) || !set_input(*s, "enabledFeatures", here, id)) return false;
    }
    return true;
}

bool reader::profiles(const json& j, const std::string& at) {
    return array_of(j, at, max_profiles, [&](const json& p, const std::string& here) {
        if (!log.object_with(p, here, {"id", "outOfTheBox", "copilotToggle", "features"})) return false;
        profile out;
        const json* id = given(p, "id");
        if (!id) return log.fail(pointer_to(here, "id"), "is required");
        if (!log.name(*id, pointer_to(here, "id"), out.id)) return false;
        if (const json* v = given(p, "outOfTheBox"); v && !log.boolean(*v, pointer_to(here, "outOfTheBox"), out.out_of_the_box))
            return false;
        if (const json* v = given(p, "copilotToggle")) {
            bool on = false;
            if (!log.boolean(*v, pointer_to(here, "copilotToggle"), on)) return false;
            out.copilot_toggle = on;
        }
        if (const json* v = given(p, "features")) {
            out.features.emplace();
            if (!feature_ids(*v, pointer_to(here, "features"), *out.features)) return false;
        }
        if (!profile_index_.emplace(out.id, out_.profiles.size()).second)
            return log.fail(pointer_to(here, "id"), "duplicates profile '" + out.id + "'");
        out_.profiles.push_back(std::move(out));
        return true;
    });
}

bool reader::roles(const json& j, const std::string& at) {
    const bool ok = array_of(j, at, max_roles, [&](const json& r, const std::string& here) {
        if (!log.object_with(r, here, {"name", "privileges"})) return false;
        role out;
        const json* name = given(r, "name");
        if (!name) return log.fail(pointer_to(here, "name"), "is required");
        if (!log.name(*name, pointer_to(here, "name"), out.name)) return false;
        for (const auto& seen : out_.roles)
            if (seen.name == out.name) return log.fail(pointer_to(here, "name"), "duplicates role '" + out.name + "'");
        if (const json* v = given(r, "privileges")) {
            out.privileges.emplace();
            if (!log.names(*v, pointer_to(here, "privileges"), *out.privileges, max_privileges_per_role)) return false;
            out.privileges = sorted_unique(std::move(*out.privileges));
        }
        out_.roles.push_back(std::move(out));
        return true;
    });
    std::sort(out_.roles.begin(), out_.roles.end(), [](const role& a, const role& b) { return a.name < b.name; });
    return ok;
}

bool reader::representatives(const json& j, const std::string& at) {
    std::unordered_set<std::string> ids;
    if (j.is_array()) out_.representatives.reserve(std::min(j.size(), max_representatives));
    return array_of(j, at, max_representatives, [&](const json& r, const std::string& here) {
        representative rep;
        if (!representative_at(r, here, rep)) return false;
        if (!ids.insert(rep.id).second) return log.fail(pointer_to(here, "id"), "duplicates representative '" + rep.id + "'");
        out_.representatives.push_back(std::move(rep));
        return true;
    });
}

bool reader::representative_at(const json& r, const std::string& here, representative& rep) {
    if (!log.object_with(r, here, {"id", "surface", "licenses", "roles", "experienceProfile"})) return false;
    const json* id = given(r, "id");
    if (!id) return log.fail(pointer_to(here, "id"), "is required");
    if (!log.name(*id, pointer_to(here, "id"), rep.id)) return false;
    if (const json* v = given(r, "surface")) {
        rep.surface.emplace();
        const std::string at = pointer_to(here, "surface");
        if (!log.name(*v, at, *rep.surface) || !log.one_of(*rep.surface, fixed_domain(value_domain::surface), at))
            return false;
    }
    for (auto [key, field] : {std::pair{"licenses", &rep.licenses}, std::pair{"roles", &rep.roles}}) {
        const json* v = given(r, key);
        if (!v) continue;
        field->emplace();
        if (!log.names(*v, pointer_to(here, key), **field)) return false;
        **field = sorted_unique(std::move(**field));
    }
    if (const json* v = given(r, "experienceProfile")) {
        std::string name;
        const std::string at = pointer_to(here, "experienceProfile");
        if (!log.name(*v, at, name)) return false;
        auto it = profile_index_.find(name);
        if (it == profile_index_.end()) return log.fail(at, "names no profile listed in /experienceProfiles");
        rep.profile = it->second;
    }
    return true;
}

}  // namespace

result<environment> read_environment(const json& j, const ruleset::compiled& rules) {
    environment out;
    reader r(rules, out);
    if (!r.document(j)) return r.log.problem();
    return out;
}

}  // namespace handoffkit::eligibility::detail
