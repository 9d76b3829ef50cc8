// Where follow-ups may go, through `handoffkit serve`: the Bot Connector's token must name the
// serviceUrl (a token without a string `serviceurl` claim once let the activity name any URL,
// and the host posted its bearer token there), the serviceUrl must be on the allow-list before
// anything is redeemed, and without app credentials follow-ups go to loopback only, with no token.
// The fake Bot Framework (fake_bot_framework.hpp) signs the inbound tokens and records what
// reaches its connector; an "attacker" server records what would have leaked.
#include <doctest/doctest.h>

#include "fake_bot_framework.hpp"
#include "host_support.hpp"
#include "serve_tokens.hpp"

namespace {
using nlohmann::json;
using namespace handoffkit::test;
using namespace handoffkit::test::serve_tokens;

// A server anything may reach: it records and answers like a connector (and an OAuth endpoint).
struct attacker_server {
    recording_server server{[](const recording_server::request&) {
        return recording_server::reply{200, R"({"access_token":"x","expires_in":3600,"id":"1"})"};
    }};
};

std::vector<std::string> with(std::vector<std::string> args, const std::vector<std::string>& more) {
    args.insert(args.end(), more.begin(), more.end());
    return args;
}

// serve with inbound authentication against `bf` (no --insecure-no-auth), real tokens, a store.
std::vector<std::string> authenticated_args(const fake_bot_framework& bf, const std::string& keys_file,
                                            const std::string& store) {
    return with({"--listen", "127.0.0.1:0", "--keys", keys_file, "--store", store, "--app-id", bot}, bf.serve_flags());
}

std::pair<int, std::string> post_as(std::uint16_t port, const json& activity, const std::string& authorization) {
    const auto r = call(port, "POST", "/api/messages", activity.dump(), {authorization});
    if (r.body.empty()) return {r.status, ""};
    const json j = json::parse(r.body, nullptr, false);
    return {r.status, j.is_object() && j.contains("error") ? j["error"].value("code", "?") : "?"};
}

json activity_at(const std::string& token, const std::string& service_url) {
    json a = activity(token);
    a["serviceUrl"] = service_url;
    return a;
}

std::uint64_t outbound_metric(std::uint16_t port, const std::string& outcome) {
    const std::string text = call(port, "GET", "/metrics").body;
    const std::string name = "handoffkit_outbound_activities_total{outcome=\"" + outcome + "\"} ";
    const auto at = text.find(name);
    return at == std::string::npos ? 0 : std::stoull(text.substr(at + name.size()));
}

}  // namespace

TEST_CASE("serve with auth: a token whose serviceurl claim is missing, empty, null or not a string is refused 401, before anything is redeemed") {
    fake_bot_framework bf(bot);
    attacker_server attacker;
    temp_path keys_file("keys-su-claim.json", keys);
    serve_process serve(with(authenticated_args(bf, keys_file.path, "memory:"), {"--allow-service-url-host", "127.0.0.1"}),
                        "app-password-su");
    const auto port = serve.port();
    REQUIRE(port != 0);

    const std::string token = for_this_user();
    const json evil = activity_at(token, attacker.server.url("/"));
    struct variant {
        std::string name;
        std::function<void(json&)> change;
    };
    const std::vector<variant> variants{
        {"absent", [](json& c) { c.erase("serviceurl"); }},
        {"empty", [](json& c) { c["serviceurl"] = ""; }},
        {"null", [](json& c) { c["serviceurl"] = nullptr; }},
        {"an array", [&](json& c) { c["serviceurl"] = json::array({attacker.server.url("/")}); }},
        {"a number", [](json& c) { c["serviceurl"] = 42; }},
        {"true", [](json& c) { c["serviceurl"] = true; }},
        {"spelled serviceUrl", [&](json& c) { c.erase("serviceurl"), c["serviceUrl"] = attacker.server.url("/"); }},
        {"spelled ServiceUrl", [&](json& c) { c.erase("serviceurl"), c["ServiceUrl"] = attacker.server.url("/"); }},
    };
    for (const auto& v : variants) {
        CAPTURE(v.name);
        json claims = bf.claims(attacker.server.url("/"));
        v.change(claims);
        const auto [status, code] = post_as(port, evil, bf.authorization(claims));
        CHECK(status == 401);
        CHECK(code == "AUTH_SERVICE_URL_MISSING");
    }
    // A claim that names another serviceUrl than the activity's is refused as before.
    CHECK(post_as(port, evil, bf.authorization(bf.service_url())) == std::pair<int, std::string>{401, "AUTH_SERVICE_URL_MISMATCH"});
    CHECK(attacker.server.requests().empty());  // nothing leaked: no follow-up, no bearer token

    // Nothing was redeemed: the same token, from the Bot Connector's own conversation, works once.
    CHECK(post_as(port, activity_at(token, bf.service_url()), bf.authorization(bf.service_url())).first == 200);
    REQUIRE(bf.connector.wait_for(4));  // the bot's OAuth token, then three follow-ups
    for (const auto& r : bf.activities()) CHECK(r.authorization == "Bearer bot-token");
    CHECK(serve.log().find("app-password-su") == std::string::npos);
}

