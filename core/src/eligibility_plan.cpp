// The fix plan: from the cells of a report, the distinct changes that unblock something, what
// each unblocks alone, which must come together, ordered by impact (eligibility.hpp, "The plan").
//
// A fix is one change to the environment (one value set or added at one place). A failed block
// gate is fixed by the first alternative of its rule's `fix` whose place the representative has
// (the gate names the roles or the profile when the fix goes there). A cell needs one value per
// gate and value, each of which some fixes provide (a privilege may go into any of the
// representative's roles): a clause. A fix found in every clause of a cell unblocks it alone; a
// cell no single fix unblocks counts for the set of the first-met fix of each clause, "together".
#include <algorithm>
#include <map>
#include <numeric>
#include <set>

#include "documents.hpp"
#include "eligibility_model.hpp"
#include "json_fields.hpp"

namespace handoffkit::eligibility::detail {
namespace {

using handoffkit::json;

const std::string& text_of(const json& j, const char* key) {
    static const std::string none;
    auto it = j.find(key);
    return it != j.end() && it->is_string() ? it->get_ref<const std::string&>() : none;
}

const json& no_items() {
    static const json empty = json::array();
    return empty;
}

const json* member(const json& j, const char* key) {
    if (!j.is_object()) return nullptr;
    auto it = j.find(key);
    return it == j.end() ? nullptr : &*it;
}

std::string plural(std::size_t n, const char* one, const char* many) {
    return std::to_string(n) + " " + (n == 1 ? one : many);
}

}  // namespace

planner::planner(const json& rules, std::vector<feature> features, std::vector<license> licenses,
                 std::vector<std::string_view> representative_ids)
    : rules_(rules), features_(std::move(features)), licenses_(std::move(licenses)), ids_(std::move(representative_ids)) {}

std::string planner::feature_name(const std::string& id) const {
    for (const auto& f : features_)
        if (f.id == id) return f.name;
    return id;
}

std::string planner::license_name(const std::string& id) const {
    for (const auto& l : licenses_)
        if (l.id == id) return l.name;
    return id;
}

/// The first alternative of the gate's rule whose place the gate names (or that needs none).
const json* planner::chosen_fix(const json& gate) const {
    const json* rule = member(rules_, text_of(gate, "rule").c_str());
    const json* alternatives = rule ? member(*rule, "fix") : nullptr;
    if (!rule || text_of(*rule, "effect") != "block" || !alternatives || !alternatives->is_array()) return nullptr;
    for (const auto& alt : alternatives->items()) {
        const auto input = input_named(text_of(alt.value(), "input"));
        if (!input) continue;
        const fix_target where = fix_target_of(*input);
        if (where == fix_target::role && !member(gate, "roles")) continue;
        if (where == fix_target::profile && !member(gate, "profile")) continue;
        if (where == fix_target::none) continue;
        return &alt.value();
    }
    return nullptr;
}

/// What one failed gate needs, as clauses appended to `out`: one per value to set or add, each
/// the fixes (interned on first sight) any one of which provides it: a privilege may go into any
/// of the representative's roles the gate lists.
void planner::clauses_of(const json& gate, const json& alt, const std::string& feature,
                         std::vector<std::vector<std::size_t>>& out) {
    const auto input = *input_named(text_of(alt, "input"));
    const fix_target where = fix_target_of(input);
    std::vector<std::string> places;
    if (where == fix_target::role) {
        if (const json* roles = member(gate, "roles"); roles && roles->is_array())
            for (const auto& r : roles->items())
                if (r.value().is_string()) places.push_back(r.value().get_ref<const std::string&>());
    } else {
        places.push_back(where == fix_target::profile ? text_of(gate, "profile") : std::string());
    }
    std::vector<std::string> values;
    if (const json* add = member(alt, "add"); add && add->is_array()) {
        for (const auto& v : add->items()) {
            if (!v.value().is_string()) continue;  // a report's rules are read, not trusted
            const std::string& value = v.value().get_ref<const std::string&>();
            if (value == feature_placeholder) values.push_back(feature);
            else if (value == missing_placeholder) {
                if (const json* missing = member(gate, "missing"); missing && missing->is_array())
                    for (const auto& m : missing->items())
                        if (m.value().is_string()) values.push_back(m.value().get_ref<const std::string&>());
            } else values.push_back(value);
        }
    } else if (const json* v = member(alt, "value")) {
        values.push_back(v->dump());  // true, or "optedIn": kept as JSON
    }
    const std::string& rule = text_of(gate, "rule");
    for (const auto& value : values) {
        std::vector<std::size_t> clause;
        for (const auto& place : places) {
            std::string key = std::string(spec_of(input).name) + '\x1f' + place + '\x1f' + value;
            auto [it, fresh] = index_.emplace(std::move(key), fixes_.size());
            if (fresh) fixes_.push_back({input, place, value, member(alt, "add") != nullptr, {}, {}, 0, 0, 0});
            fix& f = fixes_[it->second];
            if (std::find(f.rules.begin(), f.rules.end(), rule) == f.rules.end()) f.rules.push_back(rule);
            clause.push_back(it->second);
        }
        std::sort(clause.begin(), clause.end());
        if (!clause.empty()) out.push_back(std::move(clause));
    }
}

void planner::count(std::size_t i, std::size_t n, bool alone, const std::vector<std::size_t>& representatives) {
    fix& x = fixes_[i];
    (alone ? x.alone : x.with_others) += n;
    if (fix_target_of(x.input) == fix_target::representative && x.batch != batch_) {
        x.batch = batch_;
        x.representatives.insert(x.representatives.end(), representatives.begin(), representatives.end());
    }
}

void planner::add(const json& cells, const std::vector<std::size_t>& representatives) {
    ++batch_;
    const std::size_t n = representatives.size();
    for (const auto& f : features_) {
        const json* cell = member(cells, f.id.c_str());
        if (!cell) continue;
        const std::string& status = text_of(*cell, "status");
        note_undecided(*cell, n);
        if (status != "unavailable") continue;
        unavailable_ += n;
        const json* failed = member(*cell, "failed");
        // First every gate's alternative: a cell with a gate no fix clears is left out entirely.
        std::vector<std::pair<const json*, const json*>> gates;
        bool fixable = failed && failed->is_array();
        for (const auto& g : (failed ? *failed : no_items()).items()) {
            const json* rule = member(rules_, text_of(g.value(), "rule").c_str());
            if (rule && text_of(*rule, "effect") != "block") continue;
            const json* alt = chosen_fix(g.value());
            if (!alt) {
                fixable = false;
                break;
            }
            gates.emplace_back(&g.value(), alt);
        }
        std::vector<std::vector<std::size_t>> clauses;
        for (const auto& [g, alt] : gates) clauses_of(*g, *alt, f.id, clauses);
        if (!fixable || clauses.empty()) {
            without_fix_ += n;
            continue;
        }
        unblockable_ += n;
        // A fix in every clause unblocks the cell alone; else the first-met fix of each clause,
        // together (one way of several when a clause has alternatives).
        std::vector<std::size_t> common = clauses.front();
        for (const auto& c : clauses) {
            std::vector<std::size_t> both;
            std::set_intersection(common.begin(), common.end(), c.begin(), c.end(), std::back_inserter(both));
            common = std::move(both);
        }
        for (std::size_t i : common) count(i, n, true, representatives);
        if (!common.empty()) continue;
        std::vector<std::size_t> needed;
        for (const auto& c : clauses) needed.push_back(c.front());
        std::sort(needed.begin(), needed.end());
        needed.erase(std::unique(needed.begin(), needed.end()), needed.end());
        for (std::size_t i : needed) count(i, n, false, representatives);
        auto [it, fresh] = together_.emplace(needed, std::pair<std::size_t, std::size_t>{0, together_.size()});
        it->second.first += n;
    }
}

void planner::note_undecided(const json& cell, std::size_t n) {
    const std::string& status = text_of(cell, "status");
    const json* stage_inputs = member(cell, "stageMissingInputs");
    const bool stage_open = stage_inputs && (status == "available" || status == "available_with_warnings");
    if (status != "unknown" && !stage_open) return;
    undecided_ += n;
    const auto take = [&](const json* list) {
        if (list && list->is_array())
            for (const auto& i : list->items())
                if (i.value().is_string()) to_decide_.insert(i.value().get_ref<const std::string&>());
    };
    if (stage_open) take(stage_inputs);
    if (const json* unknown = member(cell, "unknown"))
        for (const auto& g : unknown->items()) take(member(g.value(), "missingInputs"));
}

void planner::add_administrator(const json& cell) {
    if (text_of(cell, "status") != "unavailable") return;
    const json* failed = member(cell, "failed");
    for (const auto& g : (failed ? *failed : no_items()).items()) {
        const json* alt = chosen_fix(g.value());
        if (!alt) continue;
        std::vector<std::vector<std::size_t>> clauses;
        clauses_of(g.value(), *alt, "", clauses);
        for (const auto& c : clauses)
            if (std::find(administrator_.begin(), administrator_.end(), c.front()) == administrator_.end())
                administrator_.push_back(c.front());
    }
}

std::string planner::label(const fix& f) const {
    const std::string& v = f.value;
    const std::string n = plural(f.representatives.size(), "representative", "representatives");
    switch (f.input) {
        case input_id::data_movement_enabled:
            return v == "true" ? "Enable data movement across regions in the Power Platform admin center"
                               : "Turn off data movement across regions in the Power Platform admin center";
        case input_id::questions_and_emails_opt_in:
            return "Opt in on the Copilot for questions and emails page of Copilot Service admin center";
        case input_id::summaries_opt_in: return "Opt in on the Summaries page of Copilot Service admin center";
        case input_id::hub_enabled_features: return "Enable " + feature_name(v) + " for Customer Service Hub";
        case input_id::custom_app_enabled_features: return "Enable " + feature_name(v) + " for custom apps";
        case input_id::administrator_roles: return "Have a user with the " + v + " role do the setup";
        case input_id::licenses: return "Assign the " + license_name(v) + " license to " + n;
        case input_id::role_names: return "Assign the " + v + " role to " + n;
        case input_id::privileges: return "Add privilege " + v + " to role '" + f.place + "'";
        case input_id::profile_features: return "Turn on " + feature_name(v) + " in experience profile '" + f.place + "'";
        case input_id::profile_copilot_toggle: return "Turn on the Copilot toggle in experience profile '" + f.place + "'";
        default: return "Set " + std::string(spec_of(f.input).name) + " to " + v;
    }
}

json planner::change(const fix& f) const {
    json c{{"input", spec_of(f.input).name}};
    if (f.adds) c["add"] = f.value;
    else c["value"] = handoffkit::detail::trusted_document(f.value);  // written by clauses_of from a JSON value
    switch (fix_target_of(f.input)) {
        case fix_target::role: c["role"] = f.place; break;
        case fix_target::profile: c["profile"] = f.place; break;
        case fix_target::representative: {
            json ids = json::array();
            for (std::size_t i : f.representatives) ids.push_back(std::string(ids_[i]));
            c["representatives"] = std::move(ids);
            break;
        }
        default: break;
    }
    return c;
}

json planner::entry(const fix& f, const std::string& id) const {
    return {{"change", change(f)}, {"id", id}, {"label", label(f)}, {"rules", f.rules}};
}

/// The fixes worth listing, most cells unblocked alone first, then most cells helped together
/// with other fixes; equal ones keep the order they were first met in (representatives in input
/// order, features and gates in ruleset order).
std::vector<std::size_t> planner::ranked() const {
    std::vector<std::size_t> order;
    for (std::size_t i = 0; i < fixes_.size(); ++i)
        if (fixes_[i].alone + fixes_[i].with_others > 0) order.push_back(i);
    // Fixes are numbered as first met, so the index breaks ties (std::sort: one sort instantiation
    // less in the wasm module than std::stable_sort, which has a size budget).
    std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
        if (fixes_[a].alone != fixes_[b].alone) return fixes_[a].alone > fixes_[b].alone;
        if (fixes_[a].with_others != fixes_[b].with_others) return fixes_[a].with_others > fixes_[b].with_others;
        return a < b;
    });
    return order;
}

