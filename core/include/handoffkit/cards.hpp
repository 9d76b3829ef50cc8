// handoffkit/cards.hpp: build and validate Adaptive Cards that carry a Teams handoff link.
//
// Spec followed: the Adaptive Cards schema 1.0-1.6 (adaptivecards.io, microsoft/AdaptiveCards
// schemas/1.5.0 and 1.6.0), where every property and element type names the card version that
// introduced it, and the Microsoft Teams limits for cards sent by bots (message size 100 KB) and
// by incoming webhooks / connectors (28 KB).
//
// Deterministic output: every card or action this header builds is compact JSON (no whitespace)
// whose object keys are sorted by their UTF-8 bytes at every level (so "$schema" comes first,
// then "actions", "body", "type", "version"). The same input always gives the same bytes in every
// runtime, so cards can be diffed, hashed and cached.
//
// URL policy (Action.OpenUrl `url`, action `iconUrl`, Image `url`, `backgroundImage`): `https:` (with a host) and `msteams:`
// are allowed; `javascript:`, `vbscript:`, `data:` (except `data:image/…` for images and icons
// from card version 1.2) and `file:` are always refused (URL_SCHEME_FORBIDDEN); anything else,
// `http:` included, is URL_SCHEME_NOT_ALLOWED unless the caller adds the scheme to
// validate_options::allowed_schemes. Markup or a script URL anywhere in a URL is SCRIPT_INJECTION.
#pragma once

#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "handoffkit/deeplink.hpp"
#include "handoffkit/result.hpp"

