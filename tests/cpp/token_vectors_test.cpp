// tests/vectors/tokens.json through the C++ JSON API (the CLI: token_cli_test.cpp): the cases the
// Node and browser suites run too. Expected tokens come from an independent implementation (Python).
#include <doctest/doctest.h>

#include "handoffkit/json_api_token.hpp"
#include "handoffkit/replay_guard.hpp"
#include "vectors.hpp"

namespace {
using nlohmann::json;
using handoffkit::test::load_vectors;
namespace api = handoffkit::json_api;

const json& vectors() {
    static const json v = load_vectors("tokens.json");
    return v;
}

std::string key_set(const json& name) { return vectors()["keySets"][name.get<std::string>()].dump(); }

// The expected outcome of one case: its exact value, or its error code.
void check_envelope(const json& c, const std::string& envelope) {
    const json out = json::parse(envelope);
    if (c.contains("value")) {
        REQUIRE_MESSAGE(out["ok"] == true, envelope);
        CHECK(out["value"] == c["value"]);
    } else {
        REQUIRE_MESSAGE(out["ok"] == false, envelope);
        CHECK(out["error"]["code"] == c["error"]);
    }
}

}  // namespace

TEST_CASE("token vectors: issue") {
    for (const auto& c : vectors()["issue"]) {
        CAPTURE(c["name"].get<std::string>());
        check_envelope(c, api::issue_token(c["request"].dump(), key_set(c["keys"])));
    }
}

TEST_CASE("token vectors: key set errors") {
    const std::string request = vectors()["issue"][0]["request"].dump();
    for (const auto& c : vectors()["keySetErrors"]) {
        CAPTURE(c["name"].get<std::string>());
        const std::string keys = c["keys"].is_string() ? c["keys"].get<std::string>() : c["keys"].dump();
        const std::string envelope = api::issue_token(request, keys);
        check_envelope(c, envelope);
        // Whatever went wrong, no key material is echoed.
        for (const auto& k : c["keys"].is_object() ? c["keys"].value("keys", json::array()) : json::array())
            if (k.contains("k")) CHECK(envelope.find(k["k"].get<std::string>()) == std::string::npos);
    }
}

TEST_CASE("token vectors: verify") {
    for (const auto& c : vectors()["verify"]) {
        CAPTURE(c["name"].get<std::string>());
        check_envelope(c, api::verify_token(c["token"].get<std::string>(), key_set(c["keys"]), c["options"].dump()));
    }
}

TEST_CASE("token vectors: option errors") {
    const std::string token = vectors()["issue"][0]["value"]["token"];
    for (const auto& c : vectors()["optionErrors"]) {
        CAPTURE(c["name"].get<std::string>());
        const std::string options = c["options"].is_string() ? c["options"].get<std::string>() : c["options"].dump();
        check_envelope(c, api::verify_token(token, key_set("main"), options));
    }
}

TEST_CASE("token vectors: inspect") {
    for (const auto& c : vectors()["inspect"]) {
        CAPTURE(c["name"].get<std::string>());
        check_envelope(c, api::inspect_token(c["token"].get<std::string>()));
    }
}

TEST_CASE("token vectors: redeem sequences against one in-memory guard") {
    for (const auto& c : vectors()["redeem"]) {
        CAPTURE(c["name"].get<std::string>());
        handoffkit::token::memory_replay_guard guard;
        const std::string keys = key_set(c["keys"]);
        for (const auto& step : c["steps"]) {
            CAPTURE(step.dump());
            const std::string op = step["op"];
            if (op == "issueStored") {
                check_envelope(step, api::issue_token_stored(step["request"].dump(), keys, guard));
            } else {
                const std::string token = step["token"], options = step["options"].dump();
                check_envelope(step, op == "redeem" ? api::redeem_token(token, keys, options, guard)
                                                    : api::verify_token(token, keys, options));
            }
        }
    }
}
