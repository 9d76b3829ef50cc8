// JSON face of deeplink.hpp (see json_api.hpp for the envelope contract).
#include "handoffkit/deeplink.hpp"
#include "handoffkit/json_api.hpp"
#include "json_fields.hpp"

namespace handoffkit::json_api {
namespace dl = handoffkit::deeplink;
using handoffkit::json;
using detail::error_envelope;
using detail::field_reader;
using detail::ok_envelope;

namespace {

std::string envelope(const result<std::string>& link) {
    return link ? ok_envelope(*link) : error_envelope(link.err());
}

// Reads the options of `kind` from `j` and builds that link.
result<std::string> build_kind(const std::string& kind, const json& j) {
    field_reader r(j);
    r.known("kind");
    auto done = [&](auto&& build) -> result<std::string> {
        if (auto e = r.finish()) return *e;
        return build();
    };
    if (kind == "handoff") {
        dl::handoff_link_options o;
        r.string("botId", o.bot_id).string("continuation", o.continuation);
        return done([&] { return dl::build_handoff_link(o); });
    }
    if (kind == "chat") {
        dl::chat_link_options o;
        r.strings("users", o.users).string("topicName", o.topic_name).string("message", o.message);
        return done([&] { return dl::build_chat_link(o); });
    }
    if (kind == "call") {
        dl::call_link_options o;
        r.strings("users", o.users).boolean("withVideo", o.with_video).string("source", o.source);
        return done([&] { return dl::build_call_link(o); });
    }
    if (kind == "meeting") {
        dl::meeting_link_options o;
        r.string("subject", o.subject).string("startTime", o.start_time).string("endTime", o.end_time);
        r.string("content", o.content).strings("attendees", o.attendees);
        return done([&] { return dl::build_meeting_link(o); });
    }
    if (kind == "app") {
        dl::app_link_options o;
        r.string("appId", o.app_id);
        return done([&] { return dl::build_app_link(o); });
    }
    if (kind == "entity") {
        dl::entity_link_options o;
        r.string("appId", o.app_id).string("entityId", o.entity_id).string("webUrl", o.web_url);
        r.string("label", o.label).text_or_json("context", o.context);
        return done([&] { return dl::build_entity_link(o); });
    }
    return fail(input_code::invalid_argument, "field 'kind' must be one of handoff, chat, call, meeting, app, entity");
}

json report_json(const dl::link_report& report) {
    json params = json::object();
    for (const auto& [k, v] : report.params)
        if (!params.contains(k)) params[k] = v;  // first occurrence; duplicates are reported
    json problems = json::array();
    for (const auto& p : report.problems)
        problems.push_back({{"code", p.code}, {"severity", dl::to_string(p.level)}, {"message", p.message}});
    return {{"valid", report.valid}, {"kind", report.kind}, {"params", params}, {"problems", problems}};
}

}  // namespace

std::string build_handoff_link(std::string_view request) {
    auto j = detail::parse_object(request, "request");
    if (!j) return error_envelope(j.err());
    return envelope(build_kind("handoff", *j));
}

std::string build_deep_link(std::string_view request) {
    auto j = detail::parse_object(request, "request");
    if (!j) return error_envelope(j.err());
    const json* kind = detail::member(*j, "kind");
    if (!kind || !kind->is_string()) return error_envelope(fail(input_code::invalid_argument, "field 'kind' must be a string"));
    return envelope(build_kind(kind->get_ref<const std::string&>(), *j));
}

std::string validate_deep_link(std::string_view url, std::string_view options) {
    auto j = detail::parse_object(options, "options");
    if (!j) return error_envelope(j.err());
    dl::validate_options o;
    field_reader r(*j);
    r.strings("allowedHosts", o.allowed_hosts).string("expectKind", o.expect_kind);
    if (auto e = r.finish()) return error_envelope(*e);
    return ok_envelope(report_json(dl::validate(url, o)));
}

}  // namespace handoffkit::json_api
