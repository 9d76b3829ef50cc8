// handoffkit/native/sqlite_replay_guard.hpp: the durable replay guard (the embedded default).
//
// One SQLite file in WAL mode with synchronous=FULL: a redemption that returned is on disk, so
// killing the process (or the machine) cannot un-redeem a token. Marking is one
// `INSERT … ON CONFLICT(jti) DO UPDATE … WHERE keep_until <= now` statement on a primary key:
// SQLite's file locks make it atomic across threads, connections and processes, so of several
// concurrent redemptions exactly one changes a row. Rows past keep_until are deleted every
// 256 marks. Busy beyond `busy_timeout_ms`, or any other SQLite failure, is STORE_UNAVAILABLE.
//
// Tables (created when missing): handoffkit_markers(jti PK, keep_until, record),
// handoffkit_contexts(jti PK, ctx, keep_until), handoffkit_outbox(id, jti UNIQUE, delivery,
// attempts, next_attempt_at, lease_until). One instance is safe to share between threads
// (calls are serialized); separate processes each open their own.
#pragma once

#include <memory>
#include <mutex>
#include <string>

#include "handoffkit/native/outbox.hpp"
#include "handoffkit/replay_guard.hpp"
#include "handoffkit/result.hpp"

struct sqlite3;
struct sqlite3_stmt;

namespace handoffkit::native {

class sqlite_replay_guard final : public token::replay_guard, public outbox {
public:
    struct options {
        int busy_timeout_ms = 5000;  ///< how long to wait for another writer's lock
    };

    /// Opens (creating when missing) the database at `path`. Errors: STORE_UNAVAILABLE.
    /// Example: auto guard = sqlite_replay_guard::open("tokens.db");
    ///          auto redeemed = token::redeem(token, keys, options, **guard);   // REPLAYED the second time
    static result<std::unique_ptr<sqlite_replay_guard>> open(const std::string& path, options opts);
    static result<std::unique_ptr<sqlite_replay_guard>> open(const std::string& path) { return open(path, options{}); }
    ~sqlite_replay_guard() override;
    sqlite_replay_guard(const sqlite_replay_guard&) = delete;
    sqlite_replay_guard& operator=(const sqlite_replay_guard&) = delete;

    result<token::mark_answer> mark(const token::mark_request& request, std::int64_t now) override;
    result<token::done> save_context(std::string_view jti, std::string_view context, std::int64_t keep_until,
                                     std::int64_t now) override;
    result<std::optional<std::string>> load_context(std::string_view jti, std::int64_t now) override;

    result<std::vector<pending_delivery>> take(std::size_t max, std::int64_t now, std::int64_t lease_seconds) override;
    result<token::done> acknowledge(const pending_delivery& d) override;
    result<token::done> retry_at(const pending_delivery& d, std::int64_t retry_at, std::int64_t now) override;

private:
    explicit sqlite_replay_guard(sqlite3* db) : db_(db) {}
    result<token::done> prepare_all();
    result<int> run(sqlite3_stmt* statement);  ///< steps once; the number of rows changed
    result<token::mark_answer> mark_in_transaction(const token::mark_request& request, std::int64_t now);
    void purge_now_and_then(std::int64_t now);

    std::mutex mutex_;
    sqlite3* db_;
    sqlite3_stmt* mark_ = nullptr;
    sqlite3_stmt* record_ = nullptr;
    sqlite3_stmt* enqueue_ = nullptr;
    sqlite3_stmt* begin_ = nullptr;
    sqlite3_stmt* commit_ = nullptr;
    sqlite3_stmt* rollback_ = nullptr;
    sqlite3_stmt* take_ = nullptr;
    sqlite3_stmt* acknowledge_ = nullptr;
    sqlite3_stmt* retry_ = nullptr;
    sqlite3_stmt* save_ = nullptr;
    sqlite3_stmt* load_ = nullptr;
    sqlite3_stmt* purge_markers_ = nullptr;
    sqlite3_stmt* purge_contexts_ = nullptr;
    unsigned marks_since_purge_ = 0;
};

}  // namespace handoffkit::native
