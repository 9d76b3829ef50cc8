// handoffkit/replay_guard.hpp: where "this token was redeemed" is remembered.
//
// A token works exactly once. What a store must do for a redemption is decided by the core's
// redemption protocol (handoffkit/redemption.hpp), which every store is driven by; a store only
// performs three operations, each of which must be atomic:
//   mark          set the marker of a jti, with the record of who redeemed it, until keep_until,
//                 unless a live marker is there (then answer with the record kept with it); when
//                 the request carries a delivery, append it to the store's outbox in the same step
//   load_context  the context of a reference-mode token (kept under its jti when it was issued)
//   save_context  keep such a context until keep_until (the issuing side)
// keep_until is exp + token::max_leeway: no verifier, whatever leeway it allows, accepts the token
// at or after that second, so a replay is always caught while it could succeed. A store that
// cannot answer returns STORE_UNAVAILABLE and the redemption fails (fail closed).
//
// The keys in a shared key space (Redis, the npm package's async stores) are marker_key(jti) and
// context_key(jti) below, after a store's own prefix, so every runtime reads the same keys.
//
// Guards here: memory_replay_guard (core, single-threaded: wasm, tests, one-process tools).
// Native: handoffkit/native/sqlite_replay_guard.hpp (durable default) and redis_replay_guard.hpp
// (several instances), plus a mutex-wrapped memory guard (handoffkit/native/stores.hpp).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <variant>

#include "handoffkit/result.hpp"

namespace handoffkit::token {

enum class mark_outcome {
    fresh,    ///< this call placed the marker: the caller may redeem
    replayed  ///< a live marker was already there
};

/// "Done", for operations whose only result is success or an error.
using done = std::monostate;

/// "jti:<jti>" and "ctx:<jti>": the logical keys of a marker and of a reference-mode context.
std::string marker_key(std::string_view jti);
std::string context_key(std::string_view jti);

/// What a store is asked to mark (one step of the redemption protocol).
struct mark_request {
    std::string jti;
    std::string record;      ///< compact JSON kept with the marker (who redeemed the token, when)
    std::int64_t keep_until = 0;
    std::string delivery;    ///< non-empty: append to the outbox in the same atomic step
};

/// A store's answer to a mark.
struct mark_answer {
    mark_outcome outcome = mark_outcome::replayed;
    /// When replayed: the record kept with the live marker, when the store still has it.
    std::optional<std::string> record;
};

class replay_guard {
public:
    virtual ~replay_guard() = default;

    /// See the file comment. `now` lets stores that purge by themselves treat a marker whose
    /// keep_until <= now as absent. Errors: STORE_UNAVAILABLE (also for a delivery the store
    /// has no outbox for).
    virtual result<mark_answer> mark(const mark_request& request, std::int64_t now) = 0;

    /// Keeps a reference-mode context (compact JSON text) under `jti` until `keep_until`.
    /// Errors: STORE_UNAVAILABLE.
    virtual result<done> save_context(std::string_view jti, std::string_view context, std::int64_t keep_until,
                                      std::int64_t now) = 0;

    /// The context saved under `jti`, or nullopt when none (never saved, or expired).
    /// Errors: STORE_UNAVAILABLE.
    virtual result<std::optional<std::string>> load_context(std::string_view jti, std::int64_t now) = 0;
};

/// In-memory guard for one thread (no locking: core has no threads). Markers vanish with the
/// process, so it suits a single process's lifetime: the wasm module, tests, `--store memory:`.
/// Entries are spread over `shard_count` tables by hash, and a shard's entries past keep_until
/// are swept after max(`sweep_every`, its size/2) writes to it: a write costs O(1) amortized, and
/// neither a sweep nor a table's growth ever touches more than one shard (a single table of a
/// million markers paused one write for a quarter of a second). At `max_entries` live entries it
/// sweeps every shard (at most once per second of `now`) and then refuses new ones with
/// STORE_UNAVAILABLE rather than forgetting live markers. Deliveries wait in a queue in memory
/// (take_deliveries), lost with the process like everything else here.
class memory_replay_guard final : public replay_guard {
public:
    static constexpr std::size_t default_max_entries = 1'000'000;
    explicit memory_replay_guard(std::size_t max_entries = default_max_entries) : max_entries_(max_entries) {}

    result<mark_answer> mark(const mark_request& request, std::int64_t now) override;
    result<done> save_context(std::string_view jti, std::string_view context, std::int64_t keep_until,
                              std::int64_t now) override;
    result<std::optional<std::string>> load_context(std::string_view jti, std::int64_t now) override;

    /// Live markers plus contexts (after the last sweep).
    std::size_t size() const { return entries_; }
    /// The deliveries marked so far, oldest first, and forgets them.
    std::deque<std::string> take_deliveries() { return std::exchange(deliveries_, {}); }

private:
    struct entry {
        std::string text;  // a marker's record, or a context
        std::int64_t keep_until;
    };
    struct shard {
        std::unordered_map<std::string, entry> markers;
        std::unordered_map<std::string, entry> contexts;
        std::size_t writes_since_sweep = 0;
    };
    static constexpr std::size_t shard_count = 64;
    static constexpr std::size_t sweep_every = 4;  // per shard: 256 writes over the whole guard
    shard& shard_of(std::string_view jti);
    bool make_room(shard& s, std::int64_t now);
    void sweep(shard& s, std::int64_t now);

    std::size_t max_entries_;
    std::size_t entries_ = 0;  // over all shards
    std::int64_t last_full_sweep_ = std::numeric_limits<std::int64_t>::min();
    std::array<shard, shard_count> shards_;
    std::deque<std::string> deliveries_;
};

}  // namespace handoffkit::token
