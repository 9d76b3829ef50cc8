// Exactly-once redemption with the native stores: threads, processes, a killed process, a Redis
// server this test starts itself (127.0.0.1, free port, nothing saved), and stores that cannot
// answer. No assertion depends on timing: concurrency is forced with start gates, and the
// kill happens after the child has reported progress.
#include <doctest/doctest.h>
#include <fcntl.h>
#include <hiredis/hiredis.h>
#include <netinet/in.h>
#include <signal.h>
#include <sqlite3.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <boost/asio.hpp>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>
#include <vector>

#include "handoffkit/base64url.hpp"
#include "handoffkit/native/redis_replay_guard.hpp"
#include "handoffkit/native/sqlite_replay_guard.hpp"
#include "handoffkit/native/stores.hpp"
#include "handoffkit/native/system.hpp"
#include "handoffkit/token.hpp"
#include "redis_server.hpp"

using namespace handoffkit;
using handoffkit::native::redis_replay_guard;
using handoffkit::native::sqlite_replay_guard;
namespace fs = std::filesystem;
using handoffkit::test::redis_server;

namespace {

constexpr std::int64_t now = 1'700'000'000;
constexpr int contenders = 8;

const token::key_set& keys() {
    static const token::key_set k =
        token::key_set::parse(R"({"keys":[{"kty":"oct","kid":"k","k":")" + base64url::encode(std::string(32, '\x33')) +
                              R"("}]})")
            .value();
    return k;
}

/// Token number `i`: its jti encodes i, so every token differs.
std::string token_number(std::uint32_t i) {
    token::issue_request r;
    r.audience = "28:bot";
    r.now = now;
    r.random = std::string(12, '\x07') + std::string(reinterpret_cast<const char*>(&i), 4);
    return token::issue(r, keys()).value().token;
}

token::verify_options options() {
    token::verify_options o;
    o.audience = "28:bot";
    o.now = now;
    return o;
}

/// 'S' redeemed, 'R' replayed, 'U' store unavailable, 'X' anything else.
char redeem_letter(const std::string& token, token::replay_guard& guard) {
    const auto r = token::redeem(token, keys(), options(), guard);
    if (r) return 'S';
    return r.err().code == "REPLAYED" ? 'R' : r.err().code == "STORE_UNAVAILABLE" ? 'U' : 'X';
}

struct scratch_dir {
    fs::path path = fs::temp_directory_path() / ("handoffkit-stores-" + std::to_string(getpid()));
    scratch_dir() {
        fs::remove_all(path);
        fs::create_directories(path);
    }
    ~scratch_dir() { fs::remove_all(path); }
    std::string file(const std::string& name) const { return (path / name).string(); }
};

/// Runs `contenders` threads that each redeem `token` with the guard `guard_for(i)` gives them,
/// all released at once; returns their letters.
template <class GuardFor>
std::string race_threads(const std::string& token, GuardFor guard_for) {
    std::atomic<bool> go{false};
    std::atomic<int> ready{0};
    std::string letters(contenders, '?');
    std::vector<std::thread> threads;
    for (int i = 0; i < contenders; ++i)
        threads.emplace_back([&, i] {
            token::replay_guard& guard = guard_for(i);
            ++ready;
            while (!go) std::this_thread::yield();
            letters[i] = redeem_letter(token, guard);
        });
    while (ready < contenders) std::this_thread::yield();
    go = true;
    for (auto& t : threads) t.join();
    return letters;
}

int count(const std::string& s, char c) { return static_cast<int>(std::count(s.begin(), s.end(), c)); }

void check_exactly_one(const std::string& letters) {
    CAPTURE(letters);
    CHECK(count(letters, 'S') == 1);
    CHECK(count(letters, 'R') == static_cast<int>(letters.size()) - 1);
}

int sqlite_count(const std::string& path, const char* sql) {
    sqlite3* db = nullptr;
    sqlite3_open(path.c_str(), &db);
    sqlite3_stmt* s = nullptr;
    sqlite3_prepare_v2(db, sql, -1, &s, nullptr);
    const int n = sqlite3_step(s) == SQLITE_ROW ? sqlite3_column_int(s, 0) : -1;
    sqlite3_finalize(s);
    sqlite3_close(db);
    return n;
}

/// A mark without a record or delivery, as the purge test asks it.
result<token::mark_outcome> try_mark(token::replay_guard& g, const std::string& jti, std::int64_t keep_until,
                                     std::int64_t at) {
    auto answer = g.mark({jti, "", keep_until, ""}, at);
    if (!answer) return answer.err();
    return answer->outcome;
}

