// The handoff pipeline and the plugin side's create() (handoff.hpp).
#include "handoffkit/handoff.hpp"

#include <algorithm>
#include <utility>

#include "handoffkit/crypto.hpp"
#include "handoffkit/deeplink.hpp"
#include "documents.hpp"
#include "json_fields.hpp"

namespace handoffkit::handoff {
namespace {

using handoffkit::json;

std::string bare_bot_id(std::string_view id) {
    if (id.substr(0, invoke::bot_prefix.size()) == invoke::bot_prefix) id.remove_prefix(invoke::bot_prefix.size());
    return std::string(id);
}

std::string error_body(code c, std::string_view message) {
    return dump_json(json{{"error", {{"code", c}, {"message", message}}}});
}

std::string without_trailing_slash(std::string s) {
    while (!s.empty() && s.back() == '/') s.pop_back();
    return s;
}

// What the user is told about a refused token (answer_for's codes); never the token itself.
std::string_view message_of(code answer) {
    if (answer == token_code::store_unavailable) return "the token store cannot answer; retry later";
    const auto c = answer.as<handoff_code>();
    switch (c ? *c : handoff_code::redeem_failed) {
        case handoff_code::token_malformed: return "the continuation token is malformed";
        case handoff_code::token_bad_signature: return "the continuation token is not valid";
        case handoff_code::token_wrong_audience: return "the continuation token is for another bot";
        case handoff_code::token_wrong_user: return "the continuation token is for another user";
        case handoff_code::token_replayed: return "the continuation token was already used";
        case handoff_code::token_expired: return "the continuation token has expired";
        case handoff_code::token_context_not_found: return "the context of the continuation token is gone";
        // Not answers about a token (refuse() gives them with their own message).
        case handoff_code::ok:
        case handoff_code::not_invoke:
        case handoff_code::unknown_invoke:
        case handoff_code::activity_malformed:
        case handoff_code::activity_too_large:
        case handoff_code::auth_service_url_missing:
        case handoff_code::auth_service_url_mismatch:
        case handoff_code::auth_channel_not_endorsed:
        case handoff_code::continuation_missing:
        case handoff_code::continuation_too_long:
        case handoff_code::wrong_recipient:
        case handoff_code::service_url_invalid:
        case handoff_code::service_url_not_allowed:
        case handoff_code::redeem_failed: break;
    }
    return "the continuation token could not be redeemed";
}

// ---- texts --------------------------------------------------------------------------------

texts builtin_texts() {
    return {{"Continuing conversation from Copilot\xE2\x80\xA6"},
            {"You're all set: the conversation continues here."},
            {"This handoff link can't be used any more. Please start a new conversation with me, or go back to "
             "Copilot and try the handoff again."},
            {"This handoff link can't be used any more. Please start a new conversation with me, or go back to "
             "Copilot and try the handoff again."}};
}

std::string lower(std::string_view s) {
    std::string out(s);
    for (char& c : out) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
    return out;
}

// A BCP 47 tag as Bot Framework activities carry it (en, en-US, zh-Hant-TW): letters, digits, '-'.
bool is_locale_tag(std::string_view tag) {
    if (tag.empty() || tag.size() > 35 || tag.front() == '-' || tag.back() == '-') return false;
    for (char c : tag)
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-')) return false;
    return tag.find("--") == std::string_view::npos;
}

constexpr std::size_t max_text_length = 2000;

// `{name}` members of the context, each a string or a number; false when one is missing.
bool fill(std::string_view text, const json& context, std::string& out) {
    out.clear();
    for (std::size_t i = 0; i < text.size();) {
        const auto open = text.find('{', i);
        const auto close = open == std::string_view::npos ? open : text.find('}', open + 1);
        if (close == std::string_view::npos) {
            out.append(text.substr(i));
            break;
        }
        const std::string_view name = text.substr(open + 1, close - open - 1);
        bool is_name = !name.empty();
        for (char c : name)
            is_name = is_name && ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_');
        out.append(text.substr(i, open - i));
        if (!is_name) {
            out += '{';
            i = open + 1;
            continue;
        }
        const auto member = context.is_object() ? context.find(name) : context.end();
        if (!context.is_object() || member == context.end()) return false;
        if (member->is_string()) out += member->get_ref<const std::string&>();
        else if (member->is_number()) out += member->dump();
        else return false;
        i = close + 1;
    }
    return true;
}

// The first alternative whose names the context all has (the last one when none).
std::string pick(const std::vector<std::string>& alternatives, const std::optional<std::string>& context) {
    const json ctx = context ? handoffkit::detail::trusted_document(*context) : json();
    std::string out;
    for (const auto& text : alternatives)
        if (fill(text, ctx, out)) return out;
    return alternatives.back();
}

const texts& texts_for(const config& c, std::string_view locale) {
    static const messages builtin;
    return (c.texts ? *c.texts : builtin).for_locale(locale);
}

// One kind of text from a messages file: a string or a non-empty array of strings.
std::optional<error> read_text(const json& value, const std::string& pointer, std::vector<std::string>& out) {
    auto invalid = [&](const std::string& why) {
        error e = fail(input_code::messages_invalid, pointer + ": " + why);
        e.field = pointer;
        return e;
    };
    std::vector<std::string> texts;
    if (value.is_string()) texts.push_back(value.get_ref<const std::string&>());
    else if (value.is_array() && !value.empty())
        for (const auto& item : value) {
            if (!item.is_string()) return invalid("each alternative must be a string");
            texts.push_back(item.get_ref<const std::string&>());
        }
    else return invalid("must be a string or a non-empty array of strings");
    for (const auto& t : texts)
        if (t.empty() || t.size() > max_text_length) return invalid("a text must be 1-2000 bytes");
    out = std::move(texts);
    return std::nullopt;
}

}  // namespace

// ---- create -------------------------------------------------------------------------------

result<created> create(const create_options& o, const token::key_set& keys) {
    auto bot = deeplink::normalize_bot_id(o.bot_id);
    if (!bot) return bot.err();
    token::issue_request request;
    request.audience = *bot;
    request.subject = o.user;
    request.issuer = o.issuer;
    request.now = o.now;
    request.ttl = o.ttl;
    request.random = o.random;
    request.context = o.context;
    request.reference = o.reference;
    auto issued = token::issue_for_store(request, keys);
    if (!issued) return issued.err();
    auto link = deeplink::build_handoff_link({*bot, issued->token});
    if (!link) return link.err();
    cards::handoff_card_options card{*bot, issued->token, o.title, o.text, o.button_title, o.version};
    auto built = cards::build_handoff_card(card);
    if (!built) return built.err();
    created out;
    out.stored_context = issued->stored_context;
    out.keep_until = issued->expires_at + token::max_leeway;
    out.token = std::move(issued).value();
    out.link = std::move(link).value();
    out.card = std::move(built).value();
    return out;
}

result<created> create(const create_options& o, const token::key_set& keys, token::replay_guard& store) {
    auto made = create(o, keys);
    if (!made || !made->stored_context) return made;
    auto saved = store.save_context(made->token.jti, *made->stored_context, made->keep_until, o.now);
    if (!saved) return saved.err();
    return made;
}

// ---- messages -----------------------------------------------------------------------------

messages::messages() { by_locale_.emplace("en", builtin_texts()); }

result<messages> messages::parse(std::string_view json_text) {
    auto invalid = [](const std::string& pointer, const std::string& why) {
        error e = fail(input_code::messages_invalid, (pointer.empty() ? std::string("the messages") : pointer) + ": " + why);
        e.field = pointer;
        return e;
    };
    json doc;
    if (const auto why = parse_json(json_text, doc); why != json_failure::none)
        return invalid("", json_failure_message(why, "the text"));
    if (!doc.is_object()) return invalid("", "must be an object of locales");
    // "en" first: every other locale falls back to it for the texts it leaves out.
    messages out;
    std::vector<std::string> order;
    if (doc.contains("en")) order.push_back("en");
    for (const auto& item : doc.items())
        if (item.key() != "en") order.push_back(item.key());
    for (const auto& tag : order) {
        const std::string pointer = "/" + tag;
        if (!is_locale_tag(tag)) return invalid(pointer, "'" + tag + "' is not a locale tag (e.g. en, de-DE)");
        const json& entry = *doc.find(tag);
        if (!entry.is_object()) return invalid(pointer, "must be an object");
        texts t = out.for_locale(tag);  // what it leaves out: its language's, then English
        const std::pair<const char*, std::vector<std::string>*> kinds[] = {
            {"continuing", &t.continuing}, {"result", &t.result}, {"replayed", &t.replayed}, {"expired", &t.expired}};
        for (const auto& member : entry.items()) {
            bool known = false;
            for (const auto& [name, slot] : kinds) {
                if (member.key() != name) continue;
                known = true;
                if (auto e = read_text(member.value(), pointer + "/" + name, *slot)) return *e;
            }
            if (!known)
                return invalid(pointer + "/" + member.key(),
                               "unknown text (continuing, result, replayed or expired)");
        }
        out.by_locale_.insert_or_assign(lower(tag), std::move(t));
    }
    return out;
}

const texts& messages::for_locale(std::string_view locale) const {
    const std::string tag = lower(locale);
    if (auto it = by_locale_.find(tag); it != by_locale_.end()) return it->second;
    if (auto dash = tag.find('-'); dash != std::string::npos)
        if (auto it = by_locale_.find(std::string_view(tag).substr(0, dash)); it != by_locale_.end()) return it->second;
    return by_locale_.find("en")->second;
}

// ---- the pipeline -------------------------------------------------------------------------

std::string delivery_signature(std::string_view body, std::string_view key) {
    return "sha256=" + crypto::to_hex(crypto::to_bytes(crypto::hmac_sha256(key, body)));
}

bool verify_delivery(std::string_view body, std::string_view signature, std::string_view key) {
    if (key.empty()) return false;
    return crypto::constant_time_equal(delivery_signature(body, key), signature);
}

std::optional<error> check_config(const config& c) {
    auto invalid = [](const char* why) { return fail(input_code::invalid_argument, why); };
    if (!deeplink::is_guid(bare_bot_id(c.bot_id))) return invalid("the bot id must be a GUID or 28:<GUID>");
    if (!c.keys) return invalid("the pipeline needs the token keys");
    if (c.issuer.empty() || c.issuer.size() > token::max_claim_length) return invalid("the issuer must be 1-64 bytes");
    if (c.leeway < 0 || c.leeway > token::max_leeway) return invalid("leeway must be 0-300 seconds");
    if (c.max_lifetime < 1 || c.max_lifetime > token::max_lifetime_limit)
        return invalid("maxLifetime must be 1-2592000 seconds");
    return std::nullopt;
}

// Exhaustive switches without a default (core builds with -Werror=switch): a code added to an
// area does not compile until it has a status. The return after each switch is never reached.
int status_of(handoff_code c) {
    switch (c) {
        case handoff_code::ok:
        case handoff_code::not_invoke: return 200;  // not an invoke: the app's to answer
        case handoff_code::activity_malformed:
        case handoff_code::continuation_missing:
        case handoff_code::continuation_too_long:
        case handoff_code::wrong_recipient:
        case handoff_code::service_url_invalid:
        case handoff_code::token_malformed: return 400;
        case handoff_code::auth_service_url_missing:
        case handoff_code::auth_service_url_mismatch:
        case handoff_code::token_bad_signature:
        case handoff_code::token_wrong_audience: return 401;
        case handoff_code::auth_channel_not_endorsed:
        case handoff_code::service_url_not_allowed:
        case handoff_code::token_wrong_user: return 403;
        case handoff_code::token_replayed: return 409;
        case handoff_code::token_expired:
        case handoff_code::token_context_not_found: return 410;  // gone: start a new conversation
        case handoff_code::activity_too_large: return 413;
        case handoff_code::redeem_failed: return 500;
        case handoff_code::unknown_invoke: return 501;
    }
    return 500;
}

answer answer_for(token_code c) {
    const auto as = [](handoff_code h) { return answer{status_of(h), h}; };
    switch (c) {
        case token_code::token_too_long:
        case token_code::malformed: return as(handoff_code::token_malformed);
        // One answer for every token that is not ours or not usable: a prober learns nothing more.
        case token_code::unsupported_alg:
        case token_code::unsupported_type:
        case token_code::unsupported_header:
        case token_code::unknown_key:
        case token_code::bad_signature:
        case token_code::not_yet_valid:
        case token_code::lifetime_too_long:
        case token_code::wrong_issuer: return as(handoff_code::token_bad_signature);
        case token_code::wrong_audience: return as(handoff_code::token_wrong_audience);
        case token_code::wrong_user: return as(handoff_code::token_wrong_user);
        case token_code::expired: return as(handoff_code::token_expired);
        case token_code::context_not_found: return as(handoff_code::token_context_not_found);
        case token_code::replayed: return as(handoff_code::token_replayed);
        case token_code::store_unavailable: return {503, c};  // nothing consumed: the user may retry
        // Issuing and key-set codes: verification never gives them.
        case token_code::context_invalid:
        case token_code::context_too_large:
        case token_code::keys_invalid:
        case token_code::key_too_short: return as(handoff_code::redeem_failed);
    }
    return as(handoff_code::redeem_failed);
}

answer answer_for_token_error(const code& c) {
    if (const auto t = c.as<token_code>()) return answer_for(*t);
    // INVALID_ARGUMENT: the endpoint's own verify options (now, leeway, ...) are out of range.
    return {status_of(handoff_code::redeem_failed), handoff_code::redeem_failed};
}

namespace {

json handoff_document(std::string_view jti, const std::optional<std::string>& ctx, const invoke::activity& a,
                      std::int64_t redeemed_at) {
    json context;  // null
    if (ctx) context = handoffkit::detail::trusted_document(*ctx);
    return json{{"type", "handoff"},
             {"jti", jti},
             {"redeemedAt", redeemed_at},
             {"context", std::move(context)},
             {"activityId", a.id},
             {"channelId", a.channel_id},
             {"locale", a.locale},
             {"bot", {{"id", a.recipient.id}, {"name", a.recipient.name}}},
             {"user", {{"id", a.from.id}, {"aadObjectId", a.from.aad_object_id}, {"name", a.from.name}}},
             {"conversation",
              {{"id", a.conversation_id},
               {"conversationType", a.conversation_type},
               {"tenantId", a.tenant_id},
               {"serviceUrl", a.service_url}}}};
}

}  // namespace

std::string handoff_json(const token::verified_token& t, const invoke::activity& a, std::int64_t redeemed_at) {
    return dump_json(handoff_document(t.jti, t.context, a, redeemed_at));
}

std::string handoff_json(const outcome& o) { return dump_json(handoffkit::detail::handoff_document(o)); }

}  // namespace handoffkit::handoff

