#include <algorithm>
#include <fstream>
#include <iostream>
#include <iterator>
#include <map>
#include <sstream>

#include <nlohmann/json.hpp>

#include "commands.hpp"
#include "handoffkit/json_api_eligibility.hpp"
#include "output.hpp"

namespace handoffkit::cli {
namespace {

using nlohmann::json;

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

int print_error(const std::string& code, const std::string& message) {
    std::cerr << json{{"error", {{"code", code}, {"message", message}}}}.dump() << '\n';
    return exit_failed;
}

std::string cell_text(const json& cell) {
    static const std::map<std::string, std::string> status{{"available", "yes"},
                                                           {"available_with_warnings", "yes!"},
                                                           {"unavailable", "no"},
                                                           {"unknown", "?"},
                                                           {"not_applicable", "n/a"}};
    static const std::map<std::string, std::string> stage{{"ga", " GA"}, {"preview", " preview"}};
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
    print_notes(out, report);
}

}  // namespace

const command_spec& eligibility_spec() {
    static const command_spec spec{"eligibility", {}, {
        {"format", flag_kind::value},
        {"ruleset", flag_kind::value},
        {"pretty", flag_kind::boolean},
    }};
    return spec;
}

int cmd_eligibility(const args& a) {
    if (a.positional.size() != 1) return usage_error("eligibility takes exactly one FILE (or - for stdin)");
    const std::string format = a.get("format").value_or("json");
    if (format != "json" && format != "table") return usage_error("--format must be json or table");
    std::string environment;
    if (!read_input(a.positional[0], environment)) return print_error("FILE_UNREADABLE", "cannot read " + a.positional[0]);
    json options = json::object();
    if (auto path = a.get("ruleset")) {
        std::string ruleset;
        if (!read_input(*path, ruleset)) return print_error("FILE_UNREADABLE", "cannot read " + *path);
        options["ruleset"] = ruleset;  // as text, so a malformed file is RULESET_INVALID, not bad options
    }
    const std::string envelope = json_api::evaluate_eligibility(environment, options.dump());
    if (format == "json") return print_envelope(envelope, a.has("pretty"));
    const json j = json::parse(envelope);  // produced by the core: always valid JSON
    if (!j["ok"].get<bool>()) return print_envelope(envelope);
    print_table(std::cout, j["value"]);
    return exit_ok;
}

}  // namespace handoffkit::cli
