// The redemption protocol (redemption.hpp) and the handoff pipeline (handoff.hpp): the order of
// the store steps and what their answers mean, retry versus replay, the answers of the pipeline,
// the follow-up texts, the handoff delivered to the app, and the plugin side's create().
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "handoffkit/handoff.hpp"
#include "handoffkit/json_api_handoff.hpp"
#include "handoffkit/json_api_token.hpp"
#include "handoffkit/redemption.hpp"
#include "test_stores.hpp"
#include "vectors.hpp"

namespace {
using nlohmann::json;
namespace hf = handoffkit::handoff;
namespace tk = handoffkit::token;
using handoffkit::test::counting_store;
using handoffkit::test::unavailable_store;

const std::string bot = "00000000-0000-0000-0000-000000000000";
const std::string user = "00000000-0000-0000-0000-000000000000";
constexpr std::int64_t now = 1'700'000'100;

std::shared_ptr<const tk::key_set> keys() {
    static const auto k = std::make_shared<const tk::key_set>(
        *tk::key_set::parse(R"({"keys":[{"kty":"oct","kid":"k1","k":"AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8"}]})"));
    return k;
}

tk::issued_token issue(std::optional<std::string> ctx = std::nullopt, char random = 1, bool reference = false,
                       tk::replay_guard* store = nullptr) {
    tk::issue_request r;
    r.audience = "28:" + bot;
    r.subject = user;
    r.now = now - 10;
    r.random = std::string(16, random);
    r.context = std::move(ctx);
    r.reference = reference;
    auto issued = store ? tk::issue(r, *keys(), *store) : tk::issue(r, *keys());
    REQUIRE(issued);
    return *issued;
}

tk::verified_token verified(const tk::issued_token& t) {
    tk::verify_options o;
    o.audience = "28:" + bot;
    o.user = user;
    o.now = now;
    auto v = tk::verify(t.token, *keys(), o);
    REQUIRE(v);
    return *v;
}

json seed(const std::string& continuation) {
    json a = handoffkit::test::load_vectors("invoke.json")["seedActivity"];
    a["value"]["continuation"] = continuation;
    return a;
}

hf::config config(bool deliver = false) {
    hf::config c;
    c.bot_id = bot;
    c.keys = keys();
    c.deliver = deliver;
    return c;
}

}  // namespace

TEST_CASE("redemption: an embedded context goes straight to the mark, with the presenter's record") {
    counting_store store;
    tk::redemption r(verified(issue(R"({"a":1})")), {"conv-1", "act-1"}, now);
    REQUIRE(r.step() == tk::redemption_step::mark);
    CHECK(r.mark().keep_until == now - 10 + tk::default_ttl + tk::max_leeway);
    const json record = json::parse(r.mark().record);
    CHECK(record == json{{"activity", "act-1"}, {"conversation", "conv-1"}, {"redeemedAt", now}});
    CHECK(r.mark().delivery.empty());
    tk::drive(r, store);
    CHECK(r.step() == tk::redemption_step::redeemed);
    CHECK(r.token().redeemed);
    CHECK(store.calls == 1);
}

TEST_CASE("redemption: a reference context is loaded before the mark; a missing one consumes nothing") {
    tk::memory_replay_guard kept;
    const auto t = issue(R"({"ticket":"INC-1"})", 2, true, &kept);
    tk::redemption missing(verified(t), {"c", "a"}, now);
    REQUIRE(missing.step() == tk::redemption_step::load_context);
    counting_store empty;
    tk::drive(missing, empty);
    CHECK(missing.step() == tk::redemption_step::failed);
    CHECK(missing.failure().code == "CONTEXT_NOT_FOUND");
    CHECK(empty.marks.empty());

    tk::redemption found(verified(t), {"c", "a"}, now);
    tk::drive(found, kept);
    CHECK(found.step() == tk::redemption_step::redeemed);
    CHECK(found.token().context == std::optional<std::string>(R"({"ticket":"INC-1"})"));
}

