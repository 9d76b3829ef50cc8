// handoffkit eligibility ENV|- [--representatives CSV] [--ruleset FILE] [--format json|table|plan|plan-json]
// The exit status says what the report says, so a script need not read it: 0 every cell decided
// and none unavailable, 3 something unavailable (nothing unknown), 4 some cells unknown (input
// incomplete), 1 bad input (the coded error on stderr), 2 usage.
#include <algorithm>
#include <fstream>
#include <iostream>
#include <iterator>
#include <map>
#include <sstream>

#include <nlohmann/json.hpp>

#include "commands.hpp"
#include "handoffkit/eligibility.hpp"
#include "handoffkit/json.hpp"
#include "output.hpp"

namespace handoffkit::cli {
namespace {

using nlohmann::json;
namespace el = handoffkit::eligibility;

constexpr int exit_unavailable = 3;
constexpr int exit_incomplete = 4;


/// Reads a whole file, or stdin for "-".
bool read_input(const std::string& path, std::string& out) {
    if (path == "-") {
        out.assign(std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>());
        return !std::cin.bad();
    }
    std::ifstream in(path, std::ios::binary);
    if (!in) return false;
    out.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    return !in.bad();
}

/// {"error":{code,field?,message}} on stderr, as the JSON API's envelope has it.
int print_coded_error(const error& e) {
    json body{{"code", e.code}, {"message", e.message}};
    if (e.field) body["field"] = *e.field;
    std::cerr << json{{"error", body}}.dump(-1, ' ', false, json::error_handler_t::replace) << '\n';
    return exit_failed;
}

int exit_for(el::outcome o) {
    switch (o) {
        case el::outcome::available: return exit_ok;
        case el::outcome::unavailable: return exit_unavailable;
        case el::outcome::incomplete: return exit_incomplete;
    }
    return exit_incomplete;
}

std::string cell_text(const json& cell) {
    static const std::map<std::string, std::string> status{{"available", "yes"},
                                                           {"available_with_warnings", "yes!"},
                                                           {"unavailable", "no"},
                                                           {"unknown", "?"},
                                                           {"not_applicable", "n/a"}};
    static const std::map<std::string, std::string> stage{{"ga", " GA"}, {"preview", " preview"}, {"unknown", " stage?"}};
    const std::string s = cell.value("status", "");
    std::string text = status.count(s) ? status.at(s) : s;
    if (s == "available" || s == "available_with_warnings") {
        auto it = stage.find(cell.value("stage", ""));
        if (it != stage.end()) text += it->second;
    }
    return text;
}

void pad(std::ostream& out, const std::string& s, std::size_t width) {
    out << s << std::string(width > s.size() ? width - s.size() : 0, ' ');
}

/// "Assumed" and "check these names": what the report took on trust, and likely typos.
void print_notices(std::ostream& out, const json& assumed, const json& warnings) {
    if (!assumed.empty()) out << "\nassumed (the environment does not say; the source documents the default):\n";
    for (const auto& a : assumed)
        out << "  " << a["field"].get<std::string>() << " = " << a["value"].dump() << "  (\""
            << a["source"].get<std::string>() << "\")\n";
    if (!warnings.empty()) out << "\ncheck these names:\n";
    for (const auto& w : warnings) {
        out << "  " << w["code"].get<std::string>() << "  " << w["message"].get<std::string>();
        if (w["count"].get<std::size_t>() > 1) out << "  (" << w["count"].get<std::size_t>() << " times)";
        out << '\n';
    }
}

/// Lines "  rep  feature  status  CODE: remediation" for every cell that is not plainly available.
void print_notes(std::ostream& out, const json& report) {
    bool header = false;
    for (const auto& rep : report["representatives"]) {
        for (const auto& f : report["features"]) {
            const json& cell = rep["features"][f["id"].get<std::string>()];
            for (const char* list : {"failed", "warnings", "unknown"}) {
                for (const auto& g : cell[list]) {
                    if (!header) out << "\nwhat to change:\n", header = true;
                    out << "  " << rep["id"].get<std::string>() << "  " << f["id"].get<std::string>() << "  "
                        << g["code"].get<std::string>();
                    const json& rule = report["rules"][g["rule"].get<std::string>()];
                    if (std::string(list) != "unknown") out << ": " << rule["remediation"].get<std::string>();
                    if (g.contains("missing")) {
                        out << " (missing:";
                        for (const auto& m : g["missing"]) out << ' ' << m.get<std::string>();
                        out << ')';
                    }
                    if (std::string(list) == "unknown") {
                        out << " (undecided; supply:";
                        for (const auto& m : g["missingInputs"]) out << ' ' << m.get<std::string>();
                        out << ')';
                    }
                    out << '\n';
                }
            }
        }
    }
}

void print_table(std::ostream& out, const json& report) {
    const json& admin = report["administrator"];
    out << "ruleset " << report["ruleset"]["name"].get<std::string>() << " "
        << report["ruleset"]["version"].get<std::string>() << "\n"
        << "administrator actions: " << admin["status"].get<std::string>() << "\n\n";
    std::size_t first = std::string("representative").size();
    for (const auto& rep : report["representatives"]) first = std::max(first, rep["id"].get<std::string>().size());
    std::vector<std::size_t> widths;
    for (const auto& f : report["features"]) widths.push_back(std::max<std::size_t>(f["id"].get<std::string>().size(), 11));
    pad(out, "representative", first + 2);
    for (std::size_t i = 0; i < widths.size(); ++i) pad(out, report["features"][i]["id"].get<std::string>(), widths[i] + 2);
    out << '\n';
    for (const auto& rep : report["representatives"]) {
        pad(out, rep["id"].get<std::string>(), first + 2);
        for (std::size_t i = 0; i < widths.size(); ++i)
            pad(out, cell_text(rep["features"][report["features"][i]["id"].get<std::string>()]), widths[i] + 2);
        out << '\n';
    }
    out << "\nyes = available, yes! = available with warnings, no = unavailable, ? = unknown, n/a = not applicable\n";
    for (const auto& g : admin["failed"])
        out << "\nadministrator: " << g["code"].get<std::string>() << ": "
            << report["rules"][g["rule"].get<std::string>()]["remediation"].get<std::string>() << '\n';
    print_notices(out, report["assumed"], report["inputWarnings"]);
    print_notes(out, report);
}

/// A fix's label, and for one made on representatives, the first few of them.
std::string fix_text(const json& fix) {
    std::string text = fix["label"].get<std::string>();
    const json& change = fix["change"];
    if (!change.contains("representatives")) return text;
    const json& reps = change["representatives"];
    constexpr std::size_t shown = 5;
    text += ":";
    for (std::size_t i = 0; i < reps.size() && i < shown; ++i) text += (i ? ", " : " ") + reps[i].get<std::string>();
    if (reps.size() > shown) text += ", and " + std::to_string(reps.size() - shown) + " more";
    return text;
}

/// "F8-F27 + F36": fix ids, runs of consecutive ones shortened (a role missing twenty privileges
/// is twenty fixes that come together).
std::string id_runs(const json& ids) {
    std::vector<std::pair<std::string, int>> parsed;  // prefix, number
    for (const auto& id : ids) {
        const std::string s = id.get<std::string>();
        parsed.emplace_back(s.substr(0, 1), std::stoi(s.substr(1)));
    }
    std::string out;
    for (std::size_t i = 0; i < parsed.size();) {
        std::size_t j = i;
        while (j + 1 < parsed.size() && parsed[j + 1].first == parsed[i].first && parsed[j + 1].second == parsed[j].second + 1) ++j;
        out += (out.empty() ? "" : " + ") + parsed[i].first + std::to_string(parsed[i].second);
        if (j > i) out += (j == i + 1 ? " + " : "-") + parsed[j].first + std::to_string(parsed[j].second);
        i = j + 1;
    }
    return out;
}

void print_plan(std::ostream& out, const json& plan) {
    const json& cells = plan["cells"];
    out << "fix plan (ruleset " << plan["ruleset"]["name"].get<std::string>() << " "
        << plan["ruleset"]["version"].get<std::string>() << "): " << cells["unavailable"].get<std::size_t>()
        << " representative x feature cells are unavailable; the fixes below unblock "
        << cells["unblockable"].get<std::size_t>() << " of them";
    if (cells["withoutFix"].get<std::size_t>() > 0)
        out << ", " << cells["withoutFix"].get<std::size_t>() << " have no fix the ruleset knows";
    out << ".\n";
    print_notices(out, plan["assumed"], plan["inputWarnings"]);
    if (!plan["administrator"].empty()) out << "\nfirst, for the setup itself:\n";
    for (const auto& fix : plan["administrator"]) out << "  " << fix["id"].get<std::string>() << "  " << fix_text(fix) << '\n';
    if (!plan["fixes"].empty())
        out << "\nfixes, most cells unblocked first (alone: by this fix by itself; with others: as one of several):\n"
            << "  id    alone  with others  change\n";
    for (const auto& fix : plan["fixes"]) {
        out << "  ";
        pad(out, fix["id"].get<std::string>(), 4);
        const std::string alone = std::to_string(fix["unblocks"].get<std::size_t>());
        const std::string others = std::to_string(fix["unblocksWithOthers"].get<std::size_t>());
        out << std::string(alone.size() < 7 ? 7 - alone.size() : 0, ' ') << alone
            << std::string(others.size() < 13 ? 13 - others.size() : 0, ' ') << others << "  " << fix_text(fix) << '\n';
    }
    if (!plan["together"].empty()) out << "\nmust come together (none of them alone unblocks these cells):\n";
    for (const auto& set : plan["together"]) {
        const std::size_t n = set["unblocks"].get<std::size_t>();
        out << "  " << id_runs(set["fixes"]) << ": " << n << (n == 1 ? " cell\n" : " cells\n");
    }
    if (cells["unknown"].get<std::size_t>() > 0) {
        out << "\nundecided: " << cells["unknown"].get<std::size_t>() << " cells; to decide them, supply:";
        for (const auto& input : plan["toDecide"]) out << ' ' << input.get<std::string>();
        out << '\n';
    }
}

}  // namespace

const command_spec& eligibility_spec() {
    static const command_spec spec{"eligibility", {}, {
        {"format", flag_kind::value},
        {"ruleset", flag_kind::value},
        {"representatives", flag_kind::value},
        {"pretty", flag_kind::boolean},
    }};
    return spec;
}

int cmd_eligibility(const args& a) {
    if (a.positional.size() != 1) return usage_error("eligibility takes exactly one FILE (or - for stdin)");
    const std::string format = a.get("format").value_or("json");
    if (format != "json" && format != "table" && format != "plan" && format != "plan-json")
        return usage_error("--format must be json, table, plan or plan-json");
    if (a.positional[0] == "-" && (a.get("representatives") == "-" || a.get("ruleset") == "-"))
        return usage_error("only one input can come from stdin");
    std::string environment, csv, ruleset_text;
    if (!read_input(a.positional[0], environment)) return print_error({native::cli_code::file_unreadable, "cannot read " + a.positional[0]});
    el::evaluation_options options;
    if (auto path = a.get("representatives")) {
        if (!read_input(*path, csv)) return print_error({native::cli_code::file_unreadable, "cannot read " + *path});
        options.representatives_csv = csv;
    }
    el::ruleset rules = el::ruleset::builtin();
    if (auto path = a.get("ruleset")) {
        if (!read_input(*path, ruleset_text)) return print_error({native::cli_code::file_unreadable, "cannot read " + *path});
        auto parsed = el::ruleset::parse(ruleset_text);
        if (!parsed) return print_coded_error(parsed.err());
        rules = std::move(*parsed);
    }
    options.plan = format == "plan" || format == "plan-json";
    // The typed API gives the text the JSON API wraps, so this prints what npm returns, byte for byte.
    const auto evaluated = el::evaluate(rules, environment, options);
    if (!evaluated) return print_coded_error(evaluated.err());
    const int status = exit_for(evaluated->verdict);
    if (format == "json" || format == "plan-json") {
        const std::string& value = format == "json" ? evaluated->report : evaluated->plan;
        print_envelope("{\"ok\":true,\"value\":" + value + "}", a.has("pretty"));
        return status;
    }
    if (format == "plan") print_plan(std::cout, json::parse(evaluated->plan));
    else print_table(std::cout, json::parse(evaluated->report));  // written by the core: valid JSON
    return status;
}

}  // namespace handoffkit::cli
