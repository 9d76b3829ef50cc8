#include <iostream>

#include <nlohmann/json.hpp>

#include "commands.hpp"
#include "handoffkit/json_api.hpp"
#include "output.hpp"

namespace handoffkit::cli {
namespace {

int validate_link(const args& a) {
    if (a.positional.size() != 2) return usage_error("link validate takes exactly one URL");
    nlohmann::json options = nlohmann::json::object();
    if (auto hosts = a.all("allow-host"); !hosts.empty()) options["allowedHosts"] = hosts;
    if (auto kind = a.get("expect")) options["expectKind"] = *kind;
    const std::string envelope = json_api::validate_deep_link(a.positional[1], options.dump());
    const int printed = print_envelope(envelope, a.has("pretty"));
    if (printed != exit_ok) return printed;
    return nlohmann::json::parse(envelope)["value"]["valid"].get<bool>() ? exit_ok : exit_failed;
}

}  // namespace

const command_spec& link_spec() {
    static const command_spec spec{"link", {"validate"}, {
        {"bot-id", flag_kind::value, {""}},
        {"continuation", flag_kind::value, {""}},
        {"json", flag_kind::value, {""}},
        {"allow-host", flag_kind::repeatable, {"validate"}},
        {"expect", flag_kind::value, {"validate"}},
        {"pretty", flag_kind::boolean, {"validate"}},
    }};
    return spec;
}

int cmd_link(const args& a) {
    if (!a.positional.empty() && a.positional[0] == "validate") return validate_link(a);
    if (!a.positional.empty()) return usage_error("unknown link subcommand '" + a.positional[0] + "'");
    if (auto request = a.get("json")) return print_envelope(json_api::build_deep_link(*request));
    auto bot = a.get("bot-id");
    auto token = a.get("continuation");
    if (!bot || !token) return usage_error("link needs --bot-id and --continuation (or --json REQUEST)");
    return print_envelope(json_api::build_handoff_link(nlohmann::json{{"botId", *bot}, {"continuation", *token}}.dump()));
}

}  // namespace handoffkit::cli