TEST_CASE("redemption: retry is not replay") {
    tk::memory_replay_guard store;
    const auto t = issue();
    tk::redemption first(verified(t), {"conv-1", "act-1"}, now);
    tk::drive(first, store);
    REQUIRE(first.step() == tk::redemption_step::redeemed);

    tk::redemption retry(verified(t), {"conv-1", "act-1"}, now + 15);
    tk::drive(retry, store);
    CHECK(retry.step() == tk::redemption_step::retried);

    for (const tk::presenter& other : {tk::presenter{"conv-1", "act-2"}, tk::presenter{"conv-2", "act-1"},
                                       tk::presenter{"", ""}}) {
        tk::redemption replay(verified(t), other, now + 20);
        tk::drive(replay, store);
        CHECK(replay.step() == tk::redemption_step::failed);
        CHECK(replay.failure().code == "REPLAYED");
    }
}

TEST_CASE("redemption: what a store answers decides, and a store error fails closed") {
    const auto t = issue();
    auto answered = [&](const handoffkit::result<tk::mark_answer>& a) {
        tk::redemption r(verified(t), {"conv", "act"}, now);
        r.marked(a);
        return r;
    };
    CHECK(answered(tk::mark_answer{tk::mark_outcome::fresh, {}}).step() == tk::redemption_step::redeemed);
    // A marker without a record, or with one an older version wrote ("1"), or another's: a replay.
    CHECK(answered(tk::mark_answer{tk::mark_outcome::replayed, std::nullopt}).failure().code == "REPLAYED");
    CHECK(answered(tk::mark_answer{tk::mark_outcome::replayed, std::string("1")}).failure().code == "REPLAYED");
    CHECK(answered(tk::mark_answer{tk::mark_outcome::replayed, std::string("{\"activity\":\"act\"}")}).failure().code ==
          "REPLAYED");
    CHECK(answered(tk::mark_answer{tk::mark_outcome::replayed, tk::redemption_record({"conv", "act"}, 5)}).step() ==
          tk::redemption_step::retried);
    CHECK(answered(handoffkit::fail(handoffkit::token_code::store_unavailable, "down")).failure().code == "STORE_UNAVAILABLE");

    tk::redemption given_up(verified(t), {"conv", "act"}, now);
    given_up.give_up(handoffkit::fail(handoffkit::token_code::store_unavailable, "queue full"));
    CHECK(given_up.failure().code == "STORE_UNAVAILABLE");
    unavailable_store down;
    tk::redemption failing(verified(t), {"conv", "act"}, now);
    tk::drive(failing, down);
    CHECK(failing.failure().code == "STORE_UNAVAILABLE");
}

TEST_CASE("redemption: the delivery is built from the token as redeemed and written with its marker") {
    tk::memory_replay_guard kept;
    const auto t = issue(R"({"ticket":"INC-2"})", 3, true, &kept);
    std::string seen_context;
    tk::redemption r(verified(t), {"c", "a"}, now, [&](const tk::verified_token& v) {
        seen_context = v.context.value_or("");
        return std::string("delivery of ") + v.jti;
    });
    tk::drive(r, kept);
    REQUIRE(r.step() == tk::redemption_step::redeemed);
    CHECK(seen_context == R"({"ticket":"INC-2"})");
    CHECK(kept.take_deliveries() == std::deque<std::string>{"delivery of " + t.jti});
}

TEST_CASE("pipeline: the seed payload redeemed: 200, empty body, three follow-ups, the handoff for the app") {
    tk::memory_replay_guard store;
    const auto t = issue(R"({"product":"Chai"})", 4);
    const auto c = config(true);
    const auto o = hf::handle(seed(t.token).dump(), c, {}, store, now);
    CHECK(o.status == 200);
    CHECK(o.code == "OK");
    CHECK(o.body.empty());
    CHECK(o.redeemed);
    CHECK_FALSE(o.retry);
    CHECK(o.jti == t.jti);
    CHECK(o.context == std::optional<std::string>(R"({"product":"Chai"})"));
    REQUIRE(o.followups.size() == 3);
    CHECK(o.followups[1].type == "typing");
    const auto activities = hf::followup_activities(o);
    CHECK(json::parse(activities[2])["replyToId"] == "f:00000000-0000-0000-0000-000000000000");
    const json handoff = json::parse(hf::handoff_json(o));
    CHECK(handoff["type"] == "handoff");
    CHECK(handoff["jti"] == t.jti);
    CHECK(handoff["redeemedAt"] == now);
    CHECK(handoff["context"] == json{{"product", "Chai"}});
    CHECK(handoff["user"]["aadObjectId"] == user);
    CHECK(handoff["conversation"]["serviceUrl"] == "https://smba.trafficmanager.net/amer/");
    CHECK(handoff["conversation"]["tenantId"] == "00000000-0000-0000-0000-000000000000");
    CHECK(handoff["bot"]["id"] == "28:" + bot);
    // deliver: the same handoff went to the store's outbox with the marker.
    CHECK(store.take_deliveries() == std::deque<std::string>{hf::handoff_json(o)});
}

