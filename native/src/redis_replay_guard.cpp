#include "handoffkit/native/redis_replay_guard.hpp"

#include <hiredis/hiredis.h>

#include <vector>

namespace handoffkit::native {
namespace {

error unavailable(const std::string& why) { return fail("STORE_UNAVAILABLE", "Redis replay store: " + why); }

timeval to_timeval(int ms) { return timeval{ms / 1000, (ms % 1000) * 1000}; }

// Milliseconds from now until keep_until, at least one second (Redis refuses PX 0).
std::string ttl_ms(std::int64_t keep_until, std::int64_t now) {
    return std::to_string(keep_until > now ? (keep_until - now) * 1000 : 1000);
}

}  // namespace

void redis_replay_guard::reply_deleter::operator()(redisReply* r) const { freeReplyObject(r); }

redis_replay_guard::~redis_replay_guard() {
    for (redisContext* c : idle_) redisFree(c);
}

result<redisContext*> redis_replay_guard::borrow() {
    {
        std::lock_guard<std::mutex> lock(mutex_);
        if (!idle_.empty()) {
            redisContext* c = idle_.back();
            idle_.pop_back();
            return c;
        }
    }
    redisContext* c = redisConnectWithTimeout(options_.host.c_str(), options_.port, to_timeval(options_.timeout_ms));
    if (!c || c->err) {
        const std::string why = c ? c->errstr : "out of memory";
        if (c) redisFree(c);
        return unavailable("cannot connect to " + options_.host + ":" + std::to_string(options_.port) + ": " + why);
    }
    if (redisSetTimeout(c, to_timeval(options_.timeout_ms)) != REDIS_OK) {
        redisFree(c);
        return unavailable("cannot set the command timeout");
    }
    return c;
}

void redis_replay_guard::give_back(redisContext* c) {
    std::unique_lock<std::mutex> lock(mutex_);
    if (idle_.size() < options_.max_idle) {
        idle_.push_back(c);
        return;
    }
    lock.unlock();
    redisFree(c);
}

result<redis_replay_guard::reply_ptr> redis_replay_guard::command(const std::vector<std::string>& argv) {
    auto borrowed = borrow();
    if (!borrowed) return borrowed.err();
    redisContext* c = *borrowed;
    std::vector<const char*> pointers;
    std::vector<size_t> lengths;
    for (const auto& a : argv) {
        pointers.push_back(a.data());
        lengths.push_back(a.size());
    }
    reply_ptr reply(static_cast<redisReply*>(
        redisCommandArgv(c, static_cast<int>(argv.size()), pointers.data(), lengths.data())));
    if (!reply) {
        // The connection is unusable after an I/O error or timeout: it is closed, not given back.
        const std::string why = c->errstr;
        redisFree(c);
        return unavailable(why);
    }
    give_back(c);
    if (reply->type == REDIS_REPLY_ERROR) return unavailable(std::string(reply->str, reply->len));
    return reply;
}

// KEYS[1] the marker, KEYS[2] the outbox stream; ARGV[1] the record, ARGV[2] the expiry in ms,
// ARGV[3] the delivery (empty: none). Fresh: status OK; taken: the record kept (or nil).
constexpr const char* mark_script = R"lua(
if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then
  if ARGV[3] ~= '' then redis.call('XADD', KEYS[2], '*', 'delivery', ARGV[3]) end
  return redis.status_reply('OK')
end
return redis.call('GET', KEYS[1])
)lua";

std::vector<std::string> redis_replay_guard::mark_command(const token::mark_request& request, std::int64_t now) const {
    return {"EVAL", mark_script, "2", options_.prefix + token::marker_key(request.jti), options_.prefix + "outbox",
            request.record, ttl_ms(request.keep_until, now), request.delivery};
}

std::vector<std::string> redis_replay_guard::load_context_command(std::string_view jti) const {
    return {"GET", options_.prefix + token::context_key(jti)};
}

result<token::mark_answer> redis_replay_guard::mark(const token::mark_request& request, std::int64_t now) {
    auto reply = command(mark_command(request, now));
    if (!reply) return reply.err();
    return mark_result(reply_of(**reply));
}

result<token::done> redis_replay_guard::save_context(std::string_view jti, std::string_view context,
                                                     std::int64_t keep_until, std::int64_t now) {
    auto reply = command({"SET", options_.prefix + token::context_key(jti), std::string(context), "PX",
                          ttl_ms(keep_until, now)});
    if (!reply) return reply.err();
    return token::done{};
}

result<std::optional<std::string>> redis_replay_guard::load_context(std::string_view jti, std::int64_t) {
    auto reply = command(load_context_command(jti));
    if (!reply) return reply.err();
    return context_result(reply_of(**reply));
}

result<token::mark_answer> redis_replay_guard::mark_result(const redis_reply& reply) {
    using token::mark_outcome;
    // Only the script's own OK is fresh: any other status is not an answer to the mark.
    if (reply.kind == redis_reply::type::status && reply.text == "OK") return token::mark_answer{mark_outcome::fresh, {}};
    if (reply.kind == redis_reply::type::string) return token::mark_answer{mark_outcome::replayed, reply.text};
    if (reply.kind == redis_reply::type::nil) return token::mark_answer{mark_outcome::replayed, std::nullopt};
    return unavailable("unexpected reply to the mark script");
}

result<std::optional<std::string>> redis_replay_guard::context_result(redis_reply reply) {
    if (reply.kind == redis_reply::type::nil) return std::optional<std::string>{};
    if (reply.kind == redis_reply::type::string) return std::optional<std::string>{std::move(reply.text)};
    return unavailable("unexpected reply to GET");
}

redis_reply reply_of(const redisReply& r) {
    switch (r.type) {
        case REDIS_REPLY_NIL: return {redis_reply::type::nil, {}};
        case REDIS_REPLY_STATUS: return {redis_reply::type::status, std::string(r.str, r.len)};
        case REDIS_REPLY_STRING: return {redis_reply::type::string, std::string(r.str, r.len)};
        case REDIS_REPLY_INTEGER: return {redis_reply::type::integer, std::to_string(r.integer)};
        default: return {redis_reply::type::other, {}};
    }
}

}  // namespace handoffkit::native
