// tests/vectors/eligibility.json through the CLI: the same reports and refusals as the JSON API
// (eligibility_vectors_test.cpp), and the CLI's table format, stdin and usage errors.
#include <doctest/doctest.h>

#include <fstream>
#include <optional>

#include "cli.hpp"
#include "eligibility_cases.hpp"
#include "handoffkit/json_api_eligibility.hpp"

namespace {
using nlohmann::json;
using namespace handoffkit::test::eligibility_cases;
using handoffkit::test::run_cli;
using handoffkit::test::temp_file;

json evaluate(const std::string& environment, const std::string& options = "") {
    return json::parse(handoffkit::json_api::evaluate_eligibility(environment, options));
}

json example() {
    static const json e = nlohmann::json::parse(std::ifstream(HANDOFFKIT_EXAMPLES_DIR "/eligibility-environment.json"));
    return e;
}

/// What the CLI's exit status must be for a report, from its cells (not from its `outcome`):
/// 4 a cell unknown or available in an unknown stage, else 3 a cell unavailable, else 0.
int expected_exit(const json& report) {
    bool unknown = report["administrator"]["status"] == "unknown", unavailable = report["administrator"]["status"] == "unavailable";
    for (const auto& rep : report["representatives"])
        for (const auto& [id, cell] : rep["features"].items()) {
            const std::string status = cell["status"];
            unknown |= status == "unknown" ||
                       (cell["stage"] == "unknown" && (status == "available" || status == "available_with_warnings"));
            unavailable |= status == "unavailable";
        }
    return unknown ? 4 : unavailable ? 3 : 0;
}

json plan_case_options(const json& c) {
    json options{{"plan", true}};
    if (c.value("miniRuleset", false)) options["ruleset"] = vectors()["miniRuleset"];
    return options;
}

/// A case's environment as text, the CSV's representatives put in place of its own.
json environment_with(const json& c, const json& representatives) {
    json env = environment_of(c);
    env["representatives"] = representatives;
    return env;
}

/// A file the CLI reads, by name.
struct temp_path {
    std::string path;
    temp_path(const std::string& name, const std::string& text) : path("/tmp/handoffkit-eligibility-test-" + name) {
        std::ofstream(path, std::ios::binary) << text;
    }
    ~temp_path() { std::remove(path.c_str()); }
};

}  // namespace

TEST_CASE("eligibility vectors: the CLI prints the same reports") {
    for (const auto& c : vectors()["cases"]) {
        CAPTURE(c["name"].get<std::string>());
        const std::string environment = environment_of(c).dump();
        temp_file file(environment);
        const auto r = run_cli({"eligibility", file.path});
        const json report = evaluate(environment)["value"];
        CHECK(r.status == expected_exit(report));
        CHECK(r.out == report.dump() + "\n");
        // The exit status follows the cells in every format.
        CHECK(run_cli({"eligibility", file.path, "--format", "table"}).status == r.status);
        CHECK(run_cli({"eligibility", file.path, "--format", "plan"}).status == r.status);
    }
    for (const auto& c : vectors()["planCases"]) {
        CAPTURE(c["name"].get<std::string>());
        const std::string environment = environment_of(c).dump();
        temp_file file(environment);
        std::vector<std::string> args{"eligibility", file.path, "--format", "plan-json"};
        std::optional<temp_file> rules;
        if (c.value("miniRuleset", false)) {
            rules.emplace(vectors()["miniRuleset"].dump());
            args.insert(args.end(), {"--ruleset", rules->path});
        }
        const auto r = run_cli(args);
        const json expected = evaluate(environment, plan_case_options(c).dump())["value"]["plan"];
        CHECK(r.out == expected.dump() + "\n");
        CHECK(r.status == (expected["outcome"] == "available" ? 0 : expected["outcome"] == "unavailable" ? 3 : 4));
        // The text plan names every fix by its label.
        args[3] = "plan";
        const auto text = run_cli(args);
        for (const auto& f : expected["fixes"]) CHECK(text.out.find(f["label"].get<std::string>()) != std::string::npos);
    }
    for (const auto& c : vectors()["csvCases"]) {
        CAPTURE(c["name"].get<std::string>());
        temp_file environment(environment_of(c).dump()), csv(c["csv"].get<std::string>());
        const auto r = run_cli({"eligibility", environment.path, "--representatives", csv.path});
        const json out = evaluate(environment_of(c).dump(), json{{"representativesCsv", c["csv"]}}.dump());
        if (c.contains("error")) {
            CHECK(r.status == 1);
            CHECK(r.out.empty());
            CHECK(json::parse(r.err)["error"] == out["error"]);
            continue;
        }
        CHECK(r.out == out["value"].dump() + "\n");
        CHECK(r.status == expected_exit(out["value"]));
    }
    for (const auto& c : vectors()["rulesetCases"]) {
        temp_file environment(c["environment"].dump()), rules(vectors()["miniRuleset"].dump());
        const auto r = run_cli({"eligibility", environment.path, "--ruleset", rules.path});
        CHECK(r.status == expected_exit(json::parse(r.out)));
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
        // The same coded error, field and message as the API's envelope.
        const std::string text = c.contains("environmentText") ? c["environmentText"].get<std::string>() : environment_of(c).dump();
        CHECK(json::parse(r.err)["error"] == evaluate(text)["error"]);
    }
    temp_file environment(R"({"representatives":[]})");
    for (const auto& c : vectors()["invalidRulesets"]) {
        CAPTURE(c["name"].get<std::string>());
        temp_file rules(c.contains("rulesetText") ? c["rulesetText"].get<std::string>()
                                                  : patched(vectors()["miniRuleset"], c["patch"]).dump());
        const auto r = run_cli({"eligibility", environment.path, "--ruleset", rules.path});
        CHECK(r.status == 1);
        CHECK(r.out.empty());
        CHECK(handoffkit::test::cli_error_code(r) == c["error"]);
    }
}