/// Every store keeps the record with its marker, answers a replay with it, and writes a delivery
/// only when it places the marker.
void check_records_and_deliveries(token::replay_guard& g) {
    auto first = g.mark({"rec", R"({"activity":"a1"})", now + 100, R"({"type":"handoff","jti":"rec"})"}, now);
    REQUIRE(first);
    CHECK(first->outcome == token::mark_outcome::fresh);
    auto again = g.mark({"rec", R"({"activity":"a2"})", now + 100, R"({"type":"handoff","jti":"rec-2"})"}, now + 1);
    REQUIRE(again);
    CHECK(again->outcome == token::mark_outcome::replayed);
    CHECK(again->record == std::optional<std::string>(R"({"activity":"a1"})"));
}

redis_replay_guard::options redis_at(int port) {
    redis_replay_guard::options o;
    o.port = port;
    o.timeout_ms = 1000;
    return o;
}

}  // namespace

TEST_CASE("stores: threads redeeming one token through a locked memory guard: exactly one success") {
    auto guard = native::open_store("memory:");
    REQUIRE(guard);
    for (std::uint32_t t = 0; t < 20; ++t) check_exactly_one(race_threads(token_number(t), [&](int) -> token::replay_guard& { return **guard; }));
}

TEST_CASE("stores: threads with one SQLite connection each, and sharing one: exactly one success") {
    scratch_dir dir;
    const std::string path = dir.file("replay.db");
    std::vector<std::unique_ptr<sqlite_replay_guard>> guards;
    for (int i = 0; i < contenders; ++i) guards.push_back(sqlite_replay_guard::open(path).value());
    for (std::uint32_t t = 0; t < 10; ++t)
        check_exactly_one(race_threads(token_number(t), [&](int i) -> token::replay_guard& { return *guards[i]; }));
    for (std::uint32_t t = 10; t < 20; ++t)
        check_exactly_one(race_threads(token_number(t), [&](int) -> token::replay_guard& { return *guards[0]; }));
    CHECK(sqlite_count(path, "SELECT count(*) FROM handoffkit_markers") == 20);
    CHECK(sqlite_count(path, "SELECT count(*) FROM pragma_journal_mode WHERE journal_mode = 'wal'") == 1);
}

TEST_CASE("stores: several processes redeeming the same tokens in one SQLite file: one success per token") {
    scratch_dir dir;
    const std::string path = dir.file("replay.db");
    REQUIRE(sqlite_replay_guard::open(path));  // the schema exists before the race
    constexpr std::uint32_t tokens = 30;
    std::vector<std::string> list;
    for (std::uint32_t t = 0; t < tokens; ++t) list.push_back(token_number(t));
    int gate[2];
    REQUIRE(pipe(gate) == 0);
    std::vector<std::pair<pid_t, int>> children;  // pid, read end of its result pipe
    for (int c = 0; c < contenders; ++c) {
        int results[2];
        REQUIRE(pipe(results) == 0);
        std::fflush(nullptr);
        const pid_t pid = fork();
        REQUIRE(pid >= 0);
        if (pid == 0) {
            close(gate[1]);
            close(results[0]);
            auto guard = sqlite_replay_guard::open(path);
            char byte;
            (void)!read(gate[0], &byte, 1);  // returns when the parent closes the gate: all start together
            std::string letters;
            for (const auto& t : list) letters += guard ? redeem_letter(t, **guard) : 'U';
            (void)!write(results[1], letters.data(), letters.size());
            _exit(0);
        }
        close(results[1]);
        children.emplace_back(pid, results[0]);
    }
    close(gate[0]);
    close(gate[1]);
    std::vector<std::string> per_child;
    for (auto [pid, fd] : children) {
        std::string letters(tokens, '?');
        std::size_t got = 0;
        for (ssize_t n; got < tokens && (n = read(fd, letters.data() + got, tokens - got)) > 0;) got += n;
        close(fd);
        int status = 0;
        waitpid(pid, &status, 0);
        CHECK(WIFEXITED(status));
        per_child.push_back(letters);
    }
    for (std::uint32_t t = 0; t < tokens; ++t) {
        std::string column;
        for (const auto& letters : per_child) column += letters[t];
        CAPTURE(t);
        check_exactly_one(column);
    }
}

