#include "handoffkit/native/sqlite_replay_guard.hpp"

#include <sqlite3.h>

#include <algorithm>

namespace handoffkit::native {
namespace {

constexpr const char* schema = R"sql(
CREATE TABLE IF NOT EXISTS handoffkit_markers(
  jti TEXT PRIMARY KEY, keep_until INTEGER NOT NULL, record TEXT) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS handoffkit_markers_keep_until ON handoffkit_markers(keep_until);
CREATE TABLE IF NOT EXISTS handoffkit_contexts(
  jti TEXT PRIMARY KEY, ctx TEXT NOT NULL, keep_until INTEGER NOT NULL) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS handoffkit_contexts_keep_until ON handoffkit_contexts(keep_until);
CREATE TABLE IF NOT EXISTS handoffkit_outbox(
  id INTEGER PRIMARY KEY AUTOINCREMENT, jti TEXT NOT NULL UNIQUE, delivery TEXT NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0, next_attempt_at INTEGER NOT NULL DEFAULT 0,
  lease_until INTEGER NOT NULL DEFAULT 0);
)sql";

// Files written before markers kept their record have no `record` column: it is added.
constexpr const char* has_record_sql = "SELECT 1 FROM pragma_table_info('handoffkit_markers') WHERE name = 'record'";
constexpr const char* add_record_sql = "ALTER TABLE handoffkit_markers ADD COLUMN record TEXT";

// A stale marker (keep_until <= now) is as good as absent: it is replaced, counting as fresh.
constexpr const char* mark_sql =
    "INSERT INTO handoffkit_markers(jti, keep_until, record) VALUES(?1, ?2, ?4) "
    "ON CONFLICT(jti) DO UPDATE SET keep_until = excluded.keep_until, record = excluded.record "
    "WHERE handoffkit_markers.keep_until <= ?3";
constexpr const char* record_sql = "SELECT record FROM handoffkit_markers WHERE jti = ?1";
constexpr const char* enqueue_sql = "INSERT OR IGNORE INTO handoffkit_outbox(jti, delivery) VALUES(?1, ?2)";
// Leases what is due: one statement, so two hosts on one file never take the same entry.
constexpr const char* take_sql =
    "UPDATE handoffkit_outbox SET lease_until = ?1 + ?2, attempts = attempts + 1 WHERE id IN "
    "(SELECT id FROM handoffkit_outbox WHERE next_attempt_at <= ?1 AND lease_until <= ?1 ORDER BY id LIMIT ?3) "
    "RETURNING id, delivery";
constexpr const char* acknowledge_sql = "DELETE FROM handoffkit_outbox WHERE id = ?1";
constexpr const char* retry_sql = "UPDATE handoffkit_outbox SET next_attempt_at = ?2, lease_until = 0 WHERE id = ?1";
constexpr const char* save_sql = "INSERT OR REPLACE INTO handoffkit_contexts(jti, ctx, keep_until) VALUES(?1, ?2, ?3)";
constexpr const char* load_sql = "SELECT ctx FROM handoffkit_contexts WHERE jti = ?1 AND keep_until > ?2";
constexpr const char* purge_markers_sql = "DELETE FROM handoffkit_markers WHERE keep_until <= ?1";
constexpr const char* purge_contexts_sql = "DELETE FROM handoffkit_contexts WHERE keep_until <= ?1";
constexpr unsigned purge_every = 256;

error unavailable(sqlite3* db, const std::string& what) {
    return fail(token_code::store_unavailable, "SQLite replay store: " + what + ": " + (db ? sqlite3_errmsg(db) : "out of memory"));
}

void bind_text(sqlite3_stmt* s, int index, std::string_view text) {
    sqlite3_bind_text(s, index, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT);
}

bool has_record_column(sqlite3* db) {
    bool found = false;
    sqlite3_exec(db, has_record_sql, [](void* out, int, char**, char**) { return *static_cast<bool*>(out) = true, 0; },
                 &found, nullptr);
    return found;
}

// The text of column 0 of the row `s` stands on.
std::string column_text(sqlite3_stmt* s) {
    const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(s, 0));
    return std::string(text ? text : "", static_cast<std::size_t>(sqlite3_column_bytes(s, 0)));
}

}  // namespace