TEST_CASE("pipeline: every token error code has a deliberate answer") {
    struct answer_code {
        int status;
        const char* code;
    };
    // Every code of the token area (KEYS_* and CONTEXT_* of issuing never come from verify, and
    // are 500 REDEEM_FAILED), and INVALID_ARGUMENT: the endpoint's own options out of range.
    const std::pair<const char*, answer_code> expected[] = {
        {"MALFORMED", {400, "TOKEN_MALFORMED"}},         {"TOKEN_TOO_LONG", {400, "TOKEN_MALFORMED"}},
        {"UNSUPPORTED_ALG", {401, "TOKEN_BAD_SIGNATURE"}}, {"UNSUPPORTED_TYPE", {401, "TOKEN_BAD_SIGNATURE"}},
        {"UNSUPPORTED_HEADER", {401, "TOKEN_BAD_SIGNATURE"}}, {"UNKNOWN_KEY", {401, "TOKEN_BAD_SIGNATURE"}},
        {"BAD_SIGNATURE", {401, "TOKEN_BAD_SIGNATURE"}},   {"NOT_YET_VALID", {401, "TOKEN_BAD_SIGNATURE"}},
        {"LIFETIME_TOO_LONG", {401, "TOKEN_BAD_SIGNATURE"}}, {"WRONG_ISSUER", {401, "TOKEN_BAD_SIGNATURE"}},
        {"WRONG_AUDIENCE", {401, "TOKEN_WRONG_AUDIENCE"}}, {"WRONG_USER", {403, "TOKEN_WRONG_USER"}},
        {"EXPIRED", {410, "TOKEN_EXPIRED"}},             {"CONTEXT_NOT_FOUND", {410, "TOKEN_CONTEXT_NOT_FOUND"}},
        {"REPLAYED", {409, "TOKEN_REPLAYED"}},           {"STORE_UNAVAILABLE", {503, "STORE_UNAVAILABLE"}},
        {"CONTEXT_INVALID", {500, "REDEEM_FAILED"}},     {"CONTEXT_TOO_LARGE", {500, "REDEEM_FAILED"}},
        {"KEYS_INVALID", {500, "REDEEM_FAILED"}},        {"KEY_TOO_SHORT", {500, "REDEEM_FAILED"}},
    };
    CHECK(std::size(expected) == handoffkit::token_code_table.size);  // no token code left out
    for (const auto& e : expected) {
        const char* code = e.first;
        const answer_code& answer = e.second;
        CAPTURE(code);
        const auto typed = handoffkit::code_from_name<handoffkit::token_code>(code);
        REQUIRE(typed);
        const auto got = hf::answer_for(*typed);
        CHECK(got.status == answer.status);
        CHECK(got.code == answer.code);
        CHECK(hf::answer_for_token_error(*typed).code == answer.code);
    }
    const auto invalid = hf::answer_for_token_error(handoffkit::input_code::invalid_argument);
    CHECK(invalid.status == 500);
    CHECK(invalid.code == "REDEEM_FAILED");
}

TEST_CASE("pipeline: refused before the store is asked: activity errors, auth binding, bad tokens") {
    counting_store store;
    const auto c = config();
    json elsewhere = seed(issue().token);
    elsewhere["serviceUrl"] = "https://attacker.example/";
    struct expectation {
        std::string text;
        hf::inbound auth;
        int status;
        std::string code;
    };
    const std::vector<expectation> cases{
        {"{", {}, 400, "ACTIVITY_MALFORMED"},
        {std::string(handoffkit::invoke::max_activity_bytes + 1, ' '), {}, 413, "ACTIVITY_TOO_LARGE"},
        {seed(issue().token).dump(), {true, std::nullopt}, 401, "AUTH_SERVICE_URL_MISSING"},
        {seed(issue().token).dump(), {true, std::string()}, 401, "AUTH_SERVICE_URL_MISSING"},
        {elsewhere.dump(), {true, std::string("https://smba.trafficmanager.net/amer/")}, 401, "AUTH_SERVICE_URL_MISMATCH"},
        {seed("x.y.z").dump(), {}, 400, "TOKEN_MALFORMED"},
    };
    for (const auto& e : cases) {
        CAPTURE(e.code);
        const auto o = hf::handle(e.text, c, e.auth, store, now);
        CHECK(o.status == e.status);
        CHECK(o.code == e.code);
        CHECK(json::parse(o.body)["error"]["code"] == e.code);
        CHECK_FALSE(o.for_the_app);
    }
    CHECK(store.calls == 0);
}