TEST_CASE("stores: a process killed with SIGKILL mid-run: what it redeemed stays redeemed (SQLite)") {
    scratch_dir dir;
    const std::string path = dir.file("replay.db");
    constexpr std::uint32_t tokens = 3000, seen_before_kill = 100;
    std::vector<std::string> list;
    for (std::uint32_t t = 0; t < tokens; ++t) list.push_back(token_number(t));
    int progress[2];
    REQUIRE(pipe(progress) == 0);
    std::fflush(nullptr);
    const pid_t pid = fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
        close(progress[0]);
        auto guard = sqlite_replay_guard::open(path);
        if (!guard) _exit(1);
        for (std::uint32_t t = 0; t < tokens; ++t)
            if (redeem_letter(list[t], **guard) == 'S') (void)!write(progress[1], &t, sizeof t);  // reported after commit
        _exit(0);
    }
    close(progress[1]);
    std::vector<std::uint32_t> reported;
    std::uint32_t t;
    while (reported.size() < seen_before_kill && read(progress[0], &t, sizeof t) == sizeof t) reported.push_back(t);
    kill(pid, SIGKILL);
    int status = 0;
    waitpid(pid, &status, 0);
    close(progress[0]);
    REQUIRE(reported.size() == seen_before_kill);
    CHECK(WIFSIGNALED(status));  // it was killed mid-run, not finished
    CHECK(sqlite_count(path, "SELECT count(*) FROM pragma_integrity_check WHERE integrity_check = 'ok'") == 1);

    // "Restart": a new process's view of the same file.
    auto guard = sqlite_replay_guard::open(path);
    REQUIRE(guard);
    for (std::uint32_t r : reported) {
        CAPTURE(r);
        CHECK(redeem_letter(list[r], **guard) == 'R');
    }
    // Tokens the killed process never reached are still good (at most one was in flight).
    const std::uint32_t last = reported.back();
    CHECK(last + 2 < tokens);
    for (std::uint32_t r = last + 2; r < std::min(tokens, last + 50); ++r) CHECK(redeem_letter(list[r], **guard) == 'S');
}

TEST_CASE("stores: SQLite that cannot answer is STORE_UNAVAILABLE, and answers again once free") {
    scratch_dir dir;
    CHECK(sqlite_replay_guard::open(dir.file("no/such/dir/replay.db")).err().code == "STORE_UNAVAILABLE");
    std::ofstream(dir.file("garbage.db")) << std::string(8192, 'x');
    CHECK(sqlite_replay_guard::open(dir.file("garbage.db")).err().code == "STORE_UNAVAILABLE");

    const std::string path = dir.file("locked.db");
    sqlite_replay_guard::options quick;
    quick.busy_timeout_ms = 50;
    auto guard = sqlite_replay_guard::open(path, quick);
    REQUIRE(guard);
    sqlite3* holder = nullptr;
    REQUIRE(sqlite3_open(path.c_str(), &holder) == SQLITE_OK);
    REQUIRE(sqlite3_exec(holder, "BEGIN EXCLUSIVE", nullptr, nullptr, nullptr) == SQLITE_OK);
    const std::string token = token_number(1);
    CHECK(redeem_letter(token, **guard) == 'U');
    sqlite3_exec(holder, "ROLLBACK", nullptr, nullptr, nullptr);
    sqlite3_close(holder);
    CHECK(redeem_letter(token, **guard) == 'S');  // the failed attempt consumed nothing
    CHECK(redeem_letter(token, **guard) == 'R');
}

TEST_CASE("stores: SQLite purges expired markers and treats a stale one as absent") {
    scratch_dir dir;
    const std::string path = dir.file("purge.db");
    auto guard = sqlite_replay_guard::open(path).value();
    CHECK(*try_mark(*guard, "stale", 100, 50) == token::mark_outcome::fresh);
    CHECK(*try_mark(*guard, "stale", 100, 99) == token::mark_outcome::replayed);
    CHECK(*try_mark(*guard, "stale", 300, 100) == token::mark_outcome::fresh);
    for (int i = 0; i < 300; ++i) REQUIRE(try_mark(*guard, "old-" + std::to_string(i), 200, 150));
    CHECK(guard->save_context("c1", R"({"a":1})", 250, 150));
    CHECK(*guard->load_context("c1", 249) == std::optional<std::string>(R"({"a":1})"));
    CHECK(*guard->load_context("c1", 250) == std::nullopt);
    for (int i = 0; i < 256; ++i) REQUIRE(try_mark(*guard, "new-" + std::to_string(i), 900, 260));  // triggers a purge
    CHECK(sqlite_count(path, "SELECT count(*) FROM handoffkit_markers WHERE keep_until <= 260") == 0);
    CHECK(sqlite_count(path, "SELECT count(*) FROM handoffkit_contexts") == 0);
    CHECK(sqlite_count(path, "SELECT count(*) FROM handoffkit_markers WHERE jti = 'stale'") == 1);
}

