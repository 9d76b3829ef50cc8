#include "json_fields.hpp"

namespace handoffkit::detail {

result<nlohmann::json> parse_object(std::string_view text, std::string_view what) {
    if (text.empty()) return nlohmann::json::object();
    auto parsed = nlohmann::json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
    if (parsed.is_discarded()) return fail("INVALID_JSON", std::string(what) + " is not valid JSON");
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