result<std::unique_ptr<sqlite_replay_guard>> sqlite_replay_guard::open(const std::string& path, options opts) {
    sqlite3* db = nullptr;
    const int rc = sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                                   nullptr);
    std::unique_ptr<sqlite_replay_guard> guard(new sqlite_replay_guard(db));
    if (rc != SQLITE_OK) return unavailable(db, "cannot open " + path);
    sqlite3_busy_timeout(db, opts.busy_timeout_ms);
    // WAL lets readers and the one writer proceed together; FULL syncs each commit to disk.
    for (const char* sql : {"PRAGMA journal_mode=WAL", "PRAGMA synchronous=FULL", schema}) {
        if (sqlite3_exec(db, sql, nullptr, nullptr, nullptr) != SQLITE_OK) return unavailable(db, "cannot set up " + path);
    }
    if (!has_record_column(db) && sqlite3_exec(db, add_record_sql, nullptr, nullptr, nullptr) != SQLITE_OK)
        return unavailable(db, "cannot add the record column to " + path);
    if (auto prepared = guard->prepare_all(); !prepared) return prepared.err();
    return guard;
}

result<token::done> sqlite_replay_guard::prepare_all() {
    const std::pair<const char*, sqlite3_stmt**> statements[] = {
        {mark_sql, &mark_}, {record_sql, &record_}, {enqueue_sql, &enqueue_}, {save_sql, &save_}, {load_sql, &load_},
        {purge_markers_sql, &purge_markers_}, {purge_contexts_sql, &purge_contexts_},
        {"BEGIN IMMEDIATE", &begin_}, {"COMMIT", &commit_}, {"ROLLBACK", &rollback_},
        {take_sql, &take_}, {acknowledge_sql, &acknowledge_}, {retry_sql, &retry_}};
    for (auto [sql, out] : statements)
        if (sqlite3_prepare_v2(db_, sql, -1, out, nullptr) != SQLITE_OK) return unavailable(db_, "cannot prepare");
    return token::done{};
}

sqlite_replay_guard::~sqlite_replay_guard() {
    for (sqlite3_stmt* s : {mark_, record_, enqueue_, save_, load_, purge_markers_, purge_contexts_, begin_, commit_,
                            rollback_, take_, acknowledge_, retry_})
        sqlite3_finalize(s);
    sqlite3_close(db_);
}

result<int> sqlite_replay_guard::run(sqlite3_stmt* statement) {
    const int rc = sqlite3_step(statement);
    sqlite3_reset(statement);
    sqlite3_clear_bindings(statement);
    if (rc != SQLITE_DONE) return unavailable(db_, "write failed");
    return sqlite3_changes(db_);
}

// Purging is housekeeping: a failure here leaves rows behind but never loses a live marker.
void sqlite_replay_guard::purge_now_and_then(std::int64_t now) {
    if (++marks_since_purge_ < purge_every) return;
    marks_since_purge_ = 0;
    for (sqlite3_stmt* s : {purge_markers_, purge_contexts_}) {
        sqlite3_bind_int64(s, 1, now);
        (void)run(s);
    }
}

// One transaction: the marker, and its delivery when fresh (so "redeemed" and "to deliver" never
// disagree, even if the process dies between the two), or the record of the live marker.
result<token::mark_answer> sqlite_replay_guard::mark(const token::mark_request& request, std::int64_t now) {
    std::lock_guard<std::mutex> lock(mutex_);
    if (auto begun = run(begin_); !begun) return begun.err();
    auto answer = mark_in_transaction(request, now);
    auto ended = run(answer ? commit_ : rollback_);
    if (!answer) return answer;
    if (!ended) {
        (void)run(rollback_);  // a failed COMMIT leaves the transaction open
        return ended.err();
    }
    purge_now_and_then(now);
    return answer;
}

