// `handoffkit serve` in front of an app (a recording server on 127.0.0.1 standing in for a bot in
// any language): every activity that is not handoff/action is forwarded and the app's answer
// relayed byte for byte; an app that is down or slow costs 502/504 and nothing else; each
// redeemed handoff reaches the app's /api/handoffs signed, once per redemption, retried while
// the app is down, and again after the host was killed before it got through.
#include <doctest/doctest.h>

#include <signal.h>

#include <atomic>
#include <chrono>
#include <set>
#include <thread>

#include "handoffkit/handoff.hpp"
#include "host_support.hpp"
#include "local_servers.hpp"
#include "serve_tokens.hpp"

namespace {
using nlohmann::json;
using namespace handoffkit::test;
using namespace handoffkit::test::serve_tokens;

const std::string delivery_key = "a-delivery-key-only-the-app-and-the-host-know";

// The app: /api/messages answers a message with 201 and no body, a composeExtension/query with
// an invoke response; it can be made slow.
struct app {
    std::atomic<int> message_delay_ms{0};
    recording_server server{[this](const recording_server::request& r) -> recording_server::reply {
        if (message_delay_ms) std::this_thread::sleep_for(std::chrono::milliseconds(message_delay_ms.load()));
        if (r.body.find("composeExtension/query") != std::string::npos)
            return {200, R"({"composeExtension":{"type":"result","attachmentLayout":"list","attachments":[]}})",
                    "application/json; charset=utf-8"};
        return {201, "", "text/plain"};
    }};
};

// The app's /api/handoffs: checks each delivery's signature over the raw body, answers `status`
// (503 while it is "down"), and keeps the bodies it took.
struct delivery_app {
    std::atomic<int> status{200};
    std::atomic<int> attempts{0};
    std::mutex m;
    std::vector<std::string> taken;
    int bad = 0;
    recording_server server{[this](const recording_server::request& r) -> recording_server::reply {
        ++attempts;
        std::lock_guard<std::mutex> lock(m);
        const auto sig = r.headers.find("x-handoffkit-signature");
        if (sig == r.headers.end() || !handoffkit::handoff::verify_delivery(r.body, sig->second, delivery_key)) {
            ++bad;
            return {401, "", "text/plain"};
        }
        if (status != 200) return {status.load(), "", "text/plain"};
        taken.push_back(r.body);
        return {200, "", "text/plain"};
    }};
    std::size_t count() {
        std::lock_guard<std::mutex> lock(m);
        return taken.size();
    }
    bool wait_for(std::size_t n, int seconds = 15) {
        for (int i = 0; i < seconds * 100; ++i) {
            if (count() >= n) return true;
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
        }
        return false;
    }
};

// With --forward the handoffs go to the app too (its /api/handoffs), signed with this key.
const temp_path& delivery_key_file() {
    static const temp_path file("forward-delivery-key", delivery_key);
    return file;
}

std::vector<std::string> forward_args(const std::string& keys_file, const std::string& store, const std::string& app_url) {
    auto args = serve_args(keys_file, store);
    args.insert(args.end(), {"--forward", app_url, "--on-redeemed-key-file", delivery_key_file().path});
    return args;
}

}  // namespace

