// Validating Adaptive Cards: a depth-first walk over the parsed card that checks every element
// and action against a table of the versions that introduced each type and property, plus the
// URL policy and the Teams limits. Every check appends a problem with a JSON pointer; nothing
// stops early except input that cannot be parsed, so a report lists every problem at once.
#include <algorithm>
#include <cctype>
#include <set>

#include <boost/url/parse.hpp>
#include <boost/url/url_view.hpp>

#include "cards_detail.hpp"
#include "json_fields.hpp"
#include "text_checks.hpp"

namespace handoffkit::cards {
namespace {
using handoffkit::json;
using V = card_version;

struct versioned {
    std::string_view name;
    V since;
};

struct type_info {
    std::string_view name;
    V since;
    std::vector<versioned> properties;  // type-specific properties newer than 1.0 (and required ones)
    std::vector<std::string_view> required;
};

// Extendable.Action (+ Extendable.Item's `requires`), schema 1.5/1.6.
const std::vector<versioned> action_properties{
    {"title", V::v1_0},    {"id", V::v1_0},      {"iconUrl", V::v1_1},   {"style", V::v1_2}, {"fallback", V::v1_2},
    {"requires", V::v1_2}, {"tooltip", V::v1_5}, {"isEnabled", V::v1_5}, {"mode", V::v1_5},
};

const std::vector<type_info> action_types{
    {"Action.OpenUrl", V::v1_0, {}, {"url"}},
    {"Action.Submit", V::v1_0, {{"associatedInputs", V::v1_3}}, {}},
    {"Action.ShowCard", V::v1_0, {}, {}},
    {"Action.ToggleVisibility", V::v1_2, {}, {"targetElements"}},
    {"Action.Execute", V::v1_4, {}, {}},
};

// Extendable.Element: what every element (and Column) may carry.
const std::vector<versioned> element_properties{
    {"id", V::v1_0},        {"spacing", V::v1_0},  {"separator", V::v1_0}, {"height", V::v1_1},
    {"isVisible", V::v1_2}, {"requires", V::v1_2}, {"fallback", V::v1_2},
};

const std::vector<versioned> container_properties{
    {"selectAction", V::v1_1},    {"verticalContentAlignment", V::v1_1}, {"bleed", V::v1_2},
    {"backgroundImage", V::v1_2}, {"minHeight", V::v1_2},                {"rtl", V::v1_5},
};

const std::vector<versioned> input_properties{{"label", V::v1_3}, {"isRequired", V::v1_3}, {"errorMessage", V::v1_3}};

std::vector<versioned> plus(std::vector<versioned> a, const std::vector<versioned>& b) {
    a.insert(a.end(), b.begin(), b.end());
    return a;
}

const std::vector<type_info> element_types{
    {"TextBlock", V::v1_0, {{"fontType", V::v1_2}, {"style", V::v1_5}}, {"text"}},
    {"Image", V::v1_0, {{"selectAction", V::v1_1}, {"backgroundColor", V::v1_1}, {"width", V::v1_1}}, {"url"}},
    {"Container", V::v1_0, container_properties, {"items"}},
    {"ColumnSet", V::v1_0, {{"selectAction", V::v1_1}, {"style", V::v1_2}, {"bleed", V::v1_2}, {"minHeight", V::v1_2}}, {}},
    {"Column", V::v1_0, container_properties, {}},
    {"FactSet", V::v1_0, {}, {"facts"}},
    {"ImageSet", V::v1_0, {}, {"images"}},
    {"Media", V::v1_1, {}, {"sources"}},
    {"ActionSet", V::v1_2, {}, {"actions"}},
    {"RichTextBlock", V::v1_2, {}, {"inlines"}},
    {"Table", V::v1_5, {}, {}},
    {"Input.Text", V::v1_0, plus(input_properties, {{"inlineAction", V::v1_2}, {"regex", V::v1_3}}), {"id"}},
    {"Input.Number", V::v1_0, input_properties, {"id"}},
    {"Input.Date", V::v1_0, input_properties, {"id"}},
    {"Input.Time", V::v1_0, input_properties, {"id"}},
    {"Input.Toggle", V::v1_0, plus(input_properties, {{"wrap", V::v1_2}}), {"id", "title"}},
    {"Input.ChoiceSet", V::v1_0, plus(input_properties, {{"wrap", V::v1_2}}), {"id"}},
};

const std::vector<versioned> card_properties{
    {"selectAction", V::v1_1}, {"verticalContentAlignment", V::v1_1}, {"backgroundImage", V::v1_2},
    {"minHeight", V::v1_2},    {"refresh", V::v1_4},                  {"authentication", V::v1_4},
    {"rtl", V::v1_5},
};

const type_info* find_type(const std::vector<type_info>& types, std::string_view name) {
    for (const auto& t : types)
        if (t.name == name) return &t;
    return nullptr;
}

bool iequal(std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
           });
}

