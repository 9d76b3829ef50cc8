#include "handoffkit/native/stores.hpp"

#include "handoffkit/native/redis_replay_guard.hpp"
#include "handoffkit/native/sqlite_replay_guard.hpp"

namespace handoffkit::native {
namespace {

bool starts_with(std::string_view s, std::string_view prefix) { return s.substr(0, prefix.size()) == prefix; }

result<std::unique_ptr<token::replay_guard>> open_redis(std::string_view address) {
    redis_replay_guard::options o;
    const auto colon = address.rfind(':');
    o.host = std::string(address.substr(0, colon));
    if (colon != std::string_view::npos) {
        const std::string_view port = address.substr(colon + 1);
        int value = 0;
        for (char c : port) value = (c >= '0' && c <= '9' && value < 65536) ? value * 10 + (c - '0') : 1 << 20;
        if (port.empty() || value < 1 || value > 65535)
            return fail("INVALID_ARGUMENT", "redis store: the port must be 1-65535");
        o.port = value;
    }
    if (o.host.empty() || o.host.find_first_of("/[]@") != std::string::npos)
        return fail("INVALID_ARGUMENT", "redis store: expected redis://HOST[:PORT]");
    return std::unique_ptr<token::replay_guard>(std::make_unique<redis_replay_guard>(std::move(o)));
}

}  // namespace

result<token::mark_answer> memory_store::mark(const token::mark_request& request, std::int64_t now) {
    std::lock_guard<std::mutex> lock(mutex_);
    auto answer = guard_.mark(request, now);
    for (auto& body : guard_.take_deliveries()) outbox_.push_back({next_id_++, std::move(body), 0});
    return answer;
}

result<token::done> memory_store::save_context(std::string_view jti, std::string_view context, std::int64_t keep_until,
                                               std::int64_t now) {
    std::lock_guard<std::mutex> lock(mutex_);
    return guard_.save_context(jti, context, keep_until, now);
}

result<std::optional<std::string>> memory_store::load_context(std::string_view jti, std::int64_t now) {
    std::lock_guard<std::mutex> lock(mutex_);
    return guard_.load_context(jti, now);
}

result<std::vector<pending_delivery>> memory_store::take(std::size_t max, std::int64_t now, std::int64_t lease_seconds) {
    std::lock_guard<std::mutex> lock(mutex_);
    std::vector<pending_delivery> out;
    for (auto& e : outbox_) {
        if (out.size() >= max) break;
        if (e.due > now) continue;
        e.due = now + lease_seconds;
        out.push_back({std::to_string(e.id), e.body});
    }
    return out;
}

result<token::done> memory_store::acknowledge(const pending_delivery& d) {
    std::lock_guard<std::mutex> lock(mutex_);
    for (auto it = outbox_.begin(); it != outbox_.end(); ++it)
        if (std::to_string(it->id) == d.id) {
            outbox_.erase(it);
            break;
        }
    return token::done{};
}

result<token::done> memory_store::retry_at(const pending_delivery& d, std::int64_t at, std::int64_t) {
    std::lock_guard<std::mutex> lock(mutex_);
    for (auto& e : outbox_)
        if (std::to_string(e.id) == d.id) e.due = at;
    return token::done{};
}

result<std::unique_ptr<token::replay_guard>> open_store(std::string_view spec) {
    if (spec == "memory:")
        return std::unique_ptr<token::replay_guard>(std::make_unique<memory_store>());
    if (starts_with(spec, "sqlite:") && spec.size() > 7) {
        auto guard = sqlite_replay_guard::open(std::string(spec.substr(7)));
        if (!guard) return guard.err();
        return std::unique_ptr<token::replay_guard>(std::move(guard).value());
    }
    if (starts_with(spec, "redis://")) return open_redis(spec.substr(8));
    return fail("INVALID_ARGUMENT", "a store is memory:, sqlite:PATH or redis://HOST:PORT");
}

}  // namespace handoffkit::native
