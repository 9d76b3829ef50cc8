// Small, pure checks on decoded text shared by the validators (links now, cards later).
#pragma once

#include <cstddef>
#include <string_view>

namespace handoffkit::detail {

/// Well-formed UTF-8 (no overlongs, no surrogates, nothing above U+10FFFF).
bool is_valid_utf8(std::string_view s);

/// At s[i], a byte >= 0x80: the length (2-4) of the well-formed UTF-8 sequence it starts (Unicode
/// Table 3-7), or, when it starts none, minus the length of its longest well-formed prefix (at
/// least 1: what a decoder replaces by one U+FFFD before going on). The one UTF-8 decoder of the
/// core: is_valid_utf8, the JSON reader and the JSON writer all use it.
int utf8_sequence(std::string_view s, std::size_t i);

/// Any C0 control or DEL. With `allow_line_breaks`, TAB, CR and LF are allowed (free text).
bool has_control_char(std::string_view s, bool allow_line_breaks);

/// Markup or a script URL that a page rendering this value could execute: `<script`,
/// `javascript:`, `vbscript:`, `data:text/html`, or an `on…=` handler inside a tag.
bool looks_like_script(std::string_view s);

/// ISO 8601 date or date-time as Teams accepts for meetings: YYYY-MM-DD, optionally followed by
/// THH:MM[:SS[.fraction]] and Z or ±HH:MM. Ranges are checked (month 1-12, day per month, …).
bool is_iso8601(std::string_view s);

bool is_guid(std::string_view s);

/// True when JSON text escapes a UTF-16 surrogate without its partner (`"\ud800"`): valid UTF-8
/// that names no character. Strings are found by their quotes; not a validator.
bool escapes_lone_surrogate(std::string_view text);

/// True when the JSON text nests arrays/objects more than `limit` levels deep (brackets inside
/// strings do not count). A linear scan run before parsing, so that everything recursive after
/// it (walking, serializing) works on bounded depth. Not a validator: malformed text may pass.
bool json_nesting_exceeds(std::string_view text, int limit);

}  // namespace handoffkit::detail
