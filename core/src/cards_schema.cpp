// Reading the schema table into type_def/prop_def once. The table is the generator's output
// (scripts/gen-card-schema.mjs); a property reads "SINCE KIND[!] [SOURCE]", e.g. "1.2 enum:spacing"
// or "1.0 elements! schema", where KIND may name a value set (enum:…) or a type (object:…).
#include "cards_schema.hpp"

#include <algorithm>
#include <cctype>

#include "json_fields.hpp"

namespace handoffkit::cards::detail {
namespace {
using handoffkit::detail::json;

bool iequal(std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
           });
}

// Case-insensitive Levenshtein distance (names are short, so the quadratic table is small).
std::size_t distance(std::string_view a, std::string_view b) {
    std::vector<std::size_t> row(b.size() + 1);
    for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
    for (std::size_t i = 1; i <= a.size(); ++i) {
        std::size_t diagonal = row[0];
        row[0] = i;
        for (std::size_t j = 1; j <= b.size(); ++j) {
            const std::size_t above = row[j];
            const bool same = std::tolower(static_cast<unsigned char>(a[i - 1])) == std::tolower(static_cast<unsigned char>(b[j - 1]));
            row[j] = std::min({above + 1, row[j - 1] + 1, diagonal + (same ? 0 : 1)});
            diagonal = above;
        }
    }
    return row[b.size()];
}

const std::pair<std::string_view, value_kind> kind_names[] = {
    {"string", value_kind::string},     {"bool", value_kind::boolean},
    {"number", value_kind::number},     {"count", value_kind::count},
    {"id", value_kind::id},             {"url", value_kind::url},
    {"image", value_kind::image},       {"media", value_kind::media},
    {"color", value_kind::color},       {"pixels", value_kind::pixels},
    {"dimension", value_kind::dimension}, {"columnWidth", value_kind::column_width},
    {"labelWidth", value_kind::label_width}, {"time", value_kind::time},
    {"version", value_kind::version},   {"enum", value_kind::enumeration},
    {"action", value_kind::action},     {"execute", value_kind::execute},
    {"actions", value_kind::actions},   {"elements", value_kind::elements},
    {"card", value_kind::card},         {"fallback", value_kind::fallback},
    {"requires", value_kind::requires}, {"data", value_kind::data},
    {"targets", value_kind::targets},   {"strings", value_kind::strings},
    {"inlines", value_kind::inlines},   {"backgroundImage", value_kind::background_image},
    {"object", value_kind::object},     {"objects", value_kind::objects},
    {"any", value_kind::any},
};

const std::pair<std::string_view, type_kind> type_kind_names[] = {
    {"card", type_kind::card}, {"element", type_kind::element}, {"action", type_kind::action},
    {"inline", type_kind::inline_run}, {"object", type_kind::object},
};

template <class T, std::size_t N>
std::optional<T> lookup(const std::pair<std::string_view, T> (&names)[N], std::string_view name) {
    for (const auto& [n, v] : names)
        if (n == name) return v;
    return std::nullopt;
}

std::string_view string_of(const json& object, std::string_view key) {
    auto it = object.find(key);
    return it != object.end() && it->is_string() ? std::string_view(it->get_ref<const std::string&>()) : std::string_view();
}

std::size_t size_of(const json& object, std::string_view key) {
    auto it = object.find(key);
    return it != object.end() && it->is_number_unsigned() ? it->get<std::size_t>() : 0;
}

std::vector<std::string> strings_of(const json& object, std::string_view key) {
    std::vector<std::string> out;
    auto it = object.find(key);
    if (it == object.end() || !it->is_array()) return out;
    for (const auto& item : it->items())
        if (item.value().is_string()) out.push_back(item.value().get<std::string>());
    return out;
}

// "value" or "value@1.5".
std::optional<enum_def> read_enum(const json& list) {
    if (!list.is_array()) return std::nullopt;
    enum_def out;
    for (const auto& item : list.items()) {
        if (!item.value().is_string()) return std::nullopt;
        const std::string_view text = item.value().get_ref<const std::string&>();
        const auto at = text.find('@');
        auto since = at == std::string_view::npos ? result<card_version>(card_version::v1_0) : parse_version(text.substr(at + 1));
        if (!since) return std::nullopt;
        out.values.push_back({std::string(text.substr(0, at)), *since});
    }
    return out;
}

class reader {
public:
    explicit reader(schema& s) : s_(s) {}

