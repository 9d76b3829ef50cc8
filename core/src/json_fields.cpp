#include "json_fields.hpp"

#include <algorithm>
#include <vector>

#include "text_checks.hpp"

namespace handoffkit::detail {

namespace {

using nlohmann::json;

// `\uD800`-`\uDFFF` escaped without its partner: valid UTF-8 text that names no character.
bool escapes_lone_surrogate(std::string_view text) {
    auto surrogate_at = [&](std::size_t i, char lo, char hi) {  // "\uDx.." with x in [lo, hi]
        if (i + 6 > text.size() || text[i] != '\\' || text[i + 1] != 'u' || (text[i + 2] | 0x20) != 'd')
            return false;
        const char x = static_cast<char>(text[i + 3] | 0x20);
        return x >= lo && x <= hi;
    };
    bool in_string = false;
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '"') {
            in_string = !in_string;
        } else if (in_string && text[i] == '\\') {
            if (surrogate_at(i, '8', 'b')) {
                if (!surrogate_at(i + 6, 'c', 'f')) return true;
                i += 11;
            } else if (surrogate_at(i, 'c', 'f')) {
                return true;
            } else {
                ++i;  // the escaped character, a quote included
            }
        }
    }
    return false;
}

// Builds the document as nlohmann's own SAX DOM parser does, and stops at an object that names a
// key twice (where nlohmann would keep the last). nlohmann's callback parser could tell too, but
// after every object it rescans the parent for discarded members: quadratic in an array of objects
// (an environment of 10,000 representatives took twice as long).
class strict_dom_builder {
public:
    explicit strict_dom_builder(json& root) : root_(root) {}

    bool null() { return scalar(nullptr); }
    bool boolean(bool v) { return scalar(v); }
    bool number_integer(json::number_integer_t v) { return scalar(v); }
    bool number_unsigned(json::number_unsigned_t v) { return scalar(v); }
    bool number_float(json::number_float_t v, const json::string_t&) { return scalar(v); }
    bool string(json::string_t& v) { return scalar(std::move(v)); }
    bool binary(json::binary_t& v) { return scalar(json::binary(std::move(v))); }
    bool start_object(std::size_t) {
        open_.push_back(place(json::object()));
        return true;
    }
    bool key(json::string_t& k) {
        auto [member, added] = open_.back()->get_ref<json::object_t&>().emplace(std::move(k), nullptr);
        duplicate_key = !added;
        slot_ = &member->second;
        return added;
    }
    bool end_object() {
        open_.pop_back();
        return true;
    }
    bool start_array(std::size_t) {
        open_.push_back(place(json::array()));
        return true;
    }
    bool end_array() {
        open_.pop_back();
        return true;
    }
    bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception&) { return false; }

    bool duplicate_key = false;

private:
    bool scalar(json&& v) {
        place(std::move(v));
        return true;
    }

    // Puts a value where the document is at: the root, the end of the open array, or the member
    // whose key was just read. Containers are opened in place, so pointers to them stay valid
    // while they are open (map nodes never move; an array only grows after its last element,
    // which is the open one, has been closed).
    json* place(json&& v) {
        if (open_.empty()) {
            root_ = std::move(v);
            return &root_;
        }
        if (json& top = *open_.back(); top.is_array()) {
            auto& items = top.get_ref<json::array_t&>();
            items.push_back(std::move(v));
            return &items.back();
        }
        *slot_ = std::move(v);
        return slot_;
    }

    json& root_;
    std::vector<json*> open_;
    json* slot_ = nullptr;
};

json refused(json_failure reason, json_failure* why) {
    if (why) *why = reason;
    return json(json::value_t::discarded);
}

}  // namespace

json parse_json(std::string_view text, json_failure* why) {
    if (why) *why = json_failure::none;
    if (text.size() > max_json_bytes) return refused(json_failure::too_large, why);
    if (json_nesting_exceeds(text, static_cast<int>(max_json_depth))) return refused(json_failure::too_deep, why);
    json parsed;
    strict_dom_builder builder(parsed);
    if (!json::sax_parse(text.begin(), text.end(), &builder)) {
        if (builder.duplicate_key) return refused(json_failure::duplicate_key, why);
        const bool not_utf8 = !is_valid_utf8(text) || escapes_lone_surrogate(text);
        return refused(not_utf8 ? json_failure::not_utf8 : json_failure::syntax, why);
    }
    return parsed;
}

std::string json_failure_message(json_failure why, std::string_view what) {
    const std::string subject(what);
    switch (why) {
        case json_failure::too_large: return subject + " is over " + std::to_string(max_json_bytes >> 20) + " MiB";
        case json_failure::too_deep:
            return subject + " nests deeper than " + std::to_string(max_json_depth) + " levels";
        case json_failure::not_utf8: return subject + " is not UTF-8 (or escapes a lone surrogate)";
        case json_failure::duplicate_key: return subject + " names a key twice in one object";
        default: return subject + " is not valid JSON";
    }
}

