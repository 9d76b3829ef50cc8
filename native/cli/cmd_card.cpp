#include <fstream>
#include <iostream>
#include <iterator>
#include <optional>

#include <nlohmann/json.hpp>

#include "commands.hpp"
#include "handoffkit/cards.hpp"
#include "handoffkit/json_api_cards.hpp"
#include "output.hpp"

namespace handoffkit::cli {
namespace {

// Reads at most one byte more than the core examines, so a huge file is refused by the core
// (INPUT_TOO_LARGE) without being read whole.
std::optional<std::string> read_input(const std::string& name) {
    std::ifstream file;
    if (name != "-") {
        file.open(name, std::ios::binary);
        if (!file) return std::nullopt;
    }
    std::istream& in = name == "-" ? std::cin : file;
    std::string text(cards::max_input_length + 1, '\0');
    in.read(text.data(), static_cast<std::streamsize>(text.size()));
    if (in.bad()) return std::nullopt;
    text.resize(static_cast<std::size_t>(in.gcount()));
    return text;
}

int validate_card(const args& a) {
    if (a.positional.size() != 2) return usage_error("card validate takes exactly one FILE (or - for stdin)");
    nlohmann::json options = nlohmann::json::object();
    if (auto v = a.get("card-version")) options["version"] = *v;
    if (auto t = a.get("target")) options["target"] = *t;
    if (auto schemes = a.all("allow-scheme"); !schemes.empty()) options["allowedSchemes"] = schemes;
    auto text = read_input(a.positional[1]);
    if (!text) return print_error(fail(native::cli_code::file_unreadable, "cannot read '" + a.positional[1] + "'"));
    const std::string envelope = json_api::validate_card(*text, options.dump());
    const int printed = print_envelope(envelope, a.has("pretty"));
    if (printed != exit_ok) return printed;
    return nlohmann::json::parse(envelope)["value"]["valid"].get<bool>() ? exit_ok : exit_failed;
}

}  // namespace

const command_spec& card_spec() {
    static const command_spec spec{"card", {"validate"}, {
        {"bot-id", flag_kind::value, {""}},
        {"continuation", flag_kind::value, {""}},
        {"json", flag_kind::value, {""}},
        {"title", flag_kind::value, {""}},
        {"text", flag_kind::value, {""}},
        {"button-title", flag_kind::value, {""}},
        {"card-version", flag_kind::value},
        {"target", flag_kind::value},
        {"allow-scheme", flag_kind::repeatable, {"validate"}},
        {"pretty", flag_kind::boolean},
    }};
    return spec;
}

int cmd_card(const args& a) {
    if (!a.positional.empty() && a.positional[0] == "validate") return validate_card(a);
    if (!a.positional.empty()) return usage_error("unknown card subcommand '" + a.positional[0] + "'");
    const bool pretty = a.has("pretty");
    if (auto request = a.get("json")) return print_envelope(json_api::build_card(*request), pretty);
    auto bot = a.get("bot-id");
    auto token = a.get("continuation");
    if (!bot || !token) return usage_error("card needs --bot-id and --continuation (or --json REQUEST)");
    nlohmann::json request{{"botId", *bot}, {"continuation", *token}};
    for (const auto& [flag, field] : {std::pair{"title", "title"}, {"text", "text"}, {"button-title", "buttonTitle"},
                                      {"card-version", "version"}, {"target", "target"}})
        if (auto v = a.get(flag)) request[field] = *v;
    return print_envelope(json_api::build_handoff_card(request.dump()), pretty);
}

}  // namespace handoffkit::cli
