#include "handoffkit/native/stores.hpp"

#include <cstdlib>

// Boost.URL is compiled into the core (core/src/boost_url.cpp); native links the core.
#include <boost/url/parse.hpp>
#include <boost/url/url_view.hpp>

#include "handoffkit/native/redis_replay_guard.hpp"
#include "handoffkit/native/sqlite_replay_guard.hpp"
#include "handoffkit/native/system.hpp"

namespace handoffkit::native {
namespace {

namespace urls = boost::urls;

bool starts_with(std::string_view s, std::string_view prefix) { return s.substr(0, prefix.size()) == prefix; }

error invalid(const std::string& why) { return fail(input_code::invalid_argument, "redis store: " + why); }

constexpr const char* redis_form = "expected redis://[USER@]HOST[:PORT][/DB] or rediss://…";

// A whole number of at most `max` from its decimal digits (no sign, no leading spaces).
std::optional<int> small_number(std::string_view digits, int max) {
    if (digits.empty() || digits.size() > 10) return std::nullopt;
    long long value = 0;
    for (char c : digits) {
        if (c < '0' || c > '9') return std::nullopt;
        value = value * 10 + (c - '0');
    }
    if (value > max) return std::nullopt;
    return static_cast<int>(value);
}

bool is_host_name(std::string_view name) {
    if (name.empty() || name.size() > 253) return false;
    for (char c : name)
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '-'))
            return false;
    return true;
}

bool has_control_character(std::string_view s) {
    for (unsigned char c : s)
        if (c < 0x20 || c == 0x7f) return true;
    return false;
}

// Where Redis is, from the spec; the secrets come apart (see stores.hpp).
result<redis_replay_guard::options> redis_options(std::string_view spec) {
    const auto parsed = urls::parse_uri(spec);
    if (!parsed) return invalid(redis_form);
    const urls::url_view u = *parsed;
    redis_replay_guard::options o;
    o.tls = u.scheme() == "rediss";
    if (u.has_password())
        return invalid("a password never goes in the store spec, which is on the command line: use the "
                       "environment variable HANDOFFKIT_REDIS_PASSWORD or --redis-password-file");
    if (u.has_query() || u.has_fragment()) return invalid("no ?query or #fragment: " + std::string(redis_form));
    if (u.has_userinfo()) {
        o.user = u.user();
        if (o.user.empty() || has_control_character(o.user)) return invalid("the user before @ is empty or has control characters");
    }
    if (u.host_type() == urls::host_type::ipv4 || u.host_type() == urls::host_type::ipv6) o.host = u.host_address();
    else if (u.host_type() == urls::host_type::name && is_host_name(u.encoded_host())) o.host = u.encoded_host();
    else return invalid(redis_form);
    if (u.has_port()) {
        const auto port = small_number(u.port(), 65535);
        if (!port || *port == 0) return invalid("the port must be 1-65535");
        o.port = *port;
    }
    const std::string_view path = u.encoded_path();
    if (path.size() > 1) {
        const auto db = small_number(path.substr(1), 1 << 30);
        if (!db) return invalid("the path is the database number: /0, /1, …");
        o.db = *db;
    } else if (!path.empty() && path != "/") {
        return invalid(redis_form);
    }
    return o;
}

result<std::unique_ptr<token::replay_guard>> open_redis(std::string_view spec, const store_secrets& secrets) {
    auto o = redis_options(spec);
    if (!o) return o.err();
    o.value().password = secrets.redis_password;
    o.value().ca_file = secrets.redis_ca_file;
    o.value().cert_file = secrets.redis_cert_file;
    o.value().key_file = secrets.redis_key_file;
    auto guard = redis_replay_guard::open(std::move(o).value());
    if (!guard) return guard.err();
    return std::unique_ptr<token::replay_guard>(std::move(guard).value());
}

bool has_any(const store_secrets& s) {
    return !s.redis_password.empty() || !s.redis_ca_file.empty() || !s.redis_cert_file.empty() ||
           !s.redis_key_file.empty();
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

result<std::unique_ptr<token::replay_guard>> open_store(std::string_view spec, const store_secrets& secrets) {
    if (starts_with(spec, "redis://") || starts_with(spec, "rediss://")) return open_redis(spec, secrets);
    if (has_any(secrets))
        return fail(input_code::invalid_argument, "a Redis password or TLS file was given, but the store is not redis:// or rediss://");
    if (spec == "memory:")
        return std::unique_ptr<token::replay_guard>(std::make_unique<memory_store>());
    if (starts_with(spec, "sqlite:") && spec.size() > 7) {
        auto guard = sqlite_replay_guard::open(std::string(spec.substr(7)));
        if (!guard) return guard.err();
        return std::unique_ptr<token::replay_guard>(std::move(guard).value());
    }
    return fail(input_code::invalid_argument, "a store is memory:, sqlite:PATH, redis://HOST[:PORT] or rediss://HOST[:PORT]");
}

result<std::string> redis_password(const std::string& password_file) {
    if (!password_file.empty()) return read_secret_file(password_file, native::system_code::redis_password_unreadable, "Redis password");
    const char* value = std::getenv(redis_password_variable);
    return std::string(value ? value : "");
}

}  // namespace handoffkit::native