// Schema enums match case-insensitively (the schema's own patterns say so).
bool one_of(std::string_view value, std::initializer_list<std::string_view> allowed) {
    return std::any_of(allowed.begin(), allowed.end(), [&](std::string_view a) { return iequal(a, value); });
}

// RFC 6901: `~` -> `~0`, `/` -> `~1`.
std::string child(const std::string& path, std::string_view key) {
    std::string out = path + "/";
    for (char c : key) out += c == '~' ? std::string("~0") : c == '/' ? std::string("~1") : std::string(1, c);
    return out;
}
std::string child(const std::string& path, std::size_t index) { return path + "/" + std::to_string(index); }

const json* member(const json& object, std::string_view key) {
    auto it = object.find(key);
    return it == object.end() || it->is_null() ? nullptr : &*it;
}

// The scheme as a browser would read it: lower case, whitespace and controls dropped.
std::string scheme_of(std::string_view url) {
    std::string scheme;
    for (char c : url) {
        const auto u = static_cast<unsigned char>(c);
        if (u <= 0x20) continue;
        if (c == ':') return scheme;
        if (!std::isalnum(u) && c != '+' && c != '-' && c != '.') return "";
        scheme += static_cast<char>(std::tolower(u));
    }
    return "";
}

enum class url_kind { open, image };

class walker {
public:
    explicit walker(const validate_options& options) : options_(options) {}

    void declare(V version) { declared_ = version; }
    std::vector<problem> take() { return std::move(problems_); }

    void card(const json& c, const std::string& path, int depth, bool top) {
        if (!c.is_object()) return add_type_error(path, "an AdaptiveCard must be a JSON object");
        card_header(c, path, top);
        properties(c, card_properties, path);
        background_image(c, path);
        elements(c, "body", path, depth);
        actions(c, "actions", path, depth);
        select_action(c, path, depth);
    }

    void action(const json& a, const std::string& path, int depth, bool select) {
        if (too_deep(depth, path)) return;
        if (!a.is_object()) return add_type_error(path, "an action must be a JSON object");
        const json* type = member(a, "type");
        const type_info* info = type && type->is_string() ? find_type(action_types, type->get_ref<const std::string&>()) : nullptr;
        if (!info) {
            if (rescued_by_fallback(a, path, depth, true)) return;
            const std::string name = type && type->is_string() ? type->get<std::string>() : "";
            return error("UNKNOWN_ACTION_TYPE", name.empty() ? "the action has no type" : "unknown action type '" + name + "'",
                         child(path, "type"));
        }
        if (info->since > options_.version && rescued_by_fallback(a, path, depth, true)) return;
        introduced(info->since, std::string(info->name), child(path, "type"), true);
        if (select && info->name == "Action.ShowCard")
            error("ACTION_NOT_ALLOWED", "Action.ShowCard cannot be a selectAction or inlineAction", child(path, "type"));
        properties(a, action_properties, path);
        properties(a, info->properties, path);
        required(a, info->required, info->name, path);
        register_id(a, path);
        strings(a, {"title", "tooltip"}, path);
        boolean(a, "isEnabled", path);
        enumeration(a, "mode", {"primary", "secondary"}, path);
        style(a, path);
        requirements(a, path);
        url(a, "iconUrl", path, url_kind::image);
        action_specifics(*info, a, path, depth);
        fallback(a, path, depth, true);
    }

private:
    void add(std::string code, severity level, std::string message, std::string path) {
        problems_.push_back({std::move(code), level, std::move(message), std::move(path)});
    }
    void error(std::string code, std::string message, std::string path) {
        add(std::move(code), severity::error, std::move(message), std::move(path));
    }
    void warning(std::string code, std::string message, std::string path) {
        add(std::move(code), severity::warning, std::move(message), std::move(path));
    }
    void add_type_error(const std::string& path, std::string message) {
        error("PROPERTY_TYPE_INVALID", std::move(message), path);
    }

    bool too_deep(int depth, const std::string& path) {
        if (depth <= max_json_depth) return false;
        error("NESTING_TOO_DEEP", "elements and actions nest more than " + std::to_string(max_json_depth) + " levels", path);
        return true;
    }

