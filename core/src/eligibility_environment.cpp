// Environment JSON -> detail::environment, refusing anything outside the schema documented in
// eligibility.hpp with ENVIRONMENT_INVALID and the JSON Pointer of the offending part. A null
// value counts as an omitted one (unknown), so generated environments need not drop keys.
// Names are taken as admins write them (display names, any case, prv<Access><Table>) and brought
// to the ruleset's ids; a license, privilege or role the ruleset does not know is kept and
// reported as an input warning with the closest known name.
#include <algorithm>
#include <map>
#include <unordered_map>

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

std::optional<std::string> optional_of(const std::string* s) { return s ? std::optional<std::string>(*s) : std::nullopt; }

/// The index in "/representatives/<index>…", or npos.
std::size_t representative_index(const std::string& field) {
    constexpr std::string_view prefix = "/representatives/";
    if (field.compare(0, prefix.size(), prefix) != 0) return std::string::npos;
    std::size_t index = 0, i = prefix.size();
    if (i == field.size() || field[i] < '0' || field[i] > '9') return std::string::npos;
    for (; i < field.size() && field[i] >= '0' && field[i] <= '9'; ++i) index = index * 10 + static_cast<std::size_t>(field[i] - '0');
    return index;
}

class reader {
public:
    reader(const ruleset::compiled& rules, environment& out) : rules_(rules), out_(out) {}
    problem_log log{eligibility_code::environment_invalid};

    bool document(const json& j);
    /// "CSV row 7: " for a representative read from a CSV, else "".
    std::string row_prefix(const std::string& field) const;

private:
    input_value& org(input_id id) { return out_.organization[static_cast<std::size_t>(id)]; }
    bool enum_value(const json& v, const std::string& at, value_domain domain, std::string& out);
    bool enum_input(const json& j, const char* key, const std::string& at, input_id id);
    bool set_input(const json& j, const char* key, const std::string& at, input_id id);
    bool feature_ids(const json& j, const std::string& at, std::vector<std::string>& out);
    bool opt_in(const json& j, const std::string& at);
    bool surfaces(const json& j, const std::string& at);
    bool profiles(const json& j, const std::string& at);
    bool roles(const json& j, const std::string& at);
    bool privileges(const json& j, const std::string& at, std::vector<std::string>& out);
    bool representatives(const json& j, const std::string& at);
    bool representative_at(const json& j, const std::string& at, representative& rep);
    void licenses(std::vector<std::string>& items, const std::string& at);
    void role_names(std::vector<std::string>& items, const std::string& at);
    /// Records a warning once per code and value (counting repeats); `suggest` gives the closest
    /// known name, and is only asked the first time.
    template <class Suggest>
    void warn(eligibility_code code, const std::string& value, const std::string& field, const std::string& why,
              Suggest&& suggest);
    std::string where(std::size_t representative) const;
    template <class F>
    bool array_of(const json& j, const std::string& at, std::size_t max, F&& each);

    const ruleset::compiled& rules_;
    environment& out_;
    std::map<std::string, std::size_t, std::less<>> profile_index_;
    std::map<std::string, std::string, std::less<>> role_by_lower_;  ///< listed roles, any case -> name
    std::map<std::pair<eligibility_code, std::string>, std::size_t> warning_index_;
    std::size_t prv_named_ = 0, colon_named_ = 0;
    std::string known_licenses_;

public:
    const std::vector<std::size_t>* csv_rows = nullptr;
};

template <class F>
bool reader::array_of(const json& j, const std::string& at, std::size_t max, F&& each) {
    if (!j.is_array()) return log.fail(at, "must be an array");
    if (j.size() > max) return log.fail(at, "has more than " + std::to_string(max) + " entries");
    for (std::size_t i = 0; i < j.size(); ++i)
        if (!each(j[i], pointer_to(at, i))) return false;
    return true;
}

std::string reader::row_prefix(const std::string& field) const {
    const std::size_t i = representative_index(field);
    if (!csv_rows || i >= csv_rows->size()) return "";
    return "CSV row " + std::to_string((*csv_rows)[i]) + ": ";
}

/// How a representative is named in a message: its CSV row, or its position.
std::string reader::where(std::size_t representative) const {
    if (csv_rows && representative < csv_rows->size()) return "row " + std::to_string((*csv_rows)[representative]);
    return "/representatives/" + std::to_string(representative);
}