/// The sets that must come together: most cells first, then fewer fixes, then first met; each
/// set's fixes in plan order (`rank`), named by their ids.
json planner::together_json(const std::vector<std::string>& id_of, const std::vector<std::size_t>& rank) const {
    std::vector<std::pair<const std::vector<std::size_t>*, std::pair<std::size_t, std::size_t>>> sets;
    for (const auto& [needed, counted] : together_) sets.emplace_back(&needed, counted);
    std::sort(sets.begin(), sets.end(), [](const auto& a, const auto& b) {
        if (a.second.first != b.second.first) return a.second.first > b.second.first;
        if (a.first->size() != b.first->size()) return a.first->size() < b.first->size();
        return a.second.second < b.second.second;
    });
    json together = json::array();
    for (const auto& [needed, counted] : sets) {
        std::vector<std::size_t> members(*needed);
        std::sort(members.begin(), members.end(), [&](std::size_t a, std::size_t b) { return rank[a] < rank[b]; });
        std::vector<std::string> ids;
        for (std::size_t i : members) ids.push_back(id_of[i]);
        together.push_back({{"fixes", ids}, {"unblocks", counted.first}});
    }
    return together;
}

json planner::finish(const json& assumed, const json& warnings, std::string_view outcome, const json& ruleset) {
    for (auto& f : fixes_) {
        std::sort(f.representatives.begin(), f.representatives.end());
        f.representatives.erase(std::unique(f.representatives.begin(), f.representatives.end()), f.representatives.end());
    }
    const std::vector<std::size_t> order = ranked();
    std::vector<std::string> id_of(fixes_.size());
    std::vector<std::size_t> rank(fixes_.size(), 0);
    json fixes = json::array();
    for (std::size_t k = 0; k < order.size(); ++k) {
        const fix& f = fixes_[order[k]];
        id_of[order[k]] = "F" + std::to_string(k + 1);
        rank[order[k]] = k;
        json e = entry(f, id_of[order[k]]);
        e["unblocks"] = f.alone;
        e["unblocksWithOthers"] = f.with_others;
        fixes.push_back(std::move(e));
    }
    json administrator = json::array();
    for (std::size_t k = 0; k < administrator_.size(); ++k)
        administrator.push_back(entry(fixes_[administrator_[k]], "A" + std::to_string(k + 1)));

    return {{"administrator", std::move(administrator)},
            {"assumed", assumed},
            {"cells",
             {{"unavailable", unavailable_}, {"unblockable", unblockable_}, {"unknown", undecided_}, {"withoutFix", without_fix_}}},
            {"fixes", std::move(fixes)},
            {"inputWarnings", warnings},
            {"outcome", outcome},
            {"ruleset", ruleset},
            {"toDecide", to_decide_},
            {"together", together_json(id_of, rank)}};
}

