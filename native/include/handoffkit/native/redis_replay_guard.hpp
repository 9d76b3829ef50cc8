// handoffkit/native/redis_replay_guard.hpp: the replay guard for several instances sharing Redis.
//
// Marking is one small Lua script (mark_script below): `SET <prefix>jti:<jti> <record> NX PX <ms
// until keep_until>`, and when that placed the marker and the mark carries a delivery, `XADD
// <prefix>outbox` of it; otherwise the record already kept is returned. Redis runs a script as one
// command, so of several concurrent marks of one key exactly one places it, the marker and its
// delivery are written together or not at all, and the key expires by itself once the token can no
// longer verify. Contexts are `SET <prefix>ctx:<jti> <json> PX …` and `GET`. (Single-shard Redis:
// the marker and the outbox stream are two keys of one script.) Connects lazily and reconnects after any failure; a Redis that cannot answer
// within `timeout_ms` (down, refusing, erroring) is STORE_UNAVAILABLE, never an acceptance.
// Plain TCP without AUTH or TLS (keep Redis on a private network). One instance may be shared
// between threads: each call borrows an idle connection (or opens one) and gives it back, so
// threads wait for Redis side by side rather than one behind the other; at most `max_idle`
// connections are kept open between calls.
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "handoffkit/replay_guard.hpp"

struct redisContext;
struct redisReply;

namespace handoffkit::native {

/// A Redis reply, reduced to what the token store reads: the same for the store's own blocking
/// connections and for a host's pipelined one, so each reply's meaning is written once (below).
struct redis_reply {
    enum class type { nil, status, string, integer, other } kind = type::other;
    std::string text;  ///< status or string
};
redis_reply reply_of(const redisReply& r);

class redis_replay_guard final : public token::replay_guard {
public:
    struct options {
        std::string host = "127.0.0.1";
        int port = 6379;
        int timeout_ms = 2000;  ///< for connecting and for each command
        std::string prefix = "handoffkit:";
        std::size_t max_idle = 16;  ///< connections kept for reuse (callers at once may open more)
    };

    explicit redis_replay_guard(options opts) : options_(std::move(opts)) {}
    ~redis_replay_guard() override;
    redis_replay_guard(const redis_replay_guard&) = delete;
    redis_replay_guard& operator=(const redis_replay_guard&) = delete;

    result<token::mark_answer> mark(const token::mark_request& request, std::int64_t now) override;
    result<token::done> save_context(std::string_view jti, std::string_view context, std::int64_t keep_until,
                                     std::int64_t now) override;
    result<std::optional<std::string>> load_context(std::string_view jti, std::int64_t now) override;

    /// The commands this store sends to mark a jti and to load a referenced context, for a host
    /// that sends them through its own (asynchronous, pipelined) connection: one definition of
    /// the keys and expiry for both.
    std::vector<std::string> mark_command(const token::mark_request& request, std::int64_t now) const;
    std::vector<std::string> load_context_command(std::string_view jti) const;
    /// What the replies to those commands mean: fresh (status OK); replayed with the record kept
    /// (a string) or without one (nil); the context (a string) or none (nil); anything else is
    /// STORE_UNAVAILABLE.
    static result<token::mark_answer> mark_result(const redis_reply& reply);
    static result<std::optional<std::string>> context_result(redis_reply reply);
    const options& settings() const { return options_; }

private:
    struct reply_deleter {
        void operator()(redisReply* r) const;
    };
    using reply_ptr = std::unique_ptr<redisReply, reply_deleter>;

    /// An idle connection, or a new one.
    result<redisContext*> borrow();
    void give_back(redisContext* c);
    /// Sends one command (argv form: no quoting issues) and returns a reply that is not an error.
    result<reply_ptr> command(const std::vector<std::string>& argv);

    options options_;
    std::mutex mutex_;                 ///< guards idle_
    std::vector<redisContext*> idle_;  ///< connected, not in use
};

}  // namespace handoffkit::native
