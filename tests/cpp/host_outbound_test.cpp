// Follow-ups to the Bot Connector through a local recording server that also plays the OAuth
// client-credentials endpoint; and the whole `handoffkit serve` process, stopped by SIGTERM.
#include <doctest/doctest.h>

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <map>
#include <fstream>

#include "host_support.hpp"
#include "serve_tokens.hpp"
#include "local_servers.hpp"
#include "outbound.hpp"

namespace {
using nlohmann::json;
using namespace handoffkit::test;
namespace host = handoffkit::host;

const std::string app_id = "00000000-0000-0000-0000-000000000000";

// The Bot Connector and the token endpoint in one recording server.
struct bot_connector {
    std::atomic<int> tokens_issued{0};
    std::int64_t expires_in = 3600;
    std::mutex gate_mutex;
    std::condition_variable gate_cv;
    bool gate_open = true;
    recording_server server{[this](const recording_server::request& r) {
        if (r.target == "/token") {
            const int n = ++tokens_issued;
            return recording_server::reply{
                200, json{{"access_token", "bot-token-" + std::to_string(n)}, {"expires_in", expires_in}}.dump()};
        }
        std::unique_lock<std::mutex> lock(gate_mutex);
        gate_cv.wait_for(lock, std::chrono::seconds(10), [&] { return gate_open; });
        return recording_server::reply{201, R"({"id":"1"})"};
    }};
    void hold() {
        std::lock_guard<std::mutex> lock(gate_mutex);
        gate_open = false;
    }
    void release() {
        {
            std::lock_guard<std::mutex> lock(gate_mutex);
            gate_open = true;
        }
        gate_cv.notify_all();
    }
    std::vector<recording_server::request> activities() {
        std::vector<recording_server::request> out;
        for (auto& r : server.requests())
            if (r.target != "/token") out.push_back(r);
        return out;
    }
};

// The connector runs on 127.0.0.1: named, as a deployment would name its Bot Connector's host.
handoffkit::service_url::policy loopback_named() { return {{"127.0.0.1"}, true}; }

std::unique_ptr<host::outbound_sender> sender_for(bot_connector& connector) {
    host::outbound_config c;
    c.token_url = connector.server.url("/token");
    c.app_id = app_id;
    c.app_password = "s3cret-password";
    c.service_urls = loopback_named();
    auto s = host::outbound_sender::create(c);
    REQUIRE(s.has_value());
    return std::move(s).value();
}

json activity_for(const bot_connector& connector, const std::string& token) {
    json a = seed_activity(token);
    a["serviceUrl"] = connector.server.url("/amer/");
    return a;
}

}  // namespace

