// The native host through real sockets on 127.0.0.1: routes, every handoff/action outcome,
// limits and timeouts, static files, and the graceful stop with a request in flight.
#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>

#include "host_support.hpp"

namespace {
using nlohmann::json;
using namespace handoffkit::test;
namespace host = handoffkit::host;

// Collects the outbound jobs the host hands over.
struct outbox {
    std::mutex mutex;
    std::vector<host::outbound_job> jobs;
    host::outbound_sink sink() {
        return [this](host::outbound_job j) {
            std::lock_guard<std::mutex> lock(mutex);
            jobs.push_back(std::move(j));
        };
    }
    std::vector<host::outbound_job> take() {
        std::lock_guard<std::mutex> lock(mutex);
        return std::move(jobs);
    }
};

// The in-process host with real tokens of the test keys, marked in `store`; follow-ups to `out`.
host::host_config dev_config(const std::shared_ptr<test_store>& store, outbox& out) {
    auto c = test_host_config(store);
    c.send = out.sink();
    return c;
}

std::string token(nlohmann::json request = {}) { return issue_test_token(std::move(request)); }

std::string error_code_of(const raw_connection::response& r) {
    auto j = json::parse(r.body, nullptr, false);
    return j.is_object() && j.contains("error") ? j["error"]["code"].get<std::string>() : "";
}

}  // namespace

TEST_CASE("host: the seed payload is redeemed with 200 and an empty body, then follow-ups are queued") {
    auto store = std::make_shared<test_store>();
    outbox out;
    auto config = dev_config(store, out);
    auto texts = handoffkit::handoff::messages::parse(R"({"en":{"result":["Order {order} is ready to continue.","Ready."]}})");
    REQUIRE(texts);
    config.handoff.texts = std::make_shared<const handoffkit::handoff::messages>(*texts);
    running_host h(config);
    const std::string t = token({{"ctx", {{"order", 42}}}});

    auto r = call(h.port(), "POST", "/api/messages", seed_activity(t).dump());
    CHECK(r.status == 200);
    CHECK(r.body.empty());
    h.stop();  // the job is handed over after the answer is written; stopping makes it visible
    auto jobs = out.take();
    REQUIRE(jobs.size() == 1);
    CHECK(jobs[0].service_url == "https://smba.trafficmanager.net/amer/");
    CHECK(jobs[0].conversation_id == seed_activity()["conversation"]["id"]);
    REQUIRE(jobs[0].activities.size() == 3);
    CHECK(json::parse(jobs[0].activities[0])["text"] == "Continuing conversation from Copilot\xE2\x80\xA6");
    CHECK(json::parse(jobs[0].activities[1])["type"] == "typing");
    CHECK(json::parse(jobs[0].activities[2])["text"] == "Order 42 is ready to continue.");
    for (const auto& line : h.log()) CHECK(line.find(t) == std::string::npos);
}

