// JSON face of handoff.hpp (see json_api_handoff.hpp for request, step and outcome shapes).
#include "handoffkit/json_api_handoff.hpp"

#include <optional>

#include "handoffkit/crypto.hpp"
#include "handoffkit/handoff.hpp"
#include "documents.hpp"
#include "json_fields.hpp"
#include "key_cache.hpp"

namespace handoffkit::json_api {
using detail::error_envelope;
using detail::field_reader;
using detail::ok_envelope;
using handoffkit::json;

namespace {

result<handoff::create_options> read_create_request(std::string_view text) {
    auto j = detail::parse_object(text, "request");
    if (!j) return j.err();
    handoff::create_options o;
    std::string random_hex, version;
    std::optional<json> ctx;
    field_reader f(*j);
    f.string("botId", o.bot_id).string("user", o.user).string("issuer", o.issuer);
    f.required_integer("now", o.now).integer("ttl", o.ttl).string("random", random_hex);
    f.value("ctx", ctx).boolean("reference", o.reference);
    f.string("title", o.title).string("text", o.text).string("buttonTitle", o.button_title).string("version", version);
    if (auto e = f.finish()) return *e;
    if (o.bot_id.empty()) return fail(input_code::invalid_argument, "field 'botId' is required");
    auto random = crypto::from_hex(random_hex);
    if (!random || random->size() < token::min_random_bytes || random->size() > token::max_random_bytes)
        return fail(input_code::invalid_argument, "field 'random' must be 32-64 hex digits (16-32 random bytes)");
    o.random = std::move(*random);
    if (ctx) o.context = ctx->dump();  // token::issue checks that it is an object
    if (!version.empty()) {
        auto v = cards::parse_version(version);
        if (!v) return v.err();
        o.version = *v;
    }
    return o;
}

json created_value(const handoff::created& c) {
    json out{{"token", c.token.token}, {"jti", c.token.jti}, {"kid", c.token.kid}, {"iat", c.token.issued_at},
             {"exp", c.token.expires_at}, {"link", c.link}, {"card", detail::trusted_document(c.card)}};
    if (c.stored_context)
        out["store"] = json{{"key", token::context_key(c.token.jti)}, {"value", *c.stored_context},
                            {"keepUntil", c.keep_until}};
    return out;
}

// The members a server leaves to its callers (create_handoff_value).
result<handoff::create_options> read_caller_request(std::string_view text, handoff::create_options o) {
    auto j = detail::parse_object(text, "request");
    if (!j) return j.err();
    std::string version;
    std::optional<json> ctx;
    field_reader f(*j);
    f.string("user", o.user).integer("ttl", o.ttl).value("ctx", ctx).boolean("reference", o.reference);
    f.string("title", o.title).string("text", o.text).string("buttonTitle", o.button_title).string("version", version);
    if (auto e = f.finish()) return *e;
    if (ctx) o.context = ctx->dump();
    if (!version.empty()) {
        auto v = cards::parse_version(version);
        if (!v) return v.err();
        o.version = *v;
    }
    return o;
}

template <class Create>
std::string create_with(std::string_view request, std::string_view keys, Create create) {
    auto o = read_create_request(request);
    if (!o) return error_envelope(o.err());
    auto k = detail::cached_key_set(keys);
    if (!k) return error_envelope(k.err());
    auto made = create(*o, **k);
    if (!made) return error_envelope(made.err());
    return ok_envelope(created_value(*made));
}

// The last messages document parsed, per thread (callers pass the same text every time).
result<std::shared_ptr<const handoff::messages>> cached_messages(const std::string& text) {
    thread_local std::string last_text;
    thread_local std::shared_ptr<const handoff::messages> last;
    if (last && text == last_text) return last;
    auto parsed = handoff::messages::parse(text);
    if (!parsed) return parsed.err();
    last = std::make_shared<const handoff::messages>(std::move(parsed).value());
    last_text = text;
    return last;
}

// {"allow":[hosts…] (default: service_url::default_allowed_hosts), "credentials":true}: where
// follow-ups may go (service_url.hpp), the same rule as the host's.
result<service_url::policy> read_service_url_policy(const json& j) {
    if (!j.is_object()) return fail(input_code::invalid_argument, "field 'serviceUrls' must be an object");
    service_url::policy p;
    field_reader f(j);
    f.strings("allow", p.allowed_hosts).boolean("credentials", p.credentials);
    if (auto e = f.finish()) return *e;
    return p;
}

// What the caller will use of an outcome: the rest is not built (an adapter that sends no
// follow-ups and has no onHandoff needs neither).
struct rendering {
    bool followups = true;
    bool handoff = true;
};

result<handoff::inbound> read_session_options(std::string_view text, handoff::config& c, std::int64_t& now,
                                              rendering& render) {
    auto j = detail::parse_object(text, "options");
    if (!j) return j.err();
    handoff::inbound auth;
    std::optional<json> messages_value, service_url, service_urls;
    field_reader f(*j);
    f.string("botId", c.bot_id).required_integer("now", now).string("issuer", c.issuer);
    f.integer("leeway", c.leeway).integer("maxLifetime", c.max_lifetime).value("messages", messages_value);
    f.boolean("authenticated", auth.authenticated).value("serviceUrl", service_url).value("serviceUrls", service_urls);
    f.boolean("followups", render.followups).boolean("handoff", render.handoff);
    if (auto e = f.finish()) return *e;
    if (service_urls) {
        auto policy = read_service_url_policy(*service_urls);
        if (!policy) return policy.err();
        c.service_urls = std::move(policy).value();
    }
    if (c.bot_id.empty()) return fail(input_code::invalid_argument, "field 'botId' is required");
    // The claim as the inbound token had it: a non-string is as good as absent (refused).
    if (service_url && service_url->is_string()) auth.service_url = service_url->get<std::string>();
    if (messages_value) {
        if (!messages_value->is_object()) return fail(input_code::invalid_argument, "field 'messages' must be an object");
        auto texts = cached_messages(messages_value->dump());
        if (!texts) return texts.err();
        c.texts = *texts;
    }
    return auth;
}

json activity_value(const invoke::activity& a) {
    return {{"id", a.id},
            {"type", a.type},
            {"name", a.name},
            {"channelId", a.channel_id},
            {"serviceUrl", a.service_url},
            {"locale", a.locale},
            {"from", {{"id", a.from.id}, {"aadObjectId", a.from.aad_object_id}, {"name", a.from.name}}},
            {"recipient", {{"id", a.recipient.id}, {"name", a.recipient.name}}},
            {"conversation",
             {{"id", a.conversation_id}, {"conversationType", a.conversation_type}, {"tenantId", a.tenant_id}}}};
}

json outcome_value(const handoff::outcome& o, const rendering& render) {
    json followups = json::array();
    // Follow-ups the serviceUrl policy keeps from going are not rendered: the caller sends none.
    if (o.followups_go && render.followups)
        for (const auto& f : o.followups) followups.push_back(detail::followup_document(f, o.activity));
    json context;
    if (o.context) context = detail::trusted_document(*o.context);
    return {{"status", o.status},
            {"code", o.code},
            {"body", o.body},
            {"forTheApp", o.for_the_app},
            {"redeemed", o.redeemed},
            {"retry", o.retry},
            {"jti", o.jti},
            {"context", std::move(context)},
            {"handoff", o.redeemed && !o.retry && render.handoff ? detail::handoff_document(o) : json()},
            {"followups", std::move(followups)},
            {"activity", activity_value(o.activity)}};
}

}  // namespace

std::string create_handoff(std::string_view request, std::string_view keys) {
    return create_with(request, keys, [](const auto& o, const auto& k) { return handoff::create(o, k); });
}

std::string create_handoff_stored(std::string_view request, std::string_view keys, token::replay_guard& store) {
    return create_with(request, keys, [&](const auto& o, const auto& k) { return handoff::create(o, k, store); });
}

result<std::string> create_handoff_value(std::string_view request, const handoff::create_options& fixed,
                                         const token::key_set& keys, token::replay_guard& store) {
    auto o = read_caller_request(request, fixed);
    if (!o) return o.err();
    auto made = handoff::create(*o, keys, store);
    if (!made) return made.err();
    return dump_json(created_value(*made));
}

std::string verify_handoff_delivery(std::string_view request) {
    auto j = detail::parse_object(request, "request");
    if (!j) return error_envelope(j.err());
    std::string body, signature, key;
    field_reader f(*j);
    f.string("body", body).string("signature", signature).string("key", key);
    if (auto e = f.finish()) return error_envelope(*e);
    return ok_envelope(json(handoff::verify_delivery(body, signature, key)));
}

std::string error_json(const error& e) {
    json body{{"code", e.code}, {"message", e.message}};
    if (e.field) body["field"] = *e.field;
    return dump_json(json{{"error", std::move(body)}});
}

struct handoff_session::state {
    handoff::config config;
    rendering render;
    std::optional<handoff::exchange> exchange;
    bool done = false;

