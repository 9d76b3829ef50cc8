// `handoffkit serve` with real continuation tokens: verified with --keys, redeemed once in
// --store. The seed's payload end to end, every token error path, a store that cannot answer,
// two hosts sharing one Redis, and kill -9 of a host on SQLite.
#include <doctest/doctest.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <thread>
#include <vector>

#include "handoffkit/json_api.hpp"
#include "handoffkit/json_api_cards.hpp"
#include "handoffkit/json_api_eligibility.hpp"
#include "handoffkit/json_api_token.hpp"
#include "handoffkit/native/system.hpp"
#include "host_support.hpp"
#include "serve_tokens.hpp"
#include "fake_bot_framework.hpp"
#include "local_servers.hpp"
#include "redis_server.hpp"

namespace {
using nlohmann::json;
using namespace handoffkit::test;
using namespace handoffkit::test::serve_tokens;
namespace fs = std::filesystem;
}  // namespace

TEST_CASE("serve --keys --store sqlite: the seed payload with a real token, then every refusal with its own code") {
    temp_path keys_file("keys.json", keys), db("tokens.db");
    serve_process serve(serve_args(keys_file.path, "sqlite:" + db.path));
    const auto port = serve.port();
    REQUIRE(port != 0);
    using answered = std::pair<int, std::string>;

    const std::string token = for_this_user();
    auto ok = call(port, "POST", "/api/messages", activity(token).dump());
    CHECK(ok.status == 200);
    CHECK(ok.body.empty());
    CHECK(answer(port, activity(token)) == answered{409, "TOKEN_REPLAYED"});  // another activity

    // The activity itself is wrong: refused before any token is looked at.
    CHECK(answer(port, std::string("{not json")) == answered{400, "ACTIVITY_MALFORMED"});
    json no_continuation = activity(for_this_user());
    no_continuation["value"].erase("continuation");
    CHECK(answer(port, no_continuation) == answered{400, "CONTINUATION_MISSING"});
    json other_bot = activity(for_this_user());
    other_bot["recipient"]["id"] = "28:11111111-1111-1111-1111-111111111111";
    CHECK(answer(port, other_bot) == answered{400, "WRONG_RECIPIENT"});
    json other_invoke = activity(for_this_user());
    other_invoke["name"] = "composeExtension/query";
    CHECK(answer(port, other_invoke) == answered{501, "UNKNOWN_INVOKE"});

    // The token is wrong.
    CHECK(answer(port, activity("not-a-token")) == answered{400, "TOKEN_MALFORMED"});
    CHECK(answer(port, activity(issue({{"botId", "28:" + bot}, {"user", user}}, other_keys))) ==
          answered{401, "TOKEN_BAD_SIGNATURE"});
    CHECK(answer(port, activity(issue({{"botId", "28:11111111-1111-1111-1111-111111111111"}}))) ==
          answered{401, "TOKEN_WRONG_AUDIENCE"});
    CHECK(answer(port, activity(issue({{"botId", "28:" + bot}, {"user", "someone-else"}}))) ==
          answered{403, "TOKEN_WRONG_USER"});
    const auto long_ago = handoffkit::native::unix_now() - 3600;
    CHECK(answer(port, activity(issue({{"botId", "28:" + bot}, {"ttl", 600}, {"now", long_ago}}))) ==
          answered{410, "TOKEN_EXPIRED"});

    // A refused token consumed nothing: the right user's token still works, once.
    const std::string fresh = for_this_user();
    json wrong_user = activity(fresh);
    wrong_user["from"]["aadObjectId"] = "someone-else";
    CHECK(answer(port, wrong_user) == answered{403, "TOKEN_WRONG_USER"});
    json anonymous = activity(fresh);
    anonymous["from"].erase("aadObjectId");
    CHECK(answer(port, anonymous) == answered{403, "TOKEN_WRONG_USER"});  // bound tokens need their user
    CHECK(post(port, fresh) == 200);
    CHECK(answer(port, activity(fresh)) == answered{409, "TOKEN_REPLAYED"});

    const std::string log = serve.log();
    CHECK(log.find(token) == std::string::npos);  // tokens are never logged
    CHECK(log.find(fresh) == std::string::npos);
    CHECK(log.find("AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8") == std::string::npos);  // nor keys
}