// ---- from a report ----------------------------------------------------------------------------

namespace {

/// Checks the parts of a report the plan reads, naming the first wrong one (REPORT_INVALID).
class report_checker {
public:
    problem_log log{eligibility_code::report_invalid};

    bool document(const json& j) {
        if (!log.object_with(j, "", {"administrator", "assumed", "features", "inputWarnings", "licenses", "outcome", "plan",
                                     "representatives", "rules", "ruleset", "summary"}))
            return false;
        for (const char* key : {"administrator", "features", "outcome", "representatives", "rules", "ruleset"})
            if (!j.contains(key)) return log.fail(pointer_to("", key), "is required");
        if (!j["rules"].is_object()) return log.fail("/rules", "must be an object");
        if (!j["outcome"].is_string()) return log.fail("/outcome", "must be a string");
        if (!j["ruleset"].is_object()) return log.fail("/ruleset", "must be an object");
        if (!named_list(j["features"], "/features")) return false;
        if (j.contains("licenses") && !named_list(j["licenses"], "/licenses")) return false;
        for (const char* key : {"assumed", "inputWarnings"})
            if (j.contains(key) && !j[key].is_array()) return log.fail(pointer_to("", key), "must be an array");
        if (!cell(j["administrator"], "/administrator")) return false;
        const json& reps = j["representatives"];
        if (!reps.is_array()) return log.fail("/representatives", "must be an array");
        for (std::size_t i = 0; i < reps.size(); ++i) {
            const std::string at = pointer_to("/representatives", i);
            if (!reps[i].is_object() || !reps[i].contains("id") || !reps[i]["id"].is_string())
                return log.fail(pointer_to(at, "id"), "must be a string");
            const json* cells = member(reps[i], "features");
            if (!cells || !cells->is_object()) return log.fail(pointer_to(at, "features"), "must be an object");
            for (const auto& c : cells->items())
                if (!cell(c.value(), pointer_to(pointer_to(at, "features"), c.key()))) return false;
        }
        return true;
    }

private:
    bool named_list(const json& j, const std::string& at) {
        if (!j.is_array()) return log.fail(at, "must be an array");
        for (std::size_t i = 0; i < j.size(); ++i) {
            const std::string here = pointer_to(at, i);
            for (const char* key : {"id", "name"})
                if (!j[i].is_object() || !j[i].contains(key) || !j[i][key].is_string())
                    return log.fail(pointer_to(here, key), "must be a string");
        }
        return true;
    }

