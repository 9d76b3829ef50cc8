// Properties of the eligibility engine that a table of vectors cannot express: the embedded
// ruleset and its citations, determinism, grouping, limits, and no crash on hostile input.
#include <doctest/doctest.h>
#include <sys/wait.h>

#include <algorithm>
#include <fstream>
#include <iterator>
#include <map>
#include <random>
#include <set>

#include "handoffkit/eligibility.hpp"
#include "handoffkit/json_api_eligibility.hpp"
#include "vectors.hpp"

namespace el = handoffkit::eligibility;
namespace api = handoffkit::json_api;
using nlohmann::json;

namespace {

json example() {
    static const json e = nlohmann::json::parse(std::ifstream(HANDOFFKIT_EXAMPLES_DIR "/eligibility-environment.json"));
    return e;
}

/// A file the CLI can read, removed when the test is done.
struct temp_path {
    std::string path;
    temp_path(const std::string& name, const std::string& text) : path("/tmp/handoffkit-eligibility-test-" + name) {
        std::ofstream(path, std::ios::binary) << text;
    }
    ~temp_path() { std::remove(path.c_str()); }
};

json evaluate(const json& environment, const std::string& options = "") {
    return json::parse(api::evaluate_eligibility(environment.dump(), options));
}

const std::set<std::string> expected_codes{"INVALID_JSON", "INVALID_ARGUMENT", "INPUT_TOO_LARGE", "ENVIRONMENT_INVALID",
                                           "RULESET_INVALID"};

/// Replaces one randomly chosen value anywhere in `j` with a value of a random other type.
void mutate(json& j, std::mt19937& rng) {
    std::vector<json*> nodes;
    std::vector<json*> stack{&j};
    while (!stack.empty()) {
        json* n = stack.back();
        stack.pop_back();
        nodes.push_back(n);
        if (n->is_structured())
            for (auto& child : *n) stack.push_back(&child);
    }
    static const json replacements[] = {nullptr, 1, -1.5, "", "x", "customApp", true, false, json::array(),
                                        json::object(), json::array({"askQuestion"}), json::object({{"id", "q"}})};
    json* target = nodes[std::uniform_int_distribution<std::size_t>(0, nodes.size() - 1)(rng)];
    *target = replacements[std::uniform_int_distribution<std::size_t>(0, std::size(replacements) - 1)(rng)];
}

/// Representatives drawn from a few licenses/roles/profiles/surfaces, so groups repeat.
json organization(std::size_t count, std::uint32_t seed) {
    json env = example();
    std::mt19937 rng(seed);
    const json licenses[] = {json::array({"customerServiceEnterprise", "chat"}), json::array({"customerServiceEnterprise"}),
                             json::array({"voice"}), nullptr};
    const json roles[] = {json::array({"Customer Service Representative"}), json::array({"Contoso agent"}),
                          json::array({"Contoso trainee"}), json::array({"Contoso agent", "Contoso trainee"}),
                          json::array({"Unknown role"})};
    const json profiles[] = {"Default workspace profile", "Email only", "Summaries, toggle off", nullptr};
    const json surfaces[] = {"copilotServiceWorkspace", "customerServiceHub", "customApp", nullptr};
    auto pick = [&](const auto& options) {
        return options[std::uniform_int_distribution<std::size_t>(0, std::size(options) - 1)(rng)];
    };
    json reps = json::array();
    for (std::size_t i = 0; i < count; ++i) {
        json rep{{"id", "rep" + std::to_string(i) + "@contoso.eu"}, {"roles", pick(roles)}};
        for (const auto& [key, value] : {std::pair{"licenses", pick(licenses)}, std::pair{"experienceProfile", pick(profiles)},
                                         std::pair{"surface", pick(surfaces)}})
            if (!value.is_null()) rep[key] = value;
        reps.push_back(std::move(rep));
    }
    env["representatives"] = std::move(reps);
    return env;
}

}  // namespace