TEST_CASE("serve --keys: the seed payload end to end, with the follow-ups the Bot Connector receives") {
    // What a deployment runs: inbound Bot Framework authentication on, app credentials, and the
    // Bot Connector (here on loopback, so named) receiving the follow-ups with the bot's token.
    fake_bot_framework bf(bot);
    temp_path keys_file("keys-e2e.json", keys);
    std::vector<std::string> args{"--listen", "127.0.0.1:0", "--keys", keys_file.path, "--store", "memory:", "--app-id", bot,
                                  "--allow-service-url-host", "127.0.0.1"};
    for (const auto& f : bf.serve_flags()) args.push_back(f);
    serve_process serve(args, "app-password-e2e");
    const auto port = serve.port();
    REQUIRE(port != 0);
    const std::string authorization = bf.authorization(bf.service_url());
    auto seed = [&](const std::string& token) {
        json a = activity(token);
        a["serviceUrl"] = bf.service_url();
        return a;
    };
    auto post_seed = [&](const json& a) { return call(port, "POST", "/api/messages", a.dump(), {authorization}); };
    auto sent = [&] {
        std::vector<json> out;
        for (const auto& r : bf.activities()) out.push_back(json::parse(r.body));
        return out;
    };

    const std::string token = for_this_user();
    auto r = post_seed(seed(token));
    CHECK(r.status == 200);
    CHECK(r.body.empty());
    REQUIRE(bf.connector.wait_for(4));  // the bot's token, then three activities
    auto activities = sent();
    REQUIRE(activities.size() == 3);
    CHECK(activities[0]["type"] == "message");
    CHECK(activities[0]["text"] == "Continuing conversation from Copilot\xE2\x80\xA6");
    CHECK(activities[1]["type"] == "typing");
    CHECK(activities[2]["type"] == "message");
    CHECK(activities[2]["text"] == "You're all set: the conversation continues here.");
    const json in = seed(token);
    for (const auto& a : activities) {
        CHECK(a["conversation"]["id"] == in["conversation"]["id"]);
        CHECK(a["from"]["id"] == in["recipient"]["id"]);
        CHECK(a["recipient"]["id"] == in["from"]["id"]);
        CHECK(a.dump().find(token) == std::string::npos);
    }
    for (const auto& req : bf.activities()) CHECK(req.authorization == "Bearer bot-token");

    // Replayed and expired: 409 and 410, each followed by one message asking for a new conversation.
    CHECK(post_seed(seed(token)).status == 409);
    REQUIRE(bf.connector.wait_for(5));
    const auto expired = issue({{"botId", "28:" + bot}, {"ttl", 60}, {"now", handoffkit::native::unix_now() - 600}});
    CHECK(post_seed(seed(expired)).status == 410);
    REQUIRE(bf.connector.wait_for(6));
    activities = sent();
    REQUIRE(activities.size() == 5);
    for (int i : {3, 4}) CHECK(activities[i]["text"].get<std::string>().find("start a new conversation") != std::string::npos);

    // A refusal before redemption (another bot's activity) tells nobody anything.
    json foreign = seed(for_this_user());
    foreign["recipient"]["id"] = "28:11111111-1111-1111-1111-111111111111";
    CHECK(post_seed(foreign).status == 400);
    // Without the Bot Connector's token nothing is looked at.
    CHECK(call(port, "POST", "/api/messages", seed(for_this_user()).dump()).status == 401);
    CHECK(kill(serve.pid, SIGTERM) == 0);
    CHECK(serve.wait_exit() == 0);  // drains the follow-ups first
    CHECK(sent().size() == 5);
    CHECK(serve.log().find("app-password-e2e") == std::string::npos);
    CHECK(serve.log().find("bot-token") == std::string::npos);
}

