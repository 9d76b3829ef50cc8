// Reading request objects field by field with precise, coded errors (never a throw).
#pragma once

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "handoffkit/result.hpp"

namespace handoffkit::detail {

/// Limits on any JSON text the core accepts: the largest legitimate input (an eligibility
/// environment of 10,000+ representatives) is a few MiB, and nothing the core reads nests deeply.
inline constexpr std::size_t max_json_bytes = 32u << 20;
inline constexpr std::size_t max_json_depth = 64;

/// Why parse_json refused a text, for callers that say more than "not JSON".
enum class json_failure { none, too_large, too_deep, not_utf8, duplicate_key, syntax };

/// The one way core parses JSON text: never throws (a failure is a discarded value, the reason in
/// `why`), and one instantiation of nlohmann's parser instead of one per input type, which matters
/// for wasm size. Text over max_json_bytes or nested deeper than max_json_depth is refused before
/// parsing. Refused as well: text that is not UTF-8 or escapes a lone surrogate (no character), and
/// an object naming a key twice (parsers disagree on which one wins: a token or key set read one
/// way here and another way elsewhere is how differential attacks work).
nlohmann::json parse_json(std::string_view text, json_failure* why = nullptr);

/// "the card is not valid JSON" and the like, naming `what` and the reason.
std::string json_failure_message(json_failure why, std::string_view what);

/// True when `text` is a JSON object (e.g. a deep link's `context`).
bool is_json_object(std::string_view text);

/// Parses `text` as a JSON object (an empty text is `{}`); INPUT_TOO_LARGE, INVALID_UTF8,
/// DUPLICATE_KEY, INVALID_JSON (also for nesting over the limit) or INVALID_ARGUMENT otherwise.
result<nlohmann::json> parse_object(std::string_view text, std::string_view what);

/// Reads typed fields from one JSON object. The first problem is kept; `finish()` reports it, or
/// an unknown field (a typo should not be silently ignored).
class field_reader {
public:
    explicit field_reader(const nlohmann::json& object) : object_(object) {}

    field_reader& string(const char* key, std::string& out);
    field_reader& boolean(const char* key, bool& out);
    /// An integral JSON number that fits in int64_t (1.5 and 1e400 are wrong types).
    field_reader& integer(const char* key, std::int64_t& out);
    /// Like integer(), and an error names the field when it is absent.
    field_reader& required_integer(const char* key, std::int64_t& out);
    /// Any JSON value, kept as is (e.g. a context object checked by the caller).
    field_reader& value(const char* key, std::optional<nlohmann::json>& out);
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
/// {"ok":true,"value":<value_json>}, for JSON text the core wrote or already parsed (so valid).
std::string ok_envelope_text(std::string_view value_json);
/// `s` as a JSON string literal, byte for byte what nlohmann's dump writes (faster for plain
/// ASCII, the common case: ids, links, tokens). Invalid UTF-8 becomes U+FFFD.
std::string json_string(std::string_view s);
/// {"ok":false,"error":{"code":…,"message":…}} (+ "field":"<JSON Pointer>" when the error names one)
std::string error_envelope(const error& e);

}  // namespace handoffkit::detail
