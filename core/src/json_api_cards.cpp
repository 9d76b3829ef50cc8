// JSON face of cards.hpp (see json_api.hpp for the envelope contract).
#include "handoffkit/cards.hpp"
#include "handoffkit/json_api_cards.hpp"
#include "cards_detail.hpp"
#include "json_fields.hpp"
#include "text_checks.hpp"

namespace handoffkit::json_api {
namespace cards = handoffkit::cards;
using detail::error_envelope;
using detail::field_reader;
using detail::ok_envelope;
using handoffkit::json;

namespace {

// Requests are read with parse_object, whose nesting limit is the cards' own, so a hostile
// `fallback` cannot recurse deeply.
static_assert(handoffkit::max_json_depth == static_cast<std::size_t>(cards::max_json_depth));

std::optional<error> read_version(const json& j, cards::card_version& out) {
    const json* it = detail::member(j, "version");
    if (!it) return std::nullopt;
    if (!it->is_string()) return fail(input_code::invalid_argument, "field 'version' must be a string");
    auto v = cards::parse_version(it->get_ref<const std::string&>());
    if (!v) return v.err();
    out = *v;
    return std::nullopt;
}

std::optional<error> read_requires(const json& j, std::map<std::string, std::string>& out) {
    const json* it = detail::member(j, "requires");
    if (!it) return std::nullopt;
    const error wrong = fail(input_code::invalid_argument, "field 'requires' must be an object of strings");
    if (!it->is_object()) return wrong;
    for (const auto& item : it->items()) {
        if (!item.value().is_string()) return wrong;
        out[item.key()] = item.value().get_ref<const std::string&>();
    }
    return std::nullopt;
}

std::optional<error> read_is_enabled(const json& j, std::optional<bool>& out) {
    const json* it = detail::member(j, "isEnabled");
    if (!it) return std::nullopt;
    if (!it->is_boolean()) return fail(input_code::invalid_argument, "field 'isEnabled' must be a boolean");
    out = it->get<bool>();
    return std::nullopt;
}

// The action fields; `r` may already know other fields of the same object (e.g. "version").
std::optional<error> read_action(const json& j, field_reader& r, cards::open_url_action& a) {
    r.string("url", a.url).string("title", a.title).string("id", a.id).string("iconUrl", a.icon_url);
    r.string("style", a.style).text_or_json("fallback", a.fallback).string("tooltip", a.tooltip).string("mode", a.mode);
    r.known("requires").known("isEnabled");
    if (auto e = r.finish()) return e;
    if (auto e = read_requires(j, a.required_features)) return e;
    return read_is_enabled(j, a.is_enabled);
}

std::optional<error> read_actions(const json& j, std::vector<cards::open_url_action>& out) {
    const json* it = detail::member(j, "actions");
    if (!it) return std::nullopt;
    if (!it->is_array()) return fail(input_code::invalid_argument, "field 'actions' must be an array of objects");
    for (std::size_t i = 0; i < it->size(); ++i) {
        const json& item = (*it)[i];
        const std::string where = "actions[" + std::to_string(i) + "]: ";
        if (!item.is_object()) return fail(input_code::invalid_argument, where + "must be an object");
        field_reader r(item);
        cards::open_url_action a;
        if (auto e = read_action(item, r, a)) return fail(e->code, where + e->message);
        out.push_back(std::move(a));
    }
    return std::nullopt;
}

std::optional<error> read_target(const json& j, cards::target& out) {
    auto it = j.find("target");
    if (it == j.end() || it->is_null()) return std::nullopt;
    if (!it->is_string()) return fail(input_code::invalid_argument, "field 'target' must be a string");
    auto t = cards::parse_target(it->get_ref<const std::string&>());
    if (!t) return fail(t.err().code, "field 'target': " + t.err().message);
    out = *t;
    return std::nullopt;
}

std::string envelope(const result<json>& value) { return value ? ok_envelope(*value) : error_envelope(value.err()); }

json report_json(const cards::card_report& report) {
    json problems = json::array();
    for (const auto& p : report.problems)
        problems.push_back({{"code", p.code}, {"severity", cards::to_string(p.level)}, {"message", p.message}, {"path", p.path}});
    return {{"valid", report.valid}, {"problems", problems}};
}

}  // namespace

std::string build_open_url_action(std::string_view request) {
    auto j = detail::parse_object(request, "request");
    if (!j) return error_envelope(j.err());
    cards::card_version version = cards::default_version;
    cards::open_url_action a;
    field_reader r(*j);
    r.known("version");
    if (auto e = read_action(*j, r, a)) return error_envelope(*e);
    if (auto e = read_version(*j, version)) return error_envelope(*e);
    return envelope(cards::detail::open_url_action_json(a, version));
}

std::string build_card(std::string_view request) {
    auto j = detail::parse_object(request, "request");
    if (!j) return error_envelope(j.err());
    cards::card_options o;
    field_reader r(*j);
    r.string("title", o.title).string("text", o.text).known("actions").known("version").known("target");
    if (auto e = r.finish()) return error_envelope(*e);
    if (auto e = read_version(*j, o.version)) return error_envelope(*e);
    if (auto e = read_target(*j, o.host)) return error_envelope(*e);
    if (auto e = read_actions(*j, o.actions)) return error_envelope(*e);
    return envelope(cards::detail::card_json(o));
}

std::string build_handoff_card(std::string_view request) {
    auto j = detail::parse_object(request, "request");
    if (!j) return error_envelope(j.err());
    cards::handoff_card_options o;
    field_reader r(*j);
    r.string("botId", o.bot_id).string("continuation", o.continuation).string("title", o.title);
    r.string("text", o.text).string("buttonTitle", o.button_title).known("version").known("target");
    if (auto e = r.finish()) return error_envelope(*e);
    if (auto e = read_version(*j, o.version)) return error_envelope(*e);
    if (auto e = read_target(*j, o.host)) return error_envelope(*e);
    return envelope(cards::detail::handoff_card_json(o));
}

std::string validate_card(std::string_view card, std::string_view options) {
    auto j = detail::parse_object(options, "options");
    if (!j) return error_envelope(j.err());
    cards::validate_options o;
    field_reader r(*j);
    r.strings("allowedSchemes", o.allowed_schemes).known("version").known("target");
    if (auto e = r.finish()) return error_envelope(*e);
    if (auto e = read_version(*j, o.version)) return error_envelope(*e);
    if (auto e = read_target(*j, o.host)) return error_envelope(*e);
    return ok_envelope(report_json(cards::validate(card, o)));
}

}  // namespace handoffkit::json_api
