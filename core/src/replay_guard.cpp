#include "handoffkit/replay_guard.hpp"

#include <algorithm>
#include <limits>

namespace handoffkit::token {
namespace {

template <class Map, class KeepUntil>
std::size_t erase_expired(Map& map, std::int64_t now, KeepUntil keep_until) {
    const std::size_t before = map.size();
    for (auto it = map.begin(); it != map.end();)
        it = keep_until(it->second) <= now ? map.erase(it) : std::next(it);
    return before - map.size();
}

error store_full() { return fail("STORE_UNAVAILABLE", "the in-memory replay guard is full"); }

}  // namespace

memory_replay_guard::shard& memory_replay_guard::shard_of(std::string_view jti) {
    return shards_[std::hash<std::string_view>{}(jti) % shard_count];
}

void memory_replay_guard::sweep(shard& s, std::int64_t now) {
    s.writes_since_sweep = 0;
    entries_ -= erase_expired(s.markers, now, [](std::int64_t k) { return k; });
    entries_ -= erase_expired(s.contexts, now, [](const context_entry& e) { return e.keep_until; });
}

// A sweep visits every entry of its shard, so it runs after a number of writes proportional to
// the shard's size (amortized O(1) per write: a fixed period made redemption O(n) under load),
// and when the guard is full, over every shard at most once per second of the caller's clock
// before refusing.
bool memory_replay_guard::make_room(shard& s, std::int64_t now) {
    if (++s.writes_since_sweep >= std::max(sweep_every, (s.markers.size() + s.contexts.size()) / 2)) sweep(s, now);
    if (entries_ >= max_entries_ && now > last_full_sweep_) {
        last_full_sweep_ = now;
        for (shard& each : shards_) sweep(each, now);
    }
    return entries_ < max_entries_;
}

result<mark_outcome> memory_replay_guard::try_mark(std::string_view jti, std::int64_t keep_until, std::int64_t now) {
    shard& s = shard_of(jti);
    auto it = s.markers.find(std::string(jti));
    // A marker past its keep_until is as good as absent (the sweep may not have run yet).
    if (it != s.markers.end() && it->second > now) return mark_outcome::replayed;
    if (it != s.markers.end()) {
        it->second = keep_until;
        return mark_outcome::fresh;
    }
    if (!make_room(s, now)) return store_full();
    s.markers.emplace(std::string(jti), keep_until);
    ++entries_;
    return mark_outcome::fresh;
}

result<done> memory_replay_guard::save_context(std::string_view jti, std::string_view context,
                                               std::int64_t keep_until, std::int64_t now) {
    shard& s = shard_of(jti);
    if (!make_room(s, now)) return store_full();
    if (s.contexts.insert_or_assign(std::string(jti), context_entry{std::string(context), keep_until}).second) ++entries_;
    return done{};
}

result<std::optional<std::string>> memory_replay_guard::load_context(std::string_view jti, std::int64_t now) {
    const shard& s = shard_of(jti);
    auto it = s.contexts.find(std::string(jti));
    if (it == s.contexts.end() || it->second.keep_until <= now) return std::optional<std::string>{};
    return std::optional<std::string>{it->second.text};
}

}  // namespace handoffkit::token