TEST_CASE("stores: SQLite keeps each marker's record and its delivery in one transaction; older files gain the column") {
    scratch_dir dir;
    const std::string path = dir.file("records.db");
    {
        // A file from before markers kept a record: the guard adds the column, old markers still count.
        sqlite3* old = nullptr;
        REQUIRE(sqlite3_open(path.c_str(), &old) == SQLITE_OK);
        REQUIRE(sqlite3_exec(old, "CREATE TABLE handoffkit_markers(jti TEXT PRIMARY KEY, keep_until INTEGER NOT NULL) "
                                  "WITHOUT ROWID; INSERT INTO handoffkit_markers VALUES('legacy', 9999999999)",
                             nullptr, nullptr, nullptr) == SQLITE_OK);
        sqlite3_close(old);
    }
    auto guard = sqlite_replay_guard::open(path).value();
    auto legacy = guard->mark({"legacy", "{}", now + 100, ""}, now);
    REQUIRE(legacy);
    CHECK(legacy->outcome == token::mark_outcome::replayed);
    CHECK_FALSE(legacy->record);
    check_records_and_deliveries(*guard);
    CHECK(sqlite_count(path, "SELECT count(*) FROM handoffkit_outbox") == 1);
    CHECK(sqlite_count(path, "SELECT count(*) FROM handoffkit_outbox WHERE jti = 'rec' AND delivery LIKE '%\"rec\"%'") == 1);
}

TEST_CASE("stores: Redis keeps each marker's record and appends its delivery to the outbox stream in one script") {
    redis_server server;
    REQUIRE_MESSAGE(server.started(), "redis-server could not be started on 127.0.0.1");
    redis_replay_guard guard(redis_at(server.port()));
    check_records_and_deliveries(guard);
    redisContext* c = redisConnect("127.0.0.1", server.port());
    REQUIRE(c);
    auto* len = static_cast<redisReply*>(redisCommand(c, "XLEN handoffkit:outbox"));
    REQUIRE(len);
    CHECK(len->integer == 1);
    freeReplyObject(len);
    redisFree(c);
}

TEST_CASE("stores: the memory guard keeps records and queues deliveries the same way") {
    token::memory_replay_guard guard;
    check_records_and_deliveries(guard);
    CHECK(guard.take_deliveries().size() == 1);
}

TEST_CASE("stores: Redis: several connections redeeming one token: exactly one success; a stopped Redis fails closed") {
    redis_server server;
    REQUIRE_MESSAGE(server.started(), "redis-server could not be started on 127.0.0.1");
    std::vector<std::unique_ptr<redis_replay_guard>> guards;
    for (int i = 0; i < contenders; ++i) guards.push_back(std::make_unique<redis_replay_guard>(redis_at(server.port())));
    for (std::uint32_t t = 0; t < 20; ++t)
        check_exactly_one(race_threads(token_number(t), [&](int i) -> token::replay_guard& { return *guards[i]; }));

    // The marker expires by itself once no verifier could accept the token (exp + max leeway).
    timeval tv{1, 0};
    redisContext* raw = redisConnectWithTimeout("127.0.0.1", server.port(), tv);
    REQUIRE(raw);
    REQUIRE(!raw->err);
    const auto jti = token::verify(token_number(0), keys(), options()).value().jti;
    auto* ttl = static_cast<redisReply*>(redisCommand(raw, "PTTL handoffkit:jti:%s", jti.c_str()));
    REQUIRE(ttl);
    CHECK(ttl->type == REDIS_REPLY_INTEGER);
    CHECK(ttl->integer > 0);
    CHECK(ttl->integer <= (token::default_ttl + token::max_leeway) * 1000);
    freeReplyObject(ttl);
    redisFree(raw);

    // Reference mode through Redis.
    token::issue_request r;
    r.audience = "28:bot";
    r.now = now;
    r.random = std::string(16, '\x55');
    r.context = R"({"case":"r"})";
    r.reference = true;
    const auto issued = token::issue(r, keys(), *guards[0]);
    REQUIRE(issued);
    const auto redeemed = token::redeem(issued->token, keys(), options(), *guards[1]);
    REQUIRE(redeemed);
    CHECK(redeemed->context == std::optional<std::string>(R"({"case":"r"})"));

    server.stop();
    const std::string later = token_number(100);
    CHECK(redeem_letter(later, *guards[0]) == 'U');  // the open connection breaks
    CHECK(redeem_letter(later, *guards[0]) == 'U');  // reconnecting fails
    redis_replay_guard fresh(redis_at(server.port()));
    CHECK(redeem_letter(later, fresh) == 'U');
    CHECK(fresh.load_context("x", now).err().code == "STORE_UNAVAILABLE");
    CHECK(fresh.save_context("x", "{}", now + 10, now).err().code == "STORE_UNAVAILABLE");
}