template <class Suggest>
void reader::warn(eligibility_code code, const std::string& value, const std::string& field, const std::string& why,
                  Suggest&& suggest) {
    auto [it, fresh] = warning_index_.emplace(std::pair{code, value}, out_.warnings.size());
    if (!fresh) {
        ++out_.warnings[it->second].count;
        return;
    }
    input_warning w;
    w.code = code;
    w.value = value;
    w.field = field;
    w.message = row_prefix(field) + field + ": '" + value + "' " + why;
    const std::optional<std::string> meant = suggest();
    if (meant && !meant->empty()) {
        w.did_you_mean = *meant;
        w.message += "; did you mean '" + *meant + "'?";
    }
    out_.warnings.push_back(std::move(w));
}

/// An enumeration value, also as admins write it ("United States" for unitedStates).
bool reader::enum_value(const json& v, const std::string& at, value_domain domain, std::string& out) {
    if (!log.name(v, at, out)) return false;
    const auto& allowed = rules_.domain(domain);
    if (std::binary_search(allowed.begin(), allowed.end(), out)) return true;
    const std::string key = loose_key(out);
    for (const auto& a : allowed)
        if (loose_key(a) == key) {
            out = a;
            return true;
        }
    return log.one_of(out, allowed, at);
}

bool reader::enum_input(const json& j, const char* key, const std::string& at, input_id id) {
    const json* v = given(j, key);
    if (!v) return true;
    input_value& value = org(id);
    if (!enum_value(*v, pointer_to(at, key), spec_of(id).domain, value.text)) return false;
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

/// Feature ids, or the names the admin center and the source use ("Case summary"), in any case.
bool reader::feature_ids(const json& j, const std::string& at, std::vector<std::string>& out) {
    if (!log.names(j, at, out)) return false;
    for (std::size_t i = 0; i < out.size(); ++i) {
        if (std::binary_search(rules_.feature_ids.begin(), rules_.feature_ids.end(), out[i])) continue;
        auto it = rules_.names.features.find(lower_ascii(out[i]));
        if (it != rules_.names.features.end()) {
            out[i] = it->second;
            continue;
        }
        std::string allowed;
        for (const auto& f : rules_.features) allowed += (allowed.empty() ? "" : ", ") + f.id + " (" + f.name + ")";
        return log.fail_suggesting(pointer_to(at, i), "'" + out[i] + "' is not a feature: " + allowed, out[i],
                                rules_.names.feature_spellings);
    }
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
    out_.prv_privileges = prv_named_ > 0 && colon_named_ == 0;
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
        // Dataverse role names do not differ by case alone; neither do they here.
        auto [it, fresh] = role_by_lower_.emplace(lower_ascii(out.name), out.name);
        if (!fresh) return log.fail(pointer_to(here, "name"), "duplicates role '" + it->second + "'");
        if (const json* v = given(r, "privileges")) {
            out.privileges.emplace();
            if (!privileges(*v, pointer_to(here, "privileges"), *out.privileges)) return false;
        }
        out_.roles.push_back(std::move(out));
        return true;
    });
    std::sort(out_.roles.begin(), out_.roles.end(), [](const role& a, const role& b) { return a.name < b.name; });
    return ok;
}

/// A role's privileges in the form rules compare; likely misspellings are kept and warned about.
bool reader::privileges(const json& j, const std::string& at, std::vector<std::string>& out) {
    if (!log.names(j, at, out, max_privileges_per_role)) return false;
    for (std::size_t i = 0; i < out.size(); ++i) {
        const privilege p = parse_privilege(out[i], rules_.names);
        if (p.form == privilege::kind::table) ++(p.prv ? prv_named_ : colon_named_);
        if (auto suggestion = privilege_suggestion(p, rules_.names)) {
            const char* why = p.form == privilege::kind::malformed
                                  ? "is not a privilege name (prv<Access><Table>, <table>:<access> or prv<Name>)"
                                  : "is not a privilege the ruleset knows";
            warn(eligibility_code::unknown_privilege, out[i], pointer_to(at, i), why, [&] { return suggestion; });
        }
        out[i] = canonical_privilege(p, rules_.names);
    }
    out = sorted_unique(std::move(out));
    return true;
}

