// handoffkit/native/stores.hpp: choosing a token store from a `--store` spec, and the in-memory
// store made safe to share between threads.
#pragma once

#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include "handoffkit/native/outbox.hpp"
#include "handoffkit/replay_guard.hpp"
#include "handoffkit/result.hpp"

namespace handoffkit::native {

/// The core's memory_replay_guard behind a mutex, with its deliveries kept as an outbox in memory:
/// `--store memory:` (one process; everything is lost with it, deliveries included).
class memory_store final : public token::replay_guard, public outbox {
public:
    explicit memory_store(std::size_t max_entries = token::memory_replay_guard::default_max_entries)
        : guard_(max_entries) {}

    result<token::mark_answer> mark(const token::mark_request& request, std::int64_t now) override;
    result<token::done> save_context(std::string_view jti, std::string_view context, std::int64_t keep_until,
                                     std::int64_t now) override;
    result<std::optional<std::string>> load_context(std::string_view jti, std::int64_t now) override;

    result<std::vector<pending_delivery>> take(std::size_t max, std::int64_t now, std::int64_t lease_seconds) override;
    result<token::done> acknowledge(const pending_delivery& d) override;
    result<token::done> retry_at(const pending_delivery& d, std::int64_t retry_at, std::int64_t now) override;

private:
    struct entry {
        std::uint64_t id;
        std::string body;
        std::int64_t due = 0;  // not taken before this second (a lease or a retry)
    };
    std::mutex mutex_;
    token::memory_replay_guard guard_;
    std::deque<entry> outbox_;
    std::uint64_t next_id_ = 1;
};

/// What a Redis store needs that its spec must not carry, because a spec is on the command line
/// (visible to every user of the machine in ps): the password and the TLS files. Empty members
/// are not used; any of them with a store that is not Redis is INVALID_ARGUMENT.
struct store_secrets {
    std::string redis_password;   ///< AUTH on every (re)connect; see redis_password()
    std::string redis_ca_file;    ///< rediss:// only: PEM CAs for the server (default: the system's)
    std::string redis_cert_file;  ///< rediss:// only: PEM client certificate, with redis_key_file
    std::string redis_key_file;   ///< rediss:// only: its PEM private key
};

/// Opens the store a spec names; every returned guard is thread-safe:
///   memory:                               a memory_store (one process only; its outbox in memory too)
///   sqlite:PATH                           sqlite_replay_guard, durable
///   redis://[USER@]HOST[:PORT][/DB]       redis_replay_guard over TCP (default port 6379, db 0)
///   rediss://[USER@]HOST[:PORT][/DB]      the same over TLS
/// HOST is a name, an IPv4 address or a bracketed IPv6 address; USER is the ACL user that AUTH
/// names (its password comes from `secrets`). Example: open_store("rediss://hk@cache:6380/2", s).
/// Errors: INVALID_ARGUMENT (unknown or malformed spec; a password in the spec, refused because
/// the spec is on argv; a query or fragment; secrets for a store that does not use them),
/// STORE_UNAVAILABLE (SQLite cannot open the file; Redis connects lazily, so an unreachable
/// Redis, a wrong password or a certificate the CAs do not accept shows on first use),
/// REDIS_TLS_INVALID (a TLS file that cannot be read or used).
result<std::unique_ptr<token::replay_guard>> open_store(std::string_view spec, const store_secrets& secrets = {});

/// The environment variable that holds the Redis password when no password file is named.
inline constexpr const char* redis_password_variable = "HANDOFFKIT_REDIS_PASSWORD";

/// The Redis password as a deployment hands it over, never on argv: the first line of
/// `password_file` when one is named (a trailing CR dropped), else the environment variable
/// HANDOFFKIT_REDIS_PASSWORD, else none (""). Errors: REDIS_PASSWORD_UNREADABLE (the file
/// cannot be read or its first line is empty; the message names the file, never its content).
result<std::string> redis_password(const std::string& password_file);

}  // namespace handoffkit::native
