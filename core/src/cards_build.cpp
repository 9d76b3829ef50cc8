// Building Adaptive Cards. Each builder assembles the JSON from its options, then runs the same
// walker validate() uses, for the target the card is built for, so a card handoffkit builds is
// always a card handoffkit accepts there; the first error (with its JSON pointer) becomes the
// build error. Warnings do not stop a build.
#include <algorithm>
#include <cctype>

#include "cards_detail.hpp"
#include "json_fields.hpp"
#include "text_checks.hpp"

namespace handoffkit::cards {
namespace {
using handoffkit::json;

constexpr const char* schema_url = "http://adaptivecards.io/schemas/adaptive-card.json";

std::optional<error> utf8_error(std::initializer_list<std::string_view> texts) {
    for (auto t : texts)
        if (!handoffkit::detail::is_valid_utf8(t)) return fail(input_code::invalid_utf8, "every text must be valid UTF-8");
    return std::nullopt;
}

std::optional<error> utf8_error(const open_url_action& a) {
    if (auto e = utf8_error({a.url, a.title, a.id, a.icon_url, a.style, a.fallback, a.tooltip, a.mode})) return e;
    for (const auto& [feature, version] : a.required_features)
        if (auto e = utf8_error({feature, version})) return e;
    return std::nullopt;
}

bool is_drop(std::string_view s) {
    return s.size() == 4 && std::equal(s.begin(), s.end(), "drop", [](char a, char b) {
               return std::tolower(static_cast<unsigned char>(a)) == b;
           });
}

// `fallback` is "drop" or the JSON text of an action; the walker checks the action itself.
result<json> fallback_json(const std::string& text) {
    if (text.empty()) return json();
    if (is_drop(text)) return json(text);
    const error invalid = fail(card_code::property_value_invalid, "'fallback' must be \"drop\" or the JSON text of an action object");
    json parsed;  // bounded size and nesting
    if (handoffkit::parse_json(text, parsed) != handoffkit::json_failure::none || !parsed.is_object()) return invalid;
    return parsed;
}

void put(json& j, const char* key, const std::string& value) {
    if (!value.empty()) j[key] = value;
}

// The action as given, unchecked (empty options omitted).
result<json> raw_action(const open_url_action& a) {
    if (auto e = utf8_error(a)) return *e;
    auto fallback = fallback_json(a.fallback);
    if (!fallback) return fallback.err();
    json j{{"type", "Action.OpenUrl"}};
    put(j, "url", a.url);
    put(j, "title", a.title);
    put(j, "id", a.id);
    put(j, "iconUrl", a.icon_url);
    put(j, "style", a.style);
    if (!fallback->is_null()) j["fallback"] = std::move(*fallback);
    for (const auto& [feature, version] : a.required_features) j["requires"][feature] = version;
    put(j, "tooltip", a.tooltip);
    if (a.is_enabled) j["isEnabled"] = *a.is_enabled;
    put(j, "mode", a.mode);
    return j;
}

validate_options for_target(card_version version, target host = target::bot) {
    validate_options o;
    o.version = version;
    o.host = host;
    return o;
}

}  // namespace

namespace detail {

result<json> open_url_action_json(const open_url_action& action, card_version version) {
    auto j = raw_action(action);
    if (!j) return j;
    if (auto e = first_error(check_action(*j, for_target(version)))) return *e;
    return j;
}

result<json> card_json(const card_options& options) {
    if (auto e = utf8_error({options.title, options.text})) return *e;
    json body = json::array();
    if (!options.title.empty())
        body.push_back({{"type", "TextBlock"}, {"text", options.title}, {"size", "Medium"}, {"weight", "Bolder"}, {"wrap", true}});
    if (!options.text.empty()) body.push_back({{"type", "TextBlock"}, {"text", options.text}, {"wrap", true}});
    json card{{"$schema", schema_url}, {"type", "AdaptiveCard"}, {"version", to_string(options.version)}, {"body", body}};
    if (!options.actions.empty()) {
        json actions = json::array();
        for (const auto& a : options.actions) {
            auto j = raw_action(a);
            if (!j) return j;
            actions.push_back(std::move(*j));
        }
        card["actions"] = std::move(actions);
    }
    if (auto e = first_error(check_card(card, for_target(options.version, options.host)))) return *e;
    return card;
}

result<json> handoff_card_json(const handoff_card_options& options) {
    auto link = deeplink::build_handoff_link({options.bot_id, options.continuation});
    if (!link) return link.err();
    if (options.button_title.empty()) return fail(card_code::property_missing, "the button needs a title");
    open_url_action button;
    button.url = *link;
    button.title = options.button_title;
    return card_json({options.version, options.host, options.title, options.text, {button}});
}

}  // namespace detail

result<std::string> build_open_url_action(const open_url_action& action, card_version version) {
    auto j = detail::open_url_action_json(action, version);
    if (!j) return j.err();
    return detail::canonical(*j);
}

result<std::string> build_card(const card_options& options) {
    auto j = detail::card_json(options);
    if (!j) return j.err();
    return detail::canonical(*j);
}

result<std::string> build_handoff_card(const handoff_card_options& options) {
    auto j = detail::handoff_card_json(options);
    if (!j) return j.err();
    return detail::canonical(*j);
}

}  // namespace handoffkit::cards
