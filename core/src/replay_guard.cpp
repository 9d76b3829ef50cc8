#include "handoffkit/replay_guard.hpp"

#include <algorithm>
#include <limits>

namespace handoffkit::token {
namespace {

template <class Map>
std::size_t erase_expired(Map& map, std::int64_t now) {
    const std::size_t before = map.size();
    for (auto it = map.begin(); it != map.end();) it = it->second.keep_until <= now ? map.erase(it) : std::next(it);
    return before - map.size();
}

error store_full() { return fail(token_code::store_unavailable, "the in-memory replay guard is full"); }

}  // namespace

std::string marker_key(std::string_view jti) { return "jti:" + std::string(jti); }
std::string context_key(std::string_view jti) { return "ctx:" + std::string(jti); }

memory_replay_guard::shard& memory_replay_guard::shard_of(std::string_view jti) {
    return shards_[std::hash<std::string_view>{}(jti) % shard_count];
}

void memory_replay_guard::sweep(shard& s, std::int64_t now) {
    s.writes_since_sweep = 0;
    entries_ -= erase_expired(s.markers, now);
    entries_ -= erase_expired(s.contexts, now);
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

result<mark_answer> memory_replay_guard::mark(const mark_request& request, std::int64_t now) {
    shard& s = shard_of(request.jti);
    auto it = s.markers.find(request.jti);
    // A marker past its keep_until is as good as absent (the sweep may not have run yet).
    if (it != s.markers.end() && it->second.keep_until > now) return mark_answer{mark_outcome::replayed, it->second.text};
    if (it != s.markers.end()) {
        it->second = entry{request.record, request.keep_until};
    } else {
        if (!make_room(s, now)) return store_full();
        s.markers.emplace(request.jti, entry{request.record, request.keep_until});
        ++entries_;
    }
    if (!request.delivery.empty()) deliveries_.push_back(request.delivery);
    return mark_answer{mark_outcome::fresh, std::nullopt};
}

result<done> memory_replay_guard::save_context(std::string_view jti, std::string_view context,
                                               std::int64_t keep_until, std::int64_t now) {
    shard& s = shard_of(jti);
    if (!make_room(s, now)) return store_full();
    if (s.contexts.insert_or_assign(std::string(jti), entry{std::string(context), keep_until}).second) ++entries_;
    return done{};
}

result<std::optional<std::string>> memory_replay_guard::load_context(std::string_view jti, std::int64_t now) {
    const shard& s = shard_of(jti);
    auto it = s.contexts.find(std::string(jti));
    if (it == s.contexts.end() || it->second.keep_until <= now) return std::optional<std::string>{};
    return std::optional<std::string>{it->second.text};
}

}  // namespace handoffkit::token