TEST_CASE("pipeline: sans-I/O, the caller performs each step and the outcome follows from its answers") {
    tk::memory_replay_guard kept;
    const auto t = issue(R"({"ticket":"INC-3"})", 5, true, &kept);
    const auto c = config();
    hf::exchange x(seed(t.token).dump(), c, {}, now);
    REQUIRE_FALSE(x.finished());
    REQUIRE(x.redemption().step() == tk::redemption_step::load_context);
    x.redemption().context_loaded(std::optional<std::string>(R"({"ticket":"INC-3"})"));
    REQUIRE(x.redemption().step() == tk::redemption_step::mark);
    x.redemption().marked(tk::mark_answer{tk::mark_outcome::fresh, {}});
    REQUIRE(x.finished());
    const auto o = x.take_outcome();
    CHECK(o.status == 200);
    CHECK(o.context == std::optional<std::string>(R"({"ticket":"INC-3"})"));
}

TEST_CASE("messages: texts by locale, names filled from the context, and refused files name the place") {
    auto m = hf::messages::parse(R"({"en":{"result":["With {product} x{qty}.","Done."]},
                                    "de":{"continuing":"Weiter…"},"de-AT":{"result":"Servus."}})");
    REQUIRE(m);
    CHECK(m->for_locale("en-US").result.size() == 2);
    CHECK(m->for_locale("de-DE").continuing == std::vector<std::string>{"Weiter…"});
    CHECK(m->for_locale("de-DE").result.size() == 2);  // not given for de: English
    CHECK(m->for_locale("DE-at").result == std::vector<std::string>{"Servus."});
    CHECK(m->for_locale("de-AT").continuing == std::vector<std::string>{"Weiter…"});  // its language's
    CHECK(m->for_locale("").replayed == hf::messages().for_locale("en").replayed);

    tk::memory_replay_guard store;
    auto c = config();
    c.texts = std::make_shared<const hf::messages>(*m);
    const auto filled = hf::handle(seed(issue(R"({"product":"Chai","qty":3})", 6).token).dump(), c, {}, store, now);
    CHECK(filled.followups.at(2).text == "With Chai x3.");
    const auto fallback = hf::handle(seed(issue(R"({"product":{"n":1}})", 7).token).dump(), c, {}, store, now);
    CHECK(fallback.followups.at(2).text == "Done.");  // an object is not a text

    const std::pair<const char*, const char*> refused[] = {
        {R"([])", ""},
        {R"({"en":{"reslt":"x"}})", "/en/reslt"},
        {R"({"en":{"result":[]}})", "/en/result"},
        {R"({"en":{"result":[1]}})", "/en/result"},
        {R"({"en":{"result":""}})", "/en/result"},
        {R"({"not a tag":{}})", "/not a tag"},
        {R"({"en":"hello"})", "/en"},
        {R"({"en":{"result":"a","result":"b"}})", ""},
    };
    for (const auto& r : refused) {
        const char* text = r.first;
        const char* field = r.second;
        CAPTURE(text);
        auto e = hf::messages::parse(text);
        REQUIRE_FALSE(e);
        CHECK(e.err().code == "MESSAGES_INVALID");
        CHECK(e.err().field == std::optional<std::string>(field));
    }
}

