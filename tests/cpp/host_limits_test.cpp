// `handoffkit serve` at its limits: the descriptor limit (an accept that fails must not end
// accepting; beyond --max-connections a connection is closed at once and counted), and a store
// that blocks (another process holding SQLite's write lock must not stall other connections).
#include <doctest/doctest.h>

#include <sqlite3.h>
#include <sys/wait.h>

#include <atomic>
#include <memory>
#include <thread>
#include <vector>

#include "host_support.hpp"
#include "serve_tokens.hpp"

namespace {
using namespace handoffkit::test;
using namespace handoffkit::test::serve_tokens;

std::uint64_t metric(std::uint16_t port, const std::string& name) {
    const std::string text = call(port, "GET", "/metrics").body;
    const auto at = text.find("\n" + name + " ");
    return at == std::string::npos ? 0 : std::stoull(text.substr(at + name.size() + 2));
}

// GET /healthz until it answers 200 (at most `tries` attempts, each bounded by the 5 s read).
bool healthy_within(std::uint16_t port, int tries) {
    for (int i = 0; i < tries; ++i) {
        try {
            if (call(port, "GET", "/healthz").status == 200) return true;
        } catch (const std::exception&) {
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
    return false;
}

// A second process that holds SQLite's write lock on `path` until its pipe is closed.
struct sqlite_write_lock {
    pid_t pid = -1;
    int release_fd = -1;
    explicit sqlite_write_lock(const std::string& path) {
        int to_child[2], from_child[2];
        REQUIRE(pipe(to_child) == 0);
        REQUIRE(pipe(from_child) == 0);
        pid = fork();
        if (pid == 0) {
            close(to_child[1]);
            close(from_child[0]);
            sqlite3* db = nullptr;
            char ok = sqlite3_open(path.c_str(), &db) == SQLITE_OK &&
                              sqlite3_exec(db, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr) == SQLITE_OK
                          ? 'y' : 'n';
            (void)!write(from_child[1], &ok, 1);
            char c;
            (void)!read(to_child[0], &c, 1);  // returns when the parent closes its end (or dies)
            sqlite3_exec(db, "ROLLBACK", nullptr, nullptr, nullptr);
            sqlite3_close(db);
            _exit(0);
        }
        close(to_child[0]);
        close(from_child[1]);
        release_fd = to_child[1];
        char ok = 'n';
        REQUIRE(read(from_child[0], &ok, 1) == 1);
        close(from_child[0]);
        REQUIRE(ok == 'y');
    }
    void release() {
        if (release_fd < 0) return;
        close(release_fd);
        release_fd = -1;
        waitpid(pid, nullptr, 0);
    }
    ~sqlite_write_lock() { release(); }
};

}  // namespace

TEST_CASE("serve limits: accepts that fail at the descriptor limit (EMFILE) are retried, and the host serves again") {
    temp_path keys_file("keys-emfile.json", keys);
    auto args = serve_args(keys_file.path, "memory:");
    args.insert(args.end(), {"--max-connections", "1000"});  // above what 48 descriptors allow: accept must fail
    serve_process serve(args, "", {}, 48);
    const auto port = serve.port();
    REQUIRE(port != 0);
    {
        // Idle connections until the host runs out of descriptors; the kernel still completes the
        // handshakes of those it cannot accept (the listen backlog).
        std::vector<std::unique_ptr<raw_connection>> idle;
        for (int i = 0; i < 60; ++i) idle.push_back(std::make_unique<raw_connection>(port));
        for (int i = 0; i < 500 && serve.log().find("\"event\":\"accept_failed\"") == std::string::npos; ++i)
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
        CHECK(serve.log().find("\"event\":\"accept_failed\"") != std::string::npos);
    }  // all closed: the host's sessions end and free their descriptors
    CHECK(healthy_within(port, 10));  // it once never answered again
    CHECK(post(port, for_this_user()) == 200);
    CHECK(metric(port, "handoffkit_accept_errors_total") > 0);
}

TEST_CASE("serve limits: beyond --max-connections (default: below RLIMIT_NOFILE) a connection is closed at once and counted") {
    temp_path keys_file("keys-cap.json", keys);
    serve_process serve(serve_args(keys_file.path, "memory:"), "", {}, 48);
    const auto port = serve.port();
    REQUIRE(port != 0);
    // The default with 48 descriptors: 48 minus a reserve of max(32, 48/4).
    constexpr int cap = 48 - 32;
    {
        std::vector<std::unique_ptr<raw_connection>> open;
        for (int i = 0; i < cap + 20; ++i) open.push_back(std::make_unique<raw_connection>(port));
        int closed_beyond = 0, closed_within_cap = 0;
        for (int i = cap; i < cap + 20; ++i) closed_beyond += open[i]->closed_within(2000);
        for (int i = 0; i < cap; ++i) closed_within_cap += open[i]->closed_within(50);
        CHECK(closed_beyond == 20);    // closed at once, not queued, not left hanging
        CHECK(closed_within_cap == 0); // the connections within the cap stay open
    }
    CHECK(healthy_within(port, 10));
    CHECK(metric(port, "handoffkit_connections_refused_total") >= 20);  // more if a probe above came before a close
    CHECK(serve.log().find("\"event\":\"connection_limit\"") != std::string::npos);
    CHECK(post(port, for_this_user()) == 200);

    // An explicit cap works the same way.
    temp_path keys_two("keys-cap-two.json", keys);
    auto args = serve_args(keys_two.path, "memory:");
    args.insert(args.end(), {"--max-connections", "2"});
    serve_process two(args);
    const auto port2 = two.port();
    REQUIRE(port2 != 0);
    raw_connection a(port2), b(port2), c(port2);
    CHECK(c.closed_within(2000));
    CHECK_FALSE(a.closed_within(50));
    CHECK_FALSE(b.closed_within(50));
}

TEST_CASE("serve limits: a redemption waiting for another process's SQLite write lock does not stall other connections") {
    temp_path keys_file("keys-lock.json", keys), db("lock.db");
    auto args = serve_args(keys_file.path, "sqlite:" + db.path);
    args.insert(args.end(), {"--threads", "1"});  // one I/O thread: blocking it would stall everything
    serve_process serve(args);
    const auto port = serve.port();
    REQUIRE(port != 0);
    CHECK(post(port, for_this_user()) == 200);

    sqlite_write_lock lock(db.path);
    std::atomic<int> status{-1};
    std::thread waiting([&] { status = post(port, for_this_user()); });
    // While that redemption waits for the lock, the host goes on serving: /metrics shows it in
    // flight (it and this probe), and /healthz answers.
    bool in_flight = false;
    for (int i = 0; i < 200 && !in_flight; ++i) {
        in_flight = call(port, "GET", "/metrics").body.find("handoffkit_http_requests_in_flight 2\n") != std::string::npos;
        if (!in_flight) std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    CHECK(in_flight);
    CHECK(call(port, "GET", "/healthz").status == 200);
    CHECK(status == -1);  // still waiting for the lock
    lock.release();
    waiting.join();
    CHECK(status == 200);
}
