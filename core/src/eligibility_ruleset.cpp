// Ruleset JSON -> ruleset::compiled, refusing anything outside the closed rule language with
// RULESET_INVALID and the JSON Pointer of the offending part.
#include <algorithm>
#include <set>

#include "eligibility_model.hpp"
#include "json_fields.hpp"
#include "text_checks.hpp"

namespace handoffkit::eligibility {
namespace detail {

using handoffkit::json;

// ---- inputs ---------------------------------------------------------------------------------

const std::array<input_spec, input_count>& input_specs() {
    using k = input_kind;
    using s = input_scope;
    using d = value_domain;
    // Indexed by input_id.
    static const std::array<input_spec, input_count> specs{{
        {"geography", k::enumeration, s::organization, d::geographies},
        {"dataMovementEnabled", k::boolean, s::organization, d::any},
        {"capacityScenario", k::enumeration, s::organization, d::capacity},
        {"questionsAndEmailsOptIn", k::enumeration, s::organization, d::opt_in},
        {"summariesOptIn", k::enumeration, s::organization, d::opt_in},
        {"hubEnabledFeatures", k::set, s::organization, d::features},
        {"customAppEnabledFeatures", k::set, s::organization, d::features},
        {"administratorRoles", k::set, s::administrator, d::any},
        {"surface", k::enumeration, s::representative, d::surface},
        {"licenses", k::set, s::representative, d::licenses},
        {"roleNames", k::set, s::representative, d::any},
        {"privileges", k::set, s::representative, d::any},
        {"profileOutOfTheBox", k::boolean, s::representative, d::any},
        {"profileCopilotToggle", k::boolean, s::representative, d::any},
        {"profileFeatures", k::set, s::representative, d::features},
    }};
    return specs;
}

const input_spec& spec_of(input_id id) { return input_specs()[static_cast<std::size_t>(id)]; }

std::optional<input_id> input_named(std::string_view name) {
    const auto& specs = input_specs();
    for (std::size_t i = 0; i < specs.size(); ++i)
        if (specs[i].name == name) return static_cast<input_id>(i);
    return std::nullopt;
}

const std::vector<std::string>& fixed_domain(value_domain domain) {
    static const std::vector<std::string> capacity{"fallbackToExternal", "outsideTenantRegion", "sameRegion"};
    static const std::vector<std::string> opt_in{"notOptedIn", "optedIn", "optedOut"};
    static const std::vector<std::string> surface{"copilotServiceWorkspace", "customApp", "customerServiceHub"};
    static const std::vector<std::string> none;
    switch (domain) {
        case value_domain::capacity: return capacity;
        case value_domain::opt_in: return opt_in;
        case value_domain::surface: return surface;
        default: return none;
    }
}

fix_target fix_target_of(input_id id) {
    switch (id) {
        case input_id::data_movement_enabled:
        case input_id::questions_and_emails_opt_in:
        case input_id::summaries_opt_in:
        case input_id::hub_enabled_features:
        case input_id::custom_app_enabled_features: return fix_target::organization;
        case input_id::administrator_roles: return fix_target::administrator;
        case input_id::licenses:
        case input_id::role_names: return fix_target::representative;
        case input_id::privileges: return fix_target::role;
        case input_id::profile_copilot_toggle:
        case input_id::profile_features: return fix_target::profile;
        default: return fix_target::none;  // geography, capacity, surface, out-of-the-box: facts, not settings
    }
}

std::string_view effect_name(effect e) {
    switch (e) {
        case effect::block: return "block";
        case effect::warn: return "warn";
        case effect::not_applicable: return "notApplicable";
        case effect::stage: return "stage";
    }
    return "block";
}

// ---- pointers and problems ------------------------------------------------------------------

std::string pointer_to(const std::string& parent, std::string_view key) {
    std::string out = parent + "/";
    for (char c : key) {
        if (c == '~') out += "~0";
        else if (c == '/') out += "~1";
        else out += c;
    }
    return out;
}

std::string pointer_to(const std::string& parent, std::size_t index) {
    return parent + "/" + std::to_string(index);
}

bool problem_log::fail(const std::string& at, const std::string& why) {
    if (!problem_) problem_ = error{code_, (at.empty() ? std::string("(document)") : at) + ": " + why, at};
    return false;
}

bool problem_log::object_with(const json& j, const std::string& at, std::initializer_list<std::string_view> allowed) {
    if (!j.is_object()) return fail(at, "must be an object");
    for (const auto& item : j.items())
        if (std::find(allowed.begin(), allowed.end(), item.key()) == allowed.end())
            return fail(pointer_to(at, item.key()), "unknown field");
    return true;
}

bool problem_log::fail_suggesting(const std::string& at, const std::string& why, const std::string& value,
                               const std::vector<std::string>& candidates) {
    const std::string* meant = suggestion(value, candidates);
    return fail(at, why + (meant ? "; did you mean '" + *meant + "'?" : std::string()));
}

bool problem_log::name(const json& j, const std::string& at, std::string& out, std::size_t max) {
    if (!j.is_string()) return fail(at, "must be a string");
    const auto& s = j.get_ref<const std::string&>();
    if (s.empty()) return fail(at, "must not be empty");
    if (s.size() > max) return fail(at, "is longer than " + std::to_string(max) + " bytes");
    // Names are identifiers shown in reports and pages; a NUL or line break in one is a mistake or an attack.
    if (handoffkit::detail::has_control_char(s, /*allow_line_breaks=*/false))
        return fail(at, "contains a control character");
    out = s;
    return true;
}

bool problem_log::names(const json& j, const std::string& at, std::vector<std::string>& out, std::size_t max_items) {
    if (!j.is_array()) return fail(at, "must be an array of strings");
    if (j.size() > max_items) return fail(at, "has more than " + std::to_string(max_items) + " items");
    out.clear();
    out.reserve(j.size());
    for (std::size_t i = 0; i < j.size(); ++i) {
        std::string s;
        if (!name(j[i], pointer_to(at, i), s)) return false;
        out.push_back(std::move(s));
    }
    return true;
}

bool problem_log::boolean(const json& j, const std::string& at, bool& out) {
    if (!j.is_boolean()) return fail(at, "must be true or false");
    out = j.get<bool>();
    return true;
}

bool problem_log::one_of(const std::string& value, const std::vector<std::string>& domain, const std::string& at) {
    if (std::binary_search(domain.begin(), domain.end(), value)) return true;
    std::string allowed;
    for (const auto& d : domain) allowed += (allowed.empty() ? "" : ", ") + d;
    const std::string* meant = suggestion(value, domain);
    return fail(at, "'" + value + "' is not one of " + allowed +
                        (meant ? " (did you mean '" + *meant + "'?)" : std::string()));
}

namespace {

constexpr std::string_view schema_id = "handoffkit.eligibility.ruleset/1";
constexpr std::size_t max_text_length = 4096;    // sources and remediations
constexpr std::size_t max_condition_nodes = 8192;  // over the whole ruleset
constexpr std::size_t max_features = 64;
constexpr std::size_t max_licenses = 256;
constexpr std::size_t max_defaults = 64;
constexpr std::size_t max_fixes = 8;  // alternatives per rule

bool is_rule_id(const std::string& s) {
    return s.size() <= 64 && std::all_of(s.begin(), s.end(), [](char c) {
               return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
           });
}

bool is_code(const std::string& s) {
    return s.size() <= 64 && s.front() >= 'A' && s.front() <= 'Z' && std::all_of(s.begin(), s.end(), [](char c) {
               return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
           });
}

bool is_feature_id(const std::string& s) {
    return s.size() <= 64 && std::all_of(s.begin(), s.end(), [](char c) {
               return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
           });
}

std::vector<std::string> sorted_unique(std::vector<std::string> v) {
    std::sort(v.begin(), v.end());
    v.erase(std::unique(v.begin(), v.end()), v.end());
    return v;
}

/// Compiles and checks the parts of a ruleset; stops at the first problem.
class compiler {
public:
    explicit compiler(ruleset::compiled& out) : out_(out) {}
    problem_log log{eligibility_code::ruleset_invalid};

