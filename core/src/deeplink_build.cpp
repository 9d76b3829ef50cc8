// Building Teams deep links. A small builder checks each value against the same content rules the
// validator applies (deeplink_checks.hpp), encodes it, and assembles the URL with Boost.URL from
// already-encoded pieces, so the exact encoding is under our control and a built link always
// validates cleanly.
#include <optional>

#include <boost/url/encode.hpp>
#include <boost/url/grammar/lut_chars.hpp>
#include <boost/url/parse.hpp>
#include <boost/url/rfc/unreserved_chars.hpp>
#include <boost/url/url.hpp>
#include "deeplink_checks.hpp"
#include "handoffkit/deeplink.hpp"
#include "json_fields.hpp"
#include "text_checks.hpp"

namespace handoffkit::deeplink {
namespace urls = boost::urls;
namespace {

// User ids keep `:` and `@` readable (28:<guid>, alice@contoso.com); everything else that is not
// unreserved is escaped, including the `,` that separates users.
constexpr urls::grammar::lut_chars user_chars = urls::unreserved_chars + ':' + '@';

class link_builder {
public:
    explicit link_builder(std::initializer_list<std::string_view> segments) {
        url_.set_scheme_id(urls::scheme::https);
        url_.set_encoded_host(default_host);
        url_.set_path_absolute(true);
        for (std::string_view seg : segments) url_.encoded_segments().push_back(seg);
    }

    /// A path segment holding a value (app id, entity id).
    link_builder& segment(std::string_view name, std::string_view value) {
        if (accept(name, value)) url_.encoded_segments().push_back(urls::encode(value, urls::unreserved_chars));
        return *this;
    }

    /// `key=value`, omitted when the value is empty (optional parameters).
    link_builder& param(std::string_view key, std::string_view value) {
        if (!value.empty() && accept(key, value))
            url_.encoded_params().append({key, urls::encode(value, urls::unreserved_chars)});
        return *this;
    }

    /// `key=a,b,c`, each id encoded on its own; omitted when there are none.
    link_builder& users(std::string_view key, const std::vector<std::string>& ids) {
        std::string joined;
        for (const std::string& id : ids) {
            if (!accept(key, id)) return *this;
            if (!joined.empty()) joined += ',';
            joined += urls::encode(id, user_chars);
        }
        if (!joined.empty()) url_.encoded_params().append({key, joined});
        return *this;
    }

    result<std::string> finish() const {
        if (error_) return *error_;
        std::string s(url_.buffer());
        if (s.size() > max_url_length)
            return fail(link_code::url_too_long, "the link has " + std::to_string(s.size()) +
                                            " characters; Teams handles at most " + std::to_string(max_url_length));
        return s;
    }

private:
    bool accept(std::string_view name, std::string_view value) {
        if (error_) return false;
        auto problems = detail::value_problems(name, value);
        if (!problems.empty()) error_ = std::move(problems.front());
        return !error_;
    }

    urls::url url_;
    std::optional<error> error_;
};

bool any_empty(const std::vector<std::string>& ids) {
    for (const auto& id : ids)
        if (id.empty()) return true;
    return false;
}

}  // namespace

result<std::string> normalize_bot_id(std::string_view bot_id) {
    const std::string_view bare = bot_id.substr(0, 3) == "28:" ? bot_id.substr(3) : bot_id;
    if (!handoffkit::detail::is_guid(bare))
        return fail(link_code::bot_id_invalid, "bot id must be a GUID, optionally prefixed with 28:");
    return "28:" + std::string(bare);
}

result<std::string> build_handoff_link(const handoff_link_options& options) {
    auto bot = normalize_bot_id(options.bot_id);
    if (!bot) return bot.err();
    if (options.continuation.empty()) return fail(link_code::continuation_empty, "continuation token is empty");
    return link_builder({"l", "chat", "0", "0"}).users("users", {*bot}).param("continuation", options.continuation).finish();
}

result<std::string> build_chat_link(const chat_link_options& options) {
    if (options.users.empty() || any_empty(options.users))
        return fail(link_code::users_empty, "a chat link needs at least one user and no empty user id");
    return link_builder({"l", "chat", "0", "0"})
        .users("users", options.users)
        .param("topicName", options.topic_name)
        .param("message", options.message)
        .finish();
}

result<std::string> build_call_link(const call_link_options& options) {
    if (options.users.empty() || any_empty(options.users))
        return fail(link_code::users_empty, "a call link needs at least one user and no empty user id");
    return link_builder({"l", "call", "0", "0"})
        .users("users", options.users)
        .param("withVideo", options.with_video ? "true" : "")
        .param("source", options.source)
        .finish();
}

result<std::string> build_meeting_link(const meeting_link_options& options) {
    for (const std::string* t : {&options.start_time, &options.end_time})
        if (!t->empty() && !handoffkit::detail::is_iso8601(*t))
            return fail(link_code::time_invalid, "meeting times must be ISO 8601, e.g. 2026-11-22T10:00:00Z");
    if (any_empty(options.attendees)) return fail(link_code::users_empty, "an attendee id is empty");
    return link_builder({"l", "meeting", "new"})
        .param("subject", options.subject)
        .param("startTime", options.start_time)
        .param("endTime", options.end_time)
        .param("content", options.content)
        .users("attendees", options.attendees)
        .finish();
}

result<std::string> build_app_link(const app_link_options& options) {
    if (!handoffkit::detail::is_guid(options.app_id)) return fail(link_code::app_id_invalid, "app id must be a GUID");
    return link_builder({"l", "app"}).segment("appId", options.app_id).finish();
}

result<std::string> build_entity_link(const entity_link_options& options) {
    if (!handoffkit::detail::is_guid(options.app_id)) return fail(link_code::app_id_invalid, "app id must be a GUID");
    if (options.entity_id.empty()) return fail(link_code::entity_id_empty, "entity id is empty");
    if (!options.web_url.empty()) {
        auto web = urls::parse_absolute_uri(options.web_url);
        if (!web || web->scheme_id() != urls::scheme::https || handoffkit::detail::looks_like_script(options.web_url))
            return fail(link_code::web_url_invalid, "webUrl must be an absolute https URL");
    }
    if (!options.context.empty() && !handoffkit::detail::is_json_object(options.context))
        return fail(link_code::context_invalid, "context must be a JSON object, e.g. {\"subEntityId\":\"x\"}");
    return link_builder({"l", "entity"})
        .segment("appId", options.app_id)
        .segment("entityId", options.entity_id)
        .param("webUrl", options.web_url)
        .param("label", options.label)
        .param("context", options.context)
        .finish();
}

bool is_guid(std::string_view s) { return handoffkit::detail::is_guid(s); }

}  // namespace handoffkit::deeplink
