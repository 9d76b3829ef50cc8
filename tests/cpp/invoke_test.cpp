// Reading activities (parse_activity, read_handoff) and writing replies (followup_json).
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

TEST_CASE("invoke: read_handoff gives the token and who presents it, and refuses what is not a handoff") {
    auto a = iv::parse_activity(seed_text());
    REQUIRE(a.has_value());
    auto h = iv::read_handoff(*a, {"00000000-0000-0000-0000-000000000000"});
    REQUIRE(h.has_value());
    CHECK(h->request.continuation == "test-continuation-token");
    CHECK(h->request.bot_id == "00000000-0000-0000-0000-000000000000");
    CHECK(h->request.user_aad_object_id == "00000000-0000-0000-0000-000000000000");
    CHECK(iv::read_handoff(*iv::parse_activity(R"({"type":"invoke","name":"handoff/action"})"), {}).err().code ==
          "CONTINUATION_MISSING");
    CHECK(iv::read_handoff(*iv::parse_activity(R"({"type":"invoke","name":"other"})"), {}).err().code == "UNKNOWN_INVOKE");
    CHECK(iv::read_handoff(*iv::parse_activity(R"({"type":"message"})"), {}).err().code == "NOT_INVOKE");
    CHECK(iv::read_handoff(*a, {"11111111-1111-1111-1111-111111111111"}).err().code == "WRONG_RECIPIENT");
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