    // `what` was introduced in `since`: an error beyond the target, a warning beyond the card's version.
    void introduced(V since, const std::string& what, const std::string& path, bool is_type) {
        const std::string needs = what + " needs card version " + std::string(to_string(since));
        if (since > options_.version)
            error(is_type ? "UNSUPPORTED_TYPE" : "UNSUPPORTED_PROPERTY",
                  needs + "; the target is " + std::string(to_string(options_.version)), path);
        else if (declared_ && since > *declared_)
            warning("NEWER_THAN_CARD_VERSION", needs + "; the card declares " + std::string(to_string(*declared_)), path);
    }

    void properties(const json& object, const std::vector<versioned>& list, const std::string& path) {
        for (const auto& p : list)
            if (member(object, p.name)) introduced(p.since, "'" + std::string(p.name) + "'", child(path, p.name), false);
    }

    void required(const json& object, const std::vector<std::string_view>& names, std::string_view type,
                  const std::string& path) {
        for (auto name : names)
            if (!member(object, name))
                error("PROPERTY_MISSING", std::string(type) + " needs '" + std::string(name) + "'", child(path, name));
    }

    void strings(const json& object, std::initializer_list<std::string_view> names, const std::string& path) {
        for (auto name : names)
            if (const json* v = member(object, name); v && !v->is_string())
                add_type_error(child(path, name), "'" + std::string(name) + "' must be a string");
    }

    void boolean(const json& object, std::string_view name, const std::string& path) {
        if (const json* v = member(object, name); v && !v->is_boolean())
            add_type_error(child(path, name), "'" + std::string(name) + "' must be a boolean");
    }

    // Returns the value when it is one of `allowed` (any case), after reporting otherwise.
    const json* enumeration(const json& object, std::string_view name, std::initializer_list<std::string_view> allowed,
                            const std::string& path) {
        const json* v = member(object, name);
        if (!v) return nullptr;
        if (v->is_string() && one_of(v->get_ref<const std::string&>(), allowed)) return v;
        std::string list;
        for (auto a : allowed) list += (list.empty() ? "" : ", ") + std::string(a);
        error("PROPERTY_VALUE_INVALID", "'" + std::string(name) + "' must be one of " + list, child(path, name));
        return nullptr;
    }

    void style(const json& a, const std::string& path) {
        const json* s = enumeration(a, "style", {"default", "positive", "destructive"}, path);
        if (s && !iequal(s->get_ref<const std::string&>(), "default"))
            warning("STYLE_NOT_RENDERED",
                    "Teams does not reliably render the '" + s->get<std::string>() + "' action style", child(path, "style"));
    }

    void requirements(const json& object, const std::string& path) {
        const json* r = member(object, "requires");
        if (!r) return;
        const bool ok = r->is_object() && std::all_of(r->begin(), r->end(), [](const json& v) { return v.is_string(); });
        if (!ok) error("PROPERTY_VALUE_INVALID", "'requires' must map feature names to version strings", child(path, "requires"));
    }

    void register_id(const json& object, const std::string& path) {
        const json* id = member(object, "id");
        if (!id) return;
        if (!id->is_string()) return add_type_error(child(path, "id"), "'id' must be a string");
        const auto& s = id->get_ref<const std::string&>();
        // Fallback content replaces its owner, so it may reuse the owner's id.
        if (s.empty() || in_fallback_ > 0) return;
        if (!ids_.insert(s).second) error("DUPLICATE_ID", "the id '" + s + "' is used more than once", child(path, "id"));
    }

    void card_header(const json& c, const std::string& path, bool top) {
        const json* type = member(c, "type");
        const bool type_ok = type && type->is_string() && type->get_ref<const std::string&>() == "AdaptiveCard";
        if (top ? !type_ok : (type && !type_ok))
            error("CARD_TYPE_INVALID", "the card's type must be \"AdaptiveCard\"", child(path, "type"));
        if (!top) return;  // cards inside Action.ShowCard need no version
        const json* version = member(c, "version");
        if (!version) return error("VERSION_MISSING", "the card has no version", child(path, "version"));
        auto parsed = version->is_string() ? parse_version(version->get_ref<const std::string&>())
                                           : result<V>(fail("VERSION_UNKNOWN", ""));
        if (!parsed)
            return error("VERSION_UNKNOWN", "the card's version must be one of 1.0 to 1.6", child(path, "version"));
        declared_ = *parsed;
        if (*parsed > options_.version)
            error("VERSION_NEWER_THAN_TARGET",
                  "the card declares version " + std::string(to_string(*parsed)) + "; the target renders up to " +
                      std::string(to_string(options_.version)) + " and would show fallbackText instead",
                  child(path, "version"));
    }

