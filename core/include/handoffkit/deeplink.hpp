// handoffkit/deeplink.hpp: build and validate Microsoft Teams deep links.
//
// Spec followed: Microsoft Teams "Deep links" documentation (chat, call, meeting scheduling,
// app install, tab/entity) and "Copilot handoff" (the `/l/chat/0/0?users=28:<botId>&continuation=`
// link). Every URL is built and parsed with Boost.URL (RFC 3986).
//
// Encoding rule: values are percent-encoded with the RFC 3986 *unreserved* set left alone, so a
// space is always `%20` (never `+`) and `&`, `=`, `+`, `#`, `,` inside a value are escaped; Teams
// reads every value back exactly. User ids additionally keep `:` and `@` readable (`28:…`,
// `8:orgid:…`, `alice@contoso.com`) and are joined by a literal `,`.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "handoffkit/result.hpp"

namespace handoffkit::deeplink {

/// Teams cannot open links longer than this many characters.
inline constexpr std::size_t max_url_length = 2048;
/// Inputs beyond this size are rejected before any parsing (validation is linear, but a cap
/// keeps memory bounded for hostile input).
inline constexpr std::size_t max_input_length = 64 * 1024;
inline constexpr std::string_view default_host = "teams.microsoft.com";

// ---- building ---------------------------------------------------------------------------

/// Copilot handoff: https://teams.microsoft.com/l/chat/0/0?users=28:<botId>&continuation=<token>
struct handoff_link_options {
    std::string bot_id;        ///< a GUID (gets the `28:` prefix) or an id already prefixed `28:`
    std::string continuation;  ///< non-empty; any bytes, percent-encoded
};
/// Chat: /l/chat/0/0?users=a,b&topicName=…&message=…
struct chat_link_options {
    std::vector<std::string> users;  ///< at least one, none empty
    std::string topic_name;          ///< optional (omitted when empty)
    std::string message;             ///< optional (omitted when empty)
};
/// Call: /l/call/0/0?users=a,b&withVideo=true&source=…
struct call_link_options {
    std::vector<std::string> users;
    bool with_video = false;  ///< emitted only when true
    std::string source;       ///< optional
};
/// Meeting scheduling: /l/meeting/new?subject=…&startTime=…&endTime=…&content=…&attendees=a,b
struct meeting_link_options {
    std::string subject, start_time, end_time, content;  ///< all optional; times ISO 8601
    std::vector<std::string> attendees;
};
/// App install: /l/app/<appId>
struct app_link_options {
    std::string app_id;  ///< a GUID
};
/// Tab / entity: /l/entity/<appId>/<entityId>?webUrl=…&label=…&context=…
struct entity_link_options {
    std::string app_id;     ///< a GUID
    std::string entity_id;  ///< non-empty
    std::string web_url;    ///< optional; https when given
    std::string label;      ///< optional
    std::string context;    ///< optional; a JSON object when given (e.g. {"subEntityId":…})
};

/// Example: build_handoff_link({"00000000-0000-0000-0000-000000000000", "abc"})
///   -> "https://teams.microsoft.com/l/chat/0/0?users=28:00000000-0000-0000-0000-000000000000&continuation=abc"
/// Errors: BOT_ID_INVALID, CONTINUATION_EMPTY, URL_TOO_LONG.
result<std::string> build_handoff_link(const handoff_link_options& options);
/// Errors: USERS_EMPTY, URL_TOO_LONG.
result<std::string> build_chat_link(const chat_link_options& options);
/// Errors: USERS_EMPTY, URL_TOO_LONG.
result<std::string> build_call_link(const call_link_options& options);
/// Errors: TIME_INVALID, URL_TOO_LONG.
result<std::string> build_meeting_link(const meeting_link_options& options);
/// Errors: APP_ID_INVALID.
result<std::string> build_app_link(const app_link_options& options);
/// Errors: APP_ID_INVALID, ENTITY_ID_EMPTY, WEB_URL_INVALID, CONTEXT_INVALID, URL_TOO_LONG.
result<std::string> build_entity_link(const entity_link_options& options);

/// "28:<guid>" for a GUID or an already prefixed GUID (never doubled); BOT_ID_INVALID otherwise.
result<std::string> normalize_bot_id(std::string_view bot_id);

// ---- validating -------------------------------------------------------------------------

enum class severity { error, warning };
std::string_view to_string(severity s);

struct problem {
    handoffkit::code code;  ///< a link_code (e.g. NOT_HTTPS), or an input_code: INPUT_TOO_LARGE, INVALID_UTF8
    severity level;
    std::string message;
};

struct link_report {
    bool valid = false;  ///< no problem of severity error
    std::string kind;    ///< handoff | chat | call | meeting | app | entity | unknown
    /// Decoded query parameters, in URL order (duplicates kept so callers can see them), plus
    /// path parameters of app/entity links (`appId`, `entityId`).
    std::vector<std::pair<std::string, std::string>> params;
    std::vector<problem> problems;
};

struct validate_options {
    /// Hosts accepted (compared case-insensitively). Government clouds add theirs here.
    std::vector<std::string> allowed_hosts{std::string(default_host)};
    /// When non-empty, the link must be of this kind (e.g. "handoff": a chat link without a
    /// continuation is then CONTINUATION_MISSING).
    std::string expect_kind;
};

/// Classifies `url`, decodes its parameters and reports every problem found. Never throws;
/// any byte sequence is accepted as input. Codes: URL_TOO_LONG, INPUT_TOO_LARGE, URL_MALFORMED,
/// NOT_HTTPS, HOST_NOT_ALLOWED, CREDENTIALS_PRESENT, PORT_PRESENT, FRAGMENT_PRESENT,
/// UNKNOWN_PATH, KIND_MISMATCH, PARAM_DUPLICATED, PARAM_NAME_CASE (a known name in another case:
/// `Users=`, an error), PARAM_UNKNOWN, PLUS_AS_SPACE, INVALID_UTF8,
/// CONTROL_CHARACTER, SCRIPT_INJECTION, USERS_MISSING, USERS_EMPTY, BOT_ID_INVALID,
/// CONTINUATION_MISSING, CONTINUATION_EMPTY, TIME_INVALID, WITH_VIDEO_INVALID, APP_ID_INVALID,
/// ENTITY_ID_EMPTY, WEB_URL_INVALID, CONTEXT_INVALID.
link_report validate(std::string_view url, const validate_options& options = {});

/// True for the 8-4-4-4-12 hex form (either case).
bool is_guid(std::string_view s);

}  // namespace handoffkit::deeplink