TEST_CASE("create: token, link and card for the plugin side; reference mode keeps the context first") {
    hf::create_options o;
    o.bot_id = bot;  // a GUID: the token is for 28:GUID
    o.user = user;
    o.context = R"({"b":2,"a":1})";
    o.now = now;
    o.random = std::string(16, '\x09');
    o.title = "Need more help?";
    auto made = hf::create(o, *keys());
    REQUIRE(made);
    CHECK(made->link == "https://teams.microsoft.com/l/chat/0/0?users=28:" + bot + "&continuation=" + made->token.token);
    const json card = json::parse(made->card);
    CHECK(card["actions"][0]["url"] == made->link);
    CHECK(card["body"][0]["text"] == "Need more help?");
    CHECK_FALSE(made->stored_context);
    const json claims = json::parse(tk::inspect(made->token.token)->claims_json);
    CHECK(claims["aud"] == "28:" + bot);
    CHECK(claims["ctx"] == json{{"a", 1}, {"b", 2}});

    o.reference = true;
    auto deferred = hf::create(o, *keys());
    REQUIRE(deferred);
    CHECK(deferred->stored_context == std::optional<std::string>(R"({"a":1,"b":2})"));
    CHECK(deferred->keep_until == now + tk::default_ttl + tk::max_leeway);
    counting_store store;
    auto stored = hf::create(o, *keys(), store);
    REQUIRE(stored);
    CHECK(*store.inner.load_context(stored->token.jti, now) == std::optional<std::string>(R"({"a":1,"b":2})"));
    unavailable_store down;
    CHECK(hf::create(o, *keys(), down).err().code == "STORE_UNAVAILABLE");
    o.bot_id = "not-a-bot";
    CHECK(hf::create(o, *keys()).err().code == "BOT_ID_INVALID");
}

TEST_CASE("json api session: steps out of turn, malformed answers and a failed store are coded") {
    namespace api = handoffkit::json_api;
    const std::string jwks = R"({"keys":[{"kty":"oct","kid":"k1","k":"AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8"}]})";
    const json options{{"botId", bot}, {"now", now}};
    api::handoff_session early;
    CHECK(json::parse(early.answer(R"({"value":null})"))["error"]["code"] == "INVALID_ARGUMENT");

    api::handoff_session s;
    json out = json::parse(s.start(seed(issue(std::nullopt, 8).token).dump(), jwks, options.dump()));
    REQUIRE(out["value"]["step"]["op"] == "mark");
    CHECK(json::parse(s.answer(R"({"value":5})"))["error"]["code"] == "INVALID_ARGUMENT");
    CHECK(json::parse(s.answer(R"({"valu":null})"))["error"]["code"] == "INVALID_ARGUMENT");
    out = json::parse(s.answer(R"({"error":"connection refused"})"));
    CHECK(out["value"]["outcome"]["status"] == 503);
    CHECK(json::parse(s.answer(R"({"value":null})"))["error"]["code"] == "INVALID_ARGUMENT");  // finished
    CHECK(json::parse(s.start("{}", jwks, options.dump()))["error"]["code"] == "INVALID_ARGUMENT");  // one activity

    api::handoff_session bad;
    CHECK(json::parse(bad.start("{}", jwks, R"({"now":1})"))["error"]["code"] == "INVALID_ARGUMENT");
    api::handoff_session bad_texts;
    CHECK(json::parse(bad_texts.start("{}", jwks, json{{"botId", bot}, {"now", now}, {"messages", {{"en", 1}}}}.dump()))
              ["error"]["code"] == "MESSAGES_INVALID");
}

TEST_CASE("delivery: the app checks the host's signature over the raw body, in constant time") {
    const std::string body = R"({"jti":"j","type":"handoff"})";
    const std::string sig = hf::delivery_signature(body, "a-key-of-the-app");
    CHECK(sig.rfind("sha256=", 0) == 0);
    CHECK(sig.size() == 7 + 64);
    // RFC 4231 test case 2, as the header would carry it.
    CHECK(hf::delivery_signature("what do ya want for nothing?", "Jefe") ==
          "sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
    CHECK(hf::verify_delivery(body, sig, "a-key-of-the-app"));
    CHECK_FALSE(hf::verify_delivery(body + " ", sig, "a-key-of-the-app"));
    CHECK_FALSE(hf::verify_delivery(body, sig, "another-key"));
    CHECK_FALSE(hf::verify_delivery(body, sig.substr(7), "a-key-of-the-app"));
    CHECK_FALSE(hf::verify_delivery(body, hf::delivery_signature(body, ""), ""));
}
