// JSON face of token.hpp (see json_api_token.hpp for request and value shapes).
#include <memory>

#include "handoffkit/json_api_token.hpp"
#include "handoffkit/token.hpp"
#include "json_fields.hpp"

namespace handoffkit::json_api {
using detail::error_envelope;
using detail::field_reader;
using detail::ok_envelope;
using handoffkit::detail::json;

namespace {

// Parsing a key set costs far more than an HMAC; callers pass the same text every time.
result<std::shared_ptr<const token::key_set>> cached_keys(std::string_view text) {
    thread_local std::string last_text;
    thread_local std::shared_ptr<const token::key_set> last;
    if (last && text == last_text) return last;
    auto parsed = token::key_set::parse(text);
    if (!parsed) return parsed.err();
    last = std::make_shared<const token::key_set>(std::move(parsed).value());
    last_text = text;
    return last;
}

std::optional<std::string> from_hex(const std::string& hex) {
    if (hex.size() % 2 != 0) return std::nullopt;
    auto digit = [](char c) {
        return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
    };
    std::string out;
    for (std::size_t i = 0; i < hex.size(); i += 2) {
        const int hi = digit(hex[i]), lo = digit(hex[i + 1]);
        if (hi < 0 || lo < 0) return std::nullopt;
        out += static_cast<char>(hi * 16 + lo);
    }
    return out;
}

result<token::issue_request> read_issue_request(std::string_view text) {
    auto j = detail::parse_object(text, "request");
    if (!j) return j.err();
    token::issue_request r;
    std::string random_hex;
    std::optional<json> ctx;
    field_reader f(*j);
    f.string("botId", r.audience).string("user", r.subject).string("issuer", r.issuer);
    f.required_integer("now", r.now).integer("ttl", r.ttl).string("random", random_hex);
    f.value("ctx", ctx).boolean("reference", r.reference);
    if (auto e = f.finish()) return *e;
    r.audience = token::bot_audience(r.audience);  // the GUID and 28:GUID are one bot
    auto random = from_hex(random_hex);
    if (!random || random->size() < token::min_random_bytes || random->size() > token::max_random_bytes)
        return fail("INVALID_ARGUMENT", "field 'random' must be 32-64 hex digits (16-32 random bytes)");
    r.random = std::move(*random);
    if (ctx) r.context = ctx->dump();  // token::issue checks that it is an object
    return r;
}

result<token::verify_options> read_verify_options(std::string_view text) {
    auto j = detail::parse_object(text, "options");
    if (!j) return j.err();
    token::verify_options o;
    field_reader f(*j);
    f.string("botId", o.audience).string("issuer", o.issuer).required_integer("now", o.now);
    f.integer("leeway", o.leeway).integer("maxLifetime", o.max_lifetime);
    f.known("user");
    if (auto e = f.finish()) return *e;
    o.audience = token::bot_audience(o.audience);
    if (auto user = j->find("user"); user != j->end() && !user->is_null()) {
        if (!user->is_string()) return fail("INVALID_ARGUMENT", "field 'user' must be a string");
        o.user = user->get<std::string>();
    }
    return o;
}

// Envelopes are written as text, members in sorted order as json::dump writes them. The header,
// claims and ctx go in as the JSON text they are: the core parsed them strictly (UTF-8, no key
// twice) before trusting them, so they are valid JSON, and re-parsing them only to serialize
// them again was a fifth of a verification.
using detail::json_string;

std::string issued_envelope(const result<token::issued_token>& t) {
    if (!t) return error_envelope(t.err());
    return detail::ok_envelope_text(R"({"exp":)" + std::to_string(t->expires_at) + R"(,"iat":)" +
                                    std::to_string(t->issued_at) + R"(,"jti":)" + json_string(t->jti) + R"(,"kid":)" +
                                    json_string(t->kid) + R"(,"token":)" + json_string(t->token) + "}");
}

std::string verified_envelope(const result<token::verified_token>& t) {
    if (!t) return error_envelope(t.err());
    return detail::ok_envelope_text(R"({"claims":)" + t->claims_json + R"(,"ctx":)" + t->context.value_or("null") +
                                    R"(,"header":)" + t->header_json + R"(,"kid":)" + json_string(t->kid) +
                                    R"(,"redeemed":)" + (t->redeemed ? "true" : "false") + R"(,"verified":true})");
}

// Reads the request and keys, then runs `op` on them (no throw escapes: every parse is checked).
template <class Op>
std::string with_issue_inputs(std::string_view request, std::string_view keys, Op op) {
    auto r = read_issue_request(request);
    if (!r) return error_envelope(r.err());
    auto k = cached_keys(keys);
    if (!k) return error_envelope(k.err());
    return issued_envelope(op(*r, **k));
}

template <class Op>
std::string with_verify_inputs(std::string_view keys, std::string_view options, Op op) {
    auto o = read_verify_options(options);
    if (!o) return error_envelope(o.err());
    auto k = cached_keys(keys);
    if (!k) return error_envelope(k.err());
    return verified_envelope(op(**k, *o));
}

}  // namespace

std::string issue_token(std::string_view request, std::string_view keys) {
    return with_issue_inputs(request, keys, [](const auto& r, const auto& k) { return token::issue(r, k); });
}

std::string issue_token_stored(std::string_view request, std::string_view keys, token::replay_guard& store) {
    return with_issue_inputs(request, keys, [&](const auto& r, const auto& k) { return token::issue(r, k, store); });
}

std::string verify_token(std::string_view token, std::string_view keys, std::string_view options) {
    return with_verify_inputs(keys, options, [&](const auto& k, const auto& o) { return token::verify(token, k, o); });
}

std::string redeem_token(std::string_view token, std::string_view keys, std::string_view options,
                         token::replay_guard& guard) {
    return with_verify_inputs(keys, options,
                              [&](const auto& k, const auto& o) { return token::redeem(token, k, o, guard); });
}

std::string inspect_token(std::string_view token) {
    auto t = token::inspect(token);
    if (!t) return error_envelope(t.err());
    return detail::ok_envelope_text(R"({"claims":)" + t->claims_json + R"(,"header":)" + t->header_json +
                                    R"(,"verified":false})");
}

}  // namespace handoffkit::json_api
