#include "handoffkit/replay_guard.hpp"

#include <algorithm>
#include <limits>

namespace handoffkit::token {
namespace {

template <class Map, class KeepUntil>
void erase_expired(Map& map, std::int64_t now, KeepUntil keep_until) {
    for (auto it = map.begin(); it != map.end();)
        it = keep_until(it->second) <= now ? map.erase(it) : std::next(it);
}

error store_full() { return fail("STORE_UNAVAILABLE", "the in-memory replay guard is full"); }

}  // namespace

// A sweep visits every entry, so it runs after a number of writes proportional to the size
// (amortized O(1) per write: a fixed period made redemption O(n) under load), and when full, at
// most once per second of the caller's clock before refusing.
bool memory_replay_guard::make_room(std::int64_t now) {
    const bool due = ++writes_since_sweep_ >= std::max(sweep_every, size() / 2);
    const bool full = size() >= max_entries_ && now > last_full_sweep_;
    if (due || full) {
        writes_since_sweep_ = 0;
        if (full) last_full_sweep_ = now;
        erase_expired(markers_, now, [](std::int64_t k) { return k; });
        erase_expired(contexts_, now, [](const context_entry& e) { return e.keep_until; });
    }
    return size() < max_entries_;
}

result<mark_outcome> memory_replay_guard::try_mark(std::string_view jti, std::int64_t keep_until, std::int64_t now) {
    auto it = markers_.find(std::string(jti));
    // A marker past its keep_until is as good as absent (the sweep may not have run yet).
    if (it != markers_.end() && it->second > now) return mark_outcome::replayed;
    if (it != markers_.end()) {
        it->second = keep_until;
        return mark_outcome::fresh;
    }
    if (!make_room(now)) return store_full();
    markers_.emplace(std::string(jti), keep_until);
    return mark_outcome::fresh;
}

result<done> memory_replay_guard::save_context(std::string_view jti, std::string_view context,
                                               std::int64_t keep_until, std::int64_t now) {
    if (!make_room(now)) return store_full();
    contexts_[std::string(jti)] = context_entry{std::string(context), keep_until};
    return done{};
}

result<std::optional<std::string>> memory_replay_guard::load_context(std::string_view jti, std::int64_t now) {
    auto it = contexts_.find(std::string(jti));
    if (it == contexts_.end() || it->second.keep_until <= now) return std::optional<std::string>{};
    return std::optional<std::string>{it->second.text};
}

}  // namespace handoffkit::token