TEST_CASE("outbound: the seed payload end to end: 200 first, then the three follow-ups with a cached bot token") {
    bot_connector connector;
    auto sender = sender_for(connector);
    host::host_config config = test_host_config(std::make_shared<test_store>());
    config.send = sender->sink();
    auto texts = handoffkit::handoff::messages::parse(R"({"en":{"result":"Order {order} is ready to continue."}})");
    REQUIRE(texts);
    config.handoff.texts = std::make_shared<const handoffkit::handoff::messages>(*texts);
    config.handoff.service_urls = loopback_named();
    running_host h(config);
    const std::string first = issue_test_token({{"ctx", {{"order", 42}}}});

    connector.hold();  // the connector does not answer until the bot's answer has arrived
    auto r = call(h.port(), "POST", "/api/messages", activity_for(connector, first).dump());
    CHECK(r.status == 200);
    CHECK(r.body.empty());
    connector.release();
    REQUIRE(connector.server.wait_for(4));  // token + 3 activities

    const auto reqs = connector.server.requests();
    CHECK(reqs[0].target == "/token");
    CHECK(reqs[0].method == "POST");
    CHECK(reqs[0].content_type == "application/x-www-form-urlencoded");
    CHECK(reqs[0].body.find("grant_type=client_credentials") != std::string::npos);
    CHECK(reqs[0].body.find("client_id=" + app_id) != std::string::npos);
    CHECK(reqs[0].body.find("client_secret=s3cret-password") != std::string::npos);
    CHECK(reqs[0].body.find("scope=https%3A%2F%2Fapi.botframework.com%2F.default") != std::string::npos);
    const auto sent = connector.activities();
    REQUIRE(sent.size() == 3);
    const std::string conversation = seed_activity()["conversation"]["id"];
    for (const auto& s : sent) {
        CHECK(s.method == "POST");
        CHECK(s.target == "/amer/v3/conversations/" + conversation.substr(0, 1) + "%3A" + conversation.substr(2) +
                              "/activities");
        CHECK(s.authorization == "Bearer bot-token-1");
        CHECK(json::parse(s.body)["conversation"]["id"] == conversation);
    }
    CHECK(json::parse(sent[0].body)["text"] == "Continuing conversation from Copilot\xE2\x80\xA6");
    CHECK(json::parse(sent[1].body)["type"] == "typing");
    CHECK(json::parse(sent[2].body)["text"] == "Order 42 is ready to continue.");

    // A replay by another activity: 409, and one message asking for a new conversation, with the
    // cached token.
    json replay_activity = activity_for(connector, first);
    replay_activity["id"] = "f:another-activity";
    CHECK(call(h.port(), "POST", "/api/messages", replay_activity.dump()).status == 409);
    REQUIRE(connector.server.wait_for(5));
    CHECK(connector.tokens_issued == 1);
    const auto replay = connector.activities().back();
    CHECK(json::parse(replay.body)["text"].get<std::string>().find("start a new conversation") != std::string::npos);
    CHECK(replay.authorization == "Bearer bot-token-1");

    h.stop();
    sender->drain_and_stop(std::chrono::seconds(10));
    for (const auto& line : h.log()) CHECK(line.find("s3cret") == std::string::npos);
}

TEST_CASE("outbound: a token that is about to expire is renewed, and a serviceUrl off loopback over http is never called") {
    bot_connector connector;
    connector.expires_in = 0;  // nothing to cache
    std::vector<std::string> logs;
    std::mutex m;
    host::outbound_config c;
    c.token_url = connector.server.url("/token");
    c.app_id = app_id;
    c.app_password = "pw";
    c.service_urls = loopback_named();
    c.log = [&](const std::string& line) {
        std::lock_guard<std::mutex> lock(m);
        logs.push_back(line);
    };
    std::vector<std::string> counted;
    c.count = [&](const std::string& outcome) {
        std::lock_guard<std::mutex> lock(m);
        counted.push_back(outcome);
    };
    auto sender = host::outbound_sender::create(c);
    REQUIRE(sender.has_value());
    auto sink = (*sender)->sink();
    sink({connector.server.url("/"), "conv-1", {R"({"type":"message","text":"a"})"}});
    sink({connector.server.url("/"), "conv-1", {R"({"type":"message","text":"b"})"}});
    sink({"http://example.com/", "conv-2", {R"({"type":"message","text":"never"})"}});
    (*sender)->drain_and_stop(std::chrono::seconds(10));
    CHECK(connector.tokens_issued == 2);
    CHECK(connector.activities().size() == 2);
    std::sort(counted.begin(), counted.end());  // the refused job is counted at once, the others when answered
    CHECK(counted == std::vector<std::string>{"failed", "sent", "sent"});
    bool refused = false;
    for (const auto& line : logs) refused |= line.find("URL_NOT_ALLOWED") != std::string::npos;
    CHECK(refused);
    for (const auto& line : logs) CHECK(line.find("bot-token") == std::string::npos);

    c.token_url = "http://example.com/token";
    CHECK(host::outbound_sender::create(c).err().code == "OUTBOUND_CONFIG_INVALID");
    c.token_url = "https://login.example/token";
    c.app_id = "";
    CHECK(host::outbound_sender::create(c).err().code == "OUTBOUND_CONFIG_INVALID");  // a password for no app
    c.app_password = "";
    CHECK(host::outbound_sender::create(c).has_value());  // no credentials: loopback only, no token
}

TEST_CASE("outbound: the follow-up URL encodes the conversation id") {
    CHECK(host::activities_url("https://smba.trafficmanager.net/amer/", "a:1b/c?d") ==
          "https://smba.trafficmanager.net/amer/v3/conversations/a%3A1b%2Fc%3Fd/activities");
    CHECK(host::activities_url("https://x", "19:abc@thread.v2") == "https://x/v3/conversations/19%3Aabc%40thread.v2/activities");
}

