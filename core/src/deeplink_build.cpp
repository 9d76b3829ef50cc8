// Building Teams deep links. Each builder checks its inputs, then assembles the URL with
// Boost.URL from already-encoded pieces so the exact encoding is under our control.
#include <boost/url/encode.hpp>
#include <boost/url/parse.hpp>
#include <boost/url/grammar/lut_chars.hpp>
#include <boost/url/rfc/unreserved_chars.hpp>
#include <boost/url/url.hpp>
#include <nlohmann/json.hpp>

#include "handoffkit/deeplink.hpp"
#include "text_checks.hpp"

namespace handoffkit::deeplink {
namespace urls = boost::urls;
namespace {

// User ids keep `:` and `@` readable (28:<guid>, alice@contoso.com); everything else that is not
// unreserved is escaped, including the `,` that separates users.
constexpr urls::grammar::lut_chars user_chars = urls::unreserved_chars + ':' + '@';

std::string encode_value(std::string_view value) { return urls::encode(value, urls::unreserved_chars); }

std::string encode_users(const std::vector<std::string>& users) {
    std::string out;
    for (const std::string& user : users) {
        if (!out.empty()) out += ',';
        out += urls::encode(user, user_chars);
    }
    return out;
}

// A URL under the Teams host with the given already-encoded path segments.
urls::url teams_url(std::initializer_list<std::string_view> encoded_segments) {
    urls::url u;
    u.set_scheme_id(urls::scheme::https);
    u.set_encoded_host(default_host);
    u.set_path_absolute(true);
    for (std::string_view seg : encoded_segments) u.encoded_segments().push_back(seg);
    return u;
}

// Appends `key=<encoded>` when `encoded` is not empty (optional parameters are omitted).
void add_param(urls::url& u, std::string_view key, const std::string& encoded) {
    if (!encoded.empty()) u.encoded_params().append({key, encoded});
}

result<std::string> finish(const urls::url& u) {
    std::string s(u.buffer());
    if (s.size() > max_url_length)
        return fail("URL_TOO_LONG", "the link has " + std::to_string(s.size()) +
                                        " characters; Teams handles at most " + std::to_string(max_url_length));
    return s;
}

bool any_empty(const std::vector<std::string>& users) {
    for (const auto& u : users)
        if (u.empty()) return true;
    return false;
}

}  // namespace

result<std::string> normalize_bot_id(std::string_view bot_id) {
    const std::string_view bare = bot_id.substr(0, 3) == "28:" ? bot_id.substr(3) : bot_id;
    if (!detail::is_guid(bare))
        return fail("BOT_ID_INVALID", "bot id must be a GUID, optionally prefixed with 28:");
    return "28:" + std::string(bare);
}

result<std::string> build_handoff_link(const handoff_link_options& options) {
    auto bot = normalize_bot_id(options.bot_id);
    if (!bot) return bot.err();
    if (options.continuation.empty()) return fail("CONTINUATION_EMPTY", "continuation token is empty");
    auto u = teams_url({"l", "chat", "0", "0"});
    add_param(u, "users", urls::encode(*bot, user_chars));
    add_param(u, "continuation", encode_value(options.continuation));
    return finish(u);
}

result<std::string> build_chat_link(const chat_link_options& options) {
    if (options.users.empty() || any_empty(options.users))
        return fail("USERS_EMPTY", "a chat link needs at least one user and no empty user id");
    auto u = teams_url({"l", "chat", "0", "0"});
    add_param(u, "users", encode_users(options.users));
    add_param(u, "topicName", encode_value(options.topic_name));
    add_param(u, "message", encode_value(options.message));
    return finish(u);
}

result<std::string> build_call_link(const call_link_options& options) {
    if (options.users.empty() || any_empty(options.users))
        return fail("USERS_EMPTY", "a call link needs at least one user and no empty user id");
    auto u = teams_url({"l", "call", "0", "0"});
    add_param(u, "users", encode_users(options.users));
    if (options.with_video) add_param(u, "withVideo", "true");
    add_param(u, "source", encode_value(options.source));
    return finish(u);
}

result<std::string> build_meeting_link(const meeting_link_options& options) {
    for (const std::string* t : {&options.start_time, &options.end_time})
        if (!t->empty() && !detail::is_iso8601(*t))
            return fail("TIME_INVALID", "meeting times must be ISO 8601, e.g. 2026-11-22T10:00:00Z");
    if (any_empty(options.attendees)) return fail("USERS_EMPTY", "an attendee id is empty");
    auto u = teams_url({"l", "meeting", "new"});
    add_param(u, "subject", encode_value(options.subject));
    add_param(u, "startTime", encode_value(options.start_time));
    add_param(u, "endTime", encode_value(options.end_time));
    add_param(u, "content", encode_value(options.content));
    add_param(u, "attendees", encode_users(options.attendees));
    return finish(u);
}

result<std::string> build_app_link(const app_link_options& options) {
    if (!detail::is_guid(options.app_id)) return fail("APP_ID_INVALID", "app id must be a GUID");
    return finish(teams_url({"l", "app", options.app_id}));
}

result<std::string> build_entity_link(const entity_link_options& options) {
    if (!detail::is_guid(options.app_id)) return fail("APP_ID_INVALID", "app id must be a GUID");
    if (options.entity_id.empty()) return fail("ENTITY_ID_EMPTY", "entity id is empty");
    if (!options.web_url.empty()) {
        auto web = urls::parse_absolute_uri(options.web_url);
        if (!web || web->scheme_id() != urls::scheme::https || detail::looks_like_script(options.web_url))
            return fail("WEB_URL_INVALID", "webUrl must be an absolute https URL");
    }
    if (!options.context.empty()) {
        auto ctx = nlohmann::json::parse(options.context, nullptr, /*allow_exceptions=*/false);
        if (ctx.is_discarded() || !ctx.is_object())
            return fail("CONTEXT_INVALID", "context must be a JSON object, e.g. {\"subEntityId\":\"x\"}");
    }
    const std::string entity = encode_value(options.entity_id);
    auto u = teams_url({"l", "entity", options.app_id, entity});
    add_param(u, "webUrl", encode_value(options.web_url));
    add_param(u, "label", encode_value(options.label));
    add_param(u, "context", encode_value(options.context));
    return finish(u);
}

bool is_guid(std::string_view s) { return detail::is_guid(s); }

}  // namespace handoffkit::deeplink