TEST_CASE("serve --forward: messages and other invokes go to the app, its answers come back byte for byte") {
    app a;
    temp_path keys_file("forward-keys.json", keys);
    serve_process serve(forward_args(keys_file.path, "memory:", a.server.url("/api/messages")));
    const auto port = serve.port();
    REQUIRE(port != 0);

    json message = activity("unused");
    message["type"] = "message";
    message.erase("name");
    message["text"] = "hello";
    auto m = call(port, "POST", "/api/messages", message.dump(), {"Authorization: Bearer inbound-token"});
    CHECK(m.status == 201);
    CHECK(m.body.empty());
    CHECK(m.headers["content-type"] == "text/plain");

    json query = activity("unused");
    query["name"] = "composeExtension/query";
    query["value"] = json{{"commandId", "search"}};
    auto q = call(port, "POST", "/api/messages", query.dump());
    CHECK(q.status == 200);
    CHECK(q.body == R"({"composeExtension":{"type":"result","attachmentLayout":"list","attachments":[]}})");
    CHECK(q.headers["content-type"] == "application/json; charset=utf-8");

    // The host answers handoff/action itself: the app never sees it on /api/messages.
    CHECK(post(port, for_this_user()) == 200);

    std::vector<recording_server::request> seen;
    for (const auto& r : a.server.requests())
        if (r.target == "/api/messages") seen.push_back(r);
    REQUIRE(seen.size() == 2);
    CHECK(seen[0].target == "/api/messages");
    CHECK(seen[0].method == "POST");
    CHECK(seen[0].body == message.dump());  // the body as the Bot Connector sent it
    CHECK(seen[0].authorization == "Bearer inbound-token");
    CHECK(seen[0].content_type == "application/json");
    CHECK(seen[1].body == query.dump());

    const std::string metrics = call(port, "GET", "/metrics").body;
    CHECK(metrics.find("handoffkit_forwarded_requests_total{outcome=\"201\"} 1") != std::string::npos);
    CHECK(metrics.find("handoffkit_forwarded_requests_total{outcome=\"200\"} 1") != std::string::npos);
}

TEST_CASE("serve --forward: an app that is down is 502, one that is slow 504; the host keeps serving") {
    temp_path keys_file("forward-down-keys.json", keys);
    int closed_port = 0;
    {
        app gone;
        closed_port = gone.server.port();
    }  // nothing listens there any more
    json message = activity("unused");
    message["type"] = "message";
    {
        serve_process serve(forward_args(keys_file.path, "memory:", "http://127.0.0.1:" + std::to_string(closed_port) + "/api/messages"));
        const auto port = serve.port();
        REQUIRE(port != 0);
        CHECK(answer(port, message) == std::pair<int, std::string>{502, "FORWARD_FAILED"});
        CHECK(post(port, for_this_user()) == 200);  // handoffs do not need the app
    }
    app slow;
    slow.message_delay_ms = 2000;
    auto args = forward_args(keys_file.path, "memory:", slow.server.url("/api/messages"));
    args.insert(args.end(), {"--forward-timeout-ms", "300"});
    serve_process serve(args);
    const auto port = serve.port();
    REQUIRE(port != 0);
    std::pair<int, std::string> slow_answer;
    std::thread waiting([&] { slow_answer = answer(port, message); });
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    const auto started = std::chrono::steady_clock::now();
    CHECK(call(port, "GET", "/healthz").status == 200);  // not held up by the slow app
    CHECK(std::chrono::steady_clock::now() - started < std::chrono::seconds(2));
    waiting.join();
    CHECK(slow_answer == std::pair<int, std::string>{504, "FORWARD_TIMEOUT"});
}

TEST_CASE("serve: refuses a delivery without its key, a forward URL in plain http off loopback, a key file without a URL, a timeout out of range") {
    temp_path keys_file("forward-refusals-keys.json", keys);
    auto start = [&](std::vector<std::string> extra) {
        auto args = serve_args(keys_file.path, "memory:");
        args.insert(args.end(), extra.begin(), extra.end());
        serve_process serve(args);
        const int status = serve.wait_exit();
        return std::make_pair(status, serve.log());
    };
    auto [s1, l1] = start({"--forward", "http://app.example/api/messages"});
    CHECK(s1 == 1);
    CHECK(l1.find("FORWARD_URL_INVALID") != std::string::npos);
    auto [s2, l2] = start({"--on-redeemed", "http://127.0.0.1:1/api/handoffs"});
    CHECK(s2 == 1);
    CHECK(l2.find("DELIVERY_KEY_NOT_CONFIGURED") != std::string::npos);
    temp_path key("forward-refusals-delivery-key", delivery_key);
    auto [s3, l3] = start({"--on-redeemed-key-file", key.path});
    CHECK(s3 == 2);
    for (const char* bad : {"0", "99", "60001", "ten"}) {
        auto [s4, l4] = start({"--on-redeemed", "http://127.0.0.1:1/api/handoffs", "--on-redeemed-key-file", key.path,
                               "--on-redeemed-timeout-ms", bad});
        CHECK(s4 == 2);
        CHECK(l4.find("--on-redeemed-timeout-ms takes 100 to 60000") != std::string::npos);
    }
}