TEST_CASE("stores: Redis: threads sharing one guard: exactly one success, on connections it reuses") {
    redis_server server;
    REQUIRE_MESSAGE(server.started(), "redis-server could not be started on 127.0.0.1");
    auto o = redis_at(server.port());
    o.max_idle = 3;  // fewer than the threads: the extra connections are closed, not kept
    redis_replay_guard shared(o);
    for (std::uint32_t t = 0; t < 20; ++t)
        check_exactly_one(race_threads(token_number(t), [&](int) -> token::replay_guard& { return shared; }));

    // Connections this guard holds now: at most max_idle, and reused (no new one per call).
    timeval tv{1, 0};
    redisContext* raw = redisConnectWithTimeout("127.0.0.1", server.port(), tv);
    REQUIRE(raw);
    REQUIRE(!raw->err);
    auto clients = [&] {
        auto* r = static_cast<redisReply*>(redisCommand(raw, "INFO clients"));
        REQUIRE(r);
        const std::string info(r->str, r->len);
        freeReplyObject(r);
        const auto at = info.find("connected_clients:");
        REQUIRE(at != std::string::npos);
        return std::stoi(info.substr(at + 18)) - 1;  // not counting this one
    };
    CHECK(clients() <= 3);
    const int before = clients();
    auto* stats = static_cast<redisReply*>(redisCommand(raw, "INFO stats"));
    REQUIRE(stats);
    auto connections_received = [](const std::string& info) {
        return std::stol(info.substr(info.find("total_connections_received:") + 27));
    };
    const long received = connections_received(std::string(stats->str, stats->len));
    freeReplyObject(stats);
    for (std::uint32_t t = 100; t < 120; ++t) CHECK(redeem_letter(token_number(t), shared) == 'S');
    stats = static_cast<redisReply*>(redisCommand(raw, "INFO stats"));
    REQUIRE(stats);
    CHECK(connections_received(std::string(stats->str, stats->len)) == received);  // one caller: no new connection
    freeReplyObject(stats);
    CHECK(clients() == before);
    redisFree(raw);
}

namespace {

using handoffkit::test::test_pki;

// A Redis that wants TLS (test_pki's certificates) and AUTH: the default user's password and an
// ACL user `hk` that may do everything.
redis_server::config tls_auth_redis(bool require_client_cert = false) {
    redis_server::config c;
    c.tls = true;
    c.require_client_cert = require_client_cert;
    c.password = "default-password-1";
    c.users = {"hk on >hk-password-1 ~* &* +@all"};
    return c;
}

redis_replay_guard::options tls_as_hk(const redis_server& server) {
    auto o = redis_at(server.tls_port());
    o.tls = true;
    o.ca_file = test_pki::get().ca;
    o.user = "hk";
    o.password = "hk-password-1";
    return o;
}

// An admin's view over the server's plain port: does `key` exist in database `db`?
bool key_exists(const redis_server& server, int db, const std::string& key) {
    timeval tv{1, 0};
    redisContext* raw = redisConnectWithTimeout("127.0.0.1", server.port(), tv);
    REQUIRE(raw);
    REQUIRE(!raw->err);
    bool exists = false;
    for (const std::string& command : {std::string("AUTH default-password-1"), "SELECT " + std::to_string(db), "EXISTS " + key}) {
        auto* r = static_cast<redisReply*>(redisCommand(raw, command.c_str()));
        REQUIRE(r);
        REQUIRE(r->type != REDIS_REPLY_ERROR);
        exists = r->type == REDIS_REPLY_INTEGER && r->integer == 1;
        freeReplyObject(r);
    }
    redisFree(raw);
    return exists;
}

std::string marker_of(std::uint32_t t) { return "handoffkit:jti:" + token::verify(token_number(t), keys(), options()).value().jti; }

}  // namespace

TEST_CASE("stores: Redis over TLS with an ACL user and a database: exactly one success per token, in that database") {
    REQUIRE(test_pki::get().made);
    redis_server server(tls_auth_redis());
    REQUIRE_MESSAGE(server.started(), "redis-server could not be started with TLS on 127.0.0.1");
    std::vector<std::unique_ptr<redis_replay_guard>> guards;
    for (int i = 0; i < contenders; ++i) {
        auto o = tls_as_hk(server);
        o.db = 3;
        auto guard = redis_replay_guard::open(o);
        REQUIRE(guard);
        guards.push_back(std::move(guard).value());
    }
    for (std::uint32_t t = 0; t < 20; ++t)
        check_exactly_one(race_threads(token_number(t), [&](int i) -> token::replay_guard& { return *guards[i]; }));
    CHECK(key_exists(server, 3, marker_of(0)));   // SELECT 3 ran before the SET on every connection
    CHECK_FALSE(key_exists(server, 0, marker_of(0)));

    // The default user (requirepass) works the same way, and sees the same markers in its db.
    auto as_default = tls_as_hk(server);
    as_default.user.clear();
    as_default.password = "default-password-1";
    as_default.db = 3;
    redis_replay_guard by_default(as_default);
    CHECK(redeem_letter(token_number(0), by_default) == 'R');
    CHECK(redeem_letter(token_number(50), by_default) == 'S');
}

