// handoffkit/native/stores.hpp: choosing a replay store from a `--store` spec, and making the
// single-threaded in-memory guard safe to share between threads.
#pragma once

#include <memory>
#include <mutex>
#include <string_view>

#include "handoffkit/replay_guard.hpp"
#include "handoffkit/result.hpp"

namespace handoffkit::native {

/// Serializes every call to a guard that is not thread-safe by itself (memory_replay_guard).
class locked_replay_guard final : public token::replay_guard {
public:
    explicit locked_replay_guard(std::unique_ptr<token::replay_guard> inner) : inner_(std::move(inner)) {}

    result<token::mark_answer> mark(const token::mark_request& request, std::int64_t now) override {
        std::lock_guard<std::mutex> lock(mutex_);
        return inner_->mark(request, now);
    }
    result<token::done> save_context(std::string_view jti, std::string_view context, std::int64_t keep_until,
                                     std::int64_t now) override {
        std::lock_guard<std::mutex> lock(mutex_);
        return inner_->save_context(jti, context, keep_until, now);
    }
    result<std::optional<std::string>> load_context(std::string_view jti, std::int64_t now) override {
        std::lock_guard<std::mutex> lock(mutex_);
        return inner_->load_context(jti, now);
    }

private:
    std::mutex mutex_;
    std::unique_ptr<token::replay_guard> inner_;
};

/// `memory:` (a locked memory_replay_guard), `sqlite:PATH`, or `redis://HOST[:PORT]` (default
/// port 6379; IPv6 literals are not supported). Every returned guard is thread-safe.
/// Errors: INVALID_ARGUMENT (unknown spec), STORE_UNAVAILABLE (SQLite cannot open the file;
/// Redis connects lazily, so an unreachable Redis shows on first use).
result<std::unique_ptr<token::replay_guard>> open_store(std::string_view spec);

}  // namespace handoffkit::native
