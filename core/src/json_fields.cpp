#include "json_fields.hpp"

#include "text_checks.hpp"

namespace handoffkit::detail {

nlohmann::json parse_json(std::string_view text) {
    if (text.size() > max_json_bytes || json_nesting_exceeds(text, static_cast<int>(max_json_depth)))
        return nlohmann::json(nlohmann::json::value_t::discarded);
    return nlohmann::json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
}

bool is_json_object(std::string_view text) { return parse_json(text).is_object(); }

result<nlohmann::json> parse_object(std::string_view text, std::string_view what) {
    if (text.empty()) return nlohmann::json::object();
    if (text.size() > max_json_bytes)
        return fail("INPUT_TOO_LARGE", std::string(what) + " is over " + std::to_string(max_json_bytes >> 20) + " MiB");
    auto parsed = parse_json(text);
    if (parsed.is_discarded())
        return fail("INVALID_JSON", std::string(what) + " is not valid JSON (or nests deeper than " +
                                        std::to_string(max_json_depth) + " levels)");
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

std::string ok_envelope(nlohmann::json value) {
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
