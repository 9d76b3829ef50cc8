// tests/vectors/cards.json through the C++ JSON API (the CLI: cards_cli_test.cpp): the same cases
// the Node and browser suites run, so all runtimes agree by construction.
#include <doctest/doctest.h>

#include "handoffkit/json_api_cards.hpp"
#include "cards_cases.hpp"

namespace {
using nlohmann::json;
using namespace handoffkit::test::cards_cases;
namespace api = handoffkit::json_api;

json problems_of(const json& report) {
    json out = json::array();
    for (const auto& p : report["problems"]) out.push_back({{"code", p["code"]}, {"severity", p["severity"]}, {"path", p["path"]}});
    return out;
}

json errors_only(const json& report) {
    json out = json::array();
    for (const auto& p : report["problems"])
        if (p["severity"] == "error") out.push_back(p);
    return out;
}

// Checks one build case: exact value (and canonical bytes) or the error code. Returns the value.
json check_build(const json& c, const std::string& envelope) {
    const json out = json::parse(envelope);
    const char* expected_key = c.contains("card") ? "card" : "action";
    if (!c.contains(expected_key)) {
        REQUIRE(out["ok"] == false);
        CHECK(out["error"]["code"] == c["error"]);
        return nullptr;
    }
    REQUIRE(out["ok"] == true);
    CHECK(out["value"] == c[expected_key]);
    // The envelope holds the value exactly as canonically serialized: keys sorted, compact.
    CHECK(envelope.find(c[expected_key].dump()) != std::string::npos);
    return out["value"];
}

// A card we build is a card we accept, at its own version, for bots.
void check_accepted(const json& card) {
    const json options{{"version", card["version"]}};
    const json report = json::parse(api::validate_card(card.dump(), options.dump()))["value"];
    CHECK(report["valid"] == true);
    CHECK(errors_only(report).empty());
}

}  // namespace

TEST_CASE("card vectors: build an Action.OpenUrl") {
    for (const auto& c : vectors()["buildAction"]) {
        CAPTURE(c["name"].get<std::string>());
        const json action = check_build(c, api::build_open_url_action(request_of(c)));
        if (action.is_null()) continue;
        const json version = c["request"].value("version", json("1.5"));
        check_accepted({{"type", "AdaptiveCard"}, {"version", version}, {"actions", {action}}});
    }
}

TEST_CASE("card vectors: build a card with several actions") {
    for (const auto& c : vectors()["buildCard"]) {
        CAPTURE(c["name"].get<std::string>());
        const json card = check_build(c, api::build_card(request_of(c)));
        if (!card.is_null()) check_accepted(card);
    }
}

TEST_CASE("card vectors: build the handoff card") {
    for (const auto& c : vectors()["buildHandoffCard"]) {
        CAPTURE(c["name"].get<std::string>());
        const json card = check_build(c, api::build_handoff_card(request_of(c)));
        if (!card.is_null()) check_accepted(card);
    }
}

TEST_CASE("card vectors: validate") {
    for (const auto& c : vectors()["validate"]) {
        CAPTURE(c["name"].get<std::string>());
        const std::string options = c.contains("options") ? c["options"].dump() : "";
        const json out = json::parse(api::validate_card(card_text_of(c), options));
        REQUIRE(out["ok"] == true);
        CHECK(out["value"]["valid"] == c["valid"]);
        CHECK(problems_of(out["value"]) == c["problems"]);
        for (const auto& p : out["value"]["problems"]) CHECK_FALSE(p["message"].get<std::string>().empty());
    }
}

TEST_CASE("card vectors: bad validation options fail the envelope") {
    for (const auto& c : vectors()["validateOptionErrors"]) {
        CAPTURE(c["name"].get<std::string>());
        const std::string options = c["options"].is_string() ? c["options"].get<std::string>() : c["options"].dump();
        const json out = json::parse(api::validate_card(R"({"type":"AdaptiveCard","version":"1.5"})", options));
        REQUIRE(out["ok"] == false);
        CHECK(out["error"]["code"] == c["error"]);
    }
}