    bool document(const json& j);

private:
    bool features(const json& j, const std::string& at);
    bool licenses(const json& j, const std::string& at);
    bool spellings(const json& entry, const std::string& at, const std::string& id, const std::string& name,
                   std::map<std::string, std::string, std::less<>>& index, std::vector<std::string>& all);
    bool out_of_the_box(const json& j, const std::string& at);
    bool rule_at(const json& j, const std::string& at, std::set<std::string>& ids);
    bool fixes(const json& j, const std::string& at, rule& r);
    bool fix_at(const json& j, const std::string& at, const rule& r, fix_spec& out);
    bool defaults(const json& j, const std::string& at);
    bool feature_list(const json& j, const std::string& at, std::vector<std::size_t>& out);
    bool condition_at(const json& j, const std::string& at, input_scope scope, std::size_t depth, condition& out);
    bool operand(const json& body, const std::string& at, op kind, input_scope scope, condition& out);
    const input_spec* readable_input(const json& body, const std::string& at, input_scope scope, input_id& id);
    bool domain_value(std::string& value, const input_spec& spec, input_scope scope, const std::string& at);
    bool set_value(const json& v, const input_spec& spec, const std::string& at, bool& flag, std::string& text);
    bool text(const json& j, const char* key, const std::string& at, std::string& out, bool required);
    void know_value(input_id input, const std::string& value);
    const json* member(const json& j, const char* key) const {
        auto it = j.find(key);
        return it == j.end() ? nullptr : &*it;
    }