TEST_CASE("stores: Redis refusing the password, the certificate or the name fails closed and marks nothing") {
    REQUIRE(test_pki::get().made);
    redis_server server(tls_auth_redis());
    REQUIRE(server.started());
    const std::string token = token_number(7);
    const auto refused = [&](redis_replay_guard::options o) {
        redis_replay_guard guard(o);
        return redeem_letter(token, guard);
    };
    auto wrong_password = tls_as_hk(server);
    wrong_password.password = "hk-password-2";
    CHECK(refused(wrong_password) == 'U');
    auto no_password = tls_as_hk(server);
    no_password.user.clear();
    no_password.password.clear();
    CHECK(refused(no_password) == 'U');  // NOAUTH for the SET
    auto wrong_ca = tls_as_hk(server);
    wrong_ca.ca_file = test_pki::get().other_ca;
    CHECK(refused(wrong_ca) == 'U');
    auto system_cas = tls_as_hk(server);
    system_cas.ca_file.clear();  // the test CA is in no system store
    CHECK(refused(system_cas) == 'U');
    auto wrong_name = tls_as_hk(server);
    wrong_name.host = "localhost";  // reaches the server, which has a certificate for 127.0.0.1 only
    CHECK(refused(wrong_name) == 'U');
    redis_replay_guard misnamed(wrong_name);
    const auto why = misnamed.mark({"j", "", now + 10, ""}, now);
    REQUIRE_FALSE(why);
    CHECK(why.err().message.find("TLS handshake") != std::string::npos);  // connected, then refused the name
    auto plain_to_tls = tls_as_hk(server);
    plain_to_tls.tls = false;
    plain_to_tls.ca_file.clear();
    CHECK(refused(plain_to_tls) == 'U');
    auto tls_to_plain = tls_as_hk(server);
    tls_to_plain.port = server.port();
    CHECK(refused(tls_to_plain) == 'U');
    CHECK_FALSE(key_exists(server, 0, marker_of(7)));
    // None of those attempts spent the token.
    redis_replay_guard right(tls_as_hk(server));
    CHECK(redeem_letter(token, right) == 'S');
    CHECK(redeem_letter(token, right) == 'R');
}

TEST_CASE("stores: Redis that requires a client certificate: refused without one, accepted with test_pki's") {
    REQUIRE(test_pki::get().made);
    redis_server server(tls_auth_redis(/*require_client_cert=*/true));
    REQUIRE(server.started());
    redis_replay_guard without(tls_as_hk(server));
    CHECK(redeem_letter(token_number(1), without) == 'U');
    auto o = tls_as_hk(server);
    o.cert_file = test_pki::get().client_cert;
    o.key_file = test_pki::get().client_key;
    auto with = redis_replay_guard::open(o);
    REQUIRE(with);
    CHECK(redeem_letter(token_number(1), **with) == 'S');
    CHECK(redeem_letter(token_number(1), **with) == 'R');
}

TEST_CASE("stores: Redis TLS and AUTH settings that cannot work are refused when the store opens") {
    REQUIRE(test_pki::get().made);
    const auto& pki = test_pki::get();
    const auto code_of = [](redis_replay_guard::options o) {
        auto guard = redis_replay_guard::open(o);
        return guard ? std::string("OK") : std::string(guard.err().code.name());
    };
    redis_replay_guard::options o;
    o.tls = true;
    o.ca_file = pki.dir + "/missing.crt";
    CHECK(code_of(o) == "REDIS_TLS_INVALID");
    o.ca_file = pki.server_key;  // not a certificate
    CHECK(code_of(o) == "REDIS_TLS_INVALID");
    o.ca_file = pki.ca;
    CHECK(code_of(o) == "OK");
    o.cert_file = pki.client_cert;
    CHECK(code_of(o) == "INVALID_ARGUMENT");  // a certificate without its key
    o.key_file = pki.server_key;
    CHECK(code_of(o) == "REDIS_TLS_INVALID");  // the key of another certificate
    o.key_file = pki.client_key;
    CHECK(code_of(o) == "OK");
    redis_replay_guard::options plain;
    plain.ca_file = pki.ca;
    CHECK(code_of(plain) == "INVALID_ARGUMENT");  // TLS files for plain TCP
    plain.ca_file.clear();
    plain.user = "hk";
    CHECK(code_of(plain) == "INVALID_ARGUMENT");  // an ACL user without a password
    // A guard constructed with such settings answers every call with the same error.
    redis_replay_guard refused(plain);
    CHECK(refused.mark({"j", "", now + 10, ""}, now).err().code == "INVALID_ARGUMENT");
    CHECK(refused.load_context("j", now).err().code == "INVALID_ARGUMENT");
}

