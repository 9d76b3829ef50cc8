// tests/vectors/invoke.json through the C++ JSON API: how handoff/action activities are read.
#include <doctest/doctest.h>

#include "handoffkit/json_api_invoke.hpp"
#include "vectors.hpp"

namespace {
using nlohmann::json;

const json& vectors() {
    static const json v = handoffkit::test::load_vectors("invoke.json");
    return v;
}

}  // namespace

TEST_CASE("invoke vectors: read") {
    for (const auto& c : vectors()["read"]) {
        CAPTURE(c["name"].get<std::string>());
        json request = c.contains("request") ? c["request"] : json{{"activity", c["activity"]}};
        if (c.contains("botId")) request["botId"] = c["botId"];
        const json out = json::parse(handoffkit::json_api::read_handoff_invoke(request.dump()));
        if (c.contains("error")) {
            REQUIRE(out["ok"] == false);
            CHECK(out["error"]["code"] == c["error"]);
        } else {
            REQUIRE(out["ok"] == true);
            CHECK(out["value"] == c["redeem"]);
        }
    }
}
