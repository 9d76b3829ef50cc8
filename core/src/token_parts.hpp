// Splitting a compact JWS into its decoded parts, and reading the header and claims with SAX
// handlers on the strict parse (handoffkit/json.hpp): shared by issue, verify and inspect.
// A token part is JSON without a byte order mark: a part that starts with one is MALFORMED.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "handoffkit/result.hpp"

namespace handoffkit::token::detail {

/// One claim as found: absent, of the expected type (value set), or of another type.
template <class T>
struct claim {
    enum class state { absent, ok, wrong } found = state::absent;
    T value{};
    bool present() const { return found != state::absent; }
    bool ok() const { return found == state::ok; }
};

/// The header members verification looks at (absent and wrong-typed are refused alike: only
/// ok() counts); `crit` counts whatever its value.
struct token_header {
    claim<std::string> alg, typ, kid;
    bool has_crit = false;
};

struct token_parts {
    std::string_view signing_input;  ///< "<header>.<payload>" as in the token: what the tag covers
    std::string header_bytes;
    std::string payload_bytes;
    std::string signature;
    token_header header;
};

/// Steps 1-2 of verification: length cap, three strict base64url segments, header a JSON object.
/// Errors: TOKEN_TOO_LONG, MALFORMED.
result<token_parts> split(std::string_view token);

/// The registered claims verification checks, each typed as token.hpp requires: iss, sub and jti
/// strings (jti of 22-128 base64url characters), aud a string or a non-empty array of strings,
/// iat, exp and nbf integer seconds in [0, 2^53-1], ctx an object (as compact JSON, members
/// sorted), ctx_ref a boolean. Other claims are read (the text must be valid) and ignored.
struct token_claims {
    claim<std::string> iss, sub, jti, ctx;
    claim<std::vector<std::string>> aud;
    claim<std::int64_t> iat, exp, nbf;
    claim<bool> ctx_ref;
};

/// nullopt when `payload` is not a JSON object (under the strict rules, without a BOM).
std::optional<token_claims> read_claims(std::string_view payload);

/// True when `payload` is a JSON object under read_claims' rules (what inspect checks).
bool is_claims_object(std::string_view payload);

/// `text` as compact JSON with members in sorted order (dump_json of its document), when it is a
/// JSON object under the strict rules (a context given to issue: a leading BOM is skipped);
/// nullopt otherwise.
std::optional<std::string> canonical_object(std::string_view text);

}  // namespace handoffkit::token::detail
