#include "handoffkit/native/sqlite_replay_guard.hpp"

#include <sqlite3.h>

namespace handoffkit::native {
namespace {

constexpr const char* schema = R"sql(
CREATE TABLE IF NOT EXISTS handoffkit_markers(
  jti TEXT PRIMARY KEY, keep_until INTEGER NOT NULL) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS handoffkit_markers_keep_until ON handoffkit_markers(keep_until);
CREATE TABLE IF NOT EXISTS handoffkit_contexts(
  jti TEXT PRIMARY KEY, ctx TEXT NOT NULL, keep_until INTEGER NOT NULL) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS handoffkit_contexts_keep_until ON handoffkit_contexts(keep_until);
)sql";

// A stale marker (keep_until <= now) is as good as absent: it is replaced, counting as fresh.
constexpr const char* mark_sql =
    "INSERT INTO handoffkit_markers(jti, keep_until) VALUES(?1, ?2) "
    "ON CONFLICT(jti) DO UPDATE SET keep_until = excluded.keep_until WHERE handoffkit_markers.keep_until <= ?3";
constexpr const char* save_sql = "INSERT OR REPLACE INTO handoffkit_contexts(jti, ctx, keep_until) VALUES(?1, ?2, ?3)";
constexpr const char* load_sql = "SELECT ctx FROM handoffkit_contexts WHERE jti = ?1 AND keep_until > ?2";
constexpr const char* purge_markers_sql = "DELETE FROM handoffkit_markers WHERE keep_until <= ?1";
constexpr const char* purge_contexts_sql = "DELETE FROM handoffkit_contexts WHERE keep_until <= ?1";
constexpr unsigned purge_every = 256;

error unavailable(sqlite3* db, const std::string& what) {
    return fail("STORE_UNAVAILABLE", "SQLite replay store: " + what + ": " + (db ? sqlite3_errmsg(db) : "out of memory"));
}

void bind_text(sqlite3_stmt* s, int index, std::string_view text) {
    sqlite3_bind_text(s, index, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT);
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
    if (auto prepared = guard->prepare_all(); !prepared) return prepared.err();
    return guard;
}

result<token::done> sqlite_replay_guard::prepare_all() {
    const std::pair<const char*, sqlite3_stmt**> statements[] = {
        {mark_sql, &mark_}, {save_sql, &save_}, {load_sql, &load_},
        {purge_markers_sql, &purge_markers_}, {purge_contexts_sql, &purge_contexts_}};
    for (auto [sql, out] : statements)
        if (sqlite3_prepare_v2(db_, sql, -1, out, nullptr) != SQLITE_OK) return unavailable(db_, "cannot prepare");
    return token::done{};
}

sqlite_replay_guard::~sqlite_replay_guard() {
    for (sqlite3_stmt* s : {mark_, save_, load_, purge_markers_, purge_contexts_}) sqlite3_finalize(s);
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

result<token::mark_outcome> sqlite_replay_guard::try_mark(std::string_view jti, std::int64_t keep_until,
                                                          std::int64_t now) {
    std::lock_guard<std::mutex> lock(mutex_);
    bind_text(mark_, 1, jti);
    sqlite3_bind_int64(mark_, 2, keep_until);
    sqlite3_bind_int64(mark_, 3, now);
    auto changed = run(mark_);
    if (!changed) return changed.err();
    purge_now_and_then(now);
    return *changed == 1 ? token::mark_outcome::fresh : token::mark_outcome::replayed;
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
    if (rc == SQLITE_ROW) {
        const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(load_, 0));
        found = std::string(text ? text : "", static_cast<std::size_t>(sqlite3_column_bytes(load_, 0)));
    }
    sqlite3_reset(load_);
    sqlite3_clear_bindings(load_);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE) return unavailable(db_, "read failed");
    return found;
}

}  // namespace handoffkit::native