TEST_CASE("serve: a store that cannot answer is 503: fail closed, never accepted") {
    temp_path keys_file("keys-down.json", keys);
    redis_server redis;
    REQUIRE(redis.started());
    serve_process serve(serve_args(keys_file.path, "redis://127.0.0.1:" + std::to_string(redis.port())));
    const auto port = serve.port();
    REQUIRE(port != 0);
    CHECK(post(port, for_this_user()) == 200);
    const std::string token = for_this_user();
    redis.stop();
    CHECK(post(port, token) == 503);
}

TEST_CASE("serve: two hosts on one Redis redeem the same token concurrently: exactly one 200") {
    temp_path keys_file("keys-two.json", keys);
    redis_server redis;
    REQUIRE(redis.started());
    const std::string store = "redis://127.0.0.1:" + std::to_string(redis.port());
    serve_process a(serve_args(keys_file.path, store)), b(serve_args(keys_file.path, store));
    const std::uint16_t ports[] = {a.port(), b.port()};
    REQUIRE(ports[0] != 0);
    REQUIRE(ports[1] != 0);
    for (int round = 0; round < 20; ++round) {
        const std::string token = for_this_user();
        std::atomic<int> ok{0}, replayed{0}, other{0};
        std::vector<std::thread> clients;
        for (int i = 0; i < 16; ++i)
            clients.emplace_back([&, i] {
                const int status = post(ports[i % 2], token);
                (status == 200 ? ok : status == 409 ? replayed : other)++;
            });
        for (auto& t : clients) t.join();
        CHECK(ok == 1);
        CHECK(replayed == 15);
        CHECK(other == 0);
    }
}

TEST_CASE("serve: kill -9 during redemptions on SQLite, restart: nothing redeemed twice") {
    temp_path keys_file("keys-kill.json", keys), db("kill.db");
    std::vector<std::string> tokens;
    for (int i = 0; i < 400; ++i) tokens.push_back(for_this_user());
    // -1: never answered (the host died under it, or was gone); else the status.
    std::vector<int> first(tokens.size(), -1);
    constexpr int kill_after = 60;  // 200s seen before the kill: by progress, not by time
    {
        serve_process serve(serve_args(keys_file.path, "sqlite:" + db.path));
        const auto port = serve.port();
        REQUIRE(port != 0);
        std::atomic<std::size_t> next{0};
        std::atomic<int> redeemed{0};
        std::atomic<bool> killed{false};
        std::vector<std::thread> clients;
        for (int c = 0; c < 4; ++c)
            clients.emplace_back([&] {
                for (std::size_t i; (i = next++) < tokens.size();) {
                    try {
                        first[i] = post(port, tokens[i]);
                    } catch (const std::exception&) {
                        first[i] = -1;  // connection refused: the host is gone
                    }
                    if (first[i] == 0) first[i] = -1;  // the connection closed unanswered
                    if (first[i] == 200 && ++redeemed == kill_after && !killed.exchange(true))
                        kill(serve.pid, SIGKILL);  // other clients still have requests in flight
                }
            });
        for (auto& t : clients) t.join();
        REQUIRE(killed);
    }
    serve_process again(serve_args(keys_file.path, "sqlite:" + db.path));
    const auto port = again.port();
    REQUIRE(port != 0);
    int answered_before = 0, unanswered = 0;
    for (std::size_t i = 0; i < tokens.size(); ++i) {
        const int status = post(port, tokens[i]);
        if (first[i] == 200) {
            ++answered_before;
            CHECK(status == 409);  // what was redeemed before the kill stays redeemed
        } else {
            CHECK(first[i] == -1);  // nothing else was refused before the kill
            ++unanswered;
            CHECK((status == 200 || status == 409));  // in flight at the kill: at most one success overall
        }
        CHECK(post(port, tokens[i]) == 409);
    }
    CHECK(answered_before >= kill_after);
    CHECK(unanswered > 0);  // the kill really landed mid-run
}