TEST_CASE("stores: open_store Redis specs: user, database, TLS, and never a password") {
    REQUIRE(test_pki::get().made);
    redis_server server(tls_auth_redis());
    REQUIRE(server.started());
    native::store_secrets secrets;
    secrets.redis_password = "hk-password-1";
    secrets.redis_ca_file = test_pki::get().ca;
    auto store = native::open_store("rediss://hk@127.0.0.1:" + std::to_string(server.tls_port()) + "/5", secrets);
    REQUIRE(store);
    CHECK(redeem_letter(token_number(3), **store) == 'S');
    CHECK(key_exists(server, 5, marker_of(3)));
    native::store_secrets plain_secret;
    plain_secret.redis_password = "default-password-1";
    auto plain = native::open_store("redis://127.0.0.1:" + std::to_string(server.port()) + "/5", plain_secret);
    REQUIRE(plain);
    CHECK(redeem_letter(token_number(3), **plain) == 'R');
    CHECK(native::open_store("redis://[::1]:6379/0"));  // IPv6 (connects lazily)

    const auto refused = native::open_store("redis://hk:hunter2-password@127.0.0.1:6379");
    REQUIRE_FALSE(refused);
    CHECK(refused.err().code == "INVALID_ARGUMENT");
    CHECK(refused.err().message.find("hunter2") == std::string::npos);
    for (const char* bad : {"redis://h:1/x", "redis://h:1/1/2", "redis://h:1?db=2", "redis://h:1#x", "redis://h:1/-1",
                            "rediss://", "redis://@h:1", "redis://h_1:1", "redis://[v1.x]:1", "redis://h:99999"}) {
        CAPTURE(bad);
        const auto store = native::open_store(bad);
        REQUIRE_FALSE(store);
        CHECK(store.err().code == "INVALID_ARGUMENT");
    }
    native::store_secrets tls_files;
    tls_files.redis_ca_file = test_pki::get().ca;
    CHECK(native::open_store("redis://127.0.0.1:1", tls_files).err().code == "INVALID_ARGUMENT");  // TLS files, no TLS
    CHECK(native::open_store("memory:", tls_files).err().code == "INVALID_ARGUMENT");
    CHECK(native::open_store("memory:", plain_secret).err().code == "INVALID_ARGUMENT");
    CHECK(native::open_store("redis://hk@127.0.0.1:1").err().code == "INVALID_ARGUMENT");  // the user's password is missing
    tls_files.redis_ca_file = test_pki::get().dir + "/missing.crt";
    CHECK(native::open_store("rediss://127.0.0.1:1", tls_files).err().code == "REDIS_TLS_INVALID");
}

TEST_CASE("stores: the Redis password comes from a file or the environment, never from the spec") {
    scratch_dir dir;
    std::ofstream(dir.file("password")) << "from-the-file\r\nsecond line\n";
    CHECK(*native::redis_password(dir.file("password")) == "from-the-file");
    std::ofstream(dir.file("empty")) << "\n";
    CHECK(native::redis_password(dir.file("empty")).err().code == "REDIS_PASSWORD_UNREADABLE");
    const auto missing = native::redis_password(dir.file("missing"));
    REQUIRE_FALSE(missing);
    CHECK(missing.err().code == "REDIS_PASSWORD_UNREADABLE");
    CHECK(missing.err().message.find(dir.file("missing")) != std::string::npos);
    ::setenv(native::redis_password_variable, "from-the-environment", 1);
    CHECK(*native::redis_password("") == "from-the-environment");
    CHECK(*native::redis_password(dir.file("password")) == "from-the-file");  // the file wins
    ::unsetenv(native::redis_password_variable);
    CHECK(native::redis_password("")->empty());
}

TEST_CASE("stores: open_store specs") {
    scratch_dir dir;
    CHECK(native::open_store("memory:"));
    CHECK(native::open_store("sqlite:" + dir.file("s.db")));
    auto unreachable = native::open_store("redis://127.0.0.1:1");  // connects lazily
    REQUIRE(unreachable);
    CHECK(redeem_letter(token_number(1), **unreachable) == 'U');
    for (const char* bad : {"", "memory", "sqlite:", "redis://", "redis://:6379", "redis://h:0", "redis://h:65536",
                            "redis://h:x", "redis://u@h:1", "ftp://h", "rediss:/h", "REDIS://h:1"}) {
        CAPTURE(bad);
        const auto store = native::open_store(bad);
        REQUIRE_FALSE(store);
        CHECK(store.err().code == "INVALID_ARGUMENT");
    }
}

