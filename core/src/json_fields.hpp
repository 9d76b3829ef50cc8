// Reading request objects field by field with precise, coded errors (never a throw), and the
// JSON API's envelopes.
#pragma once

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "handoffkit/json.hpp"
#include "handoffkit/result.hpp"

namespace handoffkit::detail {

using handoffkit::json;

/// True when `text` is a JSON object under the strict rules (e.g. a deep link's `context`),
/// checked without building its document.
bool is_json_object(std::string_view text);

/// Parses `text` as a JSON object (an empty text is `{}`); INPUT_TOO_LARGE, INVALID_UTF8,
/// DUPLICATE_KEY, INVALID_JSON (also for nesting over the limit) or INVALID_ARGUMENT otherwise.
result<json> parse_object(std::string_view text, std::string_view what);

/// The member `key` of `object` when it is an object that has it and the member is not null;
/// nullptr otherwise. Never throws: the lookup every reader of a document goes through (nlohmann's
/// const operator[] on a missing key is undefined behaviour).
const json* member(const json& object, std::string_view key);

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
/// {"ok":true,"value":<value_json>}, for JSON text the core wrote or parsed strictly (so valid).
std::string ok_envelope_text(std::string_view value_json);
/// {"error":{"code":…,"message":…},"ok":false} (+ "field":"<JSON Pointer>" when the error names one)
std::string error_envelope(const error& e);

}  // namespace handoffkit::detail
