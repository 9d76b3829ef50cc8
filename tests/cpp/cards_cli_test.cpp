// tests/vectors/cards.json through the CLI: the same cards and reports as the JSON API
// (cards_vectors_test.cpp), and the CLI's own input handling.
#include <doctest/doctest.h>

#include <algorithm>
#include <cstdlib>

#include "cards_cases.hpp"
#include "cli.hpp"
#include "handoffkit/json_api_cards.hpp"

namespace {
using nlohmann::json;
using namespace handoffkit::test::cards_cases;
using handoffkit::test::run_cli;
using handoffkit::test::temp_file;
namespace api = handoffkit::json_api;
}  // namespace

TEST_CASE("card vectors: the CLI prints the same cards") {
    for (const auto& c : vectors()["buildCard"]) {
        CAPTURE(c["name"].get<std::string>());
        const auto r = run_cli({"card", "--json", request_of(c)});
        if (c.contains("card")) {
            CHECK(r.status == 0);
            CHECK(r.out == c["card"].dump() + "\n");
        } else {
            CHECK(r.status == 1);
            CHECK(r.out.empty());
        }
    }
}

TEST_CASE("card vectors: the CLI builds handoff cards from flags") {
    const std::vector<std::pair<std::string, std::string>> flags{
        {"botId", "--bot-id"}, {"continuation", "--continuation"}, {"title", "--title"},
        {"text", "--text"},    {"buttonTitle", "--button-title"},  {"version", "--card-version"},
        {"target", "--target"}};
    for (const auto& c : vectors()["buildHandoffCard"]) {
        const json request = filled(c["request"], c);
        std::vector<std::string> args{"card"};
        bool expressible = request.contains("botId") && request.contains("continuation");
        for (const auto& [field, value] : request.items()) {
            auto flag = std::find_if(flags.begin(), flags.end(), [&](const auto& f) { return f.first == field; });
            if (flag == flags.end() || !value.is_string()) expressible = false;
            else args.push_back(flag->second + "=" + value.get<std::string>());
        }
        if (!expressible) continue;  // unknown fields and wrong types cannot be written as flags
        CAPTURE(c["name"].get<std::string>());
        const auto r = run_cli(args);
        if (c.contains("card")) {
            CHECK(r.status == 0);
            CHECK(r.out == c["card"].dump() + "\n");
        } else {
            CHECK(r.status == 1);
            CHECK(r.out.empty());
        }
    }
}

TEST_CASE("card vectors: the CLI prints the same reports and exit codes") {
    for (const auto& c : vectors()["validate"]) {
        CAPTURE(c["name"].get<std::string>());
        const std::string text = card_text_of(c);
        temp_file file(text);
        std::vector<std::string> args{"card", "validate", file.path};
        const json options = c.value("options", json::object());
        if (options.contains("version")) args.push_back("--card-version=" + options["version"].get<std::string>());
        if (options.contains("target")) args.push_back("--target=" + options["target"].get<std::string>());
        for (const auto& s : options.value("allowedSchemes", json::array())) args.push_back("--allow-scheme=" + s.get<std::string>());
        const auto r = run_cli(args);
        CHECK(r.status == (c["valid"] == true ? 0 : 1));
        const json api_out = json::parse(api::validate_card(text, options.dump()));
        CHECK(r.out == api_out["value"].dump() + "\n");
    }
}

TEST_CASE("card CLI: stdin, unreadable files, usage errors") {
    const std::string cli = handoffkit::test::shell_quote(HANDOFFKIT_CLI);
    temp_file good(R"({"type":"AdaptiveCard","version":"1.5","body":[]})");
    auto status_of = [](const std::string& cmd) {
        const int s = std::system(cmd.c_str());
        return WIFEXITED(s) ? WEXITSTATUS(s) : -1;
    };
    CHECK(status_of(cli + " card validate - < " + handoffkit::test::shell_quote(good.path) + " >/dev/null") == 0);
    CHECK(status_of("printf '{' | " + cli + " card validate - >/dev/null") == 1);
    CHECK(run_cli({"card", "validate", "/nonexistent/card.json"}).status == 1);
    CHECK(run_cli({"card", "validate"}).status == 2);
    CHECK(run_cli({"card", "validate", "a.json", "b.json"}).status == 2);
    CHECK(run_cli({"card", "--bot-id", "00000000-0000-0000-0000-000000000000"}).status == 2);
    CHECK(run_cli({"card", "render"}).status == 2);
    // Options the core refuses are errors (exit 1), not reports.
    const auto bad = run_cli({"card", "validate", good.path, "--target=email"});
    CHECK(bad.status == 1);
    CHECK(bad.out.empty());
    // --pretty indents the same report.
    const auto pretty = run_cli({"card", "validate", good.path, "--pretty"});
    CHECK(pretty.status == 0);
    CHECK(pretty.out == json::parse(api::validate_card(R"({"type":"AdaptiveCard","version":"1.5","body":[]})", ""))["value"].dump(2) + "\n");
}
