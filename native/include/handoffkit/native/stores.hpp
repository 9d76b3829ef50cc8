// handoffkit/native/stores.hpp: choosing a token store from a `--store` spec, and the in-memory
// store made safe to share between threads.
#pragma once

#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
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

/// `memory:` (a memory_store), `sqlite:PATH`, or `redis://HOST[:PORT]` (default port 6379; IPv6
/// literals are not supported). Every returned store is thread-safe, and an outbox too
/// (dynamic_cast to native::outbox). Errors: INVALID_ARGUMENT (unknown spec), STORE_UNAVAILABLE
/// (SQLite cannot open the file; Redis connects lazily, so an unreachable Redis shows on first use).
result<std::unique_ptr<token::replay_guard>> open_store(std::string_view spec);

}  // namespace handoffkit::native
