// handoffkit/native/redis_replay_guard.hpp: the replay guard for several instances sharing Redis.
//
// Marking is one small Lua script (mark_script in the .cpp): `SET <prefix>jti:<jti> <record> NX
// PX <ms until keep_until>`, and when that placed the marker and the mark carries a delivery,
// `XADD <prefix>outbox` of it; otherwise the record already kept is returned. Redis runs a script
// as one command, so of several concurrent marks of one key exactly one places it, the marker and
// its delivery are written together or not at all, and the key expires by itself once the token
// can no longer verify. Contexts are `SET <prefix>ctx:<jti> <json> PX …` and `GET`. (Single-shard
// Redis: the marker and the outbox stream are two keys of one script.) Connects lazily and
// reconnects after any failure; a Redis that cannot answer within `timeout_ms` (down, refusing,
// erroring, refusing our password or certificate) is STORE_UNAVAILABLE, never an acceptance.
//
// Transport (redis_address): plain TCP, or TLS (`rediss://`: the server's certificate checked
// against `ca_file` or the system's CAs and against the host name or IP address, an optional
// client certificate), then `AUTH [user] password` and `SELECT db` on every (re)connect before
// any command is sent. The I/O is Asio + OpenSSL (Debian's hiredis 0.14 has no TLS); hiredis
// only formats commands and parses replies. The store's own connections are the same pipelined
// connection the host uses (redis_pipeline.hpp), each run on a private io_context until its
// reply arrives.
//
// One instance may be shared between threads: each call borrows an idle connection (or opens
// one) and gives it back, so threads wait for Redis side by side rather than one behind the
// other; at most `max_idle` connections are kept open between calls.
//
// Example:
//   redis_replay_guard::options o;
//   o.host = "cache.example.net"; o.port = 6380; o.tls = true; o.password = secret;
//   auto guard = redis_replay_guard::open(o);   // REDIS_TLS_INVALID when a PEM file is unusable
//   auto redeemed = token::redeem(token, keys, options, **guard);
#pragma once

#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "handoffkit/native/outbox.hpp"
#include "handoffkit/replay_guard.hpp"

struct redisReply;

namespace handoffkit::native {

/// A Redis reply, reduced to what the token store reads: the same for the store's own
/// connections and for a host's pipelined one, so each reply's meaning is written once (below).
struct redis_reply {
    enum class type { nil, status, string, integer, other } kind = type::other;
    std::string text;  ///< status or string
};
redis_reply reply_of(const redisReply& r);

/// Where Redis is and how to get in: one definition for the store's connections and the host's.
/// The password is a secret: no message, log line or error ever contains it.
struct redis_address {
    std::string host = "127.0.0.1";  ///< a name, or an IPv4/IPv6 address
    int port = 6379;
    int db = 0;                       ///< SELECTed on every (re)connect when not 0 (0-15 on a default Redis)
    std::string user;                 ///< ACL user for AUTH; empty: the default user
    std::string password;             ///< AUTH on every (re)connect when not empty
    bool tls = false;                 ///< rediss://: TLS 1.2 or later, the server's certificate verified
    std::string ca_file;              ///< PEM CAs for the server's certificate; empty: the system's CAs
    std::string cert_file;            ///< PEM client certificate (chain); with key_file, or neither
    std::string key_file;             ///< PEM private key of cert_file
    int timeout_ms = 2000;            ///< for connecting (TLS and AUTH included) and for each command
};

class redis_connector;

/// Also the outbox (outbox.hpp): the stream <prefix>outbox read by the consumer group
/// `handoffkit`, each host one consumer. An entry taken is pending for its consumer; one pending
/// for at least the lease is claimed by the next taker (a host that died, or a retry whose time
/// came: retry_at sets the entry's idle time so that it is due then). Acknowledged entries are
/// deleted from the stream.
class redis_replay_guard final : public token::replay_guard, public outbox {
public:
    struct options : redis_address {
        std::string prefix = "handoffkit:";
        std::size_t max_idle = 16;  ///< connections kept for reuse (callers at once may open more)
    };

    /// A guard whose TLS files are loaded and checked now. Errors: INVALID_ARGUMENT (a client
    /// certificate without its key, TLS files without `tls`), REDIS_TLS_INVALID (a PEM file
    /// that cannot be read or used, a key that does not match its certificate).
    static result<std::unique_ptr<redis_replay_guard>> open(options opts);
    /// Same, for callers that cannot handle an error here: a configuration open() refuses makes
    /// every call of this guard fail with that error.
    explicit redis_replay_guard(options opts);
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
    /// What the replies to those commands mean: fresh (the script's status OK, nothing else);
    /// replayed with the record kept (a string) or without one (nil); the context (a string) or
    /// none (nil); anything else is STORE_UNAVAILABLE.
    static result<token::mark_answer> mark_result(const redis_reply& reply);
    static result<std::optional<std::string>> context_result(redis_reply reply);
    const options& settings() const { return options_; }
    /// How this guard connects (TLS context included), for pipelined connections of a host that
    /// should reach the same Redis the same way; null when the configuration was refused.
    std::shared_ptr<const redis_connector> connector() const { return connector_; }

    result<std::vector<pending_delivery>> take(std::size_t max, std::int64_t now, std::int64_t lease_seconds) override;
    result<token::done> acknowledge(const pending_delivery& d) override;
    result<token::done> retry_at(const pending_delivery& d, std::int64_t retry_at, std::int64_t now) override;

private:
    struct connection;
    using connection_ptr = std::unique_ptr<connection>;

    connection_ptr borrow();
    void give_back(connection_ptr c);
    /// Sends one command and waits for its reply (bounded by timeout_ms); a Redis error reply is
    /// STORE_UNAVAILABLE.
    result<redis_reply> command(const std::vector<std::string>& argv);

    options options_;
    std::shared_ptr<const redis_connector> connector_;
    std::optional<error> refused_;       ///< the configuration error, when the constructor met one
    std::string consumer_;               ///< this process's name in the outbox's consumer group
    std::int64_t lease_ms_ = 30'000;     ///< the last lease taken with (retry_at sets idle times against it)
    std::mutex mutex_;                   ///< guards idle_
    std::vector<connection_ptr> idle_;   ///< not in use (connected, or reconnecting on next use)
};

}  // namespace handoffkit::native
