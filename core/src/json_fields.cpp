#include "json_fields.hpp"

namespace handoffkit::detail {

namespace {

// Any JSON text under the strict rules, noting only whether its root is an object.
class root_kind_sax : public json_strict_sax {
public:
    bool start_object(std::size_t n) override {
        if (depth() == 0) root_is_object = true;
        return json_strict_sax::start_object(n);
    }
    bool root_is_object = false;
};

}  // namespace

bool is_json_object(std::string_view text) {
    root_kind_sax reader;
    return parse_json_sax(text, reader) == json_failure::none && reader.root_is_object;
}

result<json> parse_object(std::string_view text, std::string_view what) {
    if (text.empty()) return json::object();
    json parsed;
    switch (const json_failure why = parse_json(text, parsed)) {
        case json_failure::none: break;
        case json_failure::too_large: return fail(input_code::input_too_large, json_failure_message(why, what));
        case json_failure::not_utf8: return fail(input_code::invalid_utf8, json_failure_message(why, what));
        case json_failure::duplicate_key: return fail(input_code::duplicate_key, json_failure_message(why, what));
        case json_failure::too_deep:
        case json_failure::syntax: return fail(input_code::invalid_json, json_failure_message(why, what));
    }
    if (!parsed.is_object()) return fail(input_code::invalid_argument, std::string(what) + " must be a JSON object");
    return parsed;
}

const json* member(const json& object, std::string_view key) {
    if (!object.is_object()) return nullptr;
    const auto it = object.find(key);
    return it == object.end() || it->is_null() ? nullptr : &*it;
}

const json* field_reader::take(const char* key) {
    seen_.insert(key);
    return error_ ? nullptr : member(object_, key);
}

void field_reader::wrong_type(const char* key, const char* expected) {
    if (!error_) error_ = fail(input_code::invalid_argument, std::string("field '") + key + "' must be " + expected);
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
    if (!error_ && !member(object_, key)) error_ = fail(input_code::invalid_argument, std::string("field '") + key + "' is required");
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
    if (const auto* v = take(key)) out = v->is_string() ? v->get_ref<const std::string&>() : dump_json(*v);
    return *this;
}

field_reader& field_reader::known(const char* key) {
    seen_.insert(key);
    return *this;
}

std::optional<error> field_reader::finish() const {
    if (error_) return error_;
    if (!object_.is_object()) return std::nullopt;
    for (const auto& item : object_.items())
        if (seen_.find(item.key()) == seen_.end())
            return fail(input_code::invalid_argument, "unknown field '" + item.key() + "'");
    return std::nullopt;
}

std::string ok_envelope_text(std::string_view value_json) {
    std::string out;
    out.reserve(value_json.size() + 24);
    json_writer(out).begin_object().key("ok").boolean(true).key("value").raw(value_json).end_object();
    return out;
}

std::string ok_envelope(const json& value) {
    std::string out;
    json_writer(out).begin_object().key("ok").boolean(true).key("value").value(value).end_object();
    return out;
}

std::string error_envelope(const error& e) {
    json body{{"code", e.code}, {"message", e.message}};
    if (e.field) body["field"] = *e.field;
    return dump_json(json{{"error", std::move(body)}, {"ok", false}});
}

}  // namespace handoffkit::detail
