// The pipelined Redis connection (native/include/handoffkit/native/redis_pipeline.hpp), the
// transport of the host and of the blocking store: replies in order for many commands in flight,
// and STORE_UNAVAILABLE, never a hang, when Redis is absent, silent or answers with an error.
#include <doctest/doctest.h>

#include <boost/asio.hpp>

#include <chrono>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "handoffkit/native/redis_pipeline.hpp"
#include "redis_server.hpp"

using handoffkit::native::redis_address;
using handoffkit::native::redis_connector;
using handoffkit::native::redis_pipeline;
using handoffkit::native::redis_reply;
namespace net = boost::asio;

namespace {

struct answer {
    bool ok = false;
    std::string code;
    redis_reply reply;
};

// Runs the context until every command has its answer (bounded by the run's own deadline).
std::vector<answer> run_commands(const redis_address& o, const std::vector<std::vector<std::string>>& commands,
                                 std::chrono::milliseconds bound = std::chrono::seconds(10)) {
    net::io_context context;
    redis_pipeline redis(context, redis_connector::create(o).value());
    std::vector<answer> answers(commands.size());
    int answered = 0;
    for (std::size_t i = 0; i < commands.size(); ++i)
        redis.command(commands[i], [&, i](handoffkit::result<redis_reply> r) {
            answers[i] = r ? answer{true, "", *r} : answer{false, std::string(r.err().code.name()), {}};
            ++answered;
        });
    const auto until = std::chrono::steady_clock::now() + bound;
    while (answered < static_cast<int>(commands.size()) && std::chrono::steady_clock::now() < until)
        context.run_for(std::chrono::milliseconds(20));
    REQUIRE(answered == static_cast<int>(commands.size()));
    return answers;
}

redis_address at(int port, int timeout_ms = 2000) {
    redis_address a;
    a.port = port;
    a.timeout_ms = timeout_ms;
    return a;
}

}  // namespace

TEST_CASE("redis pipeline: 500 commands in flight at once are answered in order") {
    handoffkit::test::redis_server server;
    REQUIRE(server.started());
    std::vector<std::vector<std::string>> commands;
    for (int i = 0; i < 250; ++i) commands.push_back({"SET", "k" + std::to_string(i), "v" + std::to_string(i), "NX", "PX", "60000"});
    for (int i = 0; i < 250; ++i) commands.push_back({"GET", "k" + std::to_string(249 - i)});
    const auto answers = run_commands(at(server.port()), commands);
    for (int i = 0; i < 250; ++i) {
        CHECK(answers[i].ok);
        CHECK(answers[i].reply.kind == redis_reply::type::status);
        CHECK(answers[250 + i].reply.kind == redis_reply::type::string);
        CHECK(answers[250 + i].reply.text == "v" + std::to_string(249 - i));
    }
    // Marking again: Redis says nil, the key exists.
    const auto again = run_commands(at(server.port()), {{"SET", "k0", "x", "NX", "PX", "60000"}, {"GET", "absent"}});
    CHECK(again[0].reply.kind == redis_reply::type::nil);
    CHECK(again[1].reply.kind == redis_reply::type::nil);
}

TEST_CASE("redis pipeline: an error reply fails that command only; the connection goes on") {
    handoffkit::test::redis_server server;
    REQUIRE(server.started());
    const auto answers = run_commands(at(server.port()), {{"SET", "a", "1"}, {"NO-SUCH-COMMAND"}, {"GET", "a"}});
    CHECK(answers[0].ok);
    CHECK_FALSE(answers[1].ok);
    CHECK(answers[1].code == "STORE_UNAVAILABLE");
    CHECK(answers[2].ok);
    CHECK(answers[2].reply.text == "1");
}

TEST_CASE("redis pipeline: nothing listening, or a server that never answers, is STORE_UNAVAILABLE in bounded time") {
    // A port nothing listens on: refused at once.
    const auto refused = run_commands(at(handoffkit::test::free_port()), {{"GET", "a"}, {"GET", "b"}});
    for (const auto& a : refused) CHECK(a.code == "STORE_UNAVAILABLE");

    // A listener that accepts and stays silent: every command in flight fails at the timeout.
    net::io_context listener_context;
    net::ip::tcp::acceptor silent(listener_context, {net::ip::make_address("127.0.0.1"), 0});
    net::ip::tcp::socket accepted(listener_context);
    silent.async_accept(accepted, [](boost::system::error_code) {});
    std::thread listening([&] { listener_context.run_for(std::chrono::seconds(5)); });
    const auto started = std::chrono::steady_clock::now();
    const auto silent_answers = run_commands(at(silent.local_endpoint().port(), 300), {{"GET", "a"}, {"SET", "b", "1"}});
    const auto waited = std::chrono::steady_clock::now() - started;
    listener_context.stop();
    listening.join();
    for (const auto& a : silent_answers) CHECK(a.code == "STORE_UNAVAILABLE");
    CHECK(waited >= std::chrono::milliseconds(250));
    CHECK(waited < std::chrono::seconds(5));
}

