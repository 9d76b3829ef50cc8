#include "json_fields.hpp"

#include <vector>

#include "text_checks.hpp"

namespace handoffkit::detail {

namespace {

using handoffkit::detail::json;

// Builds the core's document (json_value.hpp) from the reader. Recursion is bounded: the reader refuses to enter
// a level past max_json_depth. Keys are unique (the reader refuses a repeated one).
bool read_value(json_reader& r, json& out) {
    switch (r.next()) {
        case json_reader::kind::object: {
            out = json::object();
            auto& members = out.get_ref<json::object_t&>();
            return r.object([&](std::string_view key) { return read_value(r, members[std::string(key)]); });
        }
        case json_reader::kind::array: {
            out = json::array();
            auto& items = out.get_ref<json::array_t&>();
            return r.array([&] { return read_value(r, items.emplace_back()); });
        }
        case json_reader::kind::string: {
            std::string_view s;
            if (!r.string(s)) return false;
            out = std::string(s);
            return true;
        }
        case json_reader::kind::number: {
            json_number n;
            if (!r.number(n)) return false;
            if (n.kind == json_number::type::unsigned_integer) out = n.unsigned_value;
            else if (n.kind == json_number::type::integer) out = n.integer_value;
            else out = n.float_value;
            return true;
        }
        case json_reader::kind::boolean: {
            bool b;
            if (!r.boolean(b)) return false;
            out = b;
            return true;
        }
        case json_reader::kind::null: return r.null();
        case json_reader::kind::invalid: break;
    }
    return r.refuse();
}

json refused(json_failure reason, json_failure* why) {
    if (why) *why = reason;
    return json(json::value_t::discarded);
}

}  // namespace

json parse_json(std::string_view text, json_failure* why) {
    if (why) *why = json_failure::none;
    if (text.size() > max_json_bytes) return refused(json_failure::too_large, why);
    json_reader reader(text);
    json parsed;
    if (!read_value(reader, parsed) || !reader.end()) return refused(classify_failure(text, reader), why);
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

bool is_json_object(std::string_view text) {
    // parse_json's rules, without building the document only to ask its kind.
    if (text.size() > max_json_bytes) return false;
    json_reader reader(text);
    return reader.next() == json_reader::kind::object && reader.skip() && reader.end();
}

result<json> parse_object(std::string_view text, std::string_view what) {
    if (text.empty()) return json::object();
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

const json* field_reader::take(const char* key) {
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

field_reader& field_reader::value(const char* key, std::optional<json>& out) {
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

std::string json_string(std::string_view s) {
    std::string out;
    out.reserve(s.size() + 2);
    append_json_string(out, s);
    return out;
}

std::string ok_envelope_text(std::string_view value_json) {
    return R"({"ok":true,"value":)" + std::string(value_json) + "}";
}

std::string ok_envelope(const json& value) {
    std::string out = R"({"ok":true,"value":)";
    value.dump_to(out);
    out += '}';
    return out;
}

std::string error_envelope(const error& e) {
    json body{{"code", e.code}, {"message", e.message}};
    if (e.field) body["field"] = *e.field;
    return json{{"ok", false}, {"error", std::move(body)}}.dump();
}

}  // namespace handoffkit::detail
