// `handoffkit serve` as a deployment runs it, through the real binary: two hosts sharing a Redis
// that wants TLS and AUTH, secrets that never reach argv (ps shows argv to every user) or the log,
// a Redis that refuses the password or the certificate (503, never 200), and one bot id that
// means the same bot whether given as the GUID or as 28:GUID.
#include <doctest/doctest.h>

#include <algorithm>
#include <atomic>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "host_support.hpp"
#include "local_servers.hpp"
#include "redis_server.hpp"
#include "serve_tokens.hpp"

namespace {
using nlohmann::json;
using namespace handoffkit::test;
using namespace handoffkit::test::serve_tokens;

const std::string redis_password = "redis-hk-password-5f1e";
const std::string app_password = "app-password-91c7";

redis_server::config tls_auth_redis() {
    redis_server::config c;
    c.tls = true;
    c.password = "redis-default-password";
    c.users = {"hk on >" + redis_password + " ~* &* +@all"};
    return c;
}

std::string rediss_store(const redis_server& redis) { return "rediss://hk@127.0.0.1:" + std::to_string(redis.tls_port()) + "/1"; }

/// What ps shows for the process: its argv, NUL-separated.
std::string cmdline_of(pid_t pid) {
    std::ifstream in("/proc/" + std::to_string(pid) + "/cmdline", std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
}

/// Status and first line of stderr of `handoffkit serve ARGS` that is expected to stop at start.
std::pair<int, std::string> start_fails(const std::vector<std::string>& args) {
    std::vector<std::string> all{"serve"};
    all.insert(all.end(), args.begin(), args.end());
    const auto r = run_cli(all);
    return {r.status, r.err};
}

}  // namespace

TEST_CASE("serve: two hosts on a Redis with TLS and AUTH redeem each token once; no secret on argv or in the log") {
    REQUIRE(test_pki::get().made);
    redis_server redis(tls_auth_redis());
    REQUIRE(redis.started());
    temp_path keys_file("keys-tls.json", keys), redis_secret("redis-password", redis_password + "\n"),
        app_secret("app-password", app_password + "\n");
    // Follow-ups of host a go to this connector, with a bearer token got with the app password.
    recording_server connector([](const recording_server::request& r) {
        if (r.target == "/token") return recording_server::reply{200, json{{"access_token", "bot-token"}, {"expires_in", 3600}}.dump()};
        return recording_server::reply{201, R"({"id":"1"})"};
    });
    // Host a: both secrets from files, and (as a host with app credentials must) inbound Bot
    // Framework authentication on, against our own OpenID configuration. Host b: the Redis
    // password from the environment, no app password (no follow-ups), inbound auth off.
    rsa_signer channel_key("channel-key");
    openid_server openid([&] { return json::array({channel_key.jwk()}); });
    auto a_args = serve_args(keys_file.path, rediss_store(redis));
    a_args.erase(std::find(a_args.begin(), a_args.end(), "--insecure-no-auth"));
    a_args.insert(a_args.end(), {"--openid-config", openid.config_url(), "--redis-password-file", redis_secret.path,
                                 "--redis-ca-file", test_pki::get().ca, "--app-password-file", app_secret.path,
                                 "--oauth-token-url", connector.url("/token"),
                                 // The follow-ups go to a loopback connector: allowed only when named
                                 // (the serviceUrl allow-list of the attack review).
                                 "--allow-service-url-host", "127.0.0.1"});
    auto b_args = serve_args(keys_file.path, rediss_store(redis));
    b_args.insert(b_args.end(), {"--redis-ca-file", test_pki::get().ca});
    serve_process a(a_args), b(b_args, "", {{"HANDOFFKIT_REDIS_PASSWORD", redis_password}});
    const std::uint16_t ports[] = {a.port(), b.port()};
    REQUIRE(ports[0] != 0);
    REQUIRE(ports[1] != 0);

    for (pid_t pid : {a.pid, b.pid}) {
        const std::string argv = cmdline_of(pid);
        REQUIRE(argv.find("serve") != std::string::npos);  // really the host's argv
        for (const std::string& secret : {redis_password, app_password}) CHECK(argv.find(secret) == std::string::npos);
    }

    // The follow-ups of every redemption go to the recording connector (loopback), which the
    // channel's signed bearer token names as the serviceUrl.
    const auto handoff = [&](const std::string& token) {
        json a = activity(token);
        a["serviceUrl"] = connector.url("/amer/");
        return a.dump();
    };
    const auto now = handoffkit::native::unix_now();
    const std::string bearer =
        "Authorization: Bearer " + channel_key.sign({{"iss", "https://api.botframework.com"}, {"aud", bot}, {"exp", now + 3600},
                                                     {"nbf", now - 10}, {"serviceurl", connector.url("/amer/")}});
    const auto post_to = [&](int host, const std::string& token) {
        return call(ports[host], "POST", "/api/messages", handoff(token), host == 0 ? std::vector<std::string>{bearer}
                                                                                     : std::vector<std::string>{})
            .status;
    };
    for (int round = 0; round < 20; ++round) {
        const std::string token = for_this_user();
        std::atomic<int> ok{0}, replayed{0}, other{0};
        std::vector<std::thread> clients;
        for (int i = 0; i < 16; ++i)
            clients.emplace_back([&, i] {
                const int status = post_to(i % 2, token);
                (status == 200 ? ok : status == 409 ? replayed : other)++;
            });
        for (auto& t : clients) t.join();
        CHECK(ok == 1);
        CHECK(replayed == 15);
        CHECK(other == 0);
    }

    // Host a's follow-ups: the OAuth request carried the password read from its file.
    CHECK(post_to(0, for_this_user()) == 200);
    CHECK(call(ports[0], "POST", "/api/messages", handoff(for_this_user())).status == 401);  // auth is on
    REQUIRE(connector.wait_for(1));
    const auto oauth = connector.requests()[0];
    CHECK(oauth.target == "/token");
    CHECK(oauth.body.find("client_secret=" + app_password) != std::string::npos);

    for (serve_process* host : {&a, &b}) {
        CHECK(kill(host->pid, SIGTERM) == 0);
        CHECK(host->wait_exit() == 0);
        const std::string log = host->log();
        CHECK(log.find("\"store\":\"rediss\"") != std::string::npos);
        for (const std::string& secret : {redis_password, app_password}) CHECK(log.find(secret) == std::string::npos);
    }
}

TEST_CASE("serve: a Redis that refuses the password or whose certificate the CA does not sign is 503, never 200") {
    REQUIRE(test_pki::get().made);
    redis_server redis(tls_auth_redis());
    REQUIRE(redis.started());
    temp_path keys_file("keys-refused.json", keys), wrong("wrong-password", "not-the-password\n"),
        right("right-password", redis_password + "\n");
    auto wrong_password = serve_args(keys_file.path, rediss_store(redis));
    wrong_password.insert(wrong_password.end(), {"--redis-password-file", wrong.path, "--redis-ca-file", test_pki::get().ca});
    auto wrong_ca = serve_args(keys_file.path, rediss_store(redis));
    wrong_ca.insert(wrong_ca.end(), {"--redis-password-file", right.path, "--redis-ca-file", test_pki::get().other_ca});
    auto no_tls = serve_args(keys_file.path, "redis://hk@127.0.0.1:" + std::to_string(redis.tls_port()) + "/1");
    no_tls.insert(no_tls.end(), {"--redis-password-file", right.path});
    const std::string token = for_this_user();
    for (const auto& args : {wrong_password, wrong_ca, no_tls}) {
        serve_process host(args);
        REQUIRE(host.port() != 0);
        CHECK(answer(host.port(), activity(token)) == std::pair<int, std::string>{503, "STORE_UNAVAILABLE"});
        CHECK(answer(host.port(), activity(token)) == std::pair<int, std::string>{503, "STORE_UNAVAILABLE"});
        CHECK(host.log().find(redis_password) == std::string::npos);
    }
    // Nothing was spent: the right settings redeem the same token once.
    auto good = serve_args(keys_file.path, rediss_store(redis));
    good.insert(good.end(), {"--redis-password-file", right.path, "--redis-ca-file", test_pki::get().ca});
    serve_process host(good);
    REQUIRE(host.port() != 0);
    CHECK(post(host.port(), token) == 200);
    CHECK(post(host.port(), token) == 409);
}

TEST_CASE("serve: secrets are refused on argv, and unreadable secret files stop the start with a code") {
    temp_path keys_file("keys-argv.json", keys), empty("empty-secret", "\n");
    // Inbound auth on: a host with app credentials must not run with --insecure-no-auth.
    rsa_signer channel_key("channel-key");
    openid_server openid([&] { return json::array({channel_key.jwk()}); });
    auto args = serve_args(keys_file.path, "memory:");
    args.erase(std::find(args.begin(), args.end(), "--insecure-no-auth"));
    args.insert(args.end(), {"--openid-config", openid.config_url()});
    auto with = [&](std::vector<std::string> more) {
        auto all = args;
        all.insert(all.end(), more.begin(), more.end());
        return start_fails(all);
    };
    const auto on_argv = with({"--app-password", "hunter2"});
    CHECK(on_argv.first == 2);
    CHECK(on_argv.second.find("--app-password-file") != std::string::npos);
    CHECK(on_argv.second.find("HANDOFFKIT_APP_PASSWORD") != std::string::npos);
    CHECK(on_argv.second.find("hunter2") == std::string::npos);
    for (const auto& [more, code] : std::vector<std::pair<std::vector<std::string>, std::string>>{
             {{"--app-password-file", "/nonexistent/app-password"}, "APP_PASSWORD_UNREADABLE"},
             {{"--app-password-file", empty.path}, "APP_PASSWORD_UNREADABLE"},
             {{"--redis-password-file", empty.path}, "INVALID_ARGUMENT"},      // not a Redis store
             {{"--redis-ca-file", "/etc/ssl/certs/ca-certificates.crt"}, "INVALID_ARGUMENT"}}) {
        CAPTURE(code);
        const auto failed = with(more);
        CHECK(failed.first == 1);
        CHECK(failed.second.find(code) != std::string::npos);
    }
    struct refusal {
        std::string store;
        std::vector<std::string> more;
        std::string code;
    };
    for (const auto& r : std::vector<refusal>{
             {"redis://hk@127.0.0.1:1", {"--redis-password-file", "/nonexistent/redis-password"}, "REDIS_PASSWORD_UNREADABLE"},
             {"redis://hk@127.0.0.1:1", {"--redis-password-file", empty.path}, "REDIS_PASSWORD_UNREADABLE"},
             {"redis://hk@127.0.0.1:1", {}, "INVALID_ARGUMENT"},  // the ACL user without its password
             {"redis://127.0.0.1:1", {"--redis-ca-file", "/nonexistent/ca.pem"}, "INVALID_ARGUMENT"},  // TLS files, no TLS
             {"rediss://127.0.0.1:1", {"--redis-ca-file", "/nonexistent/ca.pem"}, "REDIS_TLS_INVALID"}}) {
        const std::string& code = r.code;
        CAPTURE(code);
        auto all = serve_args(keys_file.path, r.store);
        all.insert(all.end(), r.more.begin(), r.more.end());
        const auto failed = start_fails(all);
        CHECK(failed.first == 1);
        CHECK(failed.second.find(code) != std::string::npos);
    }
    const auto spec_password = start_fails(serve_args(keys_file.path, "redis://hk:hunter2@127.0.0.1:1"));
    CHECK(spec_password.first == 1);
    CHECK(spec_password.second.find("INVALID_ARGUMENT") != std::string::npos);
    CHECK(spec_password.second.find("hunter2") == std::string::npos);
}

TEST_CASE("one bot id, one meaning: token issue --bot-id GUID or 28:GUID is accepted by serve --app-id GUID or 28:GUID") {
    temp_path keys_file("keys-bot-id.json", keys), db("bot-id.db");
    const std::string guid = bot, prefixed = "28:" + bot;
    for (const std::string& app_id : {guid, prefixed}) {
        auto args = serve_args(keys_file.path, "sqlite:" + db.path);
        args.back() = app_id;  // serve_args ends with --app-id <bot>
        serve_process serve(args);
        REQUIRE(serve.port() != 0);
        for (const std::string& bot_id : {guid, prefixed}) {
            CAPTURE(app_id);
            CAPTURE(bot_id);
            const auto issued = run_cli({"token", "issue", "--keys", keys_file.path, "--bot-id", bot_id, "--user", user});
            REQUIRE(issued.status == 0);
            const std::string token = json::parse(issued.out)["token"];
            const json claims = json::parse(run_cli({"token", "inspect", token}).out)["claims"];
            CHECK(claims["aud"] == prefixed);
            for (const std::string& verify_as : {guid, prefixed})
                CHECK(run_cli({"token", "verify", token, "--keys", keys_file.path, "--bot-id", verify_as, "--user", user}).status == 0);
            CHECK(post(serve.port(), token) == 200);
        }
    }
}
