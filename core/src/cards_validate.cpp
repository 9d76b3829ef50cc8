// Validating Adaptive Cards: a depth-first walk over the parsed card, driven by the schema table
// (cards_schema.hpp): every member of every object is looked up in its type's properties, checked
// for the version that introduced it and for its value kind, and what it holds is walked in turn;
// then the URL policy, the Teams and Copilot rules and the payload size of the target. Every check
// appends a problem with a JSON pointer; nothing stops early except input that cannot be parsed,
// so a report lists every problem at once.
#include <algorithm>
#include <cctype>
#include <set>

#include <boost/url/parse.hpp>
#include <boost/url/url_view.hpp>

#include "cards_detail.hpp"
#include "cards_schema.hpp"
#include "json_fields.hpp"
#include "text_checks.hpp"

namespace handoffkit::cards {
namespace {
using handoffkit::json;
using detail::prop_def;
using detail::type_def;
using detail::type_kind;
using detail::value_kind;
using V = card_version;

bool iequal(std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
           });
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

const std::string* string_member(const json& object, std::string_view key) {
    const json* v = member(object, key);
    return v && v->is_string() ? &v->get_ref<const std::string&>() : nullptr;
}

std::string in_quotes(std::string_view name) { return "'" + std::string(name) + "'"; }

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

bool digits(std::string_view s) {
    return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// "50px"; with `fraction`, "12.5px" too.
bool is_pixels(std::string_view s, bool fraction = false) {
    if (s.size() < 3 || s.substr(s.size() - 2) != "px") return false;
    s.remove_suffix(2);
    const auto dot = fraction ? s.find('.') : std::string_view::npos;
    return dot == std::string_view::npos ? digits(s) : digits(s.substr(0, dot)) && digits(s.substr(dot + 1));
}

// "#RRGGBB" or "#AARRGGBB".
bool is_color(std::string_view s) {
    return (s.size() == 7 || s.size() == 9) && s[0] == '#' &&
           std::all_of(s.begin() + 1, s.end(), [](char c) { return std::isxdigit(static_cast<unsigned char>(c)) != 0; });
}

// "HH:MM", 00:00 to 23:59.
bool is_time(std::string_view s) {
    return s.size() == 5 && s[2] == ':' && digits(s.substr(0, 2)) && digits(s.substr(3)) &&
           (s[0] < '2' || (s[0] == '2' && s[1] <= '3')) && s[3] <= '5';
}

bool is_whole(const json& v) {
    if (v.is_number_unsigned()) return true;
    if (v.is_number_integer()) return v.get<std::int64_t>() >= 0;
    if (!v.is_number_float()) return false;
    const double d = v.get<double>();
    return d >= 0 && d <= 9007199254740992.0 && static_cast<double>(static_cast<std::int64_t>(d)) == d;
}

enum class url_kind { open, image, media };

class walker {
public:
    walker(const validate_options& options, const detail::schema& schema)
        : options_(options), schema_(schema), target_(schema.target_of(options.host)),
          version_(target_.max_version ? std::min(options.version, *target_.max_version) : options.version) {}

    void declare(V version) { declared_ = version; }
    std::vector<problem> take() { return std::move(problems_); }

    void card(const json& c, const std::string& path, int depth, bool top) {
        if (!c.is_object()) return add_type_error(path, "an AdaptiveCard must be a JSON object");
        card_header(c, path, top);
        const type_def* t = schema_.find_type("AdaptiveCard");
        if (!t) return error(card_code::unknown_element_type, "the schema table did not load", path);
        if (!top) ++inner_cards_;
        members(c, *t, path, depth);
        if (!top) --inner_cards_;
        if (top) button_count(path);
    }

    void action(const json& a, const std::string& path, int depth, bool select) {
        if (too_deep(depth, path)) return;
        if (!a.is_object()) return add_type_error(path, "an action must be a JSON object");
        const std::string* type = string_member(a, "type");
        const type_def* info = type ? schema_.find_type(*type) : nullptr;
        if (!info || info->kind != type_kind::action) {
            if (rescued_by_fallback(a, type_kind::action, path, depth)) return;
            return error(card_code::unknown_action_type, !type || type->empty() ? "the action has no type" : "unknown action type '" + *type + "'",
                         child(path, "type"));
        }
        if (info->since > version_ && rescued_by_fallback(a, type_kind::action, path, depth)) return;
        if (newer(info->since)) introduced(info->since, info->name, child(path, "type"), card_code::unsupported_type);
        if (select && info->name == "Action.ShowCard")
            error(card_code::action_not_allowed, "Action.ShowCard cannot be a selectAction or inlineAction", child(path, "type"));
        copilot_action(*info, a, path);
        members(a, *info, path, depth);
        style_rendered(a, path);
    }

private:
    void add(code c, severity level, std::string message, std::string path) {
        problems_.push_back({c, level, std::move(message), std::move(path)});
    }
    void error(code c, std::string message, std::string path) { add(c, severity::error, std::move(message), std::move(path)); }
    void warning(code c, std::string message, std::string path) {
        add(c, severity::warning, std::move(message), std::move(path));
    }
    void add_type_error(const std::string& path, std::string message) {
        error(card_code::property_type_invalid, std::move(message), path);
    }
    bool copilot() const { return options_.host == target::copilot; }

    bool too_deep(int depth, const std::string& path) {
        if (depth <= max_json_depth) return false;
        error(input_code::nesting_too_deep, "elements and actions nest more than " + std::to_string(max_json_depth) + " levels", path);
        return true;
    }

    // Newer than the target or than the card's own version (checked before any message is built).
    bool newer(V since) const { return since > version_ || (declared_ && since > *declared_); }

    // `what` was introduced in `since`: an error beyond the target, a warning beyond the card's version.
    void introduced(V since, std::string_view what, const std::string& path, card_code c) {
        const std::string needs = std::string(what) + " needs card version " + std::string(to_string(since));
        if (since > version_)
            error(c, needs + "; the target is " + std::string(to_string(version_)), path);
        else if (declared_ && since > *declared_)
            warning(card_code::newer_than_card_version, needs + "; the card declares " + std::string(to_string(*declared_)), path);
    }

    // Every member of `o` against the properties of `t`, in key order, then the required ones.
    void members(const json& o, const type_def& t, const std::string& path, int depth) {
        const bool typed_member = t.find("type") != nullptr;
        for (const auto& item : o.items()) {
            const std::string& key = item.key();
            if ((key == "type" && !typed_member) || item.value().is_null()) continue;
            const prop_def* p = t.find(key);
            if (!p) {
                unknown_member(t, key, item.value(), child(path, key), depth);
                continue;
            }
            if (newer(p->since)) introduced(p->since, in_quotes(key), child(path, key), card_code::unsupported_property);
            if (scalar_ok(*p, item.value())) continue;  // the common case: no path to build
            value(*p, t, item.value(), child(path, key), depth);
        }
        for (const auto& p : t.props)
            if (p.required && !member(o, p.name))
                error(card_code::property_missing, t.name + " needs " + in_quotes(p.name), child(path, p.name));
    }

    void unknown_member(const type_def& t, const std::string& key, const json& v, const std::string& at, int depth) {
        const prop_def* other = t.find_other_case(key);
        if (other || iequal(key, "type")) {
            const std::string_view name = other ? std::string_view(other->name) : "type";
            error(card_code::property_case_mismatch, in_quotes(key) + " is " + in_quotes(name) + " in another case: renderers differ on which they read", at);
            // A renderer that matches names in any case reads this value: it must pass as that property.
            if (other) value(*other, t, v, at, depth);
            return;
        }
        auto near = t.closest(key);
        warning(card_code::unknown_property, in_quotes(key) + " is not a property of " + t.name + (near ? "; did you mean " + in_quotes(*near) + "?" : ""), at);
    }

    // True when `v` is a plain value of the right kind that needs no further look (most members).
    static bool scalar_ok(const prop_def& p, const json& v) {
        switch (p.kind) {
            case value_kind::string: return v.is_string();
            case value_kind::boolean: return v.is_boolean();
            case value_kind::number: return v.is_number();
            case value_kind::any:
            case value_kind::version: return true;
            case value_kind::enumeration: {
                if (!v.is_string()) return false;
                const auto& values = p.values->values;
                const auto& text = v.get_ref<const std::string&>();
                return std::any_of(values.begin(), values.end(), [&](const auto& e) { return e.since == V::v1_0 && iequal(e.name, text); });
            }
            default: return false;
        }
    }

    void value(const prop_def& p, const type_def& owner, const json& v, const std::string& at, int depth) {
        switch (p.kind) {
            case value_kind::string: return expect(v.is_string(), p, "a string", at);
            case value_kind::boolean: return expect(v.is_boolean(), p, "a boolean", at);
            case value_kind::number: return expect(v.is_number(), p, "a number", at);
            case value_kind::count:
                if (!v.is_number()) return expect(false, p, "a number", at);
                if (!is_whole(v)) error(card_code::property_value_invalid, in_quotes(p.name) + " must be a whole number, 0 or more", at);
                return;
            case value_kind::id: return register_id(p, v, at);
            case value_kind::url: return url(p, v, at, url_kind::open);
            case value_kind::image: return url(p, v, at, url_kind::image);
            case value_kind::media: return url(p, v, at, url_kind::media);
            case value_kind::color: return formatted(p, v, at, is_color(text(v)), "a colour like #RRGGBB or #AARRGGBB");
            case value_kind::pixels: return formatted(p, v, at, is_pixels(text(v)), "a size in pixels like \"50px\"");
            case value_kind::dimension:
                return formatted(p, v, at, iequal(text(v), "auto") || iequal(text(v), "stretch") || is_pixels(text(v)),
                                 "\"auto\", \"stretch\" or a size in pixels like \"50px\"");
            case value_kind::column_width:
                if (v.is_number()) return formatted(p, v, at, v.get<double>() >= 0, "a weight of 0 or more");
                return formatted(p, v, at, iequal(text(v), "auto") || iequal(text(v), "stretch") || digits(text(v)) || is_pixels(text(v), true),
                                 "\"auto\", \"stretch\", a weight or a size in pixels like \"50px\"");
            case value_kind::label_width:
                if (v.is_number()) return formatted(p, v, at, v.get<double>() >= 0 && v.get<double>() <= 100, "a percentage (0-100)");
                return formatted(p, v, at, is_pixels(text(v)), "a percentage (0-100) or a size in pixels like \"50px\"");
            case value_kind::time: return formatted(p, v, at, is_time(text(v)), "a time like \"14:30\"");
            case value_kind::version: return;  // the card's own version: card_header()
            case value_kind::enumeration: return enumeration(p, v, at);
            case value_kind::action:
                if (!v.is_object()) return expect(false, p, "an action object", at);
                return action(v, at, depth + 1, true);
            case value_kind::execute: return refresh_action(p, v, at, depth);
            case value_kind::actions: return actions(p, v, at, depth);
            case value_kind::elements:
                return each(p, v, at, [&](const json& e, const std::string& e_at) { element(e, e_at, depth + 1, nullptr); });
            case value_kind::card:
                if (!v.is_object()) return expect(false, p, "an AdaptiveCard object", at);
                return card(v, at, depth + 1, false);
            case value_kind::fallback: return fallback(owner.kind, &owner, v, at, depth);
            case value_kind::requires: return requirements(v, at);
            case value_kind::data: return data(p, v, at, depth);
            case value_kind::targets:
                return each(p, v, at, [&](const json& t, const std::string& t_at) {
                    if (!t.is_string()) typed_object(t, *schema_.find_type("TargetElement"), t_at, depth + 1);
                });
            case value_kind::strings:
                return each(p, v, at, [&](const json& s, const std::string& s_at) {
                    if (!s.is_string()) add_type_error(s_at, "the items of " + in_quotes(p.name) + " must be strings");
                });
            case value_kind::inlines:
                return each(p, v, at, [&](const json& run, const std::string& run_at) {
                    if (!run.is_string()) typed_object(run, *schema_.find_type("TextRun"), run_at, depth + 1);
                });
            case value_kind::background_image:
                if (v.is_string()) return url(p, v, at, url_kind::image);
                if (!v.is_object()) return expect(false, p, "a URL or an object", at);
                return typed_object(v, *schema_.find_type("BackgroundImage"), at, depth + 1);
            case value_kind::object: return typed_object(v, *p.type, at, depth + 1);
            case value_kind::objects:
                return each(p, v, at, [&](const json& o, const std::string& o_at) { typed_object(o, *p.type, o_at, depth + 1); });
            case value_kind::any: return;
        }
    }

    static std::string_view text(const json& v) {
        return v.is_string() ? std::string_view(v.get_ref<const std::string&>()) : std::string_view();
    }

    void expect(bool ok, const prop_def& p, const char* what, const std::string& at) {
        if (!ok) add_type_error(at, in_quotes(p.name) + " must be " + what);
    }

    void formatted(const prop_def& p, const json& v, const std::string& at, bool ok, const char* what) {
        if (!v.is_string() && !v.is_number()) return expect(false, p, what, at);
        if (!ok) error(card_code::property_value_invalid, in_quotes(p.name) + " must be " + what, at);
    }

    // Schema enums match case-insensitively (the schema's own patterns say so); some values came
    // later than their property.
    void enumeration(const prop_def& p, const json& v, const std::string& at) {
        const auto& values = p.values->values;
        const auto match = v.is_string() ? std::find_if(values.begin(), values.end(), [&](const auto& e) { return iequal(e.name, text(v)); })
                                         : values.end();
        if (match != values.end())
            return newer(match->since) ? introduced(match->since, in_quotes(p.name) + " \"" + match->name + "\"", at, card_code::unsupported_value)
                                       : void();
        std::string list;
        for (const auto& e : values) list += (list.empty() ? "" : ", ") + e.name;
        error(card_code::property_value_invalid, in_quotes(p.name) + " must be one of " + list, at);
    }

    template <class F>
    void each(const prop_def& p, const json& v, const std::string& at, F&& f) {
        if (!v.is_array()) return add_type_error(at, in_quotes(p.name) + " must be an array");
        std::size_t i = 0;
        for (const auto& item : v.items()) f(item.value(), child(at, i++));
    }

    // An object of type `t`: its `type` (optional) must name it, then its members. Images in an
    // ImageSet are elements reached through a property.
    void typed_object(const json& o, const type_def& t, const std::string& at, int depth) {
        if (t.kind == type_kind::element) return element(o, at, depth, &t);
        if (too_deep(depth, at)) return;
        if (!o.is_object()) return add_type_error(at, "a " + t.name + " must be a JSON object");
        if (!t.find("type"))
            if (const json* type = member(o, "type"); type && (!type->is_string() || type->get_ref<const std::string&>() != t.name))
                error(card_code::property_value_invalid, "'type' must be \"" + t.name + "\" here", child(at, "type"));
        members(o, t, at, depth);
    }

    // `implied` is the type a property implies (Image in `images`): only that type is accepted.
    void element(const json& e, const std::string& path, int depth, const type_def* implied) {
        if (too_deep(depth, path)) return;
        if (!e.is_object()) return add_type_error(path, "an element must be a JSON object");
        const std::string* type = string_member(e, "type");
        const type_def* info = nullptr;
        if (implied) info = !member(e, "type") || (type && *type == implied->name) ? implied : nullptr;
        else if (type) info = schema_.find_type(*type);
        if (!info || info->kind != type_kind::element) {
            if (rescued_by_fallback(e, type_kind::element, path, depth)) return;
            return error(card_code::unknown_element_type, !type || type->empty() ? "the element has no type" : "unknown element type '" + *type + "'",
                         child(path, "type"));
        }
        if (info->since > version_ && rescued_by_fallback(e, type_kind::element, path, depth)) return;
        if (newer(info->since)) introduced(info->since, info->name, child(path, "type"), card_code::unsupported_type);
        if (copilot() && info->name == "Image" && !member(e, "altText"))
            warning(card_code::copilot_alt_text_missing, "Copilot asks every image but thumbnails to have an altText", path);
        members(e, *info, path, depth);
    }

    // An unknown or too new type is fine when its fallback (a 1.2 feature) replaces it.
    bool rescued_by_fallback(const json& object, type_kind kind, const std::string& path, int depth) {
        const json* f = member(object, "fallback");
        if (!f || version_ < V::v1_2) return false;
        fallback(kind, nullptr, *f, child(path, "fallback"), depth);
        return true;
    }

    // "drop", or an object of the owner's kind: an element, an action, or (for a Column) a Column.
    void fallback(type_kind kind, const type_def* owner, const json& f, const std::string& at, int depth) {
        if (f.is_string() && iequal(f.get_ref<const std::string&>(), "drop")) return;
        if (!f.is_object()) return error(card_code::property_value_invalid, "'fallback' must be \"drop\" or an object", at);
        ++in_fallback_;
        if (kind == type_kind::action) action(f, at, depth + 1, false);
        else if (kind == type_kind::element || !owner) element(f, at, depth + 1, nullptr);
        else typed_object(f, *owner, at, depth + 1);
        --in_fallback_;
    }

    void actions(const prop_def& p, const json& v, const std::string& at, int depth) {
        each(p, v, at, [&](const json& a, const std::string& a_at) { action(a, a_at, depth + 1, false); });
        if (!v.is_array()) return;
        if (inner_cards_ == 0 && in_fallback_ == 0) buttons_ += v.size();
        if (v.size() > target_.max_actions)
            error(card_code::too_many_actions, "the host shows at most " + std::to_string(target_.max_actions) + " actions here; this has " +
                                          std::to_string(v.size()),
                  at);
    }

    void refresh_action(const prop_def& p, const json& v, const std::string& at, int depth) {
        if (!v.is_object()) return expect(false, p, "an Action.Execute object", at);
        const std::string* type = string_member(v, "type");
        if (type && *type != "Action.Execute")
            error(card_code::property_value_invalid, "a refresh action must be an Action.Execute", child(at, "type"));
        action(v, at, depth + 1, true);
    }

    void requirements(const json& r, const std::string& at) {
        bool ok = r.is_object();
        if (ok)
            for (const auto& item : r.items()) ok = ok && item.value().is_string();
        if (!ok) error(card_code::property_value_invalid, "'requires' must map feature names to version strings", at);
    }

    // `data` is free-form; on Action.Submit its `msteams` member is the Teams action (cards-actions).
    void data(const prop_def& p, const json& v, const std::string& at, int depth) {
        if (!v.is_string() && !v.is_object()) return add_type_error(at, "'data' must be a string or an object");
        const json* teams = p.type && v.is_object() ? member(v, "msteams") : nullptr;
        if (!teams) return;
        const std::string teams_at = child(at, "msteams");
        typed_object(*teams, *p.type, teams_at, depth + 1);
        const std::string* type = teams->is_object() ? string_member(*teams, "type") : nullptr;
        if (!type) return;
        if (const prop_def* link = p.type->find("value"); link && *type == "signin")
            url(*link, *teams, teams_at, url_kind::open, "value");
        const auto& unsupported = target_.unsupported_submit_types;
        if (copilot() && std::find(unsupported.begin(), unsupported.end(), *type) != unsupported.end())
            error(card_code::copilot_action_unsupported, "Copilot does not support '" + *type + "' actions", child(teams_at, "type"));
    }

    void copilot_action(const type_def& t, const json& a, const std::string& path) {
        if (!copilot()) return;
        const auto& recommended = target_.recommended_actions;
        bool ok = std::find(recommended.begin(), recommended.end(), t.name) != recommended.end();
        if (ok && t.name == "Action.Submit") {  // recommended "using type invoke in data object"
            const json* d = member(a, "data");
            const json* teams = d && d->is_object() ? member(*d, "msteams") : nullptr;
            const std::string* type = teams && teams->is_object() ? string_member(*teams, "type") : nullptr;
            ok = type && (*type == "invoke" || *type == "task/fetch");
        }
        if (!ok) warning(card_code::copilot_action_not_recommended, t.name + " is not among the action types Copilot recommends", child(path, "type"));
    }

    void button_count(const std::string& path) {
        if (!copilot() || (buttons_ >= target_.min_buttons && buttons_ <= target_.max_buttons)) return;
        error(card_code::copilot_action_count, "a Copilot card needs " + std::to_string(target_.min_buttons) + " to " +
                                          std::to_string(target_.max_buttons) + " action buttons; this has " + std::to_string(buttons_),
              child(path, "actions"));
    }

    void style_rendered(const json& a, const std::string& path) {
        const std::string* s = string_member(a, "style");
        if (s && (iequal(*s, "positive") || iequal(*s, "destructive")))
            warning(card_code::style_not_rendered, "Teams does not reliably render the '" + *s + "' action style", child(path, "style"));
    }

    void register_id(const prop_def& p, const json& v, const std::string& at) {
        if (!v.is_string()) return expect(false, p, "a string", at);
        const auto& s = v.get_ref<const std::string&>();
        // Fallback content replaces its owner, so it may reuse the owner's id.
        if (s.empty() || in_fallback_ > 0) return;
        if (!ids_.insert(s).second) error(card_code::duplicate_id, "the id '" + s + "' is used more than once", at);
    }

    void card_header(const json& c, const std::string& path, bool top) {
        const json* type = member(c, "type");
        const bool type_ok = type && type->is_string() && type->get_ref<const std::string&>() == "AdaptiveCard";
        if (top ? !type_ok : (type && !type_ok))
            error(card_code::card_type_invalid, "the card's type must be \"AdaptiveCard\"", child(path, "type"));
        if (!top) return;  // cards inside Action.ShowCard need no version
        const json* version = member(c, "version");
        if (!version) return error(card_code::version_missing, "the card has no version", child(path, "version"));
        auto parsed = version->is_string() ? parse_version(version->get_ref<const std::string&>())
                                           : result<V>(fail(card_code::version_unknown, ""));
        if (!parsed)
            return error(card_code::version_unknown, "the card's version must be one of 1.0 to 1.6", child(path, "version"));
        declared_ = *parsed;
        if (*parsed > version_)
            error(card_code::version_newer_than_target,
                  "the card declares version " + std::string(to_string(*parsed)) + "; the target renders up to " +
                      std::string(to_string(version_)) + " and would show fallbackText instead",
                  child(path, "version"));
    }

    void url(const prop_def& p, const json& v, const std::string& at, url_kind kind, std::string_view member_name = {}) {
        const json* value = &v;
        std::string where = at;
        if (!member_name.empty()) {  // a URL inside an object (a sign-in link's value)
            value = member(v, member_name);
            if (!value) return;
            where = child(at, member_name);
        }
        if (!value->is_string()) return add_type_error(where, in_quotes(p.name) + " must be a string");
        const auto& s = value->get_ref<const std::string&>();
        if (s.empty()) return error(card_code::property_missing, in_quotes(p.name) + " is empty", where);
        check_url(s, kind, where);
    }

    void check_url(const std::string& s, url_kind kind, const std::string& at) {
        const std::string scheme = scheme_of(s);
        const bool image_data = kind == url_kind::image && scheme == "data" &&
                                iequal(std::string_view(s).substr(5, 6), "image/");
        if (scheme == "javascript" || scheme == "vbscript" || scheme == "file" || (scheme == "data" && !image_data))
            return error(card_code::url_scheme_forbidden, "'" + scheme + ":' URLs are never allowed here", at);
        if (image_data && version_ < V::v1_2)
            return error(card_code::url_scheme_not_allowed, "data URIs need card version 1.2", at);
        if (handoffkit::detail::looks_like_script(s)) return error(link_code::script_injection, "the URL contains markup or a script URL", at);
        auto parsed = boost::urls::parse_uri(s);
        if (!parsed) return error(link_code::url_malformed, "not an absolute URL (RFC 3986)", at);
        if (image_data) return;
        const bool allowed = std::any_of(options_.allowed_schemes.begin(), options_.allowed_schemes.end(),
                                         [&](const std::string& a) { return iequal(a, scheme); });
        if (!allowed) return error(card_code::url_scheme_not_allowed, "'" + scheme + ":' URLs are not allowed", at);
        if (scheme == "https" && parsed->encoded_host().empty()) return error(link_code::url_malformed, "https URL without a host", at);
        if (kind == url_kind::open) check_deep_link(*parsed, s, at);
    }

    // A Teams deep link inside a card gets the deep-link checks too (a bad bot id, a lost token).
    // Host and path are compared decoded, as deeplink::validate reads them: `teams%2Emicrosoft%2Ecom`
    // is the Teams host to a browser.
    void check_deep_link(const boost::urls::url_view& u, const std::string& s, const std::string& at) {
        if (u.scheme_id() != boost::urls::scheme::https || !iequal(u.host(), deeplink::default_host) || u.path().rfind("/l/", 0) != 0)
            return;
        for (const auto& p : deeplink::validate(s).problems)
            if (p.level == severity::error) error(card_code::deep_link_invalid, "deep link: " + std::string(p.code.name()) + ": " + p.message, at);
    }

    const validate_options& options_;
    const detail::schema& schema_;
    const detail::target_def& target_;
    const V version_;  // what the target renders: the option, capped by the target (Copilot: 1.5)
    std::optional<V> declared_;
    std::set<std::string> ids_;
    int in_fallback_ = 0;
    int inner_cards_ = 0;        // inside an Action.ShowCard's card: its buttons are not the card's
    std::size_t buttons_ = 0;    // action buttons of the card itself (Copilot counts them)
    std::vector<problem> problems_;
};

void size_problems(const json& card, const validate_options& options, std::vector<problem>& out) {
    const std::size_t size = detail::canonical(card).size();
    const auto& limits = detail::card_schema().target_of(options.host);
    const char* where = options.host == target::bot       ? "bot messages may carry"
                        : options.host == target::webhook ? "incoming webhooks and connectors accept"
                                                          : "message-extension results (Copilot) may carry";
    const std::string what = "the card has " + std::to_string(size) + " bytes; " + where + " at most " + std::to_string(limits.max_bytes);
    if (size > limits.max_bytes) out.push_back({card_code::payload_too_large, severity::error, what, ""});
    else if (size > limits.warn_bytes) out.push_back({card_code::payload_near_limit, severity::warning, what, ""});
}

bool has_error(const std::vector<problem>& problems) {
    return std::any_of(problems.begin(), problems.end(), [](const problem& p) { return p.level == severity::error; });
}

}  // namespace

result<card_version> parse_version(std::string_view text) {
    static constexpr std::string_view names[] = {"1.0", "1.1", "1.2", "1.3", "1.4", "1.5", "1.6"};
    for (std::size_t i = 0; i < std::size(names); ++i)
        if (names[i] == text) return static_cast<card_version>(i);
    return fail(card_code::version_unknown, "card version must be one of 1.0 to 1.6");
}

result<target> parse_target(std::string_view text) {
    if (text == "bot") return target::bot;
    if (text == "webhook") return target::webhook;
    if (text == "copilot") return target::copilot;
    return fail(input_code::invalid_argument, "the target must be \"bot\", \"webhook\" or \"copilot\"");
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
    walker w(options, card_schema());
    w.card(card, "", 0, true);
    auto problems = w.take();
    size_problems(card, options, problems);
    return problems;
}

std::vector<problem> check_action(const json& action, const validate_options& options) {
    walker w(options, card_schema());
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
    auto fail_with = [&](input_code c, std::string message) {
        failure = problem{c, severity::error, std::move(message), ""};
        return std::nullopt;
    };
    if (text.size() > max_input_length)
        return fail_with(input_code::input_too_large, "the card is larger than " + std::to_string(max_input_length) +
                                                " bytes, the most examined");
    if (!handoffkit::detail::is_valid_utf8(text)) return fail_with(input_code::invalid_utf8, "the card is not valid UTF-8");
    // The strict parse refuses nesting past the same limit as cards.
    static_assert(handoffkit::max_json_depth == static_cast<std::size_t>(max_json_depth));
    json parsed;
    using handoffkit::json_failure;
    const json_failure why = handoffkit::parse_json(text, parsed);
    if (why == json_failure::too_deep)
        return fail_with(input_code::nesting_too_deep, "the card nests more than " + std::to_string(max_json_depth) + " levels");
    if (why == json_failure::not_utf8) return fail_with(input_code::invalid_utf8, "the card escapes a lone surrogate (no character)");
    if (why == json_failure::duplicate_key) return fail_with(input_code::duplicate_key, "the card names a key twice in one object");
    if (why != json_failure::none) return fail_with(input_code::invalid_json, "the card is not valid JSON");
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
