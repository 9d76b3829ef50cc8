// Reading request objects field by field with precise, coded errors (never a throw).
#pragma once

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "json_value.hpp"

#include "handoffkit/result.hpp"
#include "json_reader.hpp"

namespace handoffkit::detail {

/// The one way core builds a document from JSON text: json_reader's rules (json_reader.hpp), and
/// text over max_json_bytes refused before reading. Never throws: a refused text gives a discarded
/// value, and the reason in `why`.
json parse_json(std::string_view text, json_failure* why = nullptr);

/// "the card is not valid JSON" and the like, naming `what` and the reason.
std::string json_failure_message(json_failure why, std::string_view what);

/// True when `text` is a JSON object under parse_json's rules (e.g. a deep link's `context`).
bool is_json_object(std::string_view text);

/// Parses `text` as a JSON object (an empty text is `{}`); INPUT_TOO_LARGE, INVALID_UTF8,
/// DUPLICATE_KEY, INVALID_JSON (also for nesting over the limit) or INVALID_ARGUMENT otherwise.
result<json> parse_object(std::string_view text, std::string_view what);

/// Reads typed fields from one JSON object. The first problem is kept; `finish()` reports it, or
/// an unknown field (a typo should not be silently ignored).
class field_reader {
public:
    explicit field_reader(const json& object) : object_(object) {}

    field_reader& string(const char* key, std::string& out);
    field_reader& boolean(const char* key, bool& out);
    /// An integral JSON number that fits in int64_t (1.5 and 1e400 are wrong types).
    field_reader& integer(const char* key, std::int64_t& out);
    /// Like integer(), and an error names the field when it is absent.
    field_reader& required_integer(const char* key, std::int64_t& out);
    /// Any JSON value, kept as is (e.g. a context object checked by the caller).
    field_reader& value(const char* key, std::optional<json>& out);
    field_reader& strings(const char* key, std::vector<std::string>& out);
    /// A string, or any JSON value which is then serialized (e.g. a `context` object).
    field_reader& text_or_json(const char* key, std::string& out);
    /// Marks a field as known without reading it (handled by the caller).
    field_reader& known(const char* key);

    std::optional<error> finish() const;

private:
    const json* take(const char* key);
    void wrong_type(const char* key, const char* expected);

    const json& object_;
    std::set<std::string, std::less<>> seen_;
    std::optional<error> error_;
};

/// {"ok":true,"value":…}
std::string ok_envelope(const json& value);
/// {"ok":true,"value":<value_json>}, for JSON text the core wrote or already parsed (so valid).
std::string ok_envelope_text(std::string_view value_json);
/// `s` as a JSON string literal (append_json_string, json_value.hpp). Invalid UTF-8 becomes U+FFFD.
std::string json_string(std::string_view s);
/// {"ok":false,"error":{"code":…,"message":…}} (+ "field":"<JSON Pointer>" when the error names one)
std::string error_envelope(const error& e);

}  // namespace handoffkit::detail
