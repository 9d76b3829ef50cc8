// Reading request objects field by field with precise, coded errors (never a throw).
#pragma once

#include <optional>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "handoffkit/result.hpp"

namespace handoffkit::detail {

/// Parses `text` as a JSON object (an empty text is `{}`); INVALID_JSON / INVALID_ARGUMENT otherwise.
result<nlohmann::json> parse_object(std::string_view text, std::string_view what);

/// Reads typed fields from one JSON object. The first problem is kept; `finish()` reports it, or
/// an unknown field (a typo should not be silently ignored).
class field_reader {
public:
    explicit field_reader(const nlohmann::json& object) : object_(object) {}

    field_reader& string(const char* key, std::string& out);
    field_reader& boolean(const char* key, bool& out);
    field_reader& strings(const char* key, std::vector<std::string>& out);
    /// A string, or any JSON value which is then serialized (e.g. a `context` object).
    field_reader& text_or_json(const char* key, std::string& out);
    /// Marks a field as known without reading it (handled by the caller).
    field_reader& known(const char* key);

    std::optional<error> finish() const;

private:
    const nlohmann::json* take(const char* key);
    void wrong_type(const char* key, const char* expected);

    const nlohmann::json& object_;
    std::set<std::string, std::less<>> seen_;
    std::optional<error> error_;
};

/// {"ok":true,"value":…}
std::string ok_envelope(nlohmann::json value);
/// {"ok":false,"error":{"code":…,"message":…}} (+ "field":"<JSON Pointer>" when the error names one)
std::string error_envelope(const error& e);

}  // namespace handoffkit::detail