    // An unknown or too new type is fine when its fallback (a 1.2 feature) replaces it.
    bool rescued_by_fallback(const json& object, const std::string& path, int depth, bool is_action) {
        if (!member(object, "fallback") || options_.version < V::v1_2) return false;
        fallback(object, path, depth, is_action);
        return true;
    }

    void fallback(const json& object, const std::string& path, int depth, bool is_action) {
        const json* f = member(object, "fallback");
        if (!f) return;
        const std::string at = child(path, "fallback");
        if (f->is_string() && iequal(f->get_ref<const std::string&>(), "drop")) return;
        if (!f->is_object())
            return error("PROPERTY_VALUE_INVALID", "'fallback' must be \"drop\" or an object", at);
        ++in_fallback_;
        if (is_action) action(*f, at, depth + 1, false);
        else element(*f, at, depth + 1, nullptr);
        --in_fallback_;
    }

    void elements(const json& parent, std::string_view key, const std::string& path, int depth) {
        const json* list = member(parent, key);
        if (!list) return;
        const std::string at = child(path, key);
        if (!list->is_array()) return add_type_error(at, "'" + std::string(key) + "' must be an array");
        for (std::size_t i = 0; i < list->size(); ++i) element((*list)[i], child(at, i), depth + 1, nullptr);
    }

    void actions(const json& parent, std::string_view key, const std::string& path, int depth) {
        const json* list = member(parent, key);
        if (!list) return;
        const std::string at = child(path, key);
        if (!list->is_array()) return add_type_error(at, "'" + std::string(key) + "' must be an array");
        for (std::size_t i = 0; i < list->size(); ++i) action((*list)[i], child(at, i), depth + 1, false);
    }

    void select_action(const json& object, const std::string& path, int depth, std::string_view key = "selectAction") {
        if (const json* a = member(object, key)) action(*a, child(path, key), depth + 1, true);
    }

    // `implied` is the type an array implies (Column in `columns`, Image in `images`).
    void element(const json& e, const std::string& path, int depth, const type_info* implied) {
        if (too_deep(depth, path)) return;
        if (!e.is_object()) return add_type_error(path, "an element must be a JSON object");
        const json* type = member(e, "type");
        const std::string name = type && type->is_string() ? type->get<std::string>() : "";
        // `Column` exists only inside a ColumnSet; an array that implies a type accepts only that one.
        const type_info* info = nullptr;
        if (implied) info = !type || name == implied->name ? implied : nullptr;
        else if (name != "Column") info = find_type(element_types, name);
        if (!info) {
            if (rescued_by_fallback(e, path, depth, false)) return;
            return error("UNKNOWN_ELEMENT_TYPE", name.empty() ? "the element has no type" : "unknown element type '" + name + "'",
                         child(path, "type"));
        }
        if (info->since > options_.version && rescued_by_fallback(e, path, depth, false)) return;
        introduced(info->since, std::string(info->name), child(path, "type"), true);
        properties(e, element_properties, path);
        properties(e, info->properties, path);
        required(e, info->required, info->name, path);
        register_id(e, path);
        boolean(e, "isVisible", path);
        requirements(e, path);
        element_children(*info, e, path, depth);
        fallback(e, path, depth, false);
    }

    void element_children(const type_info& info, const json& e, const std::string& path, int depth) {
        const std::string_view t = info.name;
        if (t == "Image") url(e, "url", path, url_kind::image);
        if (t == "Container" || t == "Column") {
            elements(e, "items", path, depth);
            background_image(e, path);
        }
        if (t == "ColumnSet") each(e, "columns", path, [&](const json& c, const std::string& at) {
            element(c, at, depth + 1, find_type(element_types, "Column"));
        });
        if (t == "ImageSet") each(e, "images", path, [&](const json& i, const std::string& at) {
            element(i, at, depth + 1, find_type(element_types, "Image"));
        });
        if (t == "ActionSet") actions(e, "actions", path, depth);
        if (t == "RichTextBlock") each(e, "inlines", path, [&](const json& run, const std::string& at) {
            if (run.is_object()) select_action(run, at, depth + 1);
        });
        if (t == "Table") each(e, "rows", path, [&](const json& row, const std::string& at) {
            if (!row.is_object()) return;
            each(row, "cells", at, [&](const json& cell, const std::string& cell_at) {
                if (!cell.is_object()) return;
                elements(cell, "items", cell_at, depth + 2);
                select_action(cell, cell_at, depth + 2);
            });
        });
        if (t == "Input.Text") select_action(e, path, depth, "inlineAction");
        select_action(e, path, depth);
    }

