// The typed C++ API of cards.hpp: properties that a table of vectors cannot express.
#include <doctest/doctest.h>

#include <algorithm>
#include <functional>
#include <random>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "cards_schema.hpp"
#include "handoffkit/cards.hpp"
#include "handoffkit/deeplink.hpp"
#include "handoffkit/json_api_cards.hpp"
#include "text_checks.hpp"

namespace cards = handoffkit::cards;
using cards::card_version;
using nlohmann::json;

namespace {
const std::string guid = "00000000-0000-0000-0000-000000000000";

cards::open_url_action action(std::string url, std::string title = "") {
    cards::open_url_action a;
    a.url = std::move(url);
    a.title = std::move(title);
    return a;
}

bool has_error(const cards::card_report& r) {
    return std::any_of(r.problems.begin(), r.problems.end(),
                       [](const cards::problem& p) { return p.level == cards::severity::error; });
}

std::vector<std::string> codes(const cards::card_report& r) {
    std::vector<std::string> out;
    for (const auto& p : r.problems) out.emplace_back(p.code.name());
    return out;
}

// A card whose canonical text has exactly `size` bytes (one TextBlock padded with 'x').
std::string card_of_size(std::size_t size) {
    json card{{"type", "AdaptiveCard"}, {"version", "1.5"}, {"body", {{{"type", "TextBlock"}, {"text", ""}}}}};
    const std::size_t base = card.dump().size();
    REQUIRE(size >= base);
    card["body"][0]["text"] = std::string(size - base, 'x');
    return card.dump();
}
}  // namespace

TEST_CASE("versions: exactly 1.0 to 1.6, round trip") {
    for (int i = 0; i <= 6; ++i) {
        const auto v = static_cast<card_version>(i);
        auto parsed = cards::parse_version(cards::to_string(v));
        REQUIRE(parsed);
        CHECK(*parsed == v);
    }
    for (std::string bad : {"", "1", "1.7", "2.0", "1.5 ", " 1.5", "01.5", "1.5.0", "v1.5", "1,5"}) {
        CAPTURE(bad);
        auto r = cards::parse_version(bad);
        REQUIRE_FALSE(r);
        CHECK(r.err().code == "VERSION_UNKNOWN");
    }
    CHECK(cards::default_version == card_version::v1_5);
}

TEST_CASE("every Action.OpenUrl property is refused one version before it was introduced") {
    struct property {
        const char* name;
        card_version since;
        std::function<void(cards::open_url_action&)> set;
    };
    const std::vector<property> properties{
        {"title", card_version::v1_0, [](auto& a) { a.title = "t"; }},
        {"id", card_version::v1_0, [](auto& a) { a.id = "i"; }},
        {"iconUrl", card_version::v1_1, [](auto& a) { a.icon_url = "https://contoso.com/i.png"; }},
        {"style", card_version::v1_2, [](auto& a) { a.style = "default"; }},
        {"fallback", card_version::v1_2, [](auto& a) { a.fallback = "drop"; }},
        {"requires", card_version::v1_2, [](auto& a) { a.required_features = {{"f", "1.0"}}; }},
        {"tooltip", card_version::v1_5, [](auto& a) { a.tooltip = "t"; }},
        {"isEnabled", card_version::v1_5, [](auto& a) { a.is_enabled = false; }},
        {"mode", card_version::v1_5, [](auto& a) { a.mode = "secondary"; }},
    };
    for (const auto& p : properties) {
        for (int i = 0; i <= 6; ++i) {
            const auto v = static_cast<card_version>(i);
            CAPTURE(p.name);
            CAPTURE(cards::to_string(v));
            auto a = action("https://contoso.com/a");
            p.set(a);
            auto built = cards::build_open_url_action(a, v);
            if (v >= p.since) {
                REQUIRE(built);
                CHECK(json::parse(*built).contains(p.name));
            } else {
                REQUIRE_FALSE(built);
                CHECK(built.err().code == "UNSUPPORTED_PROPERTY");
                CHECK(built.err().message.find(std::string("'") + p.name + "'") != std::string::npos);
            }
        }
    }
}

