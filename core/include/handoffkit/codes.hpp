// handoffkit/codes.hpp: the stable UPPER_SNAKE codes, one `enum class` per area, each with one
// string table that its enum indexes.
//
// The strings are the contract (the CLI's JSON, `HandoffKitError.code`, tests/vectors/); the
// enums are how C++ names and compares them:
//   return fail(token_code::expired, "the token has expired");
//   if (e.code == token_code::expired) ...
//   e.code.name() == "EXPIRED"
// A `code` holds any area's code, so one `error` type carries codes of every area (a handoff's
// create() fails with a link, token or store code). Areas of the core, each code listed once:
//   input        what any entry point checks on what it is given (JSON text, UTF-8, sizes,
//                arguments) and INTERNAL (an unexpected failure caught at an edge)
//   link         deep links built and validated (deeplink.hpp)
//   card         Adaptive Cards built and validated (cards.hpp); URL problems of a card use the
//                link codes URL_MALFORMED and SCRIPT_INJECTION
//   token        continuation tokens, their keys, the redemption and its store (token.hpp)
//   eligibility  environments, rulesets, reports (eligibility.hpp); the codes of the rules
//                themselves are data of the ruleset
//   handoff      the handoff pipeline's answers (handoff.hpp), with the activity and serviceUrl
//                checks that lead to them; STORE_UNAVAILABLE is the token area's, passed on
// Three strings name unrelated failures in two areas each, and are two codes: UNSUPPORTED_TYPE
// (token typ / card type newer than the target), CONTEXT_INVALID (an entity link's context /
// a token's ctx), CONTINUATION_MISSING (a handoff link / a handoff/action). Native code (host,
// CLI, stores) defines its areas the same way (handoffkit/native/codes.hpp).
#pragma once

#include <cstddef>
#include <cstdint>
#include <iterator>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>

