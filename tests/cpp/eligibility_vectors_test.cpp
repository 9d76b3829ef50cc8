// tests/vectors/eligibility.json through the C++ JSON API: the same cases the Node and browser
// suites run, and the CLI (eligibility_cli_test.cpp), so all runtimes agree by construction.
#include <doctest/doctest.h>

#include <cstdlib>
#include <fstream>
#include <optional>

#include "handoffkit/json_api_eligibility.hpp"
#include "eligibility_cases.hpp"

namespace {
using nlohmann::json;
using namespace handoffkit::test::eligibility_cases;

json evaluate(const std::string& environment, const std::string& options = "") {
    return json::parse(handoffkit::json_api::evaluate_eligibility(environment, options));
}

/// A warning as the vectors give it: everything but the message.
json warning_facts(const json& w) {
    json out = w;
    out.erase("message");
    return out;
}

/// The case-level expectations a report must meet: assumed defaults, input warnings, outcome.
void check_report_facts(const json& report, const json& c) {
    if (c.contains("assumed")) CHECK(report["assumed"] == c["assumed"]);
    if (c.contains("inputWarnings")) {
        json got = json::array();
        for (const auto& w : report["inputWarnings"]) got.push_back(warning_facts(w));
        CHECK(got == c["inputWarnings"]);
        for (const auto& w : report["inputWarnings"]) {
            CHECK(w["message"].get<std::string>().find(w["value"].get<std::string>()) != std::string::npos);
            if (w.contains("didYouMean"))
                CHECK(w["message"].get<std::string>().find("did you mean '" + w["didYouMean"].get<std::string>() + "'") != std::string::npos);
        }
    }
    if (c.contains("outcome")) CHECK(report["outcome"] == c["outcome"]);
}

/// A case's environment as text, the CSV's representatives put in place of its own.
json environment_with(const json& c, const json& representatives) {
    json env = environment_of(c);
    env["representatives"] = representatives;
    return env;
}

json plan_options() { return json{{"plan", true}}; }

/// The plan's parts a plan case gives, compared exactly.
void check_plan(const json& plan, const json& c) {
    json fixes = json::array();
    for (const auto& f : plan["fixes"]) {
        json facts = f;
        facts.erase("id");
        fixes.push_back(facts);
    }
    CHECK(fixes == c["fixes"]);
    for (std::size_t i = 0; i < plan["fixes"].size(); ++i) CHECK(plan["fixes"][i]["id"] == "F" + std::to_string(i + 1));
    CHECK(plan["together"] == c["together"]);
    CHECK(plan["cells"] == c["cells"]);
    CHECK(plan["administrator"] == c.value("administrator", json::array()));
    if (c.contains("toDecide")) CHECK(plan["toDecide"] == c["toDecide"]);
    if (c.contains("outcome")) CHECK(plan["outcome"] == c["outcome"]);
}

json plan_case_options(const json& c) {
    json options = plan_options();
    if (c.value("miniRuleset", false)) options["ruleset"] = vectors()["miniRuleset"];
    return options;
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
        CHECK(report["ruleset"]["version"] == vectors()["rulesetVersion"]);
        check_expectations(report, c["expect"]);
        if (c.contains("administrator")) {
            CHECK(report["administrator"]["status"] == c["administrator"]["status"]);
            CHECK(codes(report["administrator"]["failed"]) == c["administrator"]["failed"]);
        }
        check_report_facts(report, c);
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
        if (c.contains("messageIncludes"))
            CHECK(out["error"]["message"].get<std::string>().find(c["messageIncludes"].get<std::string>()) != std::string::npos);
    }
}

TEST_CASE("eligibility vectors: representatives from a CSV") {
    for (const auto& c : vectors()["csvCases"]) {
        CAPTURE(c["name"].get<std::string>());
        const json options{{"representativesCsv", c["csv"]}};
        const json out = evaluate(environment_of(c).dump(), options.dump());
        if (c.contains("error")) {
            REQUIRE(out["ok"] == false);
            CHECK(out["error"]["code"] == c["error"]);
            CHECK(out["error"]["field"] == c["field"]);
            for (const auto& text : c["messageIncludes"])
                CHECK(out["error"]["message"].get<std::string>().find(text.get<std::string>()) != std::string::npos);
            continue;
        }
        REQUIRE(out["ok"] == true);
        // The same report as the representatives written as JSON.
        CHECK(out == evaluate(environment_with(c, c["representatives"]).dump()));
    }
}

TEST_CASE("eligibility vectors: the fix plan, from the evaluation and from the report alike") {
    for (const auto& c : vectors()["planCases"]) {
        CAPTURE(c["name"].get<std::string>());
        const std::string environment = environment_of(c).dump();
        const json out = evaluate(environment, plan_case_options(c).dump());
        REQUIRE(out["ok"] == true);
        const json& plan = out["value"]["plan"];
        check_plan(plan, c);
        // Planned again from the report (without its plan): the same.
        json report = out["value"];
        report.erase("plan");
        const json again = json::parse(handoffkit::json_api::plan_eligibility_fixes(report.dump()));
        REQUIRE(again["ok"] == true);
        CHECK(again["value"] == plan);
    }
}

TEST_CASE("eligibility vectors: what if (changes applied before evaluating)") {
    for (const auto& c : vectors()["applyCases"]) {
        CAPTURE(c["name"].get<std::string>());
        const json out = evaluate(environment_of(c).dump(), json{{"apply", c["apply"]}}.dump());
        REQUIRE(out["ok"] == true);
        check_expectations(out["value"], c["expect"]);
        check_report_facts(out["value"], c);
        // The changes as JSON text: the same.
        CHECK(evaluate(environment_of(c).dump(), json{{"apply", c["apply"].dump()}}.dump()) == out);
    }
    for (const auto& c : vectors()["invalidApply"]) {
        CAPTURE(c["name"].get<std::string>());
        const json out = evaluate(vectors()["base"].dump(), json{{"apply", c["apply"]}}.dump());
        REQUIRE(out["ok"] == false);
        CHECK(out["error"]["code"] == "INVALID_ARGUMENT");
        CHECK(out["error"]["field"] == c["field"]);
    }
}

TEST_CASE("eligibility vectors: reports that cannot be planned") {
    for (const auto& c : vectors()["invalidReports"]) {
        CAPTURE(c["name"].get<std::string>());
        const std::string text = c.contains("reportText") ? c["reportText"].get<std::string>() : c["report"].dump();
        const json out = json::parse(handoffkit::json_api::plan_eligibility_fixes(text));
        REQUIRE(out["ok"] == false);
        CHECK(out["error"]["code"] == c["error"]);
        if (c.contains("field")) CHECK(out["error"]["field"] == c["field"]);
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