    template <class F>
    void each(const json& object, std::string_view key, const std::string& path, F&& f) {
        const json* list = member(object, key);
        if (!list) return;
        const std::string at = child(path, key);
        if (!list->is_array()) return add_type_error(at, "'" + std::string(key) + "' must be an array");
        for (std::size_t i = 0; i < list->size(); ++i) f((*list)[i], child(at, i));
    }

    void action_specifics(const type_info& info, const json& a, const std::string& path, int depth) {
        const std::string_view t = info.name;
        if (t == "Action.OpenUrl") url(a, "url", path, url_kind::open);
        if (t == "Action.Submit" || t == "Action.Execute") {
            enumeration(a, "associatedInputs", {"auto", "none"}, path);
            if (const json* d = member(a, "data"); d && !d->is_string() && !d->is_object())
                add_type_error(child(path, "data"), "'data' must be a string or an object");
        }
        if (t == "Action.ToggleVisibility")
            if (const json* targets = member(a, "targetElements"); targets && !targets->is_array())
                add_type_error(child(path, "targetElements"), "'targetElements' must be an array");
        if (t == "Action.ShowCard")
            if (const json* inner = member(a, "card")) card(*inner, child(path, "card"), depth + 1, false);
    }

    void background_image(const json& object, const std::string& path) {
        const json* b = member(object, "backgroundImage");
        if (!b) return;
        if (b->is_string()) return url(object, "backgroundImage", path, url_kind::image);
        if (b->is_object()) return url(*b, "url", child(path, "backgroundImage"), url_kind::image);
        add_type_error(child(path, "backgroundImage"), "'backgroundImage' must be a URL or an object");
    }

    void url(const json& object, std::string_view key, const std::string& path, url_kind kind) {
        const json* v = member(object, key);
        if (!v) return;  // required-ness is checked from the type tables
        const std::string at = child(path, key);
        if (!v->is_string()) return add_type_error(at, "'" + std::string(key) + "' must be a string");
        const auto& s = v->get_ref<const std::string&>();
        if (s.empty()) return error("PROPERTY_MISSING", "'" + std::string(key) + "' is empty", at);
        check_url(s, kind, at);
    }

    void check_url(const std::string& s, url_kind kind, const std::string& at) {
        const std::string scheme = scheme_of(s);
        const bool image_data = kind == url_kind::image && scheme == "data" &&
                                iequal(std::string_view(s).substr(5, 6), "image/");
        if (scheme == "javascript" || scheme == "vbscript" || scheme == "file" || (scheme == "data" && !image_data))
            return error("URL_SCHEME_FORBIDDEN", "'" + scheme + ":' URLs are never allowed here", at);
        if (image_data && options_.version < V::v1_2)
            return error("URL_SCHEME_NOT_ALLOWED", "data URIs need card version 1.2", at);
        if (handoffkit::detail::looks_like_script(s)) return error("SCRIPT_INJECTION", "the URL contains markup or a script URL", at);
        auto parsed = boost::urls::parse_uri(s);
        if (!parsed) return error("URL_MALFORMED", "not an absolute URL (RFC 3986)", at);
        if (image_data) return;
        const bool allowed = std::any_of(options_.allowed_schemes.begin(), options_.allowed_schemes.end(),
                                         [&](const std::string& a) { return iequal(a, scheme); });
        if (!allowed) return error("URL_SCHEME_NOT_ALLOWED", "'" + scheme + ":' URLs are not allowed", at);
        if (scheme == "https" && parsed->encoded_host().empty()) return error("URL_MALFORMED", "https URL without a host", at);
        if (kind == url_kind::open) check_deep_link(*parsed, s, at);
    }

    // A Teams deep link inside a card gets the deep-link checks too (a bad bot id, a lost token).
    void check_deep_link(const boost::urls::url_view& u, const std::string& s, const std::string& at) {
        if (u.scheme_id() != boost::urls::scheme::https || !iequal(u.encoded_host(), deeplink::default_host) ||
            u.encoded_path().substr(0, 3) != "/l/")
            return;
        for (const auto& p : deeplink::validate(s).problems)
            if (p.level == severity::error) error("DEEP_LINK_INVALID", "deep link: " + p.code + ": " + p.message, at);
    }