namespace handoffkit {

/// One area's string table: its name ("token") and its codes' strings, indexed by its enum.
struct code_table {
    std::string_view area;
    const std::string_view* names;
    std::size_t size;
};

// Defines `enum class Enum` from LIST (X(identifier, "STRING") per code), its string table in
// the same order, code_table_of(Enum) and to_json(json, Enum), found by argument-dependent lookup
// (so an area is one list and its enum and table cannot disagree, and a JSON document gets the
// string, not nlohmann's number for an enum, without this header knowing nlohmann).
#define HANDOFFKIT_CODE_ID(id, text) id,
#define HANDOFFKIT_CODE_TEXT(id, text) text,
#define HANDOFFKIT_CODE_AREA(Enum, area_name, LIST)                                                  \
    enum class Enum : std::uint16_t { LIST(HANDOFFKIT_CODE_ID) };                                   \
    inline constexpr std::string_view Enum##_names[] = {LIST(HANDOFFKIT_CODE_TEXT)};                \
    inline constexpr ::handoffkit::code_table Enum##_table{area_name, Enum##_names,                 \
                                                           std::size(Enum##_names)};                \
    constexpr const ::handoffkit::code_table& code_table_of(Enum) { return Enum##_table; }             \
    template <class Json>                                                                           \
    void to_json(Json& out, Enum c) {                                                               \
        out = std::string(Enum##_names[static_cast<std::size_t>(c)]);                               \
    }

/// True for the enums HANDOFFKIT_CODE_AREA defines.
template <class E, class = void>
struct is_code_area : std::false_type {};
template <class E>
struct is_code_area<E, std::void_t<decltype(code_table_of(std::declval<E>()))>> : std::true_type {};

/// The wire string of a code: name(token_code::expired) == "EXPIRED".
template <class E, std::enable_if_t<is_code_area<E>::value, int> = 0>
constexpr std::string_view name(E c) {
    return code_table_of(c).names[static_cast<std::size_t>(c)];
}

/// The code of area E whose string is `text`: code_from_name<token_code>("EXPIRED") == token_code::expired.
template <class E, std::enable_if_t<is_code_area<E>::value, int> = 0>
constexpr std::optional<E> code_from_name(std::string_view text) {
    const code_table& t = code_table_of(E{});
    for (std::size_t i = 0; i < t.size; ++i)
        if (t.names[i] == text) return static_cast<E>(i);
    return std::nullopt;
}

/// A code of any area: which table, and which entry of it. Compares with an area's enum
/// (`c == token_code::expired`) and, by its string, with text (`c == "EXPIRED"`: for tests and
/// for codes that come back as text; decisions compare enums).
class code {
public:
    template <class E, std::enable_if_t<is_code_area<E>::value, int> = 0>
    constexpr code(E c) noexcept : table_(&code_table_of(c)), value_(static_cast<std::uint16_t>(c)) {}

    /// "EXPIRED"
    constexpr std::string_view name() const { return table_->names[value_]; }
    /// "token"
    constexpr std::string_view area() const { return table_->area; }
    /// The enum value when this is a code of area E.
    template <class E, std::enable_if_t<is_code_area<E>::value, int> = 0>
    constexpr std::optional<E> as() const {
        if (table_ != &code_table_of(E{})) return std::nullopt;
        return static_cast<E>(value_);
    }

    friend constexpr bool operator==(code a, code b) { return a.table_ == b.table_ && a.value_ == b.value_; }
    friend constexpr bool operator!=(code a, code b) { return !(a == b); }
    friend constexpr bool operator==(code a, std::string_view text) { return a.name() == text; }
    friend constexpr bool operator!=(code a, std::string_view text) { return !(a == text); }
    friend constexpr bool operator==(std::string_view text, code a) { return a.name() == text; }
    friend constexpr bool operator!=(std::string_view text, code a) { return !(a == text); }
    /// `std::cout << e.code` prints "EXPIRED" (a template so that this header needs no <ostream>).
    template <class Stream>
    friend auto operator<<(Stream& out, code c) -> decltype(out << std::string_view()) {
        return out << c.name();
    }

private:
    const code_table* table_;
    std::uint16_t value_;
};

// ---- the core's areas --------------------------------------------------------------------

#define HANDOFFKIT_INPUT_CODES(X)                                                                   \
    X(invalid_argument, "INVALID_ARGUMENT")   /* a field of the wrong type, out of range, unknown */ \
    X(invalid_json, "INVALID_JSON")           /* not JSON (or nested beyond 64 levels) */          \
    X(invalid_utf8, "INVALID_UTF8")           /* text that is not UTF-8, a lone surrogate */        \
    X(duplicate_key, "DUPLICATE_KEY")         /* an object naming a key twice */                    \
    X(input_too_large, "INPUT_TOO_LARGE")     /* beyond the entry point's size cap */               \
    X(nesting_too_deep, "NESTING_TOO_DEEP")   /* a card nesting beyond its limit */                 \
    X(messages_invalid, "MESSAGES_INVALID")   /* a follow-up messages document off its schema */    \
    X(internal, "INTERNAL")                   /* an unexpected failure, caught at an edge */
HANDOFFKIT_CODE_AREA(input_code, "input", HANDOFFKIT_INPUT_CODES)

#define HANDOFFKIT_LINK_CODES(X)                         \
    X(url_too_long, "URL_TOO_LONG")                      \
    X(url_malformed, "URL_MALFORMED")                    \
    X(not_https, "NOT_HTTPS")                            \
    X(host_not_allowed, "HOST_NOT_ALLOWED")              \
    X(credentials_present, "CREDENTIALS_PRESENT")        \
    X(port_present, "PORT_PRESENT")                      \
    X(fragment_present, "FRAGMENT_PRESENT")              \
    X(unknown_path, "UNKNOWN_PATH")                      \
    X(kind_mismatch, "KIND_MISMATCH")                    \
    X(param_duplicated, "PARAM_DUPLICATED")              \
    X(param_name_case, "PARAM_NAME_CASE")                \
    X(param_unknown, "PARAM_UNKNOWN")                    \
    X(plus_as_space, "PLUS_AS_SPACE")                    \
    X(control_character, "CONTROL_CHARACTER")            \
    X(script_injection, "SCRIPT_INJECTION")              \
    X(users_missing, "USERS_MISSING")                    \
    X(users_empty, "USERS_EMPTY")                        \
    X(bot_id_invalid, "BOT_ID_INVALID")                  \
    X(continuation_missing, "CONTINUATION_MISSING")      \
    X(continuation_empty, "CONTINUATION_EMPTY")          \
    X(time_invalid, "TIME_INVALID")                      \
    X(with_video_invalid, "WITH_VIDEO_INVALID")          \
    X(app_id_invalid, "APP_ID_INVALID")                  \
    X(entity_id_empty, "ENTITY_ID_EMPTY")                \
    X(web_url_invalid, "WEB_URL_INVALID")                \
    X(context_invalid, "CONTEXT_INVALID")
HANDOFFKIT_CODE_AREA(link_code, "link", HANDOFFKIT_LINK_CODES)

#define HANDOFFKIT_CARD_CODES(X)                                         \
    X(card_type_invalid, "CARD_TYPE_INVALID")                            \
    X(version_missing, "VERSION_MISSING")                                \
    X(version_unknown, "VERSION_UNKNOWN")                                \
    X(version_newer_than_target, "VERSION_NEWER_THAN_TARGET")            \
    X(property_missing, "PROPERTY_MISSING")                              \
    X(property_type_invalid, "PROPERTY_TYPE_INVALID")                    \
    X(property_value_invalid, "PROPERTY_VALUE_INVALID")                  \
    X(unknown_element_type, "UNKNOWN_ELEMENT_TYPE")                      \
    X(unknown_action_type, "UNKNOWN_ACTION_TYPE")                        \
    X(action_not_allowed, "ACTION_NOT_ALLOWED")                          \
    X(duplicate_id, "DUPLICATE_ID")                                      \
    X(unknown_property, "UNKNOWN_PROPERTY")                              \
    X(property_case_mismatch, "PROPERTY_CASE_MISMATCH")                  \
    X(unsupported_property, "UNSUPPORTED_PROPERTY")                      \
    X(unsupported_type, "UNSUPPORTED_TYPE")                              \
    X(unsupported_value, "UNSUPPORTED_VALUE")                            \
    X(newer_than_card_version, "NEWER_THAN_CARD_VERSION")                \
    X(url_scheme_forbidden, "URL_SCHEME_FORBIDDEN")                      \
    X(url_scheme_not_allowed, "URL_SCHEME_NOT_ALLOWED")                  \
    X(deep_link_invalid, "DEEP_LINK_INVALID")                            \
    X(style_not_rendered, "STYLE_NOT_RENDERED")                          \
    X(too_many_actions, "TOO_MANY_ACTIONS")                              \
    X(copilot_action_count, "COPILOT_ACTION_COUNT")                      \
    X(copilot_action_unsupported, "COPILOT_ACTION_UNSUPPORTED")          \
    X(copilot_action_not_recommended, "COPILOT_ACTION_NOT_RECOMMENDED")  \
    X(copilot_alt_text_missing, "COPILOT_ALT_TEXT_MISSING")              \
    X(payload_too_large, "PAYLOAD_TOO_LARGE")                            \
    X(payload_near_limit, "PAYLOAD_NEAR_LIMIT")
HANDOFFKIT_CODE_AREA(card_code, "card", HANDOFFKIT_CARD_CODES)

// In token.hpp's verification order, then redemption, issuing and keys.
#define HANDOFFKIT_TOKEN_CODES(X)                        \
    X(token_too_long, "TOKEN_TOO_LONG")                  \
    X(malformed, "MALFORMED")                            \
    X(unsupported_alg, "UNSUPPORTED_ALG")                \
    X(unsupported_type, "UNSUPPORTED_TYPE")              \
    X(unsupported_header, "UNSUPPORTED_HEADER")          \
    X(unknown_key, "UNKNOWN_KEY")                        \
    X(bad_signature, "BAD_SIGNATURE")                    \
    X(expired, "EXPIRED")                                \
    X(not_yet_valid, "NOT_YET_VALID")                    \
    X(lifetime_too_long, "LIFETIME_TOO_LONG")            \
    X(wrong_issuer, "WRONG_ISSUER")                      \
    X(wrong_audience, "WRONG_AUDIENCE")                  \
    X(wrong_user, "WRONG_USER")                          \
    X(context_not_found, "CONTEXT_NOT_FOUND")            \
    X(replayed, "REPLAYED")                              \
    X(store_unavailable, "STORE_UNAVAILABLE")            \
    X(context_invalid, "CONTEXT_INVALID")                \
    X(context_too_large, "CONTEXT_TOO_LARGE")            \
    X(keys_invalid, "KEYS_INVALID")                      \
    X(key_too_short, "KEY_TOO_SHORT")
HANDOFFKIT_CODE_AREA(token_code, "token", HANDOFFKIT_TOKEN_CODES)

#define HANDOFFKIT_ELIGIBILITY_CODES(X)                  \
    X(environment_invalid, "ENVIRONMENT_INVALID")        \
    X(ruleset_invalid, "RULESET_INVALID")                \
    X(report_invalid, "REPORT_INVALID")                  \
    X(unknown_license, "UNKNOWN_LICENSE")                \
    X(unknown_privilege, "UNKNOWN_PRIVILEGE")            \
    X(unknown_role, "UNKNOWN_ROLE")
HANDOFFKIT_CODE_AREA(eligibility_code, "eligibility", HANDOFFKIT_ELIGIBILITY_CODES)

// The pipeline's answers (handoff.hpp has each one's status), in the order it decides them.
#define HANDOFFKIT_HANDOFF_CODES(X)                             \
    X(ok, "OK")                                                 \
    X(not_invoke, "NOT_INVOKE")                                 \
    X(unknown_invoke, "UNKNOWN_INVOKE")                         \
    X(activity_malformed, "ACTIVITY_MALFORMED")                 \
    X(activity_too_large, "ACTIVITY_TOO_LARGE")                 \
    X(auth_service_url_missing, "AUTH_SERVICE_URL_MISSING")     \
    X(auth_service_url_mismatch, "AUTH_SERVICE_URL_MISMATCH")   \
    X(auth_channel_not_endorsed, "AUTH_CHANNEL_NOT_ENDORSED")   \
    X(continuation_missing, "CONTINUATION_MISSING")             \
    X(continuation_too_long, "CONTINUATION_TOO_LONG")           \
    X(wrong_recipient, "WRONG_RECIPIENT")                       \
    X(service_url_invalid, "SERVICE_URL_INVALID")               \
    X(service_url_not_allowed, "SERVICE_URL_NOT_ALLOWED")       \
    X(token_malformed, "TOKEN_MALFORMED")                       \
    X(token_bad_signature, "TOKEN_BAD_SIGNATURE")               \
    X(token_wrong_audience, "TOKEN_WRONG_AUDIENCE")             \
    X(token_wrong_user, "TOKEN_WRONG_USER")                     \
    X(token_replayed, "TOKEN_REPLAYED")                         \
    X(token_expired, "TOKEN_EXPIRED")                           \
    X(token_context_not_found, "TOKEN_CONTEXT_NOT_FOUND")       \
    X(redeem_failed, "REDEEM_FAILED")
HANDOFFKIT_CODE_AREA(handoff_code, "handoff", HANDOFFKIT_HANDOFF_CODES)

/// The core's tables, in the order of the file comment (what json_api::code_tables lists).
inline constexpr const code_table* core_code_tables[] = {&input_code_table,       &link_code_table,
                                                         &card_code_table,        &token_code_table,
                                                         &eligibility_code_table, &handoff_code_table};

}  // namespace handoffkit
