// handoffkit/native/redis_replay_guard.hpp: the replay guard for several instances sharing Redis.
//
// Marking is `SET <prefix>jti:<jti> 1 NX PX <ms until keep_until>`: Redis runs commands one at a
// time, so of several concurrent SETs of one key exactly one gets OK, and the key expires by
// itself once the token can no longer verify. Contexts are `SET <prefix>ctx:<jti> <json> PX …`
// and `GET`. Connects lazily and reconnects after any failure; a Redis that cannot answer
// within `timeout_ms` (down, refusing, erroring) is STORE_UNAVAILABLE, never an acceptance.
// Plain TCP without AUTH or TLS (keep Redis on a private network). Calls are serialized, so one
// instance may be shared between threads.
#pragma once

#include <memory>
#include <mutex>
#include <string>

#include "handoffkit/replay_guard.hpp"

struct redisContext;
struct redisReply;

namespace handoffkit::native {

class redis_replay_guard final : public token::replay_guard {
public:
    struct options {
        std::string host = "127.0.0.1";
        int port = 6379;
        int timeout_ms = 2000;  ///< for connecting and for each command
        std::string prefix = "handoffkit:";
    };

    explicit redis_replay_guard(options opts) : options_(std::move(opts)) {}
    ~redis_replay_guard() override;
    redis_replay_guard(const redis_replay_guard&) = delete;
    redis_replay_guard& operator=(const redis_replay_guard&) = delete;

    result<token::mark_outcome> try_mark(std::string_view jti, std::int64_t keep_until, std::int64_t now) override;
    result<token::done> save_context(std::string_view jti, std::string_view context, std::int64_t keep_until,
                                     std::int64_t now) override;
    result<std::optional<std::string>> load_context(std::string_view jti, std::int64_t now) override;

private:
    struct reply_deleter {
        void operator()(redisReply* r) const;
    };
    using reply_ptr = std::unique_ptr<redisReply, reply_deleter>;

    result<token::done> connect();
    void disconnect();
    /// Sends one command (argv form: no quoting issues) and returns a reply that is not an error.
    result<reply_ptr> command(std::initializer_list<std::string_view> argv);

    options options_;
    std::mutex mutex_;
    redisContext* context_ = nullptr;
};

}  // namespace handoffkit::native