TEST_CASE("typed builders give the canonical text") {
    auto a = cards::build_open_url_action(action("https://contoso.com/a", "Open"), card_version::v1_0);
    REQUIRE(a);
    CHECK(*a == R"({"title":"Open","type":"Action.OpenUrl","url":"https://contoso.com/a"})");

    cards::handoff_card_options o;
    o.bot_id = guid;
    o.continuation = "a b";
    o.title = "Hi";
    auto card = cards::build_handoff_card(o);
    REQUIRE(card);
    const auto link = handoffkit::deeplink::build_handoff_link({guid, "a b"});
    REQUIRE(link);
    CHECK(*card == R"({"$schema":"http://adaptivecards.io/schemas/adaptive-card.json","actions":[{"title":"Continue in Teams",)"
                   R"("type":"Action.OpenUrl","url":")" + *link + R"("}],"body":[{"size":"Medium","text":"Hi","type":"TextBlock",)"
                   R"("weight":"Bolder","wrap":true}],"type":"AdaptiveCard","version":"1.5"})");
    // Built twice, same bytes; and the JSON face returns the very same card.
    CHECK(*cards::build_handoff_card(o) == *card);
    const json env = json::parse(handoffkit::json_api::build_handoff_card(R"({"title":"Hi","continuation":"a b","botId":")" + guid + "\"}"));
    CHECK(env["value"].dump() == *card);
}

TEST_CASE("a build error names where in the card it is") {
    cards::card_options o;
    o.actions = {action("https://contoso.com/a"), action("javascript:alert(1)")};
    auto r = cards::build_card(o);
    REQUIRE_FALSE(r);
    CHECK(r.err().code == "URL_SCHEME_FORBIDDEN");
    CHECK(r.err().message.find("/actions/1/url") != std::string::npos);
}

TEST_CASE("invalid UTF-8 is refused by the builders, not serialized with replacements") {
    cards::card_options o;
    o.title = "bad \xC3";
    CHECK(cards::build_card(o).err().code == "INVALID_UTF8");
    o.title = "";
    auto a = action("https://contoso.com/a", "t");
    a.required_features = {{"f\xFF", "1.0"}};
    o.actions = {a};
    CHECK(cards::build_card(o).err().code == "INVALID_UTF8");
    cards::handoff_card_options h;
    h.bot_id = guid;
    h.continuation = "x";
    h.button_title = "\xED\xA0\x80";  // a UTF-16 surrogate encoded as UTF-8
    CHECK(cards::build_handoff_card(h).err().code == "INVALID_UTF8");
}

TEST_CASE("payload limits: exact boundaries for bots and webhooks") {
    cards::validate_options bot;
    cards::validate_options webhook;
    webhook.host = cards::target::webhook;
    auto only = [](const cards::card_report& r) { return codes(r); };
    using v = std::vector<std::string>;
    CHECK(only(cards::validate(card_of_size(cards::bot_payload_warning), bot)).empty());
    CHECK(only(cards::validate(card_of_size(cards::bot_payload_warning + 1), bot)) == v{"PAYLOAD_NEAR_LIMIT"});
    CHECK(only(cards::validate(card_of_size(cards::bot_payload_limit), bot)) == v{"PAYLOAD_NEAR_LIMIT"});
    CHECK(only(cards::validate(card_of_size(cards::bot_payload_limit + 1), bot)) == v{"PAYLOAD_TOO_LARGE"});
    CHECK(only(cards::validate(card_of_size(cards::webhook_payload_warning), webhook)).empty());
    CHECK(only(cards::validate(card_of_size(cards::webhook_payload_limit), webhook)) == v{"PAYLOAD_NEAR_LIMIT"});
    CHECK(only(cards::validate(card_of_size(cards::webhook_payload_limit + 1), webhook)) == v{"PAYLOAD_TOO_LARGE"});
    // The size is that of the canonical text: indentation in the input does not count.
    const json big = json::parse(card_of_size(cards::bot_payload_limit));
    CHECK(only(cards::validate(big.dump(8), bot)) == v{"PAYLOAD_NEAR_LIMIT"});
    // A card too big to send is too big to build.
    cards::card_options o;
    o.text = std::string(cards::bot_payload_limit, 'x');
    CHECK(cards::build_card(o).err().code == "PAYLOAD_TOO_LARGE");
}