namespace handoffkit::detail {

json trusted_document(std::string_view text) {
    json out;
    if (parse_json(text, out) != json_failure::none) return json();
    return out;
}

}  // namespace handoffkit::detail

namespace handoffkit::handoff {

exchange::exchange(std::string_view activity_json, const config& c, const inbound& auth, std::int64_t now)
    : config_(c), now_(now) {
    begin(activity_json, auth);
}

void exchange::begin(std::string_view activity_json, const inbound& auth) {
    const std::int64_t now = now_;
    auto parsed = invoke::parse_activity(activity_json);
    if (!parsed) return refuse(parsed.err());
    outcome_.activity = std::move(parsed).value();
    const invoke::activity& a = outcome_.activity;
    // The Bot Connector's token names the serviceUrl it may be answered on: a request that does
    // not say which, or names another, could point our authenticated replies anywhere.
    if (auth.authenticated && (!auth.service_url || auth.service_url->empty()))
        return refuse(fail(handoff_code::auth_service_url_missing, "the request's token names no serviceurl"));
    if (auth.authenticated && without_trailing_slash(*auth.service_url) != without_trailing_slash(a.service_url))
        return refuse(fail(handoff_code::auth_service_url_mismatch, "serviceUrl does not match the token"));
    // Bot Connector authentication: "If the endorsement is not present, your bot should reject
    // the request" (403).
    if (auth.authenticated && auth.endorsements &&
        std::find(auth.endorsements->begin(), auth.endorsements->end(), a.channel_id) == auth.endorsements->end())
        return refuse(fail(handoff_code::auth_channel_not_endorsed, "the token's key is not endorsed for this channel"));
    const std::string bot = bare_bot_id(config_.bot_id);
    auto handoff = invoke::read_handoff(a, {bot});
    if (!handoff) return refuse(handoff.err());
    // Follow-ups go to the serviceUrl: one they may not go to is refused before anything is
    // redeemed, so the token stays usable from a legitimate conversation.
    if (config_.service_urls) {
        auto target = service_url::check(a.service_url, *config_.service_urls);
        if (!target) return refuse(target.err());
        outcome_.followups_go = target->send;
    }
    if (auto e = check_config(config_)) return refuse_token(*e);
    token::verify_options options;
    options.audience = std::string(invoke::bot_prefix) + bot;
    if (!a.from.aad_object_id.empty()) options.user = a.from.aad_object_id;
    options.issuer = config_.issuer;
    options.now = now;
    options.leeway = config_.leeway;
    options.max_lifetime = config_.max_lifetime;
    auto verified = token::verify(handoff->request.continuation, *config_.keys, options);
    if (!verified) return refuse_token(verified.err());
    outcome_.jti = verified->jti;
    token::delivery_builder delivery;
    if (config_.deliver)
        delivery = [this](const token::verified_token& t) { return handoff_json(t, outcome_.activity, now_); };
    redemption_.emplace(std::move(verified).value(), token::presenter{a.conversation_id, a.id}, now,
                        std::move(delivery));
}

bool exchange::finished() const { return decided_ || redemption_->finished(); }

outcome exchange::take_outcome() {
    if (!decided_) finish_redemption();
    return std::move(outcome_);
}

void exchange::refuse(const error& e) {
    decided_ = true;
    // The activity and serviceUrl checks and the inbound binding fail with handoff codes only.
    const handoff_code c = e.code.as<handoff_code>().value_or(handoff_code::redeem_failed);
    outcome_.code = c;
    outcome_.status = status_of(c);
    outcome_.for_the_app = c == handoff_code::not_invoke || c == handoff_code::unknown_invoke;
    if (outcome_.status != 200) outcome_.body = error_body(c, e.message);
}

void exchange::refuse_token(const error& e) {
    decided_ = true;
    const answer answer = answer_for_token_error(e.code);
    outcome_.status = answer.status;
    outcome_.code = answer.code;
    outcome_.body = error_body(answer.code, message_of(answer.code));
    // A link that can no longer work: tell the user what to do instead, as the seed asks.
    const texts& t = texts_for(config_, outcome_.activity.locale);
    const std::vector<std::string>* say = nullptr;
    if (answer.code == handoff_code::token_replayed) say = &t.replayed;
    if (answer.code == handoff_code::token_expired || answer.code == handoff_code::token_context_not_found)
        say = &t.expired;
    if (say) outcome_.followups.push_back({"message", pick(*say, std::nullopt)});
}

void exchange::finish_redemption() {
    decided_ = true;
    token::redemption& r = *redemption_;
    if (r.step() == token::redemption_step::failed) return refuse_token(r.failure());
    outcome_.status = 200;
    outcome_.code = handoff_code::ok;
    outcome_.redeemed = true;
    outcome_.redeemed_at = now_;
    outcome_.context = r.token().context;
    if (r.step() == token::redemption_step::retried) {
        outcome_.retry = true;  // the first delivery told the user and the app already
        return;
    }
    const texts& t = texts_for(config_, outcome_.activity.locale);
    outcome_.followups = {{"message", pick(t.continuing, outcome_.context)},
                          {"typing", ""},
                          {"message", pick(t.result, outcome_.context)}};
}

std::vector<std::string> followup_activities(const outcome& o) {
    std::vector<std::string> out;
    for (const auto& f : o.followups) out.push_back(invoke::followup_json(f, o.activity));
    return out;
}

outcome handle(std::string_view activity_json, const config& c, const inbound& auth, token::replay_guard& store,
               std::int64_t now) {
    exchange x(activity_json, c, auth, now);
    if (!x.finished()) token::drive(x.redemption(), store);
    return x.take_outcome();
}

}  // namespace handoffkit::handoff

namespace handoffkit::detail {

json handoff_document(const handoff::outcome& o) {
    return handoff::handoff_document(o.jti, o.context, o.activity, o.redeemed_at);
}

}  // namespace handoffkit::detail
