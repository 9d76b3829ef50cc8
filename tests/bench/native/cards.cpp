// Adaptive Cards: the handoff card built from options, and a card's JSON validated, through the
// JSON API (text in, text out), as the CLI and wasm do it.
#include "../bench.hpp"
#include "handoffkit/json_api_cards.hpp"

namespace {
namespace b = handoffkit::bench;
namespace api = handoffkit::json_api;

const b::registration cards{"cards", [](const b::context& c) {
    auto options = c.workload["handoffCard"];
    options["botId"] = c.workload["botId"];
    options["continuation"] = c.workload["continuation"];
    const std::string request = options.dump();
    const std::string card = nlohmann::json::parse(api::build_handoff_card(request))["value"].dump();
    c.run("card.build", [&] { b::keep(api::build_handoff_card(request)); });
    c.run("card.validate", [&] { b::keep(api::validate_card(card, "")); });
}};
}  // namespace