TEST_CASE("hostile input: huge, deep, truncated, random bytes; never a throw, always coded") {
    const std::string huge(cards::max_input_length + 1, ' ');
    CHECK(codes(cards::validate(huge)) == std::vector<std::string>{"INPUT_TOO_LARGE"});
    const std::string deep = std::string(200000, '[') + std::string(200000, ']');
    CHECK(codes(cards::validate(deep)) == std::vector<std::string>{"NESTING_TOO_DEEP"});
    const std::string deep_objects = [] {
        std::string s;
        for (int i = 0; i < 100000; ++i) s += "{\"a\":";
        return s + "1" + std::string(100000, '}');
    }();
    CHECK(codes(cards::validate(deep_objects)) == std::vector<std::string>{"NESTING_TOO_DEEP"});

    // A deep fallback chain inside a build request is refused before anything recursive runs: the
    // request nests past the JSON limit (INVALID_JSON, as "card: fallback actions nested 200 levels"
    // in the bad-input catalogue).
    std::string chain = "\"drop\"";
    for (int i = 0; i < 5000; ++i) chain = R"({"type":"Action.OpenUrl","url":"https://contoso.com","fallback":)" + chain + "}";
    const json env = json::parse(handoffkit::json_api::build_open_url_action(
        R"({"url":"https://contoso.com","fallback":)" + chain + "}"));
    CHECK(env["ok"] == false);
    CHECK(env["error"]["code"] == "INVALID_JSON");

    // Every prefix of a valid card, and random bytes, give a coded report whose verdict matches.
    const std::string good = R"({"type":"AdaptiveCard","version":"1.5","body":[{"type":"TextBlock","text":"hi"}],)"
                             R"("actions":[{"type":"Action.OpenUrl","url":"https://contoso.com","title":"Go"}]})";
    CHECK(cards::validate(good).problems.empty());
    std::mt19937 rng(42);
    std::uniform_int_distribution<int> byte(0, 255), pos(0, static_cast<int>(good.size()) - 1);
    std::vector<std::string> inputs;
    for (std::size_t n = 0; n < good.size(); ++n) inputs.push_back(good.substr(0, n));
    for (int i = 0; i < 3000; ++i) {
        std::string s = good;
        for (int k = 0; k < 1 + i % 4; ++k) s[pos(rng)] = static_cast<char>(i % 2 ? byte(rng) : "{}[]\",:"[byte(rng) % 7]);
        inputs.push_back(s);
    }
    for (const auto& s : inputs) {
        cards::card_report r;
        CHECK_NOTHROW(r = cards::validate(s));
        CHECK(r.valid == !has_error(r));
        for (const auto& p : r.problems) {
            CHECK_FALSE(p.code.name().empty());
            CHECK((p.path.empty() || p.path[0] == '/'));
        }
        CHECK_NOTHROW(json::parse(handoffkit::json_api::validate_card(s, "")));
    }
}

TEST_CASE("the JSON face survives any request text") {
    std::mt19937 rng(9);
    std::uniform_int_distribution<int> byte(0, 255), len(0, 64);
    const std::string seed = R"({"botId":")" + guid + R"(","continuation":"x","title":"t"})";
    for (int i = 0; i < 2000; ++i) {
        std::string s = i % 2 ? seed : "";
        for (int n = len(rng); n > 0; --n) {
            if (s.empty() || i % 3 == 0) s += static_cast<char>(byte(rng));
            else s[static_cast<std::size_t>(byte(rng)) % s.size()] = static_cast<char>(byte(rng));
        }
        for (auto* f : {&handoffkit::json_api::build_handoff_card, &handoffkit::json_api::build_card,
                        &handoffkit::json_api::build_open_url_action}) {
            json env;
            CHECK_NOTHROW(env = json::parse((*f)(s)));
            CHECK(env.contains("ok"));
            if (env["ok"] == false) CHECK_FALSE(env["error"]["code"].get<std::string>().empty());
        }
    }
}

TEST_CASE("the same card in any key order or formatting gets the same report") {
    const std::string a = R"({"type":"AdaptiveCard","version":"1.2","actions":[{"type":"Action.OpenUrl","url":"http://x.com","tooltip":"t"}]})";
    const std::string b = "{\n  \"actions\" : [ { \"tooltip\":\"t\", \"url\":\"http://x.com\", \"type\":\"Action.OpenUrl\" } ],\n"
                          "  \"version\":\"1.2\", \"type\":\"AdaptiveCard\" }";
    const std::string ra = handoffkit::json_api::validate_card(a, "");
    CHECK(ra == handoffkit::json_api::validate_card(b, ""));
    CHECK(ra.find("NEWER_THAN_CARD_VERSION") != std::string::npos);
    CHECK(ra.find("URL_SCHEME_NOT_ALLOWED") != std::string::npos);
}

TEST_CASE("json_nesting_exceeds skips strings and escapes") {
    using handoffkit::detail::json_nesting_exceeds;
    CHECK_FALSE(json_nesting_exceeds("[[1]]", 2));
    CHECK(json_nesting_exceeds("[[[1]]]", 2));
    CHECK_FALSE(json_nesting_exceeds(R"(["[[[[", "\"[[[["])", 1));
    CHECK(json_nesting_exceeds(R"(["\\", [[]]])", 2));  // the escaped backslash ends; the string closes
    CHECK_FALSE(json_nesting_exceeds("", 0));
}

TEST_CASE("the schema table is read whole, and its limits are the header's") {
    const auto& schema = handoffkit::cards::detail::card_schema();
    const json table = json::parse(handoffkit::cards::detail::schema_json());
    REQUIRE(schema.types.size() == table["types"].size());
    std::size_t props = 0;
    for (const auto& type : table["types"].items()) {
        const std::string& name = type.key();
        const json& t = type.value();
        CAPTURE(name);
        const auto* def = schema.find_type(name);
        REQUIRE(def);
        CHECK(def->props.size() == t["props"].size());
        props += def->props.size();
        for (const auto& [prop, spec] : t["props"].items()) {
            const auto* p = def->find(prop);
            REQUIRE(p);
            CHECK(cards::to_string(p->since) == spec.get<std::string>().substr(0, 3));
        }
    }
    CHECK(props > 450);
    CHECK(schema.enums.size() == table["enums"].size());
    const auto& bot = schema.target_of(cards::target::bot);
    const auto& webhook = schema.target_of(cards::target::webhook);
    CHECK(bot.max_bytes == cards::bot_payload_limit);
    CHECK(bot.warn_bytes == cards::bot_payload_warning);
    CHECK(webhook.max_bytes == cards::webhook_payload_limit);
    CHECK(webhook.warn_bytes == cards::webhook_payload_warning);
    CHECK(bot.max_actions == 6);  // the Teams host config's maxActions
    const auto& copilot = schema.target_of(cards::target::copilot);
    CHECK(copilot.max_buttons == 4);
    CHECK(copilot.min_buttons == 1);
    REQUIRE(copilot.max_version);
    CHECK(*copilot.max_version == card_version::v1_5);
    // Every copilot rule cites the page it comes from.
    for (const auto& rule : table["targets"]["copilot"]["rules"]) {
        CHECK_FALSE(rule["quote"].get<std::string>().empty());
        CHECK(table["sources"].contains(rule["source"].get<std::string>()));
    }
}

TEST_CASE("issue 14 finding 5: an encoded Teams host or path is checked as the link a browser opens") {
    const std::string plain = "https://teams.microsoft.com/l/chat/0/0?users=28:notaguid&continuation=";
    const auto link_report = handoffkit::deeplink::validate(plain);
    REQUIRE_FALSE(link_report.valid);
    std::vector<std::string> link_errors;
    for (const auto& p : link_report.problems)
        if (p.level == cards::severity::error) link_errors.emplace_back(p.code.name());
    for (const std::string url : {plain, std::string("https://teams%2Emicrosoft%2Ecom/l/chat/0/0?users=28:notaguid&continuation="),
                                  std::string("https://TEAMS.microsoft.com/%6C/chat/0/0?users=28:notaguid&continuation=")}) {
        CAPTURE(url);
        const json card{{"type", "AdaptiveCard"}, {"version", "1.5"}, {"actions", {{{"type", "Action.OpenUrl"}, {"url", url}}}}};
        const auto r = cards::validate(card.dump());
        CHECK_FALSE(r.valid);
        std::vector<std::string> deep;
        for (const auto& p : r.problems)
            if (p.code == "DEEP_LINK_INVALID") deep.push_back(p.message);
        // Each of the link's own errors is named in the card's report.
        for (const auto& code : link_errors)
            CHECK(std::any_of(deep.begin(), deep.end(), [&](const std::string& m) { return m.find(code) != std::string::npos; }));
    }
}

TEST_CASE("cards built for a target are checked against it") {
    cards::handoff_card_options h;
    h.bot_id = guid;
    h.continuation = "abc";
    h.host = cards::target::copilot;
    CHECK(cards::build_handoff_card(h));
    h.text = std::string(cards::webhook_payload_limit, 'x');  // fine for a bot, too big for Copilot
    CHECK(cards::build_handoff_card(h).err().code == "PAYLOAD_TOO_LARGE");
    h.host = cards::target::bot;
    CHECK(cards::build_handoff_card(h));
    cards::card_options o;
    o.host = cards::target::copilot;
    o.title = "no buttons";
    CHECK(cards::build_card(o).err().code == "COPILOT_ACTION_COUNT");
    o.actions.assign(5, action("https://contoso.com/a"));
    CHECK(cards::build_card(o).err().code == "TOO_MANY_ACTIONS");
    o.actions.resize(4);
    CHECK(cards::build_card(o));
    for (std::string bad : {"", "Bot", "email"}) CHECK(cards::parse_target(bad).err().code == "INVALID_ARGUMENT");
}