TEST_CASE("the embedded ruleset is core/rules/default_ruleset.json and compiles") {
    std::ifstream in(HANDOFFKIT_RULESET_FILE, std::ios::binary);
    REQUIRE(in);
    const std::string file((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    CHECK(el::default_ruleset_json() == file);
    auto rules = el::ruleset::parse(el::default_ruleset_json());
    REQUIRE(rules);
    const std::string version = json::parse(file)["version"];
    CHECK(rules->version() == version);
    CHECK(el::ruleset::builtin().version() == version);

    const json envelope = json::parse(api::default_eligibility_ruleset());
    REQUIRE(envelope["ok"] == true);
    CHECK(envelope["value"] == json::parse(file));
    const json validated = json::parse(api::validate_eligibility_ruleset(file));
    REQUIRE(validated["ok"] == true);
    CHECK(validated["value"]["rules"] == json::parse(file)["rules"].size());
    CHECK(validated["value"]["features"].size() == 7);
}

TEST_CASE("every feature and rule of the default ruleset cites the source verbatim") {
    std::ifstream in(HANDOFFKIT_SEED_FILE);
    // The domain documents sit beside the repository (README "Tests"); without them this fails
    // rather than passing silently.
    REQUIRE_MESSAGE(in, "source document not found at " HANDOFFKIT_SEED_FILE);
    const std::string seed((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    const json rules = json::parse(el::default_ruleset_json());
    std::vector<json> cited(rules["features"].begin(), rules["features"].end());
    cited.insert(cited.end(), rules["rules"].begin(), rules["rules"].end());
    cited.insert(cited.end(), rules["licenses"].begin(), rules["licenses"].end());
    cited.insert(cited.end(), rules["defaults"].begin(), rules["defaults"].end());
    CHECK(rules["defaults"].size() == 2);  // the two sentences that say data movement is on by default
    cited.push_back(rules["outOfTheBoxProfile"]);
    for (const auto& item : cited) {
        CAPTURE(item.dump());
        REQUIRE(item["source"].is_string());
        CHECK(seed.find(item["source"].get<std::string>()) != std::string::npos);
    }
}

TEST_CASE("reports are canonical and deterministic") {
    const std::string first = api::evaluate_eligibility(example().dump(), "");
    CHECK(api::evaluate_eligibility(example().dump(), "") == first);
    // Same text as dumping the parsed document: keys sorted, no spaces.
    CHECK(json::parse(first).dump() == first);
    // Order of roles in the input changes nothing; key order neither; the order of profiles only
    // where an assumption about a profile points (its index).
    json shuffled = example();
    std::reverse(shuffled["roles"].begin(), shuffled["roles"].end());
    CHECK(api::evaluate_eligibility(shuffled.dump(2), "{}") == first);
    std::reverse(shuffled["experienceProfiles"].begin(), shuffled["experienceProfiles"].end());
    json reordered = json::parse(api::evaluate_eligibility(shuffled.dump(), ""))["value"], original = json::parse(first)["value"];
    for (auto* report : {&reordered, &original})
        for (auto& a : (*report)["assumed"]) a.erase("field");
    CHECK(reordered == original);
    // The same default ruleset passed explicitly gives the same bytes.
    CHECK(api::evaluate_eligibility(example().dump(), json{{"ruleset", std::string(el::default_ruleset_json())}}.dump()) == first);
}

TEST_CASE("the example CSV holds the example's representatives, as an admin writes them") {
    std::ifstream in(HANDOFFKIT_EXAMPLES_DIR "/eligibility-representatives.csv", std::ios::binary);
    REQUIRE(in);
    const std::string csv((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    json organization = example();
    organization.erase("representatives");
    json from_csv = evaluate(organization, json{{"representativesCsv", csv}}.dump())["value"];
    json from_json = evaluate(example())["value"];
    REQUIRE(from_csv["inputWarnings"].size() == 1);
    // A warning about a representative names the CSV row it is on.
    CHECK(from_csv["inputWarnings"][0]["message"] == "CSV row 6: " + from_json["inputWarnings"][0]["message"].get<std::string>());
    from_csv["inputWarnings"][0]["message"] = from_json["inputWarnings"][0]["message"];
    CHECK(from_csv == from_json);
}

TEST_CASE("the example environment shows every status") {
    const json out = evaluate(example());
    REQUIRE(out["ok"] == true);
    std::set<std::string> statuses;
    for (const auto& rep : out["value"]["representatives"])
        for (const auto& [id, cell] : rep["features"].items()) statuses.insert(cell["status"].get<std::string>());
    CHECK(statuses == std::set<std::string>{"available", "unavailable", "unknown", "not_applicable"});
    json warned = example();
    warned["capacityScenario"] = "fallbackToExternal";
    warned["dataMovementEnabled"] = false;
    warned["geography"] = "unitedStates";
    const json report = evaluate(warned);
    const json& alice = report["value"]["representatives"][0]["features"]["askQuestion"];
    CHECK(alice["status"] == "available_with_warnings");
    CHECK(alice["stage"] == "ga");
}

TEST_CASE("a large organization: grouped evaluation equals evaluating each representative alone") {
    const json org = organization(10000, 7);
    const json out = evaluate(org);
    REQUIRE(out["ok"] == true);
    const json& report = out["value"];
    REQUIRE(report["representatives"].size() == 10000);
    for (const auto& [feature, counts] : report["summary"].items()) {
        std::size_t total = 0;
        for (const auto& [status, n] : counts.items()) total += n.get<std::size_t>();
        CHECK(total == 10000);
    }
    for (std::size_t i = 0; i < 10000; i += 97) {
        json alone = org;
        alone["representatives"] = json::array({org["representatives"][i]});
        CAPTURE(i);
        CHECK(evaluate(alone)["value"]["representatives"][0] == report["representatives"][i]);
    }
}

TEST_CASE("limits are enforced with the field named") {
    json env = example();
    env["representatives"] = json::array();
    for (std::size_t i = 0; i <= el::max_representatives; ++i) env["representatives"].push_back({{"id", std::to_string(i)}});
    json out = evaluate(env);
    CHECK(out["error"]["code"] == "ENVIRONMENT_INVALID");
    CHECK(out["error"]["field"] == "/representatives");

    env["representatives"] = json::array({{{"id", std::string(el::max_name_length + 1, 'x')}}});
    out = evaluate(env);
    CHECK(out["error"]["field"] == "/representatives/0/id");

    env["representatives"] = json::array({{{"id", "a"}, {"licenses", json::array()}}});
    for (std::size_t i = 0; i <= el::max_list_items; ++i) env["representatives"][0]["licenses"].push_back("l" + std::to_string(i));
    out = evaluate(env);
    CHECK(out["error"]["field"] == "/representatives/0/licenses");

    const std::string huge(el::max_environment_bytes + 1, ' ');
    CHECK(json::parse(api::evaluate_eligibility(huge, ""))["error"]["code"] == "INPUT_TOO_LARGE");
}

TEST_CASE("rule nesting is capped") {
    json rules = json::parse(el::default_ruleset_json());
    json condition{{"eq", {{"input", "dataMovementEnabled"}, {"value", true}}}};
    for (std::size_t i = 0; i < el::max_condition_depth; ++i) condition = {{"not", condition}};
    rules["rules"][1]["require"] = condition;
    const json out = json::parse(api::validate_eligibility_ruleset(rules.dump()));
    REQUIRE(out["ok"] == false);
    CHECK(out["error"]["code"] == "RULESET_INVALID");
    std::string deepest = "/rules/1/require";
    for (std::size_t i = 1; i < el::max_condition_depth; ++i) deepest += "/not";
    CHECK(out["error"]["field"] == deepest + "/not");
    // One level less is accepted.
    rules["rules"][1]["require"] = condition["not"];
    CHECK(json::parse(api::validate_eligibility_ruleset(rules.dump()))["ok"] == true);
}

TEST_CASE("three-valued logic: any with a true part and all with a false part decide without every input") {
    json rules = json::parse(el::default_ruleset_json());
    auto rule = [](json require) {
        return json{{"id", "r"}, {"effect", "block"}, {"features", {"askQuestion"}}, {"require", std::move(require)},
                    {"code", "C"}, {"remediation", "R"}, {"source", "s"}};
    };
    const json known{{"eq", {{"input", "dataMovementEnabled"}, {"value", true}}}};
    const json unknown{{"eq", {{"input", "capacityScenario"}, {"value", "sameRegion"}}}};
    const json env{{"dataMovementEnabled", true}, {"representatives", {{{"id", "a"}}}}};
    const std::pair<json, std::string> cases[] = {
        {{{"any", {unknown, known}}}, "available"},
        {{{"all", {unknown, {{"not", known}}}}}, "unavailable"},
        {{{"all", {unknown, known}}}, "unknown"},
        {{{"not", unknown}}, "unknown"},
        {{{"not", {{"not", known}}}}, "available"},
    };
    for (const auto& c : cases) {
        const json& require = c.first;
        const std::string& status = c.second;
        CAPTURE(require.dump());
        rules["rules"] = json::array({rule(require)});
        const json out = evaluate(env, json{{"ruleset", rules}}.dump());
        REQUIRE(out["ok"] == true);
        CHECK(out["value"]["representatives"][0]["features"]["askQuestion"]["status"] == status);
    }
}

TEST_CASE("hostile environments never crash and always get a coded answer") {
    std::mt19937 rng(20261122);
    for (int i = 0; i < 3000; ++i) {
        json env = example();
        for (int n = std::uniform_int_distribution<int>(1, 3)(rng); n > 0; --n) mutate(env, rng);
        const std::string text = api::evaluate_eligibility(env.dump(), "");
        const json out = json::parse(text);
        if (out["ok"] == true) continue;
        CAPTURE(env.dump());
        CHECK(expected_codes.count(out["error"]["code"].get<std::string>()) == 1);
        if (out["error"]["code"] == "ENVIRONMENT_INVALID") CHECK(out["error"].contains("field"));
    }
    for (const std::string& text : {"", "null", "[]", "\"x\"", "{\"representatives\":[{}]}", "{\"representatives\":null}"}) {
        CAPTURE(text);
        const json out = json::parse(api::evaluate_eligibility(text, ""));
        CHECK(out["ok"] == false);
    }
}

TEST_CASE("hostile rulesets never crash and are refused with a field") {
    std::mt19937 rng(99);
    const json env = example();
    for (int i = 0; i < 1500; ++i) {
        json rules = json::parse(el::default_ruleset_json());
        mutate(rules, rng);
        const json out = json::parse(api::validate_eligibility_ruleset(rules.dump()));
        if (out["ok"] == true) {
            CHECK(json::parse(api::evaluate_eligibility(env.dump(), json{{"ruleset", rules}}.dump()))["ok"].is_boolean());
            continue;
        }
        CAPTURE(rules.dump());
        CHECK(out["error"]["code"] == "RULESET_INVALID");
        CHECK(out["error"].contains("field"));
    }
}

namespace {

std::size_t unavailable_cells(const json& report) {
    std::size_t n = 0;
    for (const auto& rep : report["representatives"])
        for (const auto& [id, cell] : rep["features"].items()) n += cell["status"] == "unavailable";
    return n;
}

/// Re-evaluates with `changes` made: the cells (representative index, feature) unavailable
/// before and not after, and how many went the other way.
std::pair<std::set<std::pair<std::size_t, std::string>>, std::size_t> unblocked_by(const json& environment, const json& before,
                                                                                   const json& changes) {
    const json after = evaluate(environment, json{{"apply", changes}}.dump());
    REQUIRE(after["ok"] == true);
    std::set<std::pair<std::size_t, std::string>> unblocked;
    std::size_t blocked = 0;
    const json& reps = after["value"]["representatives"];
    for (std::size_t i = 0; i < reps.size(); ++i)
        for (const auto& [id, cell] : reps[i]["features"].items()) {
            const bool was = before["representatives"][i]["features"][id]["status"] == "unavailable";
            const bool is = cell["status"] == "unavailable";
            if (was && !is) unblocked.emplace(i, id);
            blocked += !was && is;
        }
    return {unblocked, blocked};
}

/// Every count the plan claims, checked by making the changes and evaluating again.
void check_plan_claims(const json& environment) {
    const json out = evaluate(environment, R"({"plan":true})");
    REQUIRE(out["ok"] == true);
    const json& report = out["value"];
    const json& plan = report["plan"];
    CHECK(plan["cells"]["unavailable"] == unavailable_cells(report));
    std::map<std::string, json> by_id;
    std::map<std::string, std::set<std::pair<std::size_t, std::string>>> alone;
    json every = json::array();
    for (const auto& f : plan["fixes"]) {
        CAPTURE(f.dump());
        by_id[f["id"]] = f;
        every.push_back(f["change"]);
        const auto [unblocked, blocked] = unblocked_by(environment, report, json::array({f["change"]}));
        CHECK(unblocked.size() == f["unblocks"].get<std::size_t>());  // alone: exactly the cells it claims
        CHECK(blocked == 0);
        alone[f["id"]] = unblocked;
    }
    for (const auto& set : plan["together"]) {
        CAPTURE(set.dump());
        json changes = json::array();
        std::set<std::pair<std::size_t, std::string>> by_members_alone;
        for (const auto& id : set["fixes"]) {
            changes.push_back(by_id[id]["change"]);
            by_members_alone.insert(alone[id].begin(), alone[id].end());
        }
        // Together they unblock their own cells, none of which any of them unblocks alone.
        const auto together = unblocked_by(environment, report, changes).first;
        CHECK(together.size() >= by_members_alone.size() + set["unblocks"].get<std::size_t>());
    }
    // Every fix made: every cell the plan can unblock is unblocked, the others stay.
    CHECK(unblocked_by(environment, report, every).first.size() == plan["cells"]["unblockable"].get<std::size_t>());
}

}  // namespace

TEST_CASE("the fix plan's counts hold when its changes are made and the environment evaluated again") {
    check_plan_claims(example());
    const json vectors = handoffkit::test::load_vectors("eligibility.json");
    for (const auto& c : vectors["planCases"]) {
        if (c.value("miniRuleset", false)) continue;  // the mini ruleset has no fixes to make
        CAPTURE(c["name"].get<std::string>());
        json env = vectors["base"];
        env.merge_patch(c.value("patch", json::object()));
        check_plan_claims(env);
    }
    check_plan_claims(organization(600, 11));
}

TEST_CASE("the plan of a large organization equals the plan read back from its report") {
    const json org = organization(10000, 3);
    const json out = evaluate(org, R"({"plan":true})");
    REQUIRE(out["ok"] == true);
    json report = out["value"];
    const json plan = report["plan"];
    report.erase("plan");
    CHECK(json::parse(api::plan_eligibility_fixes(report.dump()))["value"] == plan);
    std::size_t license_targets = 0;
    for (const auto& f : plan["fixes"])
        if (f["change"]["input"] == "licenses") license_targets += f["change"]["representatives"].size();
    CHECK(license_targets > 1000);  // one fix names every representative it is for
}