TEST_CASE("serve --api-key-file: the sidecar issues token + link + card and evaluates eligibility, for the key only") {
    const std::string api_key = "sidecar-key-0123456789abcdef0123456789";
    temp_path keys_file("keys-sidecar.json", keys), key_file("api-key", api_key + "\n"), db("sidecar.db");
    auto args = serve_args(keys_file.path, "sqlite:" + db.path);
    args.insert(args.end(), {"--api-key-file", key_file.path});
    serve_process serve(args);
    const auto port = serve.port();
    REQUIRE(port != 0);
    auto sidecar = [&](const std::string& path, const std::string& body, const std::string& key) {
        raw_connection c(port);
        c.send("POST " + path + " HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n" +
               (key.empty() ? "" : "Authorization: Bearer " + key + "\r\n") + "Content-Length: " +
               std::to_string(body.size()) + "\r\nConnection: close\r\n\r\n" + body);
        return c.read_response();
    };

    CHECK(sidecar("/v1/handoffs", "{}", "").status == 401);
    CHECK(sidecar("/v1/handoffs", "{}", api_key + "x").status == 401);
    CHECK(sidecar("/v1/handoffs", "{}", api_key.substr(1)).status == 401);
    CHECK(call(port, "POST", "/v1/handoffs", "{}", {"Authorization: " + api_key}).status == 401);  // Bearer only
    CHECK(call(port, "POST", "/v1/handoffs", "{}", {"Authorization: Basic " + api_key}).status == 401);
    CHECK(call(port, "POST", "/v1/eligibility", "{}", {"X-Api-Key: " + api_key}).status == 401);
    CHECK(json::parse(sidecar("/v1/eligibility", "{}", "wrong").body)["error"]["code"] == "API_KEY_INVALID");
    CHECK(call(port, "GET", "/v1/handoffs").status == 405);

    auto r = sidecar("/v1/handoffs", json{{"user", user}, {"ttl", 300}, {"ctx", {{"case", "CAS-7"}}}, {"title", "Hi"}}.dump(), api_key);
    REQUIRE(r.status == 200);
    const json issued = json::parse(r.body);
    const std::string token = issued["token"];
    CHECK(issued["card"]["actions"][0]["url"] == issued["link"]);
    const json report = json::parse(handoffkit::json_api::validate_deep_link(issued["link"].get<std::string>(), R"({"expectKind":"handoff"})"));
    CHECK(report["value"]["valid"] == true);
    const json card_report = json::parse(handoffkit::json_api::validate_card(issued["card"].dump(), ""));
    CHECK(card_report["value"]["valid"] == true);
    const json verify_as = {{"botId", "28:" + bot}, {"user", user}, {"now", handoffkit::native::unix_now()}};
    const json verified = json::parse(handoffkit::json_api::verify_token(token, keys, verify_as.dump()));
    REQUIRE(verified["ok"] == true);
    CHECK(verified["value"]["claims"]["aud"] == "28:" + bot);
    CHECK(verified["value"]["claims"]["sub"] == user);
    CHECK(verified["value"]["claims"]["jti"] == issued["jti"]);
    CHECK(verified["value"]["ctx"] == json{{"case", "CAS-7"}});
    json as_other = verify_as;
    as_other["user"] = "someone-else";
    CHECK(json::parse(handoffkit::json_api::verify_token(token, keys, as_other.dump()))["error"]["code"] == "WRONG_USER");
    CHECK(json::parse(handoffkit::json_api::verify_token(token, other_keys, verify_as.dump()))["ok"] == false);
    CHECK(post(port, token) == 200);  // the host redeems what its sidecar issued, once
    CHECK(post(port, token) == 409);
    CHECK(sidecar("/v1/handoffs", std::string(70 * 1024, ' '), api_key).status == 413);  // the body cap applies
    CHECK(sidecar("/v1/handoffs", "{", api_key).status == 400);

    auto bad = sidecar("/v1/handoffs", R"({"usr":"typo"})", api_key);
    CHECK(bad.status == 400);
    CHECK(json::parse(bad.body)["error"]["code"] == "INVALID_ARGUMENT");
    CHECK(json::parse(sidecar("/v1/handoffs", R"({"ttl":0})", api_key).body)["error"]["code"] == "INVALID_ARGUMENT");

    const std::string environment = R"({"geography":"unitedStates","representatives":[{"id":"a","licenses":["customerServiceEnterprise"]}]})";
    auto e = sidecar("/v1/eligibility", environment, api_key);
    CHECK(e.status == 200);
    temp_path environment_file("environment.json", environment);
    const auto cli = run_cli({"eligibility", environment_file.path});
    REQUIRE(cli.status == 4);  // the example leaves cells unknown: exit 4
    CHECK(e.body + "\n" == cli.out);  // byte for byte what `handoffkit eligibility` prints
    auto invalid = sidecar("/v1/eligibility", R"({"representatives":[{"id":"a","surface":"web"}]})", api_key);
    CHECK(invalid.status == 400);
    CHECK(json::parse(invalid.body)["error"]["field"] == "/representatives/0/surface");
    CHECK(serve.log().find(api_key) == std::string::npos);
}