TEST_CASE("redis pipeline: after Redis restarts, the next command connects again") {
    handoffkit::test::redis_server server;
    REQUIRE(server.started());
    net::io_context context;
    redis_pipeline redis(context, redis_connector::create(at(server.port())).value());
    std::vector<std::string> codes;
    const auto send = [&](std::vector<std::string> command) {
        bool done = false;
        redis.command(command, [&](handoffkit::result<redis_reply> r) {
            codes.emplace_back(r ? "OK" : r.err().code.name());
            done = true;
        });
        for (int i = 0; i < 500 && !done; ++i) {
            context.restart();  // run_for() stops the context whenever it runs out of work
            context.run_for(std::chrono::milliseconds(10));
        }
        REQUIRE(done);
    };
    send({"SET", "a", "1"});
    server.stop();
    send({"GET", "a"});  // the connection is gone: this one fails
    REQUIRE(server.restart());
    send({"SET", "b", "1"});
    CHECK(codes == std::vector<std::string>{"OK", "STORE_UNAVAILABLE", "OK"});
}

namespace {

using handoffkit::test::test_pki;

struct answer_with_message {
    bool ok = false;
    std::string message;
    redis_reply reply;
};

// One command's answer, with the error message (run_commands keeps only the code).
answer_with_message run_one(const redis_address& a, std::vector<std::string> command) {
    net::io_context context;
    redis_pipeline redis(context, redis_connector::create(a).value());
    std::optional<answer_with_message> got;
    redis.command(command, [&](handoffkit::result<redis_reply> r) {
        got = r ? answer_with_message{true, "", *r} : answer_with_message{false, r.err().message, {}};
    });
    for (int i = 0; i < 500 && !got; ++i) context.run_for(std::chrono::milliseconds(20));
    REQUIRE(got);
    return *got;
}

redis_address tls_at(const handoffkit::test::redis_server& server, std::string user, std::string password) {
    auto a = at(server.tls_port());
    a.tls = true;
    a.ca_file = test_pki::get().ca;
    a.user = std::move(user);
    a.password = std::move(password);
    return a;
}

}  // namespace

TEST_CASE("redis pipeline over TLS with AUTH and SELECT: 500 commands in flight are answered in order") {
    REQUIRE(test_pki::get().made);
    handoffkit::test::redis_server::config c;
    c.tls = true;
    c.users = {"hk on >hk-password ~* &* +@all"};
    handoffkit::test::redis_server server(c);
    REQUIRE(server.started());
    auto a = tls_at(server, "hk", "hk-password");
    a.db = 2;
    std::vector<std::vector<std::string>> commands;
    for (int i = 0; i < 250; ++i) commands.push_back({"SET", "k" + std::to_string(i), std::string(100, 'a' + i % 26), "NX"});
    for (int i = 0; i < 250; ++i) commands.push_back({"GET", "k" + std::to_string(249 - i)});
    const auto answers = run_commands(a, commands);
    for (int i = 0; i < 250; ++i) {
        CHECK(answers[i].reply.kind == redis_reply::type::status);
        CHECK(answers[250 + i].reply.text == std::string(100, 'a' + (249 - i) % 26));
    }
    a.db = 0;  // another database: not there
    CHECK(run_one(a, {"GET", "k0"}).reply.kind == redis_reply::type::nil);
}

TEST_CASE("redis pipeline: a refused AUTH fails every command and writes none (none runs as the default user)") {
    REQUIRE(test_pki::get().made);
    // The default user needs no password here: a client that sent its commands right behind a
    // failed AUTH would have them run as that user.
    handoffkit::test::redis_server::config c;
    c.tls = true;
    c.users = {"hk on >hk-password ~* &* +@all"};
    handoffkit::test::redis_server server(c);
    REQUIRE(server.started());
    const auto wrong = run_commands(tls_at(server, "hk", "not-the-password"), {{"SET", "written", "1"}, {"SET", "also", "1"}});
    for (const auto& w : wrong) CHECK(w.code == "STORE_UNAVAILABLE");
    const auto why = run_one(tls_at(server, "hk", "not-the-password"), {"SET", "written", "1"});
    CHECK_FALSE(why.ok);
    CHECK(why.message.find("AUTH refused") != std::string::npos);
    CHECK(why.message.find("not-the-password") == std::string::npos);
    const auto right = run_commands(tls_at(server, "hk", "hk-password"), {{"GET", "written"}, {"GET", "also"}});
    CHECK(right[0].reply.kind == redis_reply::type::nil);
    CHECK(right[1].reply.kind == redis_reply::type::nil);
}

TEST_CASE("redis pipeline: a refusal that quotes the password is logged without it") {
    // A stand-in that answers AUTH with an error echoing what it got.
    net::io_context listener_context;
    net::ip::tcp::acceptor listener(listener_context, {net::ip::make_address("127.0.0.1"), 0});
    std::thread serving([&] {
        net::ip::tcp::socket s(listener_context);
        boost::system::error_code ec;
        listener.accept(s, ec);
        char buffer[1024];
        if (s.read_some(net::buffer(buffer), ec) > 0)
            net::write(s, net::buffer(std::string("-ERR the password s3cr3t-value is wrong\r\n")), ec);
    });
    auto a = at(listener.local_endpoint().port());
    a.password = "s3cr3t-value";
    const auto why = run_one(a, {"GET", "x"});
    serving.join();
    CHECK_FALSE(why.ok);
    CHECK(why.message.find("AUTH refused") != std::string::npos);
    CHECK(why.message.find("s3cr3t-value") == std::string::npos);
}
