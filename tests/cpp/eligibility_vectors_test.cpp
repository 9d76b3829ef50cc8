// tests/vectors/eligibility.json through the C++ JSON API (the CLI: eligibility_cli_test.cpp): the
// same cases the Node and browser suites run, so all runtimes agree by construction.
#include <doctest/doctest.h>

#include <fstream>

#include "handoffkit/json_api_eligibility.hpp"
#include "vectors.hpp"

namespace {
using nlohmann::json;
using handoffkit::test::load_vectors;

const json& vectors() {
    static const json v = load_vectors("eligibility.json");
    return v;
}

json patched(json base, const json& patch) {
    base.merge_patch(patch);
    return base;
}

json environment_of(const json& c) {
    if (c.contains("environment")) return c["environment"];
    return patched(vectors()["base"], c.value("patch", json::object()));
}

json codes(const json& gates) {
    json out = json::array();
    for (const auto& g : gates) out.push_back(g["code"]);
    return out;
}

const json* gate_with_code(const json& gates, const json& code) {
    for (const auto& g : gates)
        if (g["code"] == code) return &g;
    return nullptr;
}

const json& representative(const json& report, const json& id) {
    for (const auto& rep : report["representatives"])
        if (rep["id"] == id) return rep;
    FAIL("no representative " << id);
    static const json none;
    return none;
}

void check_expectations(const json& report, const json& expect) {
    for (const auto& e : expect) {
        CAPTURE(e.dump());
        const json& cell = representative(report, e["representative"])["features"][e["feature"].get<std::string>()];
        REQUIRE(cell.is_object());
        CHECK(cell["status"] == e["status"]);
        if (e.contains("stage")) CHECK(cell["stage"] == e["stage"]);
        CHECK(codes(cell["failed"]) == e["failed"]);
        CHECK(codes(cell["warnings"]) == e["warnings"]);
        CHECK(codes(cell["unknown"]) == e["unknown"]);
        const json missing = e.value("missing", json::object()), unknown_inputs = e.value("unknownInputs", json::object());
        // Not structured bindings: clang 14 (the wasm build) cannot capture one in CHECK.
        for (const auto& item : missing.items()) {
            const json* g = gate_with_code(cell["failed"], item.key());
            REQUIRE(g);
            CHECK((*g)["missing"] == item.value());
        }
        for (const auto& item : unknown_inputs.items()) {
            const json* g = gate_with_code(cell["unknown"], item.key());
            REQUIRE(g);
            CHECK((*g)["missingInputs"] == item.value());
        }
    }
}

json evaluate(const std::string& environment, const std::string& options = "") {
    return json::parse(handoffkit::json_api::evaluate_eligibility(environment, options));
}

/// The seed document, when this checkout sits next to ../shared (it is not part of the repository).
const std::string* seed_text() {
    static const std::string text = [] {
        std::ifstream in(HANDOFFKIT_SEED_FILE);
        return in ? std::string(std::istreambuf_iterator<char>(in), {}) : std::string();
    }();
    return text.empty() ? nullptr : &text;
}

}  // namespace

TEST_CASE("eligibility vectors: every case cites a sentence of the source verbatim") {
    const std::string* seed = seed_text();
    REQUIRE_MESSAGE(seed, "source document not found at " HANDOFFKIT_SEED_FILE);
    for (const auto& c : vectors()["cases"]) {
        CAPTURE(c["name"].get<std::string>());
        CHECK(seed->find(c["source"].get<std::string>()) != std::string::npos);
    }
}

TEST_CASE("eligibility vectors: cases") {
    for (const auto& c : vectors()["cases"]) {
        CAPTURE(c["name"].get<std::string>());
        const json out = evaluate(environment_of(c).dump());
        REQUIRE(out["ok"] == true);
        const json& report = out["value"];
        CHECK(report["ruleset"]["version"] == "1.0.0");
        check_expectations(report, c["expect"]);
        if (c.contains("administrator")) {
            CHECK(report["administrator"]["status"] == c["administrator"]["status"]);
            CHECK(codes(report["administrator"]["failed"]) == c["administrator"]["failed"]);
        }
    }
}

TEST_CASE("eligibility vectors: a replacement ruleset") {
    for (const auto& c : vectors()["rulesetCases"]) {
        CAPTURE(c["name"].get<std::string>());
        // Given as an object and as JSON text: the same report.
        const json as_object = evaluate(c["environment"].dump(), json{{"ruleset", vectors()["miniRuleset"]}}.dump());
        const json as_text = evaluate(c["environment"].dump(), json{{"ruleset", vectors()["miniRuleset"].dump()}}.dump());
        REQUIRE(as_object["ok"] == true);
        CHECK(as_object == as_text);
        const json& report = as_object["value"];
        CHECK(report["ruleset"] == c["ruleset"]);
        json features = json::array();
        for (const auto& f : report["features"]) features.push_back(f["id"]);
        CHECK(features == c["features"]);
        check_expectations(report, c["expect"]);
    }
}

TEST_CASE("eligibility vectors: invalid environments name the field") {
    for (const auto& c : vectors()["invalidEnvironments"]) {
        CAPTURE(c["name"].get<std::string>());
        const std::string text = c.contains("environmentText") ? c["environmentText"].get<std::string>() : environment_of(c).dump();
        const json out = evaluate(text);
        REQUIRE(out["ok"] == false);
        CHECK(out["error"]["code"] == c["error"]);
        if (c.contains("field")) CHECK(out["error"]["field"] == c["field"]);
        else CHECK_FALSE(out["error"].contains("field"));
    }
}

TEST_CASE("eligibility vectors: invalid rulesets are refused, evaluating and validating alike") {
    const std::string environment = R"({"representatives":[{"id":"a"}]})";
    for (const auto& c : vectors()["invalidRulesets"]) {
        CAPTURE(c["name"].get<std::string>());
        const std::string text = c.contains("rulesetText") ? c["rulesetText"].get<std::string>()
                                                           : patched(vectors()["miniRuleset"], c["patch"]).dump();
        const json out = evaluate(environment, json{{"ruleset", text}}.dump());
        REQUIRE(out["ok"] == false);
        CHECK(out["error"]["code"] == c["error"]);
        CHECK(out["error"]["field"] == c["field"]);
        const json validated = json::parse(handoffkit::json_api::validate_eligibility_ruleset(text));
        CHECK(validated == out);
    }
}

TEST_CASE("eligibility vectors: invalid options") {
    for (const auto& c : vectors()["invalidOptions"]) {
        CAPTURE(c["name"].get<std::string>());
        const json out = evaluate(R"({"representatives":[]})", c["options"].get<std::string>());
        REQUIRE(out["ok"] == false);
        CHECK(out["error"]["code"] == c["error"]);
    }
}
