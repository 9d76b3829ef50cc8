// tests/vectors/invoke.json through the C++ JSON API: the decisions every runtime must agree on.
#include <doctest/doctest.h>

#include "handoffkit/json_api_invoke.hpp"
#include "vectors.hpp"

namespace {
using nlohmann::json;

const json& vectors() {
    static const json v = handoffkit::test::load_vectors("invoke.json");
    return v;
}

json followup_summary(const json& followups) {
    json out = json::array();
    for (const auto& f : followups) {
        json s{{"type", f["type"]}};
        if (f.contains("text")) s["text"] = f["text"];
        out.push_back(s);
    }
    return out;
}

}  // namespace

TEST_CASE("invoke vectors: handle") {
    REQUIRE(vectors()["handle"].size() >= 20);
    for (const auto& c : vectors()["handle"]) {
        CAPTURE(c["name"].get<std::string>());
        json request{{"activity", c["activity"]}};
        if (c.contains("botId")) request["botId"] = c["botId"];
        if (c.contains("redeem")) request["redeem"] = c["redeem"];
        const json out = json::parse(handoffkit::json_api::handle_handoff_invoke(request.dump()));
        REQUIRE(out["ok"] == true);
        CHECK(out["value"]["status"] == c["status"]);
        CHECK(out["value"]["code"] == c["code"]);
        CHECK(followup_summary(out["value"]["followups"]) == c["followups"]);
        if (c["status"] == 200) CHECK(out["value"]["body"] == "");
        else CHECK(json::parse(out["value"]["body"].get<std::string>())["error"]["code"] == c["code"]);
    }
}

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

TEST_CASE("invoke json api: a handoff without a redeem outcome or with an unknown one is a request error") {
    const json seed = vectors()["seedActivity"];
    json out = json::parse(handoffkit::json_api::handle_handoff_invoke(json{{"activity", seed}}.dump()));
    CHECK(out["error"]["code"] == "INVALID_ARGUMENT");
    out = json::parse(handoffkit::json_api::handle_handoff_invoke(
        json{{"activity", seed}, {"redeem", {{"outcome", "MAYBE"}}}}.dump()));
    CHECK(out["error"]["code"] == "INVALID_ARGUMENT");
    out = json::parse(handoffkit::json_api::handle_handoff_invoke("{"));
    CHECK(out["error"]["code"] == "INVALID_JSON");
}