    bool strings(const json* j, const std::string& at) {
        if (!j) return true;
        if (!j->is_array()) return log.fail(at, "must be an array of strings");
        for (std::size_t i = 0; i < j->size(); ++i)
            if (!(*j)[i].is_string()) return log.fail(pointer_to(at, i), "must be a string");
        return true;
    }

    bool cell(const json& c, const std::string& at) {
        if (!c.is_object() || !c.contains("status") || !c["status"].is_string())
            return log.fail(pointer_to(at, "status"), "must be a string");
        if (!strings(member(c, "stageMissingInputs"), pointer_to(at, "stageMissingInputs"))) return false;
        for (const char* list : {"failed", "unknown"}) {
            const json* gates = member(c, list);
            if (!gates) continue;
            const std::string here = pointer_to(at, list);
            if (!gates->is_array()) return log.fail(here, "must be an array");
            for (std::size_t i = 0; i < gates->size(); ++i) {
                const json& g = (*gates)[i];
                const std::string gate_at = pointer_to(here, i);
                if (!g.is_object() || !g.contains("rule") || !g["rule"].is_string())
                    return log.fail(pointer_to(gate_at, "rule"), "must be a string");
                if (const json* v = member(g, "profile"); v && !v->is_string()) return log.fail(pointer_to(gate_at, "profile"), "must be a string");
                if (!strings(member(g, "roles"), pointer_to(gate_at, "roles")) || !strings(member(g, "missing"), pointer_to(gate_at, "missing")) ||
                    !strings(member(g, "missingInputs"), pointer_to(gate_at, "missingInputs")))
                    return false;
            }
        }
        return true;
    }
};

template <class T>
std::vector<T> named(const json* list) {
    std::vector<T> out;
    if (list)
        for (const auto& item : list->items())
            out.push_back({item.value()["id"].get<std::string>(), item.value()["name"].get<std::string>()});
    return out;
}

}  // namespace

}  // namespace handoffkit::eligibility::detail