    ruleset::compiled& out_;
    std::size_t nodes_ = 0;
};

bool compiler::text(const json& j, const char* key, const std::string& at, std::string& out, bool required) {
    auto it = j.find(key);
    if (it == j.end()) return required ? log.fail(pointer_to(at, key), "is required") : true;
    return log.name(*it, pointer_to(at, key), out, max_text_length);
}

bool compiler::document(const json& j) {
    if (!log.object_with(j, "", {"$comment", "schema", "name", "version", "document", "geographies", "features",
                                 "licenses", "outOfTheBoxProfile", "rules", "defaults"}))
        return false;
    if (!text(j, "schema", "", out_.schema, true)) return false;
    if (out_.schema != schema_id) return log.fail("/schema", "must be \"" + std::string(schema_id) + "\"");
    if (!text(j, "version", "", out_.version, true) || !text(j, "name", "", out_.name, false)) return false;
    std::string document;
    if (!text(j, "document", "", document, false)) return false;
    const json* geographies = member(j, "geographies");
    if (!geographies) return log.fail("/geographies", "is required");
    if (!log.names(*geographies, "/geographies", out_.geographies)) return false;
    out_.geographies = sorted_unique(out_.geographies);
    const json* features_j = member(j, "features");
    if (!features_j) return log.fail("/features", "is required");
    if (!features(*features_j, "/features")) return false;
    if (const json* l = member(j, "licenses"); l && !licenses(*l, "/licenses")) return false;
    if (const json* p = member(j, "outOfTheBoxProfile"); p && !out_of_the_box(*p, "/outOfTheBoxProfile")) return false;
    const json* rules = member(j, "rules");
    if (!rules) return log.fail("/rules", "is required");
    if (!rules->is_array()) return log.fail("/rules", "must be an array");
    if (rules->size() > max_rules) return log.fail("/rules", "has more than " + std::to_string(max_rules) + " rules");
    out_.rules_by_feature.assign(out_.features.size(), {});
    std::set<std::string> ids;
    for (std::size_t i = 0; i < rules->size(); ++i)
        if (!rule_at((*rules)[i], pointer_to("/rules", i), ids)) return false;
    if (const json* d = member(j, "defaults"); d && !defaults(*d, "/defaults")) return false;
    return true;
}

/// Indexes an entry's id, name and alsoCalled (case-insensitively) under `id`; one spelling may
/// not name two entries.
bool compiler::spellings(const json& entry, const std::string& at, const std::string& id, const std::string& name,
                         std::map<std::string, std::string, std::less<>>& index, std::vector<std::string>& all) {
    std::vector<std::string> names{id, name};
    std::vector<std::string> also;
    if (const json* a = member(entry, "alsoCalled"); a && !log.names(*a, pointer_to(at, "alsoCalled"), also)) return false;
    names.insert(names.end(), also.begin(), also.end());
    for (std::size_t i = 0; i < names.size(); ++i) {
        auto [it, fresh] = index.emplace(lower_ascii(names[i]), id);
        if (!fresh && it->second != id)
            return log.fail(i < 2 ? pointer_to(at, i == 0 ? "id" : "name") : pointer_to(pointer_to(at, "alsoCalled"), i - 2),
                            "'" + names[i] + "' already names '" + it->second + "'");
        if (fresh) all.push_back(names[i]);
    }
    return true;
}

bool compiler::features(const json& j, const std::string& at) {
    if (!j.is_array() || j.empty()) return log.fail(at, "must be a non-empty array");
    if (j.size() > max_features) return log.fail(at, "has more than " + std::to_string(max_features) + " features");
    for (std::size_t i = 0; i < j.size(); ++i) {
        const std::string here = pointer_to(at, i);
        if (!log.object_with(j[i], here, {"$comment", "id", "name", "alsoCalled", "source"})) return false;
        feature f;
        std::string source;
        if (!text(j[i], "id", here, f.id, true) || !text(j[i], "name", here, f.name, true) ||
            !text(j[i], "source", here, source, true))
            return false;
        if (!is_feature_id(f.id)) return log.fail(pointer_to(here, "id"), "must be letters and digits only");
        for (const auto& seen : out_.features)
            if (seen.id == f.id) return log.fail(pointer_to(here, "id"), "duplicates feature '" + f.id + "'");
        if (!spellings(j[i], here, f.id, f.name, out_.names.features, out_.names.feature_spellings)) return false;
        out_.features.push_back(std::move(f));
        out_.feature_ids.push_back(out_.features.back().id);
    }
    out_.feature_ids = sorted_unique(out_.feature_ids);
    return true;
}

bool compiler::licenses(const json& j, const std::string& at) {
    if (!j.is_array()) return log.fail(at, "must be an array");
    if (j.size() > max_licenses) return log.fail(at, "has more than " + std::to_string(max_licenses) + " licenses");
    for (std::size_t i = 0; i < j.size(); ++i) {
        const std::string here = pointer_to(at, i);
        if (!log.object_with(j[i], here, {"$comment", "id", "name", "alsoCalled", "source"})) return false;
        license l;
        std::string source;
        if (!text(j[i], "id", here, l.id, true) || !text(j[i], "name", here, l.name, true) ||
            !text(j[i], "source", here, source, true))
            return false;
        if (!is_feature_id(l.id)) return log.fail(pointer_to(here, "id"), "must be letters and digits only");
        for (const auto& seen : out_.licenses)
            if (seen.id == l.id) return log.fail(pointer_to(here, "id"), "duplicates license '" + l.id + "'");
        if (!spellings(j[i], here, l.id, l.name, out_.names.licenses, out_.names.license_spellings)) return false;
        out_.licenses.push_back(std::move(l));
        out_.license_ids.push_back(out_.licenses.back().id);
    }
    out_.license_ids = sorted_unique(out_.license_ids);
    return true;
}

bool compiler::out_of_the_box(const json& j, const std::string& at) {
    if (!log.object_with(j, at, {"$comment", "features", "copilotToggle", "source"})) return false;
    if (!text(j, "source", at, out_.out_of_the_box_source, true)) return false;
    if (const json* f = member(j, "features")) {
        std::vector<std::string> ids;
        if (!log.names(*f, pointer_to(at, "features"), ids)) return false;
        for (std::size_t i = 0; i < ids.size(); ++i)
            if (!log.one_of(ids[i], out_.feature_ids, pointer_to(pointer_to(at, "features"), i))) return false;
        out_.out_of_the_box_features = sorted_unique(std::move(ids));
    }
    if (const json* t = member(j, "copilotToggle")) {
        bool on = false;
        if (!log.boolean(*t, pointer_to(at, "copilotToggle"), on)) return false;
        out_.out_of_the_box_toggle = on;
    }
    return true;
}

bool compiler::feature_list(const json& j, const std::string& at, std::vector<std::size_t>& out) {
    std::vector<std::string> ids;
    if (!log.names(j, at, ids)) return false;
    if (ids.empty()) return log.fail(at, "must name at least one feature");
    for (std::size_t i = 0; i < ids.size(); ++i) {
        if (!log.one_of(ids[i], out_.feature_ids, pointer_to(at, i))) return false;
        for (std::size_t f = 0; f < out_.features.size(); ++f) {
            if (out_.features[f].id != ids[i]) continue;
            if (std::find(out.begin(), out.end(), f) != out.end())
                return log.fail(pointer_to(at, i), "names '" + ids[i] + "' twice");
            out.push_back(f);
        }
    }
    return true;
}

bool compiler::rule_at(const json& j, const std::string& at, std::set<std::string>& ids) {
    if (!log.object_with(j, at, {"$comment", "id", "scope", "effect", "features", "when", "require", "stage", "code",
                                 "remediation", "fix", "source"}))
        return false;
    rule r;
    if (!text(j, "id", at, r.id, true)) return false;
    if (!is_rule_id(r.id)) return log.fail(pointer_to(at, "id"), "must be lower-case letters, digits and '-'");
    if (!ids.insert(r.id).second) return log.fail(pointer_to(at, "id"), "duplicates rule '" + r.id + "'");

    std::string scope = "representative", kind;
    if (!text(j, "scope", at, scope, false) || !text(j, "effect", at, kind, true)) return false;
    if (scope != "representative" && scope != "administrator")
        return log.fail(pointer_to(at, "scope"), "must be representative or administrator");
    r.administrator = scope == "administrator";
    const input_scope reads = r.administrator ? input_scope::administrator : input_scope::representative;
    if (kind == "block") r.kind = effect::block;
    else if (kind == "warn") r.kind = effect::warn;
    else if (kind == "notApplicable") r.kind = effect::not_applicable;
    else if (kind == "stage") r.kind = effect::stage;
    else return log.fail(pointer_to(at, "effect"), "must be block, warn, notApplicable or stage");
    if (r.administrator && (r.kind == effect::stage || r.kind == effect::not_applicable))
        return log.fail(pointer_to(at, "effect"), "an administrator rule must block or warn");

    if (r.administrator && j.contains("features"))
        return log.fail(pointer_to(at, "features"), "an administrator rule applies to no feature");
    if (!r.administrator) {
        const json* f = member(j, "features");
        if (!f) return log.fail(pointer_to(at, "features"), "is required");
        if (!feature_list(*f, pointer_to(at, "features"), r.features)) return false;
    }

    const bool staged = r.kind == effect::stage;
    if (!staged && j.contains("stage")) return log.fail(pointer_to(at, "stage"), "is only for stage rules");
    for (const char* key : {"require", "code", "remediation"})
        if (staged && j.contains(key)) return log.fail(pointer_to(at, key), "is not allowed in a stage rule");
    if (staged) {
        if (!text(j, "stage", at, r.stage, true)) return false;
        if (r.stage != "ga" && r.stage != "preview") return log.fail(pointer_to(at, "stage"), "must be ga or preview");
    } else {
        if (!text(j, "code", at, r.code, true) || !text(j, "remediation", at, r.remediation, true)) return false;
        if (!is_code(r.code)) return log.fail(pointer_to(at, "code"), "must be UPPER_SNAKE_CASE");
        const json* require = member(j, "require");
        if (!require) return log.fail(pointer_to(at, "require"), "is required");
        r.require.emplace();
        if (!condition_at(*require, pointer_to(at, "require"), reads, 1, *r.require)) return false;
    }
    if (const json* when = member(j, "when")) {
        r.when.emplace();
        if (!condition_at(*when, pointer_to(at, "when"), reads, 1, *r.when)) return false;
    }
    if (const json* f = member(j, "fix")) {
        if (r.kind != effect::block) return log.fail(pointer_to(at, "fix"), "is only for block rules");
        if (!fixes(*f, pointer_to(at, "fix"), r)) return false;
    }
    if (!text(j, "source", at, r.source, true)) return false;

    const std::size_t index = out_.rules.size();
    if (r.administrator) out_.administrator_rules.push_back(index);
    for (std::size_t f : r.features) out_.rules_by_feature[f].push_back(index);
    out_.rules.push_back(std::move(r));
    return true;
}

bool compiler::fixes(const json& j, const std::string& at, rule& r) {
    if (!j.is_array() || j.empty()) return log.fail(at, "must be a non-empty array of fixes");
    if (j.size() > max_fixes) return log.fail(at, "has more than " + std::to_string(max_fixes) + " alternatives");
    r.fixes.resize(j.size());
    for (std::size_t i = 0; i < j.size(); ++i)
        if (!fix_at(j[i], pointer_to(at, i), r, r.fixes[i])) return false;
    return true;
}

bool compiler::fix_at(const json& j, const std::string& at, const rule& r, fix_spec& out) {
    const bool adds = j.is_object() && j.contains("add");
    if (!log.object_with(j, at, {"input", adds ? "add" : "value"})) return false;
    const input_scope reads = r.administrator ? input_scope::administrator : input_scope::representative;
    const input_spec* spec = readable_input(j, at, reads, out.input);
    if (!spec) return false;
    if (fix_target_of(out.input) == fix_target::none)
        return log.fail(pointer_to(at, "input"), "'" + std::string(spec->name) + "' is a fact, not a setting: it has no fix");
    out.adds = adds;
    if (adds != (spec->kind == input_kind::set))
        return log.fail(pointer_to(at, adds ? "add" : "value"),
                        adds ? "only set inputs take values added" : "a set input takes `add`, not `value`");
    if (!adds) {
        if (!j.contains("value")) return log.fail(pointer_to(at, "value"), "is required");
        return set_value(j["value"], *spec, pointer_to(at, "value"), out.flag, out.value);
    }
    const std::string values_at = pointer_to(at, "add");
    if (!log.names(j["add"], values_at, out.values)) return false;
    if (out.values.empty()) return log.fail(values_at, "must not be empty");
    for (std::size_t i = 0; i < out.values.size(); ++i) {
        if (out.values[i] == missing_placeholder) continue;
        if (!domain_value(out.values[i], *spec, reads, pointer_to(values_at, i))) return false;
        know_value(out.input, out.values[i]);
    }
    return true;
}

bool compiler::defaults(const json& j, const std::string& at) {
    if (!j.is_array()) return log.fail(at, "must be an array");
    if (j.size() > max_defaults) return log.fail(at, "has more than " + std::to_string(max_defaults) + " defaults");
    std::set<std::string> ids;
    for (std::size_t i = 0; i < j.size(); ++i) {
        const std::string here = pointer_to(at, i);
        if (!log.object_with(j[i], here, {"$comment", "id", "input", "value", "when", "source"})) return false;
        default_value d;
        if (!text(j[i], "id", here, d.id, true)) return false;
        if (!is_rule_id(d.id)) return log.fail(pointer_to(here, "id"), "must be lower-case letters, digits and '-'");
        if (!ids.insert(d.id).second) return log.fail(pointer_to(here, "id"), "duplicates default '" + d.id + "'");
        const input_spec* spec = readable_input(j[i], here, input_scope::organization, d.input);
        if (!spec) return false;
        if (spec->kind == input_kind::set)
            return log.fail(pointer_to(here, "input"), "defaults are for boolean and enumeration inputs");
        if (!j[i].contains("value")) return log.fail(pointer_to(here, "value"), "is required");
        if (!set_value(j[i]["value"], *spec, pointer_to(here, "value"), d.flag, d.text)) return false;
        if (const json* when = member(j[i], "when")) {
            d.when.emplace();
            if (!condition_at(*when, pointer_to(here, "when"), input_scope::organization, 1, *d.when)) return false;
        }
        if (!text(j[i], "source", here, d.source, true)) return false;
        out_.defaults.push_back(std::move(d));
    }
    return true;
}

bool compiler::condition_at(const json& j, const std::string& at, input_scope scope, std::size_t depth,
                            condition& out) {
    if (depth > max_condition_depth)
        return log.fail(at, "nests deeper than " + std::to_string(max_condition_depth) + " levels");
    if (++nodes_ > max_condition_nodes)
        return log.fail(at, "the ruleset has more than " + std::to_string(max_condition_nodes) + " conditions");
    if (!j.is_object() || j.size() != 1)
        return log.fail(at, "must be an object with exactly one of eq, in, containsAny, containsAll, all, any, not");
    const std::string& key = j.begin().key();
    const json& body = j.begin().value();
    const std::string here = pointer_to(at, key);
    if (key == "all" || key == "any") {
        out.kind = key == "all" ? op::all : op::any;
        if (!body.is_array() || body.empty()) return log.fail(here, "must be a non-empty array of conditions");
        if (body.size() > max_list_items) return log.fail(here, "has more than " + std::to_string(max_list_items) + " parts");
        out.parts.resize(body.size());
        for (std::size_t i = 0; i < body.size(); ++i)
            if (!condition_at(body[i], pointer_to(here, i), scope, depth + 1, out.parts[i])) return false;
        return true;
    }
    if (key == "not") {
        out.kind = op::negate;
        out.parts.resize(1);
        return condition_at(body, here, scope, depth + 1, out.parts[0]);
    }
    if (key == "eq") return operand(body, here, op::eq, scope, out);
    if (key == "in") return operand(body, here, op::in, scope, out);
    if (key == "containsAny") return operand(body, here, op::contains_any, scope, out);
    if (key == "containsAll") return operand(body, here, op::contains_all, scope, out);
    return log.fail(here, "is not an operator (eq, in, containsAny, containsAll, all, any, not)");
}

/// The input named by body["input"], if a rule of `scope` may read it.
const input_spec* compiler::readable_input(const json& body, const std::string& at, input_scope scope, input_id& id) {
    std::string name;
    if (!text(body, "input", at, name, true)) return nullptr;
    const auto found = input_named(name);
    if (!found) {
        std::vector<std::string> all;
        for (const auto& s : input_specs()) all.emplace_back(s.name);
        return log.fail_suggesting(pointer_to(at, "input"), "'" + name + "' is not an input", name, all), nullptr;
    }
    const input_spec& spec = spec_of(*found);
    if (spec.scope != input_scope::organization && spec.scope != scope) {
        const char* reader = scope == input_scope::administrator ? "n administrator rule"
                             : scope == input_scope::representative ? " representative rule"
                                                                    : " default";
        return log.fail(pointer_to(at, "input"), "'" + name + "' cannot be read by a" + std::string(reader)), nullptr;
    }
    id = *found;
    return &spec;
}

bool compiler::operand(const json& body, const std::string& at, op kind, input_scope scope, condition& out) {
    out.kind = kind;
    const bool single = kind == op::eq;
    if (!log.object_with(body, at, {"input", single ? "value" : "values"})) return false;
    const input_spec* found = readable_input(body, at, scope, out.input);
    if (!found) return false;
    const input_spec& spec = *found;
    const std::string name(spec.name);

    const bool wants_set = kind == op::contains_any || kind == op::contains_all;
    if (wants_set != (spec.kind == input_kind::set) || (kind == op::in && spec.kind != input_kind::enumeration))
        return log.fail(pointer_to(at, "input"), "'" + name + "' has the wrong kind for this operator");

    if (single) {
        if (!body.contains("value")) return log.fail(pointer_to(at, "value"), "is required");
        std::string text;
        if (!set_value(body["value"], spec, pointer_to(at, "value"), out.flag, text)) return false;
        if (spec.kind != input_kind::boolean) out.values = {std::move(text)};
        return true;
    }
    const std::string values_at = pointer_to(at, "values");
    if (!body.contains("values")) return log.fail(values_at, "is required");
    if (!log.names(body["values"], values_at, out.values)) return false;
    if (out.values.empty()) return log.fail(values_at, "must not be empty");
    for (std::size_t i = 0; i < out.values.size(); ++i) {
        if (!domain_value(out.values[i], spec, scope, pointer_to(values_at, i))) return false;
        know_value(out.input, out.values[i]);
    }
    return true;
}

/// The value of an `eq`, a default or a fix that sets an input: a boolean, or a name in the domain.
bool compiler::set_value(const json& v, const input_spec& spec, const std::string& at, bool& flag, std::string& text) {
    if (spec.kind == input_kind::boolean) return log.boolean(v, at, flag);
    return log.name(v, at, text) && domain_value(text, spec, input_scope::organization, at);
}

/// Checks a value against the input's domain; privileges are brought to their canonical form.
bool compiler::domain_value(std::string& value, const input_spec& spec, input_scope scope, const std::string& at) {
    if (spec.name == spec_of(input_id::privileges).name) {
        const privilege p = parse_privilege(value, out_.names);
        if (p.form == privilege::kind::malformed)
            return log.fail(at, "'" + value + "' is not a privilege (<table>:<access>, prv<Access><Table> or prv<Name>)");
        value = canonical_privilege(p, out_.names);
        return true;
    }
    if (spec.domain == value_domain::any || (spec.domain == value_domain::licenses && out_.licenses.empty())) return true;
    if (spec.domain == value_domain::features && value == feature_placeholder)
        return scope == input_scope::administrator ? log.fail(at, "$feature has no meaning in an administrator rule") : true;
    return log.one_of(value, out_.domain(spec.domain), at);
}

/// Remembers the names rules use for roles and privileges, so environments can be checked against them.
void compiler::know_value(input_id input, const std::string& value) {
    if (input == input_id::role_names || input == input_id::administrator_roles) {
        if (out_.names.roles.emplace(lower_ascii(value), value).second) out_.names.role_spellings.push_back(value);
        return;
    }
    if (input != input_id::privileges || value == missing_placeholder) return;
    const privilege p = parse_privilege(value, out_.names);
    if (p.form == privilege::kind::table) {
        auto& tables = out_.names.tables;
        if (!std::binary_search(tables.begin(), tables.end(), p.table))
            tables.insert(std::upper_bound(tables.begin(), tables.end(), p.table), p.table);
    } else if (p.form == privilege::kind::miscellaneous) {
        out_.names.miscellaneous.emplace(lower_ascii(value), value);
    }
    for (const std::string& spelling : {value, prv_name(value)})
        if (std::find(out_.names.privilege_spellings.begin(), out_.names.privilege_spellings.end(), spelling) ==
            out_.names.privilege_spellings.end())
            out_.names.privilege_spellings.push_back(spelling);
}

json fix_json(const fix_spec& f) {
    json entry{{"input", spec_of(f.input).name}};
    if (f.adds) entry["add"] = f.values;
    else if (spec_of(f.input).kind == input_kind::boolean) entry["value"] = f.flag;
    else entry["value"] = f.value;
    return entry;
}

// The ruleset-only parts of every report, serialized once per compiled ruleset.
void serialize_fixed_parts(ruleset::compiled& c) {
    json features = json::array();
    for (const auto& f : c.features) features.push_back({{"id", f.id}, {"name", f.name}});
    json licenses = json::array();
    for (const auto& l : c.licenses) licenses.push_back({{"id", l.id}, {"name", l.name}});
    json rules = json::object();
    for (const auto& r : c.rules) {
        json entry{{"effect", effect_name(r.kind)}, {"source", r.source}};
        if (r.kind == effect::stage) entry["stage"] = r.stage;
        else entry.update({{"code", r.code}, {"remediation", r.remediation}});
        if (r.administrator) entry["scope"] = "administrator";
        json ids = json::array();
        for (std::size_t f : r.features) ids.push_back(c.features[f].id);
        if (!r.administrator) entry["features"] = std::move(ids);
        if (!r.fixes.empty()) {
            json fixes = json::array();
            for (const auto& f : r.fixes) fixes.push_back(fix_json(f));
            entry["fix"] = std::move(fixes);
        }
        rules[r.id] = std::move(entry);
    }
    c.features_json = handoffkit::dump_json(features);
    c.licenses_json = handoffkit::dump_json(licenses);
    c.rules_json = handoffkit::dump_json(rules);
    c.rules_document = std::move(rules);
    c.ruleset_json = handoffkit::dump_json(json{{"name", c.name}, {"schema", c.schema}, {"version", c.version}});
}

}  // namespace

result<std::shared_ptr<const ruleset::compiled>> compile_ruleset(std::string_view text) {
    if (text.size() > max_ruleset_bytes)
        return error{eligibility_code::ruleset_invalid, "the ruleset is larger than " + std::to_string(max_ruleset_bytes) + " bytes", ""};
    auto parsed = handoffkit::detail::parse_object(text, "the ruleset");
    if (!parsed) return error{eligibility_code::ruleset_invalid, parsed.err().message, ""};
    auto out = std::make_shared<ruleset::compiled>();
    compiler c(*out);
    if (!c.document(*parsed)) return c.log.problem();
    serialize_fixed_parts(*out);
    return std::shared_ptr<const ruleset::compiled>(std::move(out));
}

}  // namespace detail

const std::vector<std::string>& ruleset::compiled::domain(detail::value_domain d) const {
    if (d == detail::value_domain::geographies) return geographies;
    if (d == detail::value_domain::features) return feature_ids;
    if (d == detail::value_domain::licenses) return license_ids;
    return detail::fixed_domain(d);
}

result<ruleset> ruleset::parse(std::string_view json) {
    auto compiled = detail::compile_ruleset(json);
    if (!compiled) return compiled.err();
    return ruleset(std::move(compiled).value());
}

const ruleset& ruleset::builtin() {
    // The embedded text is checked by the test suite; should it ever fail to compile, evaluation
    // reports RULESET_INVALID instead of crashing (an empty ruleset never matches a valid schema).
    static const ruleset instance = [] {
        auto r = detail::compile_ruleset(default_ruleset_json());
        return ruleset(r ? std::move(r).value() : std::make_shared<const compiled>());
    }();
    return instance;
}

const std::string& ruleset::name() const { return impl_->name; }
const std::string& ruleset::version() const { return impl_->version; }

}  // namespace handoffkit::eligibility