    bool read(const json& table) {
        auto enums = table.find("enums");
        auto types = table.find("types");
        auto targets = table.find("targets");
        if (enums == table.end() || types == table.end() || targets == table.end() || !enums->is_object() ||
            !types->is_object() || !targets->is_object())
            return false;
        for (const auto& e : enums->items()) {
            auto def = read_enum(e.value());
            if (!def) return false;
            s_.enums.emplace(e.key(), std::move(*def));
        }
        // Types first, so that properties can point at any of them.
        for (const auto& t : types->items()) {
            if (!t.value().is_object()) return false;
            auto kind = lookup(type_kind_names, string_of(t.value(), "kind"));
            auto since = parse_version(string_of(t.value(), "since"));
            if (!kind || !since) return false;
            type_def def;
            def.name = t.key();
            def.kind = *kind;
            def.since = *since;
            s_.types.emplace(t.key(), std::move(def));
        }
        for (const auto& t : types->items())
            if (!read_props(t.value(), s_.types.find(t.key())->second)) return false;
        for (const auto& t : targets->items())
            if (!t.value().is_object() || !read_target(t.key(), t.value())) return false;
        return true;
    }

private:
    bool read_props(const json& type, type_def& def) {
        auto props = type.find("props");
        if (props == type.end() || !props->is_object()) return false;
        for (const auto& p : props->items()) {
            if (!p.value().is_string()) return false;
            auto prop = read_prop(p.key(), p.value().get_ref<const std::string&>());
            if (!prop) return false;
            def.props.push_back(std::move(*prop));
        }
        // Object members come in key order (the document's objects are ordered maps): sorted.
        return true;
    }

    // "SINCE KIND[!] [SOURCE]"
    std::optional<prop_def> read_prop(const std::string& name, std::string_view spec) {
        const auto space = spec.find(' ');
        if (space == std::string_view::npos) return std::nullopt;
        std::string_view kind = spec.substr(space + 1);
        kind = kind.substr(0, kind.find(' '));
        prop_def p;
        p.name = name;
        auto since = parse_version(spec.substr(0, space));
        if (!since) return std::nullopt;
        p.since = *since;
        if (!kind.empty() && kind.back() == '!') {
            p.required = true;
            kind.remove_suffix(1);
        }
        const auto colon = kind.find(':');
        auto k = lookup(kind_names, kind.substr(0, colon));
        if (!k) return std::nullopt;
        p.kind = *k;
        if (colon == std::string_view::npos) return p;
        const std::string_view ref = kind.substr(colon + 1);
        if (p.kind == value_kind::enumeration) {
            auto e = s_.enums.find(ref);
            if (e == s_.enums.end()) return std::nullopt;
            p.values = &e->second;
        } else {
            p.type = s_.find_type(ref);
            if (!p.type) return std::nullopt;
        }
        return p;
    }

    bool read_target(const std::string& name, const json& t) {
        target_def def;
        def.max_bytes = size_of(t, "maxBytes");
        def.warn_bytes = size_of(t, "warnBytes");
        def.max_actions = size_of(t, "maxActions");
        def.min_buttons = size_of(t, "minButtons");
        def.max_buttons = size_of(t, "maxButtons");
        if (auto v = string_of(t, "maxVersion"); !v.empty()) {
            auto parsed = parse_version(v);
            if (!parsed) return false;
            def.max_version = *parsed;
        }
        def.unsupported_submit_types = strings_of(t, "unsupportedSubmitTypes");
        def.recommended_actions = strings_of(t, "recommendedActions");
        if (def.max_bytes == 0 || def.warn_bytes > def.max_bytes || def.max_actions == 0) return false;
        s_.targets.emplace(name, std::move(def));
        return true;
    }

    schema& s_;
};

schema load() {
    schema s;
    json table;
    if (handoffkit::parse_json(schema_json(), table) != handoffkit::json_failure::none) return {};
    if (!table.is_object() || !reader(s).read(table)) return {};
    for (const char* name : {"bot", "webhook", "copilot"})
        if (!s.targets.count(name)) return {};
    return s;
}

}  // namespace

const prop_def* type_def::find_other_case(std::string_view name) const {
    for (const auto& p : props)
        if (iequal(p.name, name)) return &p;
    return nullptr;
}

std::optional<std::string_view> type_def::closest(std::string_view name) const {
    std::optional<std::string_view> best;
    std::size_t best_distance = std::max<std::size_t>(2, name.size() / 3) + 1;  // near enough to be a typo
    for (const auto& p : props)
        if (const auto d = distance(name, p.name); d < best_distance) {
            best = p.name;
            best_distance = d;
        }
    return best;
}

const target_def& schema::target_of(target host) const {
    static const target_def none{};
    const char* name = host == target::webhook ? "webhook" : host == target::copilot ? "copilot" : "bot";
    auto it = targets.find(std::string_view(name));
    return it == targets.end() ? none : it->second;
}

const schema& card_schema() {
    static const schema s = load();
    return s;
}

}  // namespace handoffkit::cards::detail