TEST_CASE("host: every handoff/action outcome has its status, code and follow-ups") {
    auto store = std::make_shared<test_store>();
    outbox out;
    running_host h(dev_config(store, out));
    const auto port = h.port();
    const std::string once = token();
    const std::string expired = token({{"now", handoffkit::native::unix_now() - 4000}, {"ttl", 600}});
    const std::string for_bob = token({{"user", "bob-object-id"}});
    const std::string forged = issue_test_token({}, other_test_keys);

    struct expectation {
        std::string name;
        std::string body;
        int status;
        std::string code;
        std::size_t followups;
    };
    json not_invoke = seed_activity();
    not_invoke["type"] = "message";
    json other_invoke = seed_activity();
    other_invoke["name"] = "composeExtension/query";
    json no_continuation = seed_activity();
    no_continuation.erase("value");
    json other_bot = seed_activity(once);
    json same_activity_again = seed_activity(once);  // a retry: the same id, the same conversation
    json another_activity = seed_activity(once);
    another_activity["id"] = "f:another-activity";
    other_bot["recipient"]["id"] = "28:11111111-1111-1111-1111-111111111111";
    const std::vector<expectation> cases{
        {"malformed JSON", "{\"type\":", 400, "ACTIVITY_MALFORMED", 0},
        {"JSON that is not an object", "[]", 400, "ACTIVITY_MALFORMED", 0},
        {"not an invoke", not_invoke.dump(), 200, "", 0},
        {"another invoke", other_invoke.dump(), 501, "UNKNOWN_INVOKE", 0},
        {"missing continuation", no_continuation.dump(), 400, "CONTINUATION_MISSING", 0},
        {"another bot", other_bot.dump(), 400, "WRONG_RECIPIENT", 0},
        {"another key", seed_activity(forged).dump(), 401, "TOKEN_BAD_SIGNATURE", 0},
        {"malformed token", seed_activity("not.a.token").dump(), 400, "TOKEN_MALFORMED", 0},
        {"first use", seed_activity(once).dump(), 200, "", 3},
        {"the same activity again", same_activity_again.dump(), 200, "", 0},
        {"replayed by another activity", another_activity.dump(), 409, "TOKEN_REPLAYED", 1},
        {"expired token", seed_activity(expired).dump(), 410, "TOKEN_EXPIRED", 1},
        {"wrong user", seed_activity(for_bob).dump(), 403, "TOKEN_WRONG_USER", 0},
    };
    std::size_t expected_jobs = 0;
    for (const auto& c : cases) {
        CAPTURE(c.name);
        auto r = call(port, "POST", "/api/messages", c.body);
        CHECK(r.status == c.status);
        CHECK(error_code_of(r) == c.code);
        if (c.status == 200) CHECK(r.body.empty());
        if (c.followups) ++expected_jobs;
    }
    CHECK(call(port, "GET", "/api/messages").status == 405);
    h.stop();
    CHECK(store->calls() == 3);  // the first use, its retry and the replay; nothing refused earlier
    auto jobs = out.take();
    REQUIRE(jobs.size() == expected_jobs);
    // Jobs of different connections are handed over in no particular order.
    std::sort(jobs.begin(), jobs.end(), [](auto& a, auto& b) { return a.activities.size() > b.activities.size(); });
    CHECK(jobs[0].activities.size() == 3);
    for (std::size_t i = 1; i < jobs.size(); ++i) {
        REQUIRE(jobs[i].activities.size() == 1);
        CHECK(json::parse(jobs[i].activities[0])["text"].get<std::string>().find("start a new conversation") !=
              std::string::npos);
    }
}

TEST_CASE("host: a store that cannot answer is 503 and nothing is consumed") {
    auto down = std::make_shared<unavailable_store>();
    outbox out;
    auto config = test_host_config(down);
    config.send = out.sink();
    running_host h(config);
    const std::string t = token();
    auto r = call(h.port(), "POST", "/api/messages", seed_activity(t).dump());
    CHECK(r.status == 503);
    CHECK(error_code_of(r) == "STORE_UNAVAILABLE");
    CHECK(down->calls == 1);
    h.stop();
    CHECK(out.take().empty());
}

TEST_CASE("host: a body over the cap is refused with 413, by Content-Length and when chunked") {
    auto store = std::make_shared<test_store>();
    outbox out;
    auto config = dev_config(store, out);
    config.body_limit = 1024;
    running_host h(config);

    auto r = call(h.port(), "POST", "/api/messages", std::string(2000, ' '));
    CHECK(r.status == 413);
    CHECK(error_code_of(r) == "BODY_TOO_LARGE");

    raw_connection c(h.port());
    c.send("POST /api/messages HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n800\r\n" +
           std::string(0x800, ' ') + "\r\n0\r\n\r\n");
    CHECK(c.read_response().status == 413);
    CHECK(store->calls() == 0);
}

TEST_CASE("host: a client that sends its headers too slowly or stays idle is disconnected") {
    auto store = std::make_shared<test_store>();
    outbox out;
    auto config = dev_config(store, out);
    config.header_timeout = std::chrono::milliseconds(200);
    config.idle_timeout = std::chrono::milliseconds(200);
    running_host h(config);

    raw_connection slow(h.port());
    slow.send("POST /api/messages HTTP/1.1\r\nHost: x\r\n");  // and never the rest
    CHECK(slow.closed_by_peer());

    raw_connection idle(h.port());
    CHECK(idle.closed_by_peer());

    // Keep-alive: two requests on one connection, then the idle timeout closes it.
    raw_connection keep(h.port());
    keep.send(http_request("GET", "/healthz"));
    CHECK(keep.read_response().status == 200);
    keep.send(http_request("GET", "/healthz"));
    CHECK(keep.read_response().status == 200);
    CHECK(keep.closed_by_peer());
    bool timeout_logged = false;
    for (const auto& line : h.log()) timeout_logged |= line.find("HEADER_TIMEOUT") != std::string::npos;
    CHECK(timeout_logged);
}