namespace handoffkit::eligibility {

using detail::json;
using detail::member;

result<std::string> plan_fixes(std::string_view report_json) {
    auto parsed = handoffkit::detail::parse_object(report_json, "the report");
    if (!parsed) {
        if (parsed.err().code != input_code::invalid_argument) return parsed.err();
        return error{eligibility_code::report_invalid, "(document): must be a JSON object (an eligibility report)", ""};
    }
    const json& report = *parsed;
    detail::report_checker check;
    if (!check.document(report)) return check.log.problem();
    const json& reps = report["representatives"];
    std::vector<std::string_view> ids;
    ids.reserve(reps.size());
    for (const auto& rep : reps.items()) ids.push_back(rep.value()["id"].get_ref<const std::string&>());
    detail::planner p(report["rules"], detail::named<detail::feature>(member(report, "features")),
                      detail::named<detail::license>(member(report, "licenses")), ids);
    for (std::size_t i = 0; i < reps.size(); ++i) p.add(reps[i]["features"], {i});
    p.add_administrator(report["administrator"]);
    const json* assumed = member(report, "assumed");
    const json* warnings = member(report, "inputWarnings");
    return handoffkit::dump_json(p.finish(assumed ? *assumed : json::array(), warnings ? *warnings : json::array(),
                                          report["outcome"].get_ref<const std::string&>(), report["ruleset"]));
}

}  // namespace handoffkit::eligibility