TEST_CASE("serve: without --api-key-file the sidecar does not exist") {
    temp_path keys_file("keys-nosidecar.json", keys);
    serve_process serve(serve_args(keys_file.path, "memory:"));
    const auto port = serve.port();
    REQUIRE(port != 0);
    // Just another path of the static route: GET finds nothing, POST is not allowed there.
    CHECK(call(port, "GET", "/v1/handoffs").status == 404);
    CHECK(call(port, "POST", "/v1/handoffs", "{}").status == 405);
}

TEST_CASE("serve: real tokens need this bot's app id; a bad store or keys file is a coded error at start") {
    temp_path keys_file("keys-config.json", keys);
    auto start = [&](std::vector<std::string> args) {
        args.insert(args.begin(), "serve");
        return run_cli(args);
    };
    auto no_app_id = start({"--listen", "127.0.0.1:0", "--insecure-no-auth", "--keys", keys_file.path, "--store", "memory:"});
    CHECK(no_app_id.status == 1);
    CHECK(cli_error_code(no_app_id) == "APP_ID_NOT_CONFIGURED");
    auto bad_store = start({"--listen", "127.0.0.1:0", "--insecure-no-auth", "--keys", keys_file.path, "--app-id", bot,
                            "--store", "postgres://db"});
    CHECK(bad_store.status == 1);
    CHECK(cli_error_code(bad_store) == "INVALID_ARGUMENT");
    temp_path bad_keys("keys-bad.json", R"({"keys":[{"kty":"oct","kid":"k1","k":"c2hvcnQ"}]})");
    auto short_key = start({"--listen", "127.0.0.1:0", "--insecure-no-auth", "--keys", bad_keys.path, "--app-id", bot});
    CHECK(short_key.status == 1);
    CHECK(cli_error_code(short_key) == "KEY_TOO_SHORT");
    CHECK(short_key.err.find("c2hvcnQ") == std::string::npos);  // keys are never printed

    // --app-id as the token and link commands write it (28:<GUID>) is the same bot.
    serve_process serve({"--listen", "127.0.0.1:0", "--insecure-no-auth", "--keys", keys_file.path, "--store", "memory:",
                         "--app-id", "28:" + bot});
    const auto port = serve.port();
    REQUIRE(port != 0);
    CHECK(post(port, for_this_user()) == 200);
    json other_bot = activity(for_this_user());
    other_bot["recipient"]["id"] = "28:11111111-1111-1111-1111-111111111111";
    CHECK(answer(port, other_bot).second == "WRONG_RECIPIENT");
}