namespace handoffkit::cards {

/// Adaptive Card schema versions, in order (so they compare with < and >).
enum class card_version { v1_0, v1_1, v1_2, v1_3, v1_4, v1_5, v1_6 };

/// The highest version Teams renders for bots and message extensions.
inline constexpr card_version default_version = card_version::v1_5;

/// "1.0" … "1.6" exactly. Errors: VERSION_UNKNOWN.
result<card_version> parse_version(std::string_view text);
/// "1.0" … "1.6".
std::string_view to_string(card_version v);

// ---- limits (bytes of the compact card JSON) ----------------------------------------------
inline constexpr std::size_t bot_payload_limit = 100 * 1024;
inline constexpr std::size_t bot_payload_warning = 80 * 1024;
inline constexpr std::size_t webhook_payload_limit = 28 * 1024;
inline constexpr std::size_t webhook_payload_warning = webhook_payload_limit * 8 / 10;  ///< same 80 %
/// Card text beyond this size is refused before parsing.
inline constexpr std::size_t max_input_length = 1024 * 1024;
/// Deepest nesting of JSON arrays/objects accepted in a card (checked before parsing).
inline constexpr int max_json_depth = 64;

// ---- building ------------------------------------------------------------------------------

/// An Action.OpenUrl. Empty strings (and an unset `is_enabled`) are omitted from the JSON. Each
/// property is allowed only from the version in brackets.
struct open_url_action {
    std::string url;       ///< [1.0] required; see the URL policy above
    std::string title;     ///< [1.0] the button label
    std::string id;        ///< [1.0]
    std::string icon_url;  ///< [1.1] https (or data:image/… from 1.2)
    std::string style;     ///< [1.2] default | positive | destructive (Teams may not render the last two)
    std::string fallback;  ///< [1.2] "drop", or the JSON text of another action object
    std::map<std::string, std::string> required_features;  ///< [1.2] `requires`: feature -> min version
    std::string tooltip;            ///< [1.5]
    std::optional<bool> is_enabled;  ///< [1.5]
    std::string mode;               ///< [1.5] primary | secondary
};

/// A card with an optional title and text (TextBlocks) and any number of OpenUrl actions.
struct card_options {
    card_version version = default_version;
    std::string title;  ///< a bold, medium TextBlock; omitted when empty
    std::string text;   ///< a wrapping TextBlock; omitted when empty
    std::vector<open_url_action> actions;
};

/// The handoff card: title and text, plus one Action.OpenUrl opening the Copilot handoff link
/// deeplink::build_handoff_link({bot_id, continuation}).
struct handoff_card_options {
    std::string bot_id;
    std::string continuation;
    std::string title;
    std::string text;
    std::string button_title = "Continue in Teams";
    card_version version = default_version;
};

/// Example: an action with url "https://contoso.com" and title "Open", built for card_version::v1_0
///   -> {"title":"Open","type":"Action.OpenUrl","url":"https://contoso.com"}
/// Errors: PROPERTY_MISSING (url), UNSUPPORTED_PROPERTY (a property newer than `version`),
/// PROPERTY_VALUE_INVALID (style, mode, fallback, requires), URL_MALFORMED, URL_SCHEME_FORBIDDEN,
/// URL_SCHEME_NOT_ALLOWED, SCRIPT_INJECTION, INVALID_UTF8, and any error a fallback action has.
result<std::string> build_open_url_action(const open_url_action& action, card_version version = default_version);

/// Example: version 1.5, title "Hi", one action with url "https://contoso.com" and title "Go"
///   -> {"$schema":"http://adaptivecards.io/schemas/adaptive-card.json","actions":[{"title":"Go",
///      "type":"Action.OpenUrl","url":"https://contoso.com"}],"body":[{"size":"Medium","text":"Hi",
///      "type":"TextBlock","weight":"Bolder","wrap":true}],"type":"AdaptiveCard","version":"1.5"}
/// Errors: those of build_open_url_action (the message names the action), PAYLOAD_TOO_LARGE.
result<std::string> build_card(const card_options& options);

/// Errors: BOT_ID_INVALID, CONTINUATION_EMPTY, URL_TOO_LONG (from the deep link), PROPERTY_MISSING
/// (empty button title), INVALID_UTF8, PAYLOAD_TOO_LARGE.
result<std::string> build_handoff_card(const handoff_card_options& options);

// ---- validating ------------------------------------------------------------------------------

using deeplink::severity;
using deeplink::to_string;

/// Where the card goes: a bot message (100 KB) or an incoming webhook / connector (28 KB).
enum class target { bot, webhook };

struct validate_options {
    /// The highest version the host renders: newer properties and types are errors.
    card_version version = default_version;
    target host = target::bot;
    /// URL schemes accepted besides the forbidden ones (compared case-insensitively).
    std::vector<std::string> allowed_schemes{"https", "msteams"};
};

struct problem {
    std::string code;  ///< stable UPPER_SNAKE code
    severity level;
    std::string message;
    std::string path;  ///< RFC 6901 JSON pointer to the offending value; "" is the whole card
};

struct card_report {
    bool valid = false;  ///< no problem of severity error
    std::vector<problem> problems;
};

/// Checks any text as an Adaptive Card. Never throws. The card is walked depth-first (root, then
/// `body` elements and their children, then `actions`, then `selectAction`), problems are listed
/// in that order, and the payload size comes last. Codes:
/// input:    INPUT_TOO_LARGE, INVALID_UTF8, NESTING_TOO_DEEP, INVALID_JSON (each stops the check)
/// card:     CARD_TYPE_INVALID, VERSION_MISSING, VERSION_UNKNOWN, VERSION_NEWER_THAN_TARGET
/// schema:   PROPERTY_MISSING, PROPERTY_TYPE_INVALID, PROPERTY_VALUE_INVALID, UNKNOWN_ELEMENT_TYPE,
///           UNKNOWN_ACTION_TYPE, ACTION_NOT_ALLOWED (ShowCard as selectAction), DUPLICATE_ID
/// versions: UNSUPPORTED_PROPERTY / UNSUPPORTED_TYPE (newer than the target: error),
///           NEWER_THAN_CARD_VERSION (newer than the card's own `version`: warning)
/// urls:     URL_MALFORMED, URL_SCHEME_FORBIDDEN, URL_SCHEME_NOT_ALLOWED, SCRIPT_INJECTION,
///           DEEP_LINK_INVALID (a teams.microsoft.com/l/ link that deeplink::validate rejects)
/// Teams:    STYLE_NOT_RENDERED (warning: positive/destructive action style)
/// size:     PAYLOAD_TOO_LARGE (error), PAYLOAD_NEAR_LIMIT (warning), measured on the compact,
///           key-sorted serialization, so formatting of the input does not matter.
card_report validate(std::string_view card_json, const validate_options& options = {});

}  // namespace handoffkit::cards