bool is_json_object(std::string_view text) { return parse_json(text).is_object(); }

result<nlohmann::json> parse_object(std::string_view text, std::string_view what) {
    if (text.empty()) return nlohmann::json::object();
    json_failure why;
    auto parsed = parse_json(text, &why);
    switch (why) {
        case json_failure::none: break;
        case json_failure::too_large: return fail("INPUT_TOO_LARGE", json_failure_message(why, what));
        case json_failure::not_utf8: return fail("INVALID_UTF8", json_failure_message(why, what));
        case json_failure::duplicate_key: return fail("DUPLICATE_KEY", json_failure_message(why, what));
        default: return fail("INVALID_JSON", json_failure_message(why, what));
    }
    if (!parsed.is_object()) return fail("INVALID_ARGUMENT", std::string(what) + " must be a JSON object");
    return parsed;
}

const nlohmann::json* field_reader::take(const char* key) {
    seen_.insert(key);
    auto it = object_.find(key);
    if (error_ || it == object_.end() || it->is_null()) return nullptr;
    return &*it;
}

void field_reader::wrong_type(const char* key, const char* expected) {
    if (!error_) error_ = fail("INVALID_ARGUMENT", std::string("field '") + key + "' must be " + expected);
}

field_reader& field_reader::string(const char* key, std::string& out) {
    if (const auto* v = take(key)) {
        if (v->is_string()) out = v->get_ref<const std::string&>();
        else wrong_type(key, "a string");
    }
    return *this;
}

field_reader& field_reader::boolean(const char* key, bool& out) {
    if (const auto* v = take(key)) {
        if (v->is_boolean()) out = v->get<bool>();
        else wrong_type(key, "a boolean");
    }
    return *this;
}

field_reader& field_reader::integer(const char* key, std::int64_t& out) {
    if (const auto* v = take(key)) {
        if (v->is_number_integer() && !(v->is_number_unsigned() && v->get<std::uint64_t>() > INT64_MAX))
            out = v->get<std::int64_t>();
        else wrong_type(key, "an integer");
    }
    return *this;
}

field_reader& field_reader::required_integer(const char* key, std::int64_t& out) {
    if (!error_ && (!object_.contains(key) || object_[key].is_null()))
        error_ = fail("INVALID_ARGUMENT", std::string("field '") + key + "' is required");
    return integer(key, out);
}

field_reader& field_reader::value(const char* key, std::optional<nlohmann::json>& out) {
    if (const auto* v = take(key)) out = *v;
    return *this;
}

field_reader& field_reader::strings(const char* key, std::vector<std::string>& out) {
    if (const auto* v = take(key)) {
        if (!v->is_array()) return wrong_type(key, "an array of strings"), *this;
        out.clear();
        for (const auto& item : *v) {
            if (!item.is_string()) return wrong_type(key, "an array of strings"), *this;
            out.push_back(item.get_ref<const std::string&>());
        }
    }
    return *this;
}

field_reader& field_reader::text_or_json(const char* key, std::string& out) {
    if (const auto* v = take(key)) out = v->is_string() ? v->get_ref<const std::string&>() : v->dump();
    return *this;
}

field_reader& field_reader::known(const char* key) {
    seen_.insert(key);
    return *this;
}

std::optional<error> field_reader::finish() const {
    if (error_) return error_;
    for (const auto& item : object_.items())
        if (seen_.find(item.key()) == seen_.end())
            return fail("INVALID_ARGUMENT", "unknown field '" + item.key() + "'");
    return std::nullopt;
}

namespace {

// Printable ASCII without '"' or '\\': JSON text as it stands (links and tokens always are).
bool needs_no_escaping(std::string_view s) {
    return std::all_of(s.begin(), s.end(), [](char c) { return c >= 0x20 && c < 0x7f && c != '"' && c != '\\'; });
}

}  // namespace

std::string json_string(std::string_view s) {
    // Skips the serializer's byte-by-byte UTF-8 walk when nothing needs escaping (a tenth of a
    // link build in wasm).
    if (needs_no_escaping(s)) return '"' + std::string(s) + '"';
    return nlohmann::json(std::string(s)).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string ok_envelope_text(std::string_view value_json) {
    return R"({"ok":true,"value":)" + std::string(value_json) + "}";
}

std::string ok_envelope(nlohmann::json value) {
    // A built link is the most common answer: written directly.
    if (value.is_string()) return ok_envelope_text(json_string(value.get_ref<const std::string&>()));
    return nlohmann::json{{"ok", true}, {"value", std::move(value)}}.dump(-1, ' ', false,
                                                                           nlohmann::json::error_handler_t::replace);
}

std::string error_envelope(const error& e) {
    nlohmann::json body{{"code", e.code}, {"message", e.message}};
    if (e.field) body["field"] = *e.field;
    return nlohmann::json{{"ok", false}, {"error", std::move(body)}}.dump(-1, ' ', false,
                                                                          nlohmann::json::error_handler_t::replace);
}

}  // namespace handoffkit::detail