TEST_CASE("system: clock, entropy and key files") {
    CHECK(native::unix_now() > 1'700'000'000);
    const auto a = native::random_bytes(32), b = native::random_bytes(32);
    REQUIRE(a);
    REQUIRE(b);
    CHECK(a->size() == 32);
    CHECK(*a != *b);
    CHECK(native::random_bytes(0)->empty());
    scratch_dir dir;
    CHECK(native::read_key_file(dir.file("missing.json")).err().code == "KEYS_UNREADABLE");
    const std::string secret = base64url::encode(std::string(20, '\x44'));  // too short, and must not leak
    std::ofstream(dir.file("short.json")) << R"({"keys":[{"kty":"oct","kid":"a","k":")" << secret << R"("}]})";
    const auto short_key = native::load_key_set(dir.file("short.json"));
    REQUIRE_FALSE(short_key);
    CHECK(short_key.err().code == "KEY_TOO_SHORT");
    CHECK(short_key.err().message.find(secret) == std::string::npos);
    std::ofstream(dir.file("good.json")) << R"({"keys":[{"kty":"oct","kid":"a","k":")"
                                         << base64url::encode(std::string(32, '\x44')) << R"("}]})";
    const auto good = native::load_key_set(dir.file("good.json"));
    REQUIRE(good);
    CHECK(good->signing_key().kid == "a");
}

TEST_CASE("redis store: what each reply means, for its own connections and for the host's pipeline") {
    using handoffkit::native::redis_reply;
    using store = handoffkit::native::redis_replay_guard;
    using kind = redis_reply::type;
    using handoffkit::token::mark_outcome;
    CHECK(store::mark_result({kind::status, "OK"})->outcome == mark_outcome::fresh);
    const auto taken = store::mark_result({kind::string, R"({"activity":"a"})"});
    CHECK(taken->outcome == mark_outcome::replayed);
    CHECK(taken->record == std::optional<std::string>(R"({"activity":"a"})"));
    CHECK(store::mark_result({kind::nil, ""})->outcome == mark_outcome::replayed);
    CHECK_FALSE(store::mark_result({kind::nil, ""})->record);
    // Only the script's OK set the marker: any other status (QUEUED inside a MULTI, a proxy's own
    // word) or type is not a redemption (issue 14: every status counted as fresh).
    for (const redis_reply odd : {redis_reply{kind::status, "QUEUED"}, redis_reply{kind::status, ""},
                                  redis_reply{kind::status, "ok"}, redis_reply{kind::status, "OK "},
                                  redis_reply{kind::integer, "1"}, redis_reply{kind::other, ""}}) {
        CAPTURE(odd.text);
        CHECK(store::mark_result(odd).err().code == "STORE_UNAVAILABLE");
    }
    CHECK(*store::context_result({kind::string, R"({"case":1})"}) == std::optional<std::string>(R"({"case":1})"));
    CHECK(*store::context_result({kind::nil, ""}) == std::nullopt);
    for (const redis_reply odd : {redis_reply{kind::status, "OK"}, redis_reply{kind::integer, "0"}, redis_reply{kind::other, ""}})
        CHECK(store::context_result(odd).err().code == "STORE_UNAVAILABLE");
}

TEST_CASE("redis store: a server that answers SET NX with a status other than OK redeems nothing") {
    // A stand-in Redis on 127.0.0.1 that answers +QUEUED to every command, as inside a MULTI.
    namespace net = boost::asio;
    net::io_context io;
    net::ip::tcp::acceptor acceptor(io, {net::ip::make_address("127.0.0.1"), 0});
    std::thread server([&] {
        net::ip::tcp::socket socket(io);
        boost::system::error_code ec;
        acceptor.accept(socket, ec);
        timeval tv{5, 0};
        setsockopt(socket.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
        char buffer[4096];
        // Until the guard closes its connection (or 5 s of silence): one answer per command.
        while (!ec)
            if (socket.read_some(net::buffer(buffer), ec) > 0) net::write(socket, net::buffer(std::string("+QUEUED\r\n")), ec);
    });
    {
        redis_replay_guard guard(redis_at(acceptor.local_endpoint().port()));
        const std::string token = token_number(7);
        CHECK(redeem_letter(token, guard) == 'U');
        CHECK(redeem_letter(token, guard) == 'U');  // and never 'S': nothing marked it
    }
    server.join();
}
