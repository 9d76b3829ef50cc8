// tests/vectors/deeplinks.json through the CLI: the same links and reports as the JSON API
// (deeplink_vectors_test.cpp).
#include <doctest/doctest.h>

#include "cli.hpp"
#include "deeplink_cases.hpp"
#include "handoffkit/json_api.hpp"

namespace {
using nlohmann::json;
using namespace handoffkit::test::deeplink_cases;
using handoffkit::test::run_cli;
}  // namespace

TEST_CASE("deeplink vectors: the CLI prints the same links") {
    for (const auto& c : vectors()["build"]) {
        CAPTURE(c["name"].get<std::string>());
        const auto r = run_cli({"link", "--json", c["request"].dump()});
        if (c.contains("link")) {
            CHECK(r.status == 0);
            CHECK(r.out == c["link"].get<std::string>() + "\n");
        } else {
            CHECK(r.status == 1);
            CHECK(r.out.empty());
        }
    }
}

TEST_CASE("deeplink vectors: the CLI prints the same reports") {
    for (const auto& c : vectors()["validate"]) {
        if (c.contains("error")) continue;  // option-type errors cannot be expressed as flags
        CAPTURE(c["name"].get<std::string>());
        std::vector<std::string> args{"link", "validate", c["url"].get<std::string>()};
        if (c.contains("options")) {
            for (const auto& h : c["options"].value("allowedHosts", json::array())) args.push_back("--allow-host=" + h.get<std::string>());
            if (c["options"].contains("expectKind")) args.push_back("--expect=" + c["options"]["expectKind"].get<std::string>());
        }
        const auto r = run_cli(args);
        CHECK(r.status == (c["valid"] == true ? 0 : 1));
        const std::string options = c.contains("options") ? c["options"].dump() : "";
        const json api = json::parse(handoffkit::json_api::validate_deep_link(c["url"].get<std::string>(), options));
        CHECK(r.out == api["value"].dump() + "\n");
        check_report(c, json::parse(r.out));
    }
}
