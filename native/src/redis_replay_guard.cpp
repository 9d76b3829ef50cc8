#include "handoffkit/native/redis_replay_guard.hpp"

#include <hiredis/hiredis.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>

#include <boost/asio/io_context.hpp>

#include "handoffkit/json.hpp"
#include "handoffkit/native/redis_pipeline.hpp"

namespace handoffkit::native {
namespace {

error unavailable(const std::string& why) { return fail(token_code::store_unavailable, "Redis replay store: " + why); }

// Milliseconds from now until keep_until, at least one second (Redis refuses PX 0).
std::string ttl_ms(std::int64_t keep_until, std::int64_t now) {
    return std::to_string(keep_until > now ? (keep_until - now) * 1000 : 1000);
}

}  // namespace

// A blocking connection: the host's pipelined connection on an io_context of its own, run by the
// calling thread until the reply (or the pipeline's timeout) arrives. One transport for both.
struct redis_replay_guard::connection {
    explicit connection(std::shared_ptr<const redis_connector> c) : pipeline(context, std::move(c)) {}
    boost::asio::io_context context{1};
    redis_pipeline pipeline;  // after context: destroyed first
};

result<std::unique_ptr<redis_replay_guard>> redis_replay_guard::open(options opts) {
    auto guard = std::make_unique<redis_replay_guard>(std::move(opts));
    if (guard->refused_) return *guard->refused_;
    return guard;
}

namespace {
std::string consumer_name();
}

redis_replay_guard::redis_replay_guard(options opts) : options_(std::move(opts)), consumer_(consumer_name()) {
    auto connector = redis_connector::create(options_);
    if (connector) connector_ = std::move(connector).value();
    else refused_ = connector.err();
}

redis_replay_guard::~redis_replay_guard() = default;

redis_replay_guard::connection_ptr redis_replay_guard::borrow() {
    {
        std::lock_guard<std::mutex> lock(mutex_);
        if (!idle_.empty()) {
            auto c = std::move(idle_.back());
            idle_.pop_back();
            return c;
        }
    }
    return std::make_unique<connection>(connector_);
}

void redis_replay_guard::give_back(connection_ptr c) {
    std::lock_guard<std::mutex> lock(mutex_);
    if (idle_.size() < options_.max_idle) idle_.push_back(std::move(c));
    // else the connection closes when `c` goes
}

result<redis_reply> redis_replay_guard::command(const std::vector<std::string>& argv) {
    if (refused_) return *refused_;
    auto c = borrow();
    std::optional<result<redis_reply>> answer;
    c->pipeline.command(argv, [&answer](result<redis_reply> r) { answer.emplace(std::move(r)); });
    c->context.restart();
    // Bounded: while a command is unanswered the pipeline keeps its timeout timer on the context.
    while (!answer && c->context.run_one() > 0) {}
    // Never seen; the connection (whose handler refers to `answer`) is dropped, not reused.
    if (!answer) return unavailable("the connection stopped without an answer");
    give_back(std::move(c));
    return std::move(*answer);
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

// KEYS[1] the outbox stream; ARGV[1] the group, ARGV[2] this consumer, ARGV[3] the lease in ms,
// ARGV[4] how many. Entries pending for at least the lease (their taker died, or their retry time
// came) are claimed first, then new ones read; the answer is JSON text [[id, delivery], …].
constexpr const char* take_script = R"lua(
pcall(redis.call, 'XGROUP', 'CREATE', KEYS[1], ARGV[1], '0', 'MKSTREAM')
local out = {}
local claimed = redis.call('XAUTOCLAIM', KEYS[1], ARGV[1], ARGV[2], ARGV[3], '0-0', 'COUNT', ARGV[4])
for _, e in ipairs(claimed[2]) do
  if e and e[2] then table.insert(out, {e[1], e[2][2]}) end
end
local want = tonumber(ARGV[4]) - #out
if want > 0 then
  local fresh = redis.call('XREADGROUP', 'GROUP', ARGV[1], ARGV[2], 'COUNT', want, 'STREAMS', KEYS[1], '>')
  if fresh then
    for _, e in ipairs(fresh[1][2]) do table.insert(out, {e[1], e[2][2]}) end
  end
end
if #out == 0 then return '[]' end
return cjson.encode(out)
)lua";

constexpr const char* outbox_group = "handoffkit";

namespace {
// One consumer per store object: host name, process and a counter (two hosts, or two stores in
// one process, never share pending entries by accident).
std::string consumer_name() {
    static std::atomic<int> made{0};
    char host[256] = {};
    ::gethostname(host, sizeof host - 1);
    return std::string(host) + "-" + std::to_string(::getpid()) + "-" + std::to_string(made++);
}
}  // namespace

result<std::vector<pending_delivery>> redis_replay_guard::take(std::size_t max, std::int64_t, std::int64_t lease_seconds) {
    lease_ms_ = lease_seconds * 1000;
    auto reply = command({"EVAL", take_script, "1", options_.prefix + "outbox", outbox_group, consumer_,
                          std::to_string(lease_ms_), std::to_string(max)});
    if (!reply) return reply.err();
    json entries;
    if (reply->kind != redis_reply::type::string || parse_json(reply->text, entries) != json_failure::none ||
        !entries.is_array())
        return unavailable("unexpected reply to the outbox take");
    std::vector<pending_delivery> out;
    for (const auto& e : entries) {
        if (!e.is_array() || e.size() != 2 || !e[0].is_string() || !e[1].is_string())
            return unavailable("unexpected entry in the outbox");
        out.push_back({e[0].get<std::string>(), e[1].get<std::string>()});
    }
    return out;
}

result<token::done> redis_replay_guard::acknowledge(const pending_delivery& d) {
    const std::string stream = options_.prefix + "outbox";
    auto acked = command({"XACK", stream, outbox_group, d.id});
    if (!acked) return acked.err();
    auto deleted = command({"XDEL", stream, d.id});
    if (!deleted) return deleted.err();
    return token::done{};
}

// Pending entries are claimed once idle for the lease: one whose retry is due in `wait` seconds
// gets the idle time lease - wait.
result<token::done> redis_replay_guard::retry_at(const pending_delivery& d, std::int64_t at, std::int64_t now) {
    const std::int64_t wait_ms = std::clamp<std::int64_t>((at - now) * 1000, 0, lease_ms_);
    auto claimed = command({"XCLAIM", options_.prefix + "outbox", outbox_group, consumer_, "0", d.id, "IDLE",
                            std::to_string(lease_ms_ - wait_ms), "JUSTID"});
    if (!claimed) return claimed.err();
    return token::done{};
}

result<token::mark_answer> redis_replay_guard::mark(const token::mark_request& request, std::int64_t now) {
    auto reply = command(mark_command(request, now));
    if (!reply) return reply.err();
    return mark_result(*reply);
}

result<token::done> redis_replay_guard::save_context(std::string_view jti, std::string_view context,
                                                     std::int64_t keep_until, std::int64_t now) {
    auto reply = command({"SET", options_.prefix + token::context_key(jti), std::string(context), "PX",
                          ttl_ms(keep_until, now)});
    if (!reply) return reply.err();
    if (reply->kind != redis_reply::type::status || reply->text != "OK") return unavailable("unexpected reply to SET");
    return token::done{};
}

result<std::optional<std::string>> redis_replay_guard::load_context(std::string_view jti, std::int64_t) {
    auto reply = command(load_context_command(jti));
    if (!reply) return reply.err();
    return context_result(std::move(reply).value());
}

// The script answers the status OK when it set the marker. Any other status (a proxy's QUEUED
// inside a transaction, say) did not set it: counting it as fresh would redeem a token nobody
// marked.
result<token::mark_answer> redis_replay_guard::mark_result(const redis_reply& reply) {
    using token::mark_outcome;
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