TEST_CASE("host: one JSON log line per request, text fields escaped, no token") {
    auto store = std::make_shared<test_store>();
    outbox out;
    running_host h(dev_config(store, out));
    const std::string secret = token();
    CHECK(call(h.port(), "POST", "/api/messages", seed_activity(secret).dump()).status == 200);
    // A target with a quote, a backslash and a byte that is not UTF-8: the line must stay JSON.
    CHECK(call(h.port(), "GET", "/a\"b\\c\xff?q=1").status == 404);
    h.stop();
    std::map<std::string, json> by_route;
    for (const auto& line : h.log()) {
        CHECK(line.find(secret) == std::string::npos);
        const auto j = json::parse(line, nullptr, false);
        REQUIRE_MESSAGE(j.is_object(), line);
        if (j["event"] == "request") by_route[j["route"].get<std::string>()] = j;
    }
    REQUIRE(by_route.size() == 2);
    const json& redeemed = by_route["/api/messages"];
    CHECK(redeemed["status"] == 200);
    CHECK(redeemed["code"] == "OK");
    CHECK(redeemed["method"] == "POST");
    CHECK(redeemed["path"] == "/api/messages");
    CHECK(redeemed["remote"] == "127.0.0.1");
    CHECK(redeemed["ms"].is_number());
    CHECK(redeemed["time"].get<std::string>().back() == 'Z');
    const json& odd = by_route["static"];
    CHECK(odd["status"] == 404);
    CHECK(odd["path"] == "/a\"b\\c\xEF\xBF\xBD");  // the query is not logged; the bad byte is U+FFFD
}

