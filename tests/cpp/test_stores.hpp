// Replay stores for tests: one that records what it is asked (over a memory guard), and one that
// cannot answer at all (a Redis that is down, a SQLite file locked by another process).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "handoffkit/replay_guard.hpp"

namespace handoffkit::test {

/// A memory guard that counts every call and keeps what each mark and save asked for.
struct counting_store final : token::replay_guard {
    token::memory_replay_guard inner;
    int calls = 0;
    std::vector<token::mark_request> marks;
    std::vector<std::int64_t> keep_untils;  // of marks and saves, in order

    result<token::mark_answer> mark(const token::mark_request& r, std::int64_t now) override {
        ++calls;
        marks.push_back(r);
        keep_untils.push_back(r.keep_until);
        return inner.mark(r, now);
    }
    result<token::done> save_context(std::string_view jti, std::string_view ctx, std::int64_t keep_until,
                                     std::int64_t now) override {
        ++calls;
        keep_untils.push_back(keep_until);
        return inner.save_context(jti, ctx, keep_until, now);
    }
    result<std::optional<std::string>> load_context(std::string_view jti, std::int64_t now) override {
        ++calls;
        return inner.load_context(jti, now);
    }
};

/// Every call fails with STORE_UNAVAILABLE.
struct unavailable_store final : token::replay_guard {
    int calls = 0;
    result<token::mark_answer> mark(const token::mark_request&, std::int64_t) override { return down(); }
    result<token::done> save_context(std::string_view, std::string_view, std::int64_t, std::int64_t) override {
        return down();
    }
    result<std::optional<std::string>> load_context(std::string_view, std::int64_t) override { return down(); }

private:
    error down() {
        ++calls;
        return fail(token_code::store_unavailable, "down");
    }
};

}  // namespace handoffkit::test
