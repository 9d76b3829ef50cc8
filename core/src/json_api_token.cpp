// JSON face of token.hpp (see json_api_token.hpp for request and value shapes).
#include <memory>

#include "handoffkit/crypto.hpp"
#include "handoffkit/json_api_token.hpp"
#include "handoffkit/token.hpp"
#include "json_fields.hpp"
#include "key_cache.hpp"

namespace handoffkit::json_api {
using detail::error_envelope;
using detail::field_reader;
using handoffkit::json;

namespace {

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
    auto random = crypto::from_hex(random_hex);
    if (!random || random->size() < token::min_random_bytes || random->size() > token::max_random_bytes)
        return fail(input_code::invalid_argument, "field 'random' must be 32-64 hex digits (16-32 random bytes)");
    r.random = std::move(*random);
    if (ctx) r.context = handoffkit::dump_json(*ctx);  // token::issue checks that it is an object
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
    if (const json* user = detail::member(*j, "user")) {
        if (!user->is_string()) return fail(input_code::invalid_argument, "field 'user' must be a string");
        o.user = user->get_ref<const std::string&>();
    }
    return o;
}

// Envelopes are written member by member in sorted order, as dump_json would write them. The
// header, claims and ctx go in as the JSON text they are: the core parsed them strictly (UTF-8, no
// key twice, no BOM) before trusting them, so they are valid JSON, and re-parsing them only to
// serialize them again was a fifth of a verification.
using handoffkit::json_writer;

std::string issued_envelope(const result<token::issued_token>& t) {
    if (!t) return error_envelope(t.err());
    std::string value;
    json_writer(value).begin_object().key("exp").number(t->expires_at).key("iat").number(t->issued_at).key("jti")
        .string(t->jti).key("kid").string(t->kid).key("token").string(t->token).end_object();
    return detail::ok_envelope_text(value);
}

std::string verified_envelope(const result<token::verified_token>& t) {
    if (!t) return error_envelope(t.err());
    std::string value;
    json_writer w(value);
    w.begin_object().key("claims").raw(t->claims_json).key("ctx");
    if (t->context) w.raw(*t->context);
    else w.null();
    w.key("header").raw(t->header_json).key("kid").string(t->kid).key("redeemed").boolean(t->redeemed);
    w.key("verified").boolean(true).end_object();
    return detail::ok_envelope_text(value);
}

// Reads the request and keys, then runs `op` on them (no throw escapes: every parse is checked).
template <class Op>
std::string with_issue_inputs(std::string_view request, std::string_view keys, Op op) {
    auto r = read_issue_request(request);
    if (!r) return error_envelope(r.err());
    auto k = detail::cached_key_set(keys);
    if (!k) return error_envelope(k.err());
    return issued_envelope(op(*r, **k));
}

template <class Op>
std::string with_verify_inputs(std::string_view keys, std::string_view options, Op op) {
    auto o = read_verify_options(options);
    if (!o) return error_envelope(o.err());
    auto k = detail::cached_key_set(keys);
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
    std::string value;
    json_writer(value).begin_object().key("claims").raw(t->claims_json).key("header").raw(t->header_json)
        .key("verified").boolean(false).end_object();
    return detail::ok_envelope_text(value);
}

}  // namespace handoffkit::json_api
