// handoffkit/base64url.hpp: the strict base64url of JWS (RFC 7515 §2, RFC 4648 §5).
//
// Strict means exactly one text per byte string: alphabet A-Z a-z 0-9 '-' '_', no padding, no
// whitespace, no '+' or '/', and the unused low bits of the last character must be zero. A
// lenient decoder would let many different token texts carry the same bytes, which defeats
// byte-level comparisons and makes "every bit flip is refused" untrue.
//
// Example: encode("\xfb\xff") == "-_8"; decode("-_8") == "\xfb\xff"; decode("-_9") fails.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace handoffkit::base64url {

std::string encode(std::string_view bytes);

/// The bytes, or nullopt for anything that `encode` could not have produced.
std::optional<std::string> decode(std::string_view text);

}  // namespace handoffkit::base64url
