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

result<std::unique_ptr<token::replay_guard>> open_store(std::string_view spec) {
    if (spec == "memory:")
        return std::unique_ptr<token::replay_guard>(
            std::make_unique<locked_replay_guard>(std::make_unique<token::memory_replay_guard>()));
    if (starts_with(spec, "sqlite:") && spec.size() > 7) {
        auto guard = sqlite_replay_guard::open(std::string(spec.substr(7)));
        if (!guard) return guard.err();
        return std::unique_ptr<token::replay_guard>(std::move(guard).value());
    }
    if (starts_with(spec, "redis://")) return open_redis(spec.substr(8));
    return fail("INVALID_ARGUMENT", "a store is memory:, sqlite:PATH or redis://HOST:PORT");
}

}  // namespace handoffkit::native