result<token::mark_answer> sqlite_replay_guard::mark_in_transaction(const token::mark_request& request, std::int64_t now) {
    bind_text(mark_, 1, request.jti);
    sqlite3_bind_int64(mark_, 2, request.keep_until);
    sqlite3_bind_int64(mark_, 3, now);
    bind_text(mark_, 4, request.record);
    auto changed = run(mark_);
    if (!changed) return changed.err();
    if (*changed == 1) {
        if (!request.delivery.empty()) {
            bind_text(enqueue_, 1, request.jti);
            bind_text(enqueue_, 2, request.delivery);
            if (auto queued = run(enqueue_); !queued) return queued.err();
        }
        return token::mark_answer{token::mark_outcome::fresh, std::nullopt};
    }
    bind_text(record_, 1, request.jti);
    std::optional<std::string> record;
    const int rc = sqlite3_step(record_);
    if (rc == SQLITE_ROW && sqlite3_column_type(record_, 0) != SQLITE_NULL) record = column_text(record_);
    sqlite3_reset(record_);
    sqlite3_clear_bindings(record_);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE) return unavailable(db_, "read failed");
    return token::mark_answer{token::mark_outcome::replayed, std::move(record)};
}

result<token::done> sqlite_replay_guard::save_context(std::string_view jti, std::string_view context,
                                                      std::int64_t keep_until, std::int64_t) {
    std::lock_guard<std::mutex> lock(mutex_);
    bind_text(save_, 1, jti);
    bind_text(save_, 2, context);
    sqlite3_bind_int64(save_, 3, keep_until);
    auto changed = run(save_);
    if (!changed) return changed.err();
    return token::done{};
}

result<std::optional<std::string>> sqlite_replay_guard::load_context(std::string_view jti, std::int64_t now) {
    std::lock_guard<std::mutex> lock(mutex_);
    bind_text(load_, 1, jti);
    sqlite3_bind_int64(load_, 2, now);
    std::optional<std::string> found;
    const int rc = sqlite3_step(load_);
    if (rc == SQLITE_ROW) found = column_text(load_);
    sqlite3_reset(load_);
    sqlite3_clear_bindings(load_);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE) return unavailable(db_, "read failed");
    return found;
}

result<std::vector<pending_delivery>> sqlite_replay_guard::take(std::size_t max, std::int64_t now,
                                                               std::int64_t lease_seconds) {
    std::lock_guard<std::mutex> lock(mutex_);
    sqlite3_bind_int64(take_, 1, now);
    sqlite3_bind_int64(take_, 2, lease_seconds);
    sqlite3_bind_int64(take_, 3, static_cast<sqlite3_int64>(max));
    std::vector<std::pair<sqlite3_int64, pending_delivery>> rows;
    int rc;
    while ((rc = sqlite3_step(take_)) == SQLITE_ROW) {
        const auto* body = reinterpret_cast<const char*>(sqlite3_column_text(take_, 1));
        rows.push_back({sqlite3_column_int64(take_, 0),
                        {std::to_string(sqlite3_column_int64(take_, 0)),
                         std::string(body ? body : "", static_cast<std::size_t>(sqlite3_column_bytes(take_, 1)))}});
    }
    sqlite3_reset(take_);
    sqlite3_clear_bindings(take_);
    if (rc != SQLITE_DONE) return unavailable(db_, "cannot take from the outbox");
    std::sort(rows.begin(), rows.end(), [](const auto& a, const auto& b) { return a.first < b.first; });  // oldest first
    std::vector<pending_delivery> out;
    for (auto& row : rows) out.push_back(std::move(row.second));
    return out;
}

result<token::done> sqlite_replay_guard::acknowledge(const pending_delivery& d) {
    std::lock_guard<std::mutex> lock(mutex_);
    sqlite3_bind_int64(acknowledge_, 1, std::stoll(d.id));
    auto done = run(acknowledge_);
    if (!done) return done.err();
    return token::done{};
}

result<token::done> sqlite_replay_guard::retry_at(const pending_delivery& d, std::int64_t at, std::int64_t) {
    std::lock_guard<std::mutex> lock(mutex_);
    sqlite3_bind_int64(retry_, 1, std::stoll(d.id));
    sqlite3_bind_int64(retry_, 2, at);
    auto done = run(retry_);
    if (!done) return done.err();
    return token::done{};
}

}  // namespace handoffkit::native