    // The envelope for where the exchange stands: its next store step, or its outcome.
    std::string report() {
        if (!exchange->finished()) {
            const token::redemption& r = exchange->redemption();
            if (r.step() == token::redemption_step::load_context)
                return ok_envelope(json{{"step", {{"op", "load"}, {"key", token::context_key(r.jti())}}}});
            const token::mark_request& m = r.mark();
            return ok_envelope(json{{"step",
                                     {{"op", "mark"},
                                      {"key", token::marker_key(m.jti)},
                                      {"value", m.record},
                                      {"keepUntil", m.keep_until}}}});
        }
        done = true;
        return ok_envelope(json{{"outcome", outcome_value(exchange->take_outcome(), render)}});
    }
};

handoff_session::handoff_session() : state_(std::make_unique<state>()) {}
handoff_session::~handoff_session() = default;

std::string handoff_session::start(std::string_view activity, std::string_view keys, std::string_view options) {
    if (state_->exchange) return error_envelope(fail(input_code::invalid_argument, "a session handles one activity"));
    std::int64_t now = 0;
    auto auth = read_session_options(options, state_->config, now, state_->render);
    if (!auth) return error_envelope(auth.err());
    auto k = detail::cached_key_set(keys);
    if (!k) return error_envelope(k.err());
    state_->config.keys = *k;
    if (auto e = handoff::check_config(state_->config)) return error_envelope(*e);
    state_->exchange.emplace(activity, state_->config, *auth, now);
    return state_->report();
}

std::string handoff_session::answer(std::string_view text) {
    if (!state_->exchange || state_->done)
        return error_envelope(fail(input_code::invalid_argument, "no store step is waiting for an answer"));
    auto j = detail::parse_object(text, "answer");
    if (!j) return error_envelope(j.err());
    std::optional<json> value;
    std::string why;
    field_reader f(*j);
    f.value("value", value).string("error", why);
    if (auto e = f.finish()) return error_envelope(*e);
    if (value && !value->is_string()) return error_envelope(fail(input_code::invalid_argument, "field 'value' must be a string or null"));
    token::redemption& r = state_->exchange->redemption();
    const bool failed = j->contains("error");
    std::optional<std::string> kept;
    if (value) kept = value->get<std::string>();
    if (r.step() == token::redemption_step::load_context) {
        if (failed) r.context_loaded(fail(token_code::store_unavailable, "the store could not load the context: " + why));
        else r.context_loaded(kept);
    } else {
        if (failed) r.marked(fail(token_code::store_unavailable, "the store could not mark the token: " + why));
        else if (!kept) r.marked(token::mark_answer{token::mark_outcome::fresh, std::nullopt});
        else r.marked(token::mark_answer{token::mark_outcome::replayed, std::move(kept)});
    }
    return state_->report();
}

}  // namespace handoffkit::json_api