TEST_CASE("host: without a sender, each follow-up activity is counted as dropped") {
    auto store = std::make_shared<test_store>();
    outbox unused;
    auto config = dev_config(store, unused);
    config.send = nullptr;
    running_host h(std::move(config));
    const std::string t = token();
    json replay = seed_activity(t);
    replay["id"] = "f:a-later-activity";
    CHECK(call(h.port(), "POST", "/api/messages", seed_activity(t).dump()).status == 200);
    CHECK(call(h.port(), "POST", "/api/messages", replay.dump()).status == 409);
    // Counted once the answer is written, which the client may see first: poll, bounded.
    const std::string dropped = "handoffkit_outbound_activities_total{outcome=\"dropped\"} 4\n";
    std::string metrics;
    for (int i = 0; i < 100 && metrics.find(dropped) == std::string::npos; ++i) {
        if (i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
        metrics = call(h.port(), "GET", "/metrics").body;
    }
    CHECK_MESSAGE(metrics.find(dropped) != std::string::npos, metrics);  // 3 after the 200, 1 after the 409
}

TEST_CASE("host: /healthz and /metrics in the Prometheus text format") {
    auto store = std::make_shared<test_store>();
    outbox out;
    running_host h(dev_config(store, out));
    auto health = call(h.port(), "GET", "/healthz");
    CHECK(health.status == 200);
    CHECK(json::parse(health.body)["status"] == "ok");
    CHECK(call(h.port(), "POST", "/api/messages", seed_activity(token()).dump()).status == 200);
    CHECK(call(h.port(), "POST", "/api/messages", "nope").status == 400);

    // A request is counted once its answer is written (its duration includes the write), so the
    // client can see an answer a moment before the host has counted it: wait for that, bounded.
    auto m = call(h.port(), "GET", "/metrics");
    for (int i = 0; i < 100 && m.body.find("_count{route=\"/api/messages\"} 2\n") == std::string::npos; ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
        m = call(h.port(), "GET", "/metrics");
    }
    CHECK(m.status == 200);
    CHECK(m.headers["content-type"].rfind("text/plain; version=0.0.4", 0) == 0);
    const std::string& t = m.body;
    CHECK(t.find("# TYPE handoffkit_http_requests_total counter\n") != std::string::npos);
    CHECK(t.find("handoffkit_http_requests_total{route=\"/api/messages\",status=\"200\"} 1\n") != std::string::npos);
    CHECK(t.find("handoffkit_http_requests_total{route=\"/api/messages\",status=\"400\"} 1\n") != std::string::npos);
    CHECK(t.find("handoffkit_http_requests_total{route=\"/healthz\",status=\"200\"} 1\n") != std::string::npos);
    CHECK(t.find("# TYPE handoffkit_http_request_duration_seconds histogram\n") != std::string::npos);
    CHECK(t.find("handoffkit_http_request_duration_seconds_bucket{route=\"/api/messages\",le=\"+Inf\"} 2\n") !=
          std::string::npos);
    CHECK(t.find("handoffkit_http_request_duration_seconds_count{route=\"/api/messages\"} 2\n") != std::string::npos);
    CHECK(t.find("handoffkit_http_requests_in_flight 1\n") != std::string::npos);  // this very request
    // Every sample line is `name{labels} value` or `name value`.
    std::istringstream lines(t);
    for (std::string line; std::getline(lines, line);) {
        if (line.empty() || line[0] == '#') continue;
        CAPTURE(line);
        CHECK(line.rfind("handoffkit_", 0) == 0);
        CHECK(line.find(' ') != std::string::npos);
    }
}

TEST_CASE("host: static files are served from the web root, and nothing outside it") {
    namespace fs = std::filesystem;
    const fs::path root = fs::temp_directory_path() / ("hk-web-" + std::to_string(::getpid()));
    fs::remove_all(root);
    fs::create_directories(root / "pages" / "sub");
    std::ofstream(root / "pages" / "index.html") << "<h1>index</h1>";
    std::ofstream(root / "pages" / "sub" / "app.js") << "export {};";
    std::ofstream(root / "pages" / ".env") << "SECRET=1";
    std::ofstream(root / "secret.txt") << "outside";
    fs::create_symlink(root / "secret.txt", root / "pages" / "link.txt");

    auto store = std::make_shared<test_store>();
    outbox out;
    auto config = dev_config(store, out);
    config.web_root = (root / "pages").string();
    running_host h(config);

    auto index = call(h.port(), "GET", "/");
    CHECK(index.status == 200);
    CHECK(index.body == "<h1>index</h1>");
    CHECK(index.headers["content-type"] == "text/html; charset=utf-8");
    auto js = call(h.port(), "GET", "/sub/app.js?v=1");
    CHECK(js.status == 200);
    CHECK(js.headers["content-type"].rfind("text/javascript", 0) == 0);
    for (const char* bad : {"/../secret.txt", "/sub/../../secret.txt", "/%2e%2e/secret.txt", "/..%2fsecret.txt",
                            "/sub%2f..%2f..%2fsecret.txt", "/.env", "/link.txt", "/..\\secret.txt", "/%00",
                            "/missing.html", "/%zz"}) {
        CAPTURE(bad);
        auto r = call(h.port(), "GET", bad);
        CHECK(r.status == 404);
        CHECK(r.body.find("outside") == std::string::npos);
    }
    CHECK(call(h.port(), "DELETE", "/index.html").status == 405);
    h.stop();
    fs::remove_all(root);
}

TEST_CASE("host: stop() lets an in-flight request finish, answers it with Connection: close, then returns") {
    auto store = std::make_shared<test_store>();
    outbox out;
    running_host h(dev_config(store, out));
    const std::string body = seed_activity(token()).dump();

    raw_connection idle(h.port());  // idle keep-alive connection: closed by the stop
    raw_connection busy(h.port());
    busy.send("POST /api/messages HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: " +
              std::to_string(body.size()) + "\r\n\r\n" + body.substr(0, 10));
    // The header is in once /metrics counts two requests in flight (this probe and the POST).
    for (int i = 0; i < 200; ++i) {
        if (call(h.port(), "GET", "/metrics").body.find("handoffkit_http_requests_in_flight 2\n") != std::string::npos) break;
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    std::thread stopper([&] { h.stop(); });
    CHECK(idle.closed_by_peer());
    busy.send(body.substr(10));
    auto r = busy.read_response();
    CHECK(r.status == 200);
    CHECK(r.headers["connection"] == "close");
    stopper.join();  // run() returned
    CHECK(out.take().size() == 1);
}