TEST_CASE("serve with credentials: a serviceUrl off the allow-list is refused before redeeming; loopback only when named") {
    fake_bot_framework bf(bot);
    attacker_server attacker;
    temp_path keys_file("keys-su-list.json", keys), db("su-list.db");
    const std::string token = for_this_user();
    {
        // The default list: Microsoft's public-cloud Bot Connector hosts, not loopback.
        serve_process serve(authenticated_args(bf, keys_file.path, "sqlite:" + db.path), "app-password-su");
        const auto port = serve.port();
        REQUIRE(port != 0);
        using answered = std::pair<int, std::string>;
        for (const std::string& url : {attacker.server.url("/"), std::string("https://attacker.example/"),
                                       std::string("http://smba.trafficmanager.net/amer/"),
                                       "http://localhost:" + std::to_string(attacker.server.port()) + "/_connector"}) {
            CAPTURE(url);
            CHECK(post_as(port, activity_at(token, url), bf.authorization(url)) == answered{403, "SERVICE_URL_NOT_ALLOWED"});
        }
        const std::string smuggled = "https://smba.trafficmanager.net@127.0.0.1:" + std::to_string(attacker.server.port()) + "/";
        CHECK(post_as(port, activity_at(token, smuggled), bf.authorization(smuggled)) == answered{400, "SERVICE_URL_INVALID"});
        CHECK(attacker.server.requests().empty());
        CHECK(bf.connector.requests().empty());  // not even an OAuth token was asked for
    }
    // Restarted on the same store with the loopback connector named: the token was never spent.
    serve_process named(with(authenticated_args(bf, keys_file.path, "sqlite:" + db.path), {"--allow-service-url-host", "127.0.0.1"}),
                        "app-password-su");
    const auto port = named.port();
    REQUIRE(port != 0);
    CHECK(post_as(port, activity_at(token, bf.service_url()), bf.authorization(bf.service_url())).first == 200);
    REQUIRE(bf.connector.wait_for(4));
    CHECK(bf.activities().size() == 3);
}

TEST_CASE("serve without credentials: follow-ups reach a loopback serviceUrl (the Agents Playground's http://localhost:PORT/_connector) with no bearer token, and no other host") {
    recording_server connector([](const recording_server::request&) { return recording_server::reply{201, R"({"id":"1"})"}; });
    temp_path keys_file("keys-su-local.json", keys);
    serve_process serve(serve_args(keys_file.path, "memory:"));  // --insecure-no-auth, no app password
    const auto port = serve.port();
    REQUIRE(port != 0);
    CHECK(serve.log().find("follow-ups go only to loopback serviceUrls") != std::string::npos);

    const std::string playground = "http://localhost:" + std::to_string(connector.port()) + "/_connector";
    CHECK(post(port, for_this_user()) == 200);  // the seed's serviceUrl: Microsoft's, allowed, nothing sent
    CHECK(call(port, "POST", "/api/messages", activity_at(for_this_user(), playground).dump()).status == 200);
    REQUIRE(connector.wait_for(3));
    CHECK(call(port, "POST", "/api/messages", activity_at(for_this_user(), connector.url("/")).dump()).status == 200);
    REQUIRE(connector.wait_for(6));
    const auto reqs = connector.requests();
    REQUIRE(reqs.size() == 6);
    const std::string conversation = activity("x")["conversation"]["id"];
    for (std::size_t i = 0; i < reqs.size(); ++i) {
        CAPTURE(i);
        CHECK(reqs[i].authorization.empty());  // no bearer token at all
        CHECK(reqs[i].target.rfind(i < 3 ? "/_connector/v3/conversations/" : "/v3/conversations/", 0) == 0);
    }
    CHECK(json::parse(reqs[0].body)["text"] == "Continuing conversation from Copilot\xE2\x80\xA6");

    // Another host: refused before redeeming; Microsoft's hosts: allowed, but nothing is sent.
    CHECK(answer(port, activity_at(for_this_user(), "https://attacker.example/")) ==
          std::pair<int, std::string>{403, "SERVICE_URL_NOT_ALLOWED"});
    std::uint64_t dropped = 0;
    for (int i = 0; i < 100 && (dropped = outbound_metric(port, "dropped")) < 3; ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    CHECK(dropped == 3);  // the seed's three follow-ups, counted, not sent
    CHECK(outbound_metric(port, "sent") == 6);
    CHECK(connector.requests().size() == 6);
}
