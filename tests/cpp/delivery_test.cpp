// The outbox of each store and the delivery worker over it: a handoff written with its marker is
// handed to the app until the app takes it, once per taker, survives a restart (SQLite), backs off
// while the app is down, and two workers on one file never take the same entry at once.
#include <doctest/doctest.h>

#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <set>
#include <thread>

#include "handoffkit/native/delivery.hpp"
#include "handoffkit/native/redis_replay_guard.hpp"
#include "handoffkit/native/system.hpp"
#include "handoffkit/native/sqlite_replay_guard.hpp"
#include "handoffkit/native/stores.hpp"
#include "redis_server.hpp"

namespace {
using namespace handoffkit;
namespace fs = std::filesystem;

struct scratch_file {
    std::string path = (fs::temp_directory_path() / ("hk-outbox-" + std::to_string(::getpid()) + ".db")).string();
    scratch_file() { remove(); }
    ~scratch_file() { remove(); }
    void remove() const {
        for (const char* s : {"", "-wal", "-shm"}) std::filesystem::remove(path + s);
    }
};

void mark_with_delivery(token::replay_guard& g, const std::string& jti, std::int64_t now) {
    auto m = g.mark({jti, "{}", now + 600, R"({"jti":")" + jti + R"("})"}, now);
    REQUIRE(m);
    REQUIRE(m->outcome == token::mark_outcome::fresh);
}

void check_outbox(token::replay_guard& g, native::outbox& box) {
    mark_with_delivery(g, "a", 100);
    mark_with_delivery(g, "b", 100);
    auto first = box.take(10, 100, 60);
    REQUIRE(first);
    REQUIRE(first->size() == 2);
    CHECK(first->at(0).body == R"({"jti":"a"})");  // oldest first
    CHECK(box.take(10, 120, 60)->empty());         // both leased until 160
    REQUIRE(box.acknowledge(first->at(0)));
    REQUIRE(box.retry_at(first->at(1), 130, 120));
    CHECK(box.take(10, 129, 60)->empty());
    auto again = box.take(10, 130, 60);
    REQUIRE(again->size() == 1);
    CHECK(again->at(0).body == R"({"jti":"b"})");
    CHECK(box.take(10, 189, 60)->empty());
    CHECK(box.take(10, 190, 60)->size() == 1);  // the lease ran out: a worker that died loses it
}

}  // namespace

TEST_CASE("outbox: SQLite and memory lease, acknowledge and retry the same way") {
    scratch_file file;
    auto sqlite = native::sqlite_replay_guard::open(file.path).value();
    check_outbox(*sqlite, *sqlite);
    native::memory_store memory;
    check_outbox(memory, memory);
}

TEST_CASE("outbox: SQLite keeps what is not acknowledged across a restart") {
    scratch_file file;
    {
        auto g = native::sqlite_replay_guard::open(file.path).value();
        mark_with_delivery(*g, "kept", 100);
        REQUIRE(g->take(10, 100, 30)->size() == 1);  // taken, then the process died
    }
    auto g = native::sqlite_replay_guard::open(file.path).value();
    CHECK(g->take(10, 110, 30)->empty());
    auto back = g->take(10, 131, 30);
    REQUIRE(back->size() == 1);
    CHECK(back->at(0).body == R"({"jti":"kept"})");
}

