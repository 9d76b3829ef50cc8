// The pure handoff/action decision: parsing, the redeemer contract and the follow-up activities.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "handoffkit/invoke.hpp"
#include "vectors.hpp"

namespace iv = handoffkit::invoke;
using nlohmann::json;

namespace {
std::string seed_text() { return handoffkit::test::load_vectors("invoke.json")["seedActivity"].dump(); }
}  // namespace

TEST_CASE("invoke: the seed payload parses into every field the host needs") {
    auto a = iv::parse_activity(seed_text());
    REQUIRE(a.has_value());
    CHECK(a->type == "invoke");
    CHECK(a->name == "handoff/action");
    CHECK(a->continuation == "test-continuation-token");
    CHECK(a->service_url == "https://smba.trafficmanager.net/amer/");
    CHECK(a->from.aad_object_id == "00000000-0000-0000-0000-000000000000");
    CHECK(a->recipient.id == "28:00000000-0000-0000-0000-000000000000");
    CHECK(a->recipient.name == "NorthwindProducts");
    CHECK(a->conversation_id.rfind("a:13tOiSzRq", 0) == 0);
    CHECK(a->tenant_id == "00000000-0000-0000-0000-000000000000");
    CHECK(a->channel_id == "msteams");
}

TEST_CASE("invoke: an oversized activity is refused before parsing") {
    const std::string big = "{\"type\":\"invoke\",\"pad\":\"" + std::string(iv::max_activity_bytes, 'x') + "\"}";
    auto a = iv::parse_activity(big);
    REQUIRE_FALSE(a.has_value());
    CHECK(a.err().code == "ACTIVITY_TOO_LARGE");
    CHECK(iv::decide_on_error(a.err()).status == 413);
}

TEST_CASE("invoke: the malformed-field message names the field") {
    auto a = iv::parse_activity(R"({"type":"invoke","from":{"aadObjectId":5}})");
    REQUIRE_FALSE(a.has_value());
    CHECK(a.err().code == "ACTIVITY_MALFORMED");
    CHECK(a.err().message.find("from.aadObjectId") != std::string::npos);
}

TEST_CASE("invoke: of several wrong fields the same one is named wherever they stand; null is absent") {
    const auto message = [](const char* text) { return iv::parse_activity(text).err().message; };
    // `type` is checked first, though it comes last in the text.
    CHECK(message(R"({"conversation":5,"from":{"id":[]},"type":7})").find("'type'") != std::string::npos);
    CHECK(message(R"({"type":"invoke","conversation":{"tenantId":1},"from":{"id":[]}})").find("'from.id'") != std::string::npos);
    CHECK(message(R"({"type":"invoke","recipient":"bot","from":{"name":false}})").find("'from.name'") != std::string::npos);
    CHECK(message(R"({"type":"invoke","recipient":"bot"})").find("'recipient' must be an object") != std::string::npos);
    auto a = iv::parse_activity(R"({"type":"invoke","name":null,"from":null,"value":{"continuation":null}})");
    REQUIRE(a.has_value());
    CHECK(a->name.empty());
    CHECK_FALSE(a->has_continuation);
    // Members the host does not read are still checked as JSON: a key named twice anywhere is refused.
    a = iv::parse_activity(R"({"type":"invoke","channelData":{"tenant":{"id":1,"id":2}}})");
    REQUIRE_FALSE(a.has_value());
    CHECK(a.err().message.find("twice") != std::string::npos);
}

TEST_CASE("invoke: the redeemer gets the token and who presents it, once, never for refused activities") {
    int calls = 0;
    iv::redeem_request seen;
    auto redeem = [&](const iv::redeem_request& r) {
        ++calls;
        seen = r;
        return iv::redeem_outcome{iv::redeem_status::ok, "done", ""};
    };
    auto d = iv::handle(seed_text(), {"00000000-0000-0000-0000-000000000000"}, redeem);
    CHECK(d.status == 200);
    CHECK(d.body.empty());
    CHECK(calls == 1);
    CHECK(seen.continuation == "test-continuation-token");
    CHECK(seen.bot_id == "00000000-0000-0000-0000-000000000000");
    CHECK(seen.user_aad_object_id == "00000000-0000-0000-0000-000000000000");

    CHECK(iv::handle(R"({"type":"invoke","name":"handoff/action"})", {}, redeem).code == "CONTINUATION_MISSING");
    CHECK(iv::handle(R"({"type":"invoke","name":"other"})", {}, redeem).status == 501);
    CHECK(calls == 1);
    CHECK(iv::handle(seed_text(), {}, nullptr).status == 500);
}

TEST_CASE("invoke: error bodies never carry the token") {
    for (auto s : {iv::redeem_status::malformed, iv::redeem_status::bad_signature, iv::redeem_status::expired,
                   iv::redeem_status::wrong_user, iv::redeem_status::replayed, iv::redeem_status::failed}) {
        auto d = iv::handle(seed_text(), {}, [&](const iv::redeem_request&) { return iv::redeem_outcome{s, "", ""}; });
        CHECK(d.status >= 400);
        CHECK(d.body.find("test-continuation-token") == std::string::npos);
        for (const auto& f : d.followups) CHECK(f.text.find("test-continuation-token") == std::string::npos);
    }
}

TEST_CASE("invoke: a follow-up is a reply in the same conversation, from the bot to the user") {
    auto a = iv::parse_activity(seed_text());
    REQUIRE(a.has_value());
    const json f = json::parse(iv::followup_json({"message", "hello"}, *a));
    CHECK(f["type"] == "message");
    CHECK(f["text"] == "hello");
    CHECK(f["from"]["id"] == a->recipient.id);
    CHECK(f["recipient"]["id"] == a->from.id);
    CHECK(f["conversation"]["id"] == a->conversation_id);
    CHECK(f["replyToId"] == a->id);
    CHECK_FALSE(json::parse(iv::followup_json({"typing", ""}, *a)).contains("text"));
}