namespace {


}  // namespace

TEST_CASE("serve: SIGTERM with a request in flight answers it, sends its follow-ups, then exits 0") {
    bot_connector connector;
    const handoffkit::test::serve_tokens::temp_path keys("outbound-keys.json", test_keys);
    // Local development: no inbound authentication, so no app credentials either; the follow-ups
    // go to the loopback connector without a bearer token.
    serve_process serve({"--listen", "127.0.0.1:0", "--insecure-no-auth", "--keys", keys.path, "--store", "memory:",
                         "--app-id", app_id});
    const std::string token = issue_test_token({});
    const auto port = serve.port();
    REQUIRE(port != 0);
    CHECK(serve.log().find("WITHOUT inbound authentication") != std::string::npos);

    const std::string body = activity_for(connector, token).dump();
    raw_connection busy(port);
    busy.send("POST /api/messages HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: " +
              std::to_string(body.size()) + "\r\n\r\n" + body.substr(0, 10));
    for (int i = 0; i < 500; ++i) {  // until the host has the request's header
        if (call(port, "GET", "/metrics").body.find("handoffkit_http_requests_in_flight 2\n") != std::string::npos) break;
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    REQUIRE(kill(serve.pid, SIGTERM) == 0);
    for (int i = 0; i < 1000 && serve.log().find("\"event\":\"stopping\"") == std::string::npos; ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    CHECK_THROWS(raw_connection(port));  // no longer accepting
    busy.send(body.substr(10));
    auto r = busy.read_response();
    CHECK(r.status == 200);
    CHECK(r.headers["connection"] == "close");
    CHECK(serve.wait_exit() == 0);
    CHECK(connector.activities().size() == 3);  // drained before exit
    for (const auto& a : connector.activities()) CHECK(a.authorization.empty());
    CHECK(connector.tokens_issued == 0);
    const std::string log = serve.log();
    CHECK(log.find("\"signal\":\"SIGTERM\"") != std::string::npos);
    CHECK(log.find(token) == std::string::npos);
}

TEST_CASE("serve: refuses to start without keys or without authentication, with coded errors") {
    auto stderr_of = [](const std::string& args) {
        std::string out;
        FILE* p = popen((shell_quote(HANDOFFKIT_CLI) + " serve " + args + " 2>&1 >/dev/null").c_str(), "r");
        char buf[512];
        while (p && fgets(buf, sizeof buf, p)) out += buf;
        const int status = p ? pclose(p) : -1;
        return std::make_pair(WIFEXITED(status) ? WEXITSTATUS(status) : -1, out);
    };
    auto [s1, e1] = stderr_of("--listen 127.0.0.1:0 --insecure-no-auth");
    CHECK(s1 == 1);
    CHECK(e1.find("KEYS_NOT_CONFIGURED") != std::string::npos);
    auto [s2, e2] = stderr_of("--listen 127.0.0.1:0 --insecure-no-auth --keys /nonexistent/keys.json --store memory: --app-id " + app_id);
    CHECK(s2 == 1);
    CHECK(e2.find("KEYS_UNREADABLE") != std::string::npos);
    const handoffkit::test::serve_tokens::temp_path keys("refuse-keys.json", test_keys);
    auto [s3, e3] = stderr_of("--listen 127.0.0.1:0 --keys " + keys.path + " --store memory: --app-id " + app_id);
    CHECK(s3 == 1);
    CHECK(e3.find("AUTH_NOT_CONFIGURED") != std::string::npos);
    auto [s4, e4] = stderr_of("--listen nonsense --insecure-no-auth --keys " + keys.path + " --app-id " + app_id);
    CHECK(s4 == 2);
}

TEST_CASE("serve: --insecure-no-auth with app credentials is refused at start (exit 1, INSECURE_WITH_CREDENTIALS)") {
    const handoffkit::test::serve_tokens::temp_path keys("insecure-keys.json", test_keys),
        password_file("insecure-password", "file-password\n");
    const std::vector<std::string> base{"--listen", "127.0.0.1:0", "--insecure-no-auth", "--keys", keys.path,
                                        "--store", "memory:", "--app-id", app_id};
    {
        // The password in the environment: the process must not start (it would post the bot's
        // bearer token wherever an unauthenticated caller's activity says).
        serve_process serve(base, "env-password");
        CHECK(serve.wait_exit() == 1);
        CHECK(serve.log().find("INSECURE_WITH_CREDENTIALS") != std::string::npos);
        CHECK(serve.log().find("\"event\":\"listening\"") == std::string::npos);
        CHECK(serve.log().find("env-password") == std::string::npos);
    }
    {
        auto args = base;
        args.insert(args.end(), {"--app-password-file", password_file.path});
        serve_process serve(args);
        CHECK(serve.wait_exit() == 1);
        CHECK(serve.log().find("INSECURE_WITH_CREDENTIALS") != std::string::npos);
        CHECK(serve.log().find("file-password") == std::string::npos);
    }
}

namespace {

// Counts and log lines of a sender under test.
struct observed {
    std::mutex m;
    std::map<std::string, int> counts;
    std::vector<std::string> logs;
    void attach(host::outbound_config& c) {
        c.count = [this](const std::string& outcome) {
            std::lock_guard<std::mutex> lock(m);
            ++counts[outcome];
        };
        c.log = [this](const std::string& line) {
            std::lock_guard<std::mutex> lock(m);
            logs.push_back(line);
        };
    }
    int count(const std::string& outcome) {
        std::lock_guard<std::mutex> lock(m);
        return counts[outcome];
    }
    bool logged(const std::string& needle) {
        std::lock_guard<std::mutex> lock(m);
        for (const auto& l : logs)
            if (l.find(needle) != std::string::npos) return true;
        return false;
    }
};

host::outbound_config config_for(bot_connector& connector, observed& seen) {
    host::outbound_config c;
    c.token_url = connector.server.url("/token");
    c.app_id = app_id;
    c.app_password = "pw";
    c.service_urls = loopback_named();
    seen.attach(c);
    return c;
}

std::string message(int i) { return json{{"type", "message"}, {"text", "m" + std::to_string(i)}}.dump(); }

}  // namespace

TEST_CASE("outbound: connections to a serviceUrl host are kept alive and shared, at most connections_per_host of them") {
    bot_connector connector;
    observed seen;
    auto c = config_for(connector, seen);
    c.connections_per_host = 2;
    auto sender = host::outbound_sender::create(c);
    REQUIRE(sender.has_value());
    auto sink = (*sender)->sink();
    for (int i = 0; i < 60; ++i) sink({connector.server.url("/amer/"), "conv-" + std::to_string(i), {message(i), message(i)}});
    (*sender)->drain_and_stop(std::chrono::seconds(20));
    CHECK(connector.activities().size() == 120);
    CHECK(seen.count("sent") == 120);
    // One connection per POST would be 120; here: the token endpoint's and at most two for the
    // activities (all on the same recording server).
    CHECK(connector.server.connections() <= 3);
    CHECK(connector.tokens_issued == 1);
}

TEST_CASE("outbound: a slow connector holds up neither another host nor the caller; one conversation stays in order") {
    bot_connector slow, fast;
    observed seen;
    auto c = config_for(fast, seen);  // the token comes from `fast`
    auto sender = host::outbound_sender::create(c);
    REQUIRE(sender.has_value());
    auto sink = (*sender)->sink();
    slow.hold();
    sink({slow.server.url("/"), "conv-slow", {message(0)}});
    for (int i = 0; i < 5; ++i) sink({fast.server.url("/"), "conv-fast", {message(i)}});
    REQUIRE(fast.server.wait_for(6));  // token + five, while the slow connector still holds its request
    CHECK(slow.activities().empty());
    const auto sent = fast.activities();
    REQUIRE(sent.size() == 5);
    for (int i = 0; i < 5; ++i) CHECK(json::parse(sent[i].body)["text"] == "m" + std::to_string(i));
    slow.release();
    (*sender)->drain_and_stop(std::chrono::seconds(10));
    CHECK(slow.activities().size() == 1);
    CHECK(seen.count("sent") == 6);
}

TEST_CASE("outbound: beyond max_queue jobs are dropped, counted and logged; what is unsent at shutdown is counted dropped") {
    bot_connector connector;
    observed seen;
    auto c = config_for(connector, seen);
    c.max_queue = 2;
    auto sender = host::outbound_sender::create(c);
    REQUIRE(sender.has_value());
    auto sink = (*sender)->sink();
    connector.hold();
    for (int i = 0; i < 5; ++i) sink({connector.server.url("/"), "conv", {message(i), message(i)}});
    CHECK(seen.count("dropped") == 6);  // three jobs of two activities, at once
    CHECK(seen.logged("OUTBOUND_DROPPED"));
    CHECK(seen.logged("queue is full"));
    // Stopped while the connector still holds the first POST: what did not get an answer is dropped.
    (*sender)->drain_and_stop(std::chrono::milliseconds(200));
    connector.release();
    CHECK(seen.count("sent") == 0);
    CHECK(seen.count("dropped") == 10);
    CHECK(seen.logged("still queued or unanswered at shutdown"));
    sink({connector.server.url("/"), "conv", {message(9)}});  // after the stop: dropped, not lost
    CHECK(seen.count("dropped") == 11);
    for (const auto& l : seen.logs) {
        CHECK(l.find("bot-token") == std::string::npos);  // neither the bearer token
        CHECK(l.find("\"m1\"") == std::string::npos);     // nor a message text is ever logged
    }
}

TEST_CASE("outbound: https through OpenSSL, with the certificate checked against the serviceUrl's host") {
    test_certificate cert("localhost");
    std::atomic<int> tokens{0};
    recording_server tls_connector(
        [&](const recording_server::request& r) {
            if (r.target == "/token")
                return recording_server::reply{200, json{{"access_token", "tls-token-" + std::to_string(++tokens)}, {"expires_in", 3600}}.dump()};
            return recording_server::reply{201, R"({"id":"1"})"};
        },
        &cert);
    observed seen;
    host::outbound_config c;
    c.token_url = tls_connector.url("/token");  // https://127.0.0.1:PORT: the certificate names 127.0.0.1 too
    c.app_id = app_id;
    c.app_password = "pw";
    c.service_urls = {{"localhost"}, true};
    c.ca_file = cert.cert_path();
    seen.attach(c);
    auto sender = host::outbound_sender::create(c);
    REQUIRE(sender.has_value());
    const std::string base = "https://localhost:" + std::to_string(tls_connector.port());
    (*sender)->sink()({base + "/amer/", "conv-tls", {message(1), message(2)}});
    (*sender)->drain_and_stop(std::chrono::seconds(10));
    CHECK(seen.count("sent") == 2);
    const auto reqs = tls_connector.requests();
    REQUIRE(reqs.size() == 3);
    CHECK(reqs[1].authorization == "Bearer tls-token-1");
    CHECK(reqs[1].target.rfind("/amer/v3/conversations/conv-tls/activities", 0) == 0);

    // A certificate for another name: the handshake fails, the activities are counted failed.
    test_certificate other("other.example");
    recording_server impostor([](const recording_server::request&) { return recording_server::reply{201, "{}"}; }, &other);
    observed seen2;
    auto c2 = c;
    seen2.attach(c2);
    // Both certificates are trusted; the impostor's names another host than the one called.
    const std::string both = cert.cert_path() + ".both";
    {
        std::ofstream out(both);
        out << std::ifstream(cert.cert_path()).rdbuf() << std::ifstream(other.cert_path()).rdbuf();
    }
    c2.ca_file = both;
    auto sender2 = host::outbound_sender::create(c2);
    REQUIRE(sender2.has_value());
    (*sender2)->sink()({"https://localhost:" + std::to_string(impostor.port()) + "/", "conv", {message(1)}});
    (*sender2)->drain_and_stop(std::chrono::seconds(10));
    CHECK(seen2.count("failed") == 1);
    CHECK(impostor.requests().empty());
    CHECK(seen2.logged("TLS handshake"));
    CHECK(tokens == 2);  // the token endpoint itself was reached over verified TLS
    std::remove(both.c_str());
}
