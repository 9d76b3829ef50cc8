// Request framing (RFC 9112 §6.3) through raw sockets: a Transfer-Encoding other than exactly
// `chunked`, or one beside a Content-Length, gets a written 400 and then the connection closes;
// the body is never framed by Content-Length, never read as the next request, never redeemed.
#include <doctest/doctest.h>

#include "host_support.hpp"

namespace {
using nlohmann::json;
using namespace handoffkit::test;
namespace host = handoffkit::host;

host::host_config dev_config(const std::shared_ptr<test_store>& store) { return test_host_config(store); }

std::string code_of(const raw_connection::response& r) {
    const auto j = json::parse(r.body, nullptr, false);
    return j.is_object() && j.contains("error") ? j["error"].value("code", "") : "";
}

std::string chunked(const std::string& body) {
    char size[16];
    std::snprintf(size, sizeof size, "%zx", body.size());
    return std::string(size) + "\r\n" + body + "\r\n0\r\n\r\n";
}

}  // namespace

TEST_CASE("host framing: every ambiguous Transfer-Encoding / Content-Length is answered 400, then closed, and nothing is redeemed") {
    auto store = std::make_shared<test_store>();
    running_host h(dev_config(store));
    const std::string token = issue_test_token({});
    const std::string body = seed_activity(token).dump();
    const std::string length = "Content-Length: " + std::to_string(body.size()) + "\r\n";
    const std::string smuggled = "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n";
    const std::string head = "POST /api/messages HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n";
    struct variant {
        std::string name, request;
    };
    const std::vector<variant> variants{
        {"gzip before Content-Length", head + "Transfer-Encoding: gzip\r\n" + length + "\r\n" + body},
        {"xchunked before Content-Length", head + "Transfer-Encoding: xchunked\r\n" + length + "\r\n" + body},
        {"identity, then a folded chunked, before Content-Length",
         head + "Transfer-Encoding: identity\r\n chunked\r\n" + length + "\r\n" + body},
        {"gzip without Content-Length: the body is not the next request",
         head + "Transfer-Encoding: gzip\r\n\r\n" + smuggled},
        {"Content-Length before Transfer-Encoding", head + length + "Transfer-Encoding: chunked\r\n\r\n" + chunked(body)},
        {"chunked before Content-Length", head + "Transfer-Encoding: chunked\r\n" + length + "\r\n" + chunked(body)},
        {"chunked twice", head + "Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n" + chunked(body)},
        {"gzip, chunked", head + "Transfer-Encoding: gzip, chunked\r\n\r\n" + chunked(body)},
        {"chunked, identity", head + "Transfer-Encoding: chunked, identity\r\n\r\n" + chunked(body)},
        {"an empty Transfer-Encoding", head + "Transfer-Encoding: \r\n" + length + "\r\n" + body},
        {"a broken chunk", head + "Transfer-Encoding: chunked\r\n\r\nzz\r\n" + body + "\r\n0\r\n\r\n"},
    };
    for (const auto& v : variants) {
        CAPTURE(v.name);
        raw_connection c(h.port());
        c.send(v.request);
        auto r = c.read_response();
        CHECK(r.status == 400);  // written, never a silently dropped connection
        const std::string code = code_of(r);
        CHECK_MESSAGE((code == "BAD_FRAMING" || code == "BAD_REQUEST"), code);
        CHECK(r.headers["connection"] == "close");
        CHECK(c.closed_by_peer());  // and nothing more: the smuggled GET got no answer
    }
    CHECK(store->calls() == 0);

    // What is left is well framed and served: chunked alone (any case), or Content-Length alone.
    raw_connection ok(h.port());
    ok.send(head + "Transfer-Encoding: Chunked\r\n\r\n" + chunked(body));
    CHECK(ok.read_response().status == 200);
    CHECK(store->calls() == 1);
    json another = seed_activity(token);
    another["id"] = "f:another-activity";
    const std::string replay = another.dump();
    ok.send(head + "Content-Length: " + std::to_string(replay.size()) + "\r\n\r\n" + replay);
    CHECK(ok.read_response().status == 409);  // the same token from another activity, kept alive
}

TEST_CASE("host framing: the ambiguous requests are logged with their code") {
    auto store = std::make_shared<test_store>();
    running_host h(dev_config(store));
    raw_connection c(h.port());
    c.send("POST /api/messages HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\nContent-Length: 2\r\n\r\n{}");
    CHECK(c.read_response().status == 400);
    h.stop();
    bool logged = false;
    for (const auto& line : h.log()) logged |= line.find("\"code\":\"BAD_FRAMING\"") != std::string::npos;
    CHECK(logged);
}
