// tests/vectors/eligibility.json through the CLI: the same reports and refusals as the JSON API
// (eligibility_vectors_test.cpp), and the CLI's table format, stdin and usage errors.
#include <doctest/doctest.h>

#include <fstream>

#include "cli.hpp"
#include "handoffkit/json_api_eligibility.hpp"

namespace {
using nlohmann::json;
using handoffkit::test::load_vectors;
using handoffkit::test::run_cli;
using handoffkit::test::temp_file;

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
        for (const auto& [code, values] : missing.items()) {
            const json* g = gate_with_code(cell["failed"], code);
            REQUIRE(g);
            CHECK((*g)["missing"] == values);
        }
        for (const auto& [code, inputs] : unknown_inputs.items()) {
            const json* g = gate_with_code(cell["unknown"], code);
            REQUIRE(g);
            CHECK((*g)["missingInputs"] == inputs);
        }
    }
}

json evaluate(const std::string& environment, const std::string& options = "") {
    return json::parse(handoffkit::json_api::evaluate_eligibility(environment, options));
}

json example() {
    static const json e = nlohmann::json::parse(std::ifstream(HANDOFFKIT_EXAMPLES_DIR "/eligibility-environment.json"));
    return e;
}

}  // namespace

TEST_CASE("eligibility vectors: the CLI prints the same reports") {
    for (const auto& c : vectors()["cases"]) {
        CAPTURE(c["name"].get<std::string>());
        const std::string environment = environment_of(c).dump();
        temp_file file(environment);
        const auto r = run_cli({"eligibility", file.path});
        CHECK(r.status == 0);
        CHECK(r.out == evaluate(environment)["value"].dump() + "\n");
    }
    for (const auto& c : vectors()["rulesetCases"]) {
        temp_file environment(c["environment"].dump()), rules(vectors()["miniRuleset"].dump());
        const auto r = run_cli({"eligibility", environment.path, "--ruleset", rules.path});
        CHECK(r.status == 0);
        check_expectations(json::parse(r.out), c["expect"]);
    }
}

TEST_CASE("eligibility vectors: the CLI refuses what the API refuses") {
    for (const auto& c : vectors()["invalidEnvironments"]) {
        CAPTURE(c["name"].get<std::string>());
        temp_file file(c.contains("environmentText") ? c["environmentText"].get<std::string>() : environment_of(c).dump());
        const auto r = run_cli({"eligibility", file.path, "--format", "table"});
        CHECK(r.status == 1);
        CHECK(r.out.empty());
    }
    temp_file environment(R"({"representatives":[]})");
    for (const auto& c : vectors()["invalidRulesets"]) {
        CAPTURE(c["name"].get<std::string>());
        temp_file rules(c.contains("rulesetText") ? c["rulesetText"].get<std::string>()
                                                  : patched(vectors()["miniRuleset"], c["patch"]).dump());
        const auto r = run_cli({"eligibility", environment.path, "--ruleset", rules.path});
        CHECK(r.status == 1);
        CHECK(r.out.empty());
    }
}

TEST_CASE("the CLI: table format, stdin, usage errors") {
    const auto table = handoffkit::test::run_cli({"eligibility", HANDOFFKIT_EXAMPLES_DIR "/eligibility-environment.json", "--format", "table"});
    CHECK(table.status == 0);
    CHECK(table.out.find("representative") != std::string::npos);
    CHECK(table.out.find("chiara@contoso.eu") != std::string::npos);
    CHECK(table.out.find("dmitri@contoso.eu  askQuestion") == std::string::npos);  // available: no note
    CHECK(table.out.find("dmitri@contoso.eu  conversationSummary  WORKSPACE_ONLY") != std::string::npos);
    CHECK(table.out.find("n/a") != std::string::npos);

    // "-" reads stdin (run through sh: the file is redirected to it).
    const std::string cmd = handoffkit::test::shell_quote(HANDOFFKIT_CLI) + " eligibility - < " +
                            handoffkit::test::shell_quote(HANDOFFKIT_EXAMPLES_DIR "/eligibility-environment.json");
    FILE* pipe = popen(cmd.c_str(), "r");
    REQUIRE(pipe);
    std::string out;
    char buf[4096];
    for (std::size_t n; (n = fread(buf, 1, sizeof buf, pipe)) > 0;) out.append(buf, n);
    CHECK(WEXITSTATUS(pclose(pipe)) == 0);
    CHECK(out == evaluate(example().dump())["value"].dump() + "\n");

    CHECK(handoffkit::test::run_cli({"eligibility"}).status == 2);
    CHECK(handoffkit::test::run_cli({"eligibility", HANDOFFKIT_EXAMPLES_DIR "/eligibility-environment.json", "--format", "xml"}).status == 2);
    CHECK(handoffkit::test::run_cli({"eligibility", "/nonexistent/environment.json"}).status == 1);
}