TEST_CASE("the CLI: table format, stdin, usage errors") {
    const auto table = handoffkit::test::run_cli({"eligibility", HANDOFFKIT_EXAMPLES_DIR "/eligibility-environment.json", "--format", "table"});
    CHECK(table.status == 4);  // the example leaves some cells unknown on purpose
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
    CHECK(WEXITSTATUS(pclose(pipe)) == 4);
    CHECK(out == evaluate(example().dump())["value"].dump() + "\n");

    CHECK(handoffkit::test::run_cli({"eligibility"}).status == 2);
    CHECK(handoffkit::test::run_cli({"eligibility", HANDOFFKIT_EXAMPLES_DIR "/eligibility-environment.json", "--format", "xml"}).status == 2);
    CHECK(handoffkit::test::run_cli({"eligibility", "/nonexistent/environment.json"}).status == 1);
}

TEST_CASE("the CLI: distinct exit statuses, unknown flags refused, files that are not text") {
    using handoffkit::test::run_cli;
    const std::string example_path = HANDOFFKIT_EXAMPLES_DIR "/eligibility-environment.json";
    temp_path available("available.json", R"({"geography":"unitedStates","administrator":{"roles":["System Administrator"]},
        "optIn":{"questionsAndEmails":"optedIn","summaries":"optedIn"},"capacityScenario":"sameRegion",
        "surfaces":{"customerServiceHub":{"enabledFeatures":["askQuestion","writeEmail","suggestResponse","caseSummary"]}},
        "representatives":[{"id":"a","surface":"customerServiceHub","licenses":["customerServiceEnterprise","chat"],
                            "roles":["Customer Service Representative"]}]})");
    temp_path unavailable("unavailable.json", R"({"geography":"japan","dataMovementEnabled":false,"administrator":{"roles":["System Administrator"]},
        "optIn":{"questionsAndEmails":"optedIn","summaries":"optedIn"},"capacityScenario":"sameRegion",
        "representatives":[{"id":"a","surface":"customerServiceHub","licenses":["customerServiceEnterprise","chat"],
                            "roles":["Customer Service Representative"]}]})");
    for (const char* format : {"json", "table", "plan", "plan-json"}) {
        CAPTURE(format);
        CHECK(run_cli({"eligibility", available.path, "--format", format}).status == 0);
        CHECK(run_cli({"eligibility", unavailable.path, "--format", format}).status == 3);
        CHECK(run_cli({"eligibility", example_path, "--format", format}).status == 4);
    }
    const auto unknown_flag = run_cli({"eligibility", example_path, "--formt", "plan"});
    CHECK(unknown_flag.status == 2);
    CHECK(unknown_flag.err.find("--formt") != std::string::npos);
    CHECK(unknown_flag.out.empty());
    CHECK(run_cli({"eligibility", example_path, "--representatives", "/nonexistent/reps.csv"}).status == 1);
    CHECK(run_cli({"eligibility", "-", "--representatives", "-"}).status == 2);

    temp_path not_text("not-text.bin", std::string("id\n\xff\xfe\n"));
    const auto csv = run_cli({"eligibility", example_path, "--representatives", not_text.path});
    CHECK(csv.status == 1);
    CHECK(handoffkit::test::cli_error_code(csv) == "ENVIRONMENT_INVALID");
    const auto rules = run_cli({"eligibility", example_path, "--ruleset", not_text.path});
    CHECK(rules.status == 1);
    CHECK(handoffkit::test::cli_error_code(rules) == "RULESET_INVALID");
}