TEST_CASE("serve: each handoff reaches the app once, signed, with its context; retried while the app is down") {
    delivery_app app;
    app.status = 503;  // down at first
    temp_path keys_file("delivery-keys.json", keys), db("delivery.db"), key("delivery-key", delivery_key);
    auto args = serve_args(keys_file.path, "sqlite:" + db.path);
    args.insert(args.end(), {"--on-redeemed", app.server.url("/api/handoffs"), "--on-redeemed-key-file", key.path});
    serve_process serve(args);
    const auto port = serve.port();
    REQUIRE(port != 0);

    const std::string token = issue({{"botId", "28:" + bot}, {"user", user}, {"ctx", {{"case", "CAS-7"}}}});
    const json a = activity(token, "f:the-one-activity");
    CHECK(answer(port, a) == std::pair<int, std::string>{200, ""});
    CHECK(answer(port, a) == std::pair<int, std::string>{200, ""});  // Teams' retry: nothing twice
    for (int i = 0; i < 500 && app.attempts < 2; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
    CHECK(app.attempts >= 2);  // tried, refused, tried again after the back-off
    CHECK(app.count() == 0);
    app.status = 200;
    REQUIRE(app.wait_for(1));
    std::this_thread::sleep_for(std::chrono::milliseconds(1500));  // nothing more comes
    REQUIRE(app.count() == 1);
    const json handoff = json::parse(app.taken[0]);
    CHECK(handoff["type"] == "handoff");
    CHECK(handoff["context"] == json{{"case", "CAS-7"}});
    CHECK(handoff["user"]["aadObjectId"] == user);
    CHECK(handoff["conversation"]["id"] == a["conversation"]["id"]);
    CHECK(handoff["conversation"]["serviceUrl"] == a["serviceUrl"]);
    CHECK(handoff["activityId"] == "f:the-one-activity");
    CHECK(handoff["jti"].is_string());
    CHECK(app.bad == 0);
    const std::string metrics = call(port, "GET", "/metrics").body;
    CHECK(metrics.find("handoffkit_handoff_deliveries_total{outcome=\"delivered\"} 1") != std::string::npos);
    CHECK(serve.log().find(delivery_key) == std::string::npos);
}

TEST_CASE("serve: killed with kill -9 before the handoff got through: the restarted host delivers it, same jti") {
    delivery_app app;
    app.status = 503;
    temp_path keys_file("crash-keys.json", keys), db("crash.db"), key("crash-key", delivery_key);
    auto args = serve_args(keys_file.path, "sqlite:" + db.path);
    args.insert(args.end(), {"--on-redeemed", app.server.url("/api/handoffs"), "--on-redeemed-key-file", key.path});
    std::string jti;
    {
        serve_process serve(args);
        const auto port = serve.port();
        REQUIRE(port != 0);
        const std::string token = for_this_user();
        CHECK(post(port, token) == 200);
        for (int i = 0; i < 500 && app.attempts < 1; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
        REQUIRE(app.attempts >= 1);
        ::kill(serve.pid, SIGKILL);
        CHECK(serve.wait_exit() == -1);  // killed, not exited
        const json claims = json::parse(handoffkit::json_api::inspect_token(token))["value"]["claims"];
        jti = claims["jti"];
    }
    app.status = 200;
    serve_process again(args);
    REQUIRE(again.port() != 0);
    // Due again after its back-off, or, had the host died in the middle of an attempt, once that
    // attempt's lease (30 s) ran out: either way it arrives, with its jti.
    REQUIRE(app.wait_for(1, 45));
    CHECK(json::parse(app.taken[0])["jti"] == jti);
}