TEST_CASE("delivery worker: hands each handoff over until the app takes it, backing off meanwhile") {
    auto store = std::make_shared<native::memory_store>();
    mark_with_delivery(*store, "j1", 1000);
    std::atomic<std::int64_t> clock{1000};
    std::atomic<int> calls{0};
    std::atomic<bool> app_up{false};
    std::mutex m;
    std::vector<std::string> delivered, events;
    native::delivery_options o;
    o.poll_interval = std::chrono::milliseconds(5);
    native::delivery_worker worker(
        store,
        [&](const native::pending_delivery& d) {
            ++calls;
            if (!app_up) return false;
            std::lock_guard<std::mutex> lock(m);
            delivered.push_back(d.body);
            return true;
        },
        [&] { return clock.load(); }, o,
        [&](const std::string& e, const native::pending_delivery*, int attempt) {
            std::lock_guard<std::mutex> lock(m);
            events.push_back(e + ":" + std::to_string(attempt));
        });
    for (int i = 0; i < 400 && calls < 1; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(5));
    REQUIRE(calls == 1);
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    CHECK(calls == 1);  // backing off: due again one second later on the worker's clock
    clock = 1001;
    for (int i = 0; i < 400 && calls < 2; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(5));
    CHECK(calls == 2);
    clock = 1002;  // the second retry waits two seconds
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    CHECK(calls == 2);
    app_up = true;
    clock = 1003;
    worker.wake();
    for (int i = 0; i < 400 && delivered.empty(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(5));
    worker.stop();
    std::lock_guard<std::mutex> lock(m);
    CHECK(delivered == std::vector<std::string>{R"({"jti":"j1"})"});
    CHECK(events == std::vector<std::string>{"retry:1", "retry:2", "delivered:0"});
    CHECK(store->take(10, 5000, 60)->empty());  // acknowledged: gone
}

TEST_CASE("delivery workers: two on one SQLite file never hold the same handoff at once") {
    scratch_file file;
    {
        auto g = native::sqlite_replay_guard::open(file.path).value();
        for (int i = 0; i < 200; ++i) mark_with_delivery(*g, "t" + std::to_string(i), 100);
    }
    std::mutex m;
    std::multiset<std::string> seen;
    auto worker_on_own_connection = [&] {
        auto g = native::sqlite_replay_guard::open(file.path).value();
        for (;;) {
            auto batch = g->take(7, 100, 600);
            REQUIRE(batch);
            if (batch->empty()) return;
            for (const auto& d : *batch) {
                std::lock_guard<std::mutex> lock(m);
                seen.insert(d.body);
            }
            for (const auto& d : *batch) REQUIRE(g->acknowledge(d));
        }
    };
    std::thread a(worker_on_own_connection), b(worker_on_own_connection);
    a.join();
    b.join();
    CHECK(seen.size() == 200);
    for (const auto& body : seen) CHECK(seen.count(body) == 1);
}

TEST_CASE("outbox: Redis leases by idle time, acknowledges by deleting, and two consumers share the stream") {
    handoffkit::test::redis_server server;
    REQUIRE_MESSAGE(server.started(), "redis-server could not be started on 127.0.0.1");
    native::redis_replay_guard::options o;
    o.port = server.port();
    native::redis_replay_guard a(o), b(o);
    const std::int64_t now = native::unix_now();
    mark_with_delivery(a, "r1", now);
    mark_with_delivery(a, "r2", now);
    auto first = a.take(10, now, 1);
    REQUIRE(first);
    REQUIRE(first->size() == 2);
    CHECK(first->at(0).body == R"({"jti":"r1"})");
    CHECK(b.take(10, now, 1)->empty());  // leased to `a`
    REQUIRE(a.acknowledge(first->at(0)));
    REQUIRE(a.retry_at(first->at(1), now, now));  // due at once
    auto again = b.take(10, now, 1);
    REQUIRE(again->size() == 1);
    CHECK(again->at(0).body == R"({"jti":"r2"})");
    CHECK(a.take(10, now, 1)->empty());
    std::this_thread::sleep_for(std::chrono::milliseconds(1200));  // b "died" holding it
    auto taken_over = a.take(10, now, 1);
    REQUIRE(taken_over->size() == 1);
    REQUIRE(a.acknowledge(taken_over->at(0)));
    std::this_thread::sleep_for(std::chrono::milliseconds(1200));
    CHECK(a.take(10, now, 1)->empty());
    CHECK(b.take(10, now, 1)->empty());
}