    const validate_options& options_;
    std::optional<V> declared_;
    std::set<std::string> ids_;
    int in_fallback_ = 0;
    std::vector<problem> problems_;
};

void size_problems(const json& card, const validate_options& options, std::vector<problem>& out) {
    const std::size_t size = detail::canonical(card).size();
    const bool webhook = options.host == target::webhook;
    const std::size_t limit = webhook ? webhook_payload_limit : bot_payload_limit;
    const std::size_t near = webhook ? webhook_payload_warning : bot_payload_warning;
    const std::string where = webhook ? "incoming webhooks and connectors accept" : "bot messages may carry";
    const std::string what = "the card has " + std::to_string(size) + " bytes; " + where + " at most " + std::to_string(limit);
    if (size > limit) out.push_back({"PAYLOAD_TOO_LARGE", severity::error, what, ""});
    else if (size > near) out.push_back({"PAYLOAD_NEAR_LIMIT", severity::warning, what, ""});
}

bool has_error(const std::vector<problem>& problems) {
    return std::any_of(problems.begin(), problems.end(), [](const problem& p) { return p.level == severity::error; });
}

}  // namespace

result<card_version> parse_version(std::string_view text) {
    static constexpr std::string_view names[] = {"1.0", "1.1", "1.2", "1.3", "1.4", "1.5", "1.6"};
    for (std::size_t i = 0; i < std::size(names); ++i)
        if (names[i] == text) return static_cast<card_version>(i);
    return fail("VERSION_UNKNOWN", "card version must be one of 1.0 to 1.6");
}

std::string_view to_string(card_version v) {
    static constexpr std::string_view names[] = {"1.0", "1.1", "1.2", "1.3", "1.4", "1.5", "1.6"};
    return names[static_cast<int>(v)];
}

namespace detail {

std::string canonical(const json& value) {
    return handoffkit::dump_json(value);
}

std::vector<problem> check_card(const json& card, const validate_options& options) {
    walker w(options);
    w.card(card, "", 0, true);
    auto problems = w.take();
    size_problems(card, options, problems);
    return problems;
}

std::vector<problem> check_action(const json& action, const validate_options& options) {
    walker w(options);
    w.declare(options.version);
    w.action(action, "", 0, false);
    return w.take();
}

std::optional<error> first_error(const std::vector<problem>& problems) {
    for (const auto& p : problems)
        if (p.level == severity::error)
            return fail(p.code, p.path.empty() ? p.message : p.message + " (at " + p.path + ")");
    return std::nullopt;
}

std::optional<json> parse_card_text(std::string_view text, std::optional<problem>& failure) {
    auto fail_with = [&](const char* code, std::string message) {
        failure = problem{code, severity::error, std::move(message), ""};
        return std::nullopt;
    };
    if (text.size() > max_input_length)
        return fail_with("INPUT_TOO_LARGE", "the card is larger than " + std::to_string(max_input_length) +
                                                " bytes, the most examined");
    if (!handoffkit::detail::is_valid_utf8(text)) return fail_with("INVALID_UTF8", "the card is not valid UTF-8");
    // The strict parse refuses nesting past the same limit as cards.
    static_assert(handoffkit::max_json_depth == static_cast<std::size_t>(max_json_depth));
    json parsed;
    using handoffkit::json_failure;
    const json_failure why = handoffkit::parse_json(text, parsed);
    if (why == json_failure::too_deep)
        return fail_with("NESTING_TOO_DEEP", "the card nests more than " + std::to_string(max_json_depth) + " levels");
    if (why == json_failure::not_utf8) return fail_with("INVALID_UTF8", "the card escapes a lone surrogate (no character)");
    if (why == json_failure::duplicate_key) return fail_with("DUPLICATE_KEY", "the card names a key twice in one object");
    if (why != json_failure::none) return fail_with("INVALID_JSON", "the card is not valid JSON");
    return parsed;
}

}  // namespace detail

card_report validate(std::string_view card_json, const validate_options& options) {
    card_report report;
    std::optional<problem> failure;
    if (auto card = detail::parse_card_text(card_json, failure)) report.problems = detail::check_card(*card, options);
    else report.problems.push_back(std::move(*failure));
    report.valid = !has_error(report.problems);
    return report;
}

}  // namespace handoffkit::cards
