// handoffkit/replay_guard.hpp: where "this token was redeemed" is remembered.
//
// A token works exactly once: token::redeem verifies it fully, then asks a replay guard to mark
// its `jti`. Marking must be atomic (of several concurrent redemptions exactly one sees
// `fresh`), and a marker must live at least until `keep_until`. token::redeem passes
// exp + token::max_leeway: no verifier, whatever leeway it allows, accepts the token at or after
// that second, so a replay is always caught while it could succeed.
// A store that cannot answer returns STORE_UNAVAILABLE, and the redemption fails (fail closed).
//
// The same store keeps the context of "reference mode" tokens (token::issue_request::reference):
// the context lives under the token's jti and the token carries only the jti.
//
// Guards here: memory_replay_guard (core, single-threaded: wasm, tests, one-process tools).
// Native: handoffkit/native/sqlite_replay_guard.hpp (durable default) and redis_replay_guard.hpp
// (several instances), plus a mutex-wrapped memory guard (handoffkit/native/stores.hpp).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <variant>

#include "handoffkit/result.hpp"

namespace handoffkit::token {

enum class mark_outcome {
    fresh,    ///< this call placed the marker: the caller may redeem
    replayed  ///< a marker was already there: REPLAYED
};

/// "Done", for operations whose only result is success or an error.
using done = std::monostate;

class replay_guard {
public:
    virtual ~replay_guard() = default;

    /// Atomically marks `jti` as redeemed until `keep_until` (unix seconds). `now` lets stores
    /// that purge by themselves drop markers whose keep_until <= now. Errors: STORE_UNAVAILABLE.
    virtual result<mark_outcome> try_mark(std::string_view jti, std::int64_t keep_until, std::int64_t now) = 0;

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
/// STORE_UNAVAILABLE rather than forgetting live markers.
class memory_replay_guard final : public replay_guard {
public:
    static constexpr std::size_t default_max_entries = 1'000'000;
    explicit memory_replay_guard(std::size_t max_entries = default_max_entries) : max_entries_(max_entries) {}

    result<mark_outcome> try_mark(std::string_view jti, std::int64_t keep_until, std::int64_t now) override;
    result<done> save_context(std::string_view jti, std::string_view context, std::int64_t keep_until,
                              std::int64_t now) override;
    result<std::optional<std::string>> load_context(std::string_view jti, std::int64_t now) override;

    /// Live markers plus contexts (after the last sweep).
    std::size_t size() const { return entries_; }

private:
    struct context_entry {
        std::string text;
        std::int64_t keep_until;
    };
    struct shard {
        std::unordered_map<std::string, std::int64_t> markers;
        std::unordered_map<std::string, context_entry> contexts;
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
};

}  // namespace handoffkit::token
