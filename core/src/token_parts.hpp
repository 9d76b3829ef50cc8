// Splitting a compact JWS into its decoded parts (shared by verify and inspect).
#pragma once

#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "handoffkit/result.hpp"

namespace handoffkit::token::detail {

struct token_parts {
    std::string_view signing_input;  ///< "<header>.<payload>" as in the token: what the tag covers
    std::string header_bytes;
    std::string payload_bytes;
    std::string signature;
    nlohmann::json header;           ///< a JSON object
};

/// Steps 1-2 of verification: length cap, three strict base64url segments, header a JSON object.
/// Errors: TOKEN_TOO_LONG, MALFORMED.
result<token_parts> split(std::string_view token);

/// `text` parsed as a JSON object, or nullopt.
std::optional<nlohmann::json> parse_json_object(std::string_view text);

}  // namespace handoffkit::token::detail
