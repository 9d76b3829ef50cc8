// tests/vectors/deeplinks.json through the C++ JSON API (the CLI: deeplink_cli_test.cpp): the same
// cases the Node and browser suites run, so all runtimes agree by construction.
#include <doctest/doctest.h>

#include "handoffkit/json_api.hpp"
#include "deeplink_cases.hpp"

namespace {
using nlohmann::json;
using namespace handoffkit::test::deeplink_cases;
}  // namespace

TEST_CASE("deeplink vectors: build") {
    for (const auto& c : vectors()["build"]) {
        CAPTURE(c["name"].get<std::string>());
        const json out = json::parse(handoffkit::json_api::build_deep_link(c["request"].dump()));
        if (c.contains("link")) {
            REQUIRE(out["ok"] == true);
            CHECK(out["value"] == c["link"]);
            // A link we build is always a link we accept, with no warning either.
            const json report = json::parse(handoffkit::json_api::validate_deep_link(out["value"].get<std::string>(), ""));
            CHECK(report["value"]["valid"] == true);
            CHECK(report["value"]["problems"].empty());
        } else {
            REQUIRE(out["ok"] == false);
            CHECK(out["error"]["code"] == c["error"]);
        }
    }
}

TEST_CASE("deeplink vectors: validate") {
    for (const auto& c : vectors()["validate"]) {
        CAPTURE(c["name"].get<std::string>());
        const std::string options = c.contains("options") ? c["options"].dump() : "";
        const json out = json::parse(handoffkit::json_api::validate_deep_link(c["url"].get<std::string>(), options));
        if (c.contains("error")) {
            REQUIRE(out["ok"] == false);
            CHECK(out["error"]["code"] == c["error"]);
            continue;
        }
        REQUIRE(out["ok"] == true);
        check_report(c, out["value"]);
    }
}