bool reader::representatives(const json& j, const std::string& at) {
    std::unordered_map<std::string, std::size_t> ids;
    if (j.is_array()) out_.representatives.reserve(std::min(j.size(), max_representatives));
    return array_of(j, at, max_representatives, [&](const json& r, const std::string& here) {
        representative rep;
        if (!representative_at(r, here, rep)) return false;
        auto [it, fresh] = ids.emplace(rep.id, out_.representatives.size());
        if (!fresh)
            return log.fail(pointer_to(here, "id"),
                            "duplicates representative '" + rep.id + "' of " + where(it->second));
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
        if (!enum_value(*v, pointer_to(here, "surface"), value_domain::surface, *rep.surface)) return false;
    }
    for (auto [key, field] : {std::pair{"licenses", &rep.licenses}, std::pair{"roles", &rep.roles}}) {
        const json* v = given(r, key);
        if (!v) continue;
        field->emplace();
        const std::string at = pointer_to(here, key);
        if (!log.names(*v, at, **field)) return false;
        if (field == &rep.licenses) licenses(**field, at);
        else role_names(**field, at);
        **field = sorted_unique(std::move(**field));
    }
    if (const json* v = given(r, "experienceProfile")) {
        std::string name;
        const std::string at = pointer_to(here, "experienceProfile");
        if (!log.name(*v, at, name)) return false;
        auto it = profile_index_.find(name);
        if (it == profile_index_.end()) {
            std::vector<std::string> listed;
            for (const auto& p : out_.profiles) listed.push_back(p.id);
            return log.fail_suggesting(at, "names no profile listed in /experienceProfiles", name, listed);
        }
        rep.profile = it->second;
    }
    return true;
}

/// License ids, or the license names the source and the admin center use, in any case.
void reader::licenses(std::vector<std::string>& items, const std::string& at) {
    if (rules_.licenses.empty()) return;  // a ruleset without a license catalog takes any name
    for (std::size_t i = 0; i < items.size(); ++i) {
        if (std::binary_search(rules_.license_ids.begin(), rules_.license_ids.end(), items[i])) continue;
        auto it = rules_.names.licenses.find(lower_ascii(items[i]));
        if (it != rules_.names.licenses.end()) {
            items[i] = it->second;
            continue;
        }
        if (known_licenses_.empty())
            for (const auto& l : rules_.licenses) known_licenses_ += (known_licenses_.empty() ? "" : ", ") + l.name;
        warn(eligibility_code::unknown_license, items[i], pointer_to(at, i),
             "is not a license the ruleset knows (" + known_licenses_ + "), so it counts as none",
             [&] { return optional_of(suggestion(items[i], rules_.names.license_spellings)); });
    }
}

/// Role names as listed under /roles or as the ruleset names them, in any case.
void reader::role_names(std::vector<std::string>& items, const std::string& at) {
    for (std::size_t i = 0; i < items.size(); ++i) {
        const std::string low = lower_ascii(items[i]);
        if (auto it = role_by_lower_.find(low); it != role_by_lower_.end()) {
            items[i] = it->second;
            continue;
        }
        if (auto it = rules_.names.roles.find(low); it != rules_.names.roles.end()) {
            items[i] = it->second;
            continue;
        }
        warn(eligibility_code::unknown_role, items[i], pointer_to(at, i),
             "is neither listed under /roles nor a role the ruleset knows (its privileges are unknown)", [&] {
                 std::vector<std::string> known;
                 for (const auto& [lower_name, name] : role_by_lower_) known.push_back(name);
                 known.insert(known.end(), rules_.names.role_spellings.begin(), rules_.names.role_spellings.end());
                 return optional_of(suggestion(items[i], known));
             });
    }
}

}  // namespace

result<environment> read_environment(const json& j, const ruleset::compiled& rules, std::vector<std::size_t> csv_rows) {
    environment out;
    out.csv_rows = std::move(csv_rows);
    reader r(rules, out);
    if (!out.csv_rows.empty()) r.csv_rows = &out.csv_rows;
    if (!r.document(j)) {
        error e = r.log.problem();
        e.message = r.row_prefix(e.field.value_or("")) + e.message;
        return e;
    }
    return out;
}

}  // namespace handoffkit::eligibility::detail
