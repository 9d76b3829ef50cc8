// handoffkit/token.hpp: continuation tokens that cannot be forged, expire, and work once.
//
// Format: JWS compact serialization (RFC 7515) of a JWT (RFC 7519), HS256 only (RFC 7518 §3.2),
// so jose, jsonwebtoken or jwt-cpp can verify it with the same key:
//   header  {"alg":"HS256","kid":"<kid>","typ":"handoff+jwt"}
//   claims  {"aud":"<bot id>","ctx":{…}?,"ctx_ref":true?,"exp":N,"iat":N,"iss":"handoffkit","jti":"…","sub":"…"?}
// Members are written in this (sorted) order, compact, so a given input always gives the same
// token. `jti` is the base64url of the caller's random bytes (at least 16, i.e. 128 bits).
// Time and randomness are parameters: the core reads no clock and no entropy.
//
// Keys: a JWK Set (RFC 7517) of symmetric keys, e.g.
//   {"keys":[{"kty":"oct","kid":"2024-06","k":"<base64url of >= 32 bytes>"},
//            {"kty":"oct","kid":"2024-01","k":"…"}],
//    "activeKid":"2024-06"}
// Every key verifies; exactly one signs: the one named by the optional top-level "activeKid",
// otherwise the first key of the list. Rotation: add the new key first (or point activeKid at
// it), keep the old one until its last token has expired (ttl + leeway), then delete it; a
// deleted (retired) kid is UNKNOWN_KEY. Per key, "kty" must be "oct", "kid" 1-64 printable
// ASCII characters and unique, "k" strict base64url of 32-1024 bytes (shorter: KEY_TOO_SHORT);
// "alg", when present, must be "HS256" and "use", when present, "sig". A JWK Set has no
// timestamps of its own, so a key that stopped signing may say when: "stoppedSigningAt", the unix
// second its successor took over (written by `handoffkit keys rotate`; read by `keys retire`,
// which removes the key only once no token it signed can still verify); an integer from 0 to
// 2^53-1, and never on the signing key. Other members are ignored.
// Key bytes never appear in any result, message or log line; messages name keys by kid only.
//
// Verification order (each failure has its own code; the first failure is reported):
//   1. length cap ................................ TOKEN_TOO_LONG (> max_token_length characters)
//   2. three strict base64url segments, header a JSON object ............. MALFORMED
//   3. header: alg == HS256 ... UNSUPPORTED_ALG; typ == handoff+jwt ... UNSUPPORTED_TYPE;
//      no "crit" ... UNSUPPORTED_HEADER; kid names a key of the set ...... UNKNOWN_KEY
//   4. HMAC-SHA256 tag, compared in constant time .......................... BAD_SIGNATURE
//   5. claims a JSON object with iss, aud, iat, exp, jti of the right types .. MALFORMED
//   6. time: now >= exp + leeway ... EXPIRED (now == exp is expired with leeway 0);
//      nbf > now + leeway or iat > now + leeway ... NOT_YET_VALID;
//      exp - iat > max_lifetime ... LIFETIME_TOO_LONG
//   7. iss == issuer ... WRONG_ISSUER; aud (string, or array containing it) == audience ...
//      WRONG_AUDIENCE; a token with `sub` needs user == sub ... WRONG_USER
//   8. redeem only: reference context present ... CONTEXT_NOT_FOUND; first redemption ...
//      REPLAYED otherwise; STORE_UNAVAILABLE when the store cannot answer (never acceptance).
// Nothing is consumed unless every check passed.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "handoffkit/crypto.hpp"
#include "handoffkit/replay_guard.hpp"
#include "handoffkit/result.hpp"

namespace handoffkit::token {

// ---- named limits -----------------------------------------------------------------------

/// A handoff link must stay under 2048 characters (deeplink::max_url_length); the link around
/// the token takes about 100, so a token of at most 1024 leaves room to spare.
inline constexpr std::size_t max_token_length = 1024;
/// Compact JSON of an embedded (or referenced) `ctx`, in bytes. With the longest kid, iss, aud,
/// sub and random allowed, an issued token is at most 983 characters (tested).
inline constexpr std::size_t max_context_length = 256;
inline constexpr std::size_t min_key_bytes = 32;  ///< 256 bits (RFC 7518 §3.2: key >= hash size)
inline constexpr std::size_t max_key_bytes = 1024;
inline constexpr std::size_t max_keys = 100;
inline constexpr std::size_t max_kid_length = 64;
inline constexpr std::size_t max_claim_length = 64;  ///< iss, aud and sub when issuing
inline constexpr std::size_t min_random_bytes = 16;  ///< jti carries at least 128 random bits
inline constexpr std::size_t max_random_bytes = 32;
/// A verified jti: 22 (base64url of 16 bytes) to 128 characters of [A-Za-z0-9_-], so tokens
/// from other issuers (e.g. a UUID jti made with jose) verify too.
inline constexpr std::size_t min_jti_length = 22;
inline constexpr std::size_t max_jti_length = 128;
inline constexpr std::int64_t default_ttl = 600;
inline constexpr std::int64_t default_max_lifetime = 86'400;
inline constexpr std::int64_t max_lifetime_limit = 30 * 86'400;
inline constexpr std::int64_t max_leeway = 300;
/// Times are unix seconds in [0, 2^53 - 1] so JavaScript numbers represent them exactly.
inline constexpr std::int64_t max_time = 9'007'199'254'740'991;

inline constexpr std::string_view algorithm = "HS256";
inline constexpr std::string_view token_type = "handoff+jwt";
inline constexpr std::string_view default_issuer = "handoffkit";

// ---- keys -------------------------------------------------------------------------------

struct key {
    std::string kid;
    crypto::hmac_sha256_key mac;  ///< derived state only; the key bytes are not kept
    std::optional<std::int64_t> stopped_signing_at;  ///< "stoppedSigningAt", when the set records it
};

class key_set {
public:
    /// Parses a JWK Set (rules in the header comment). Errors: KEYS_INVALID, KEY_TOO_SHORT.
    /// Example: key_set::parse(R"({"keys":[{"kty":"oct","kid":"a","k":"<43+ chars>"}]})")
    static result<key_set> parse(std::string_view jwk_set_json);

    const key* find(std::string_view kid) const;
    const key& signing_key() const { return keys_[active_]; }
    std::vector<std::string> kids() const;

private:
    std::vector<key> keys_;
    std::size_t active_ = 0;
};

// ---- the bot a token is for ---------------------------------------------------------------

/// The audience (aud) that names a Teams bot: "28:<GUID>" for a GUID or an already prefixed GUID
/// (never doubled), as deeplink::normalize_bot_id writes it and as the host sees the bot in an
/// activity's recipient, so the GUID and 28:GUID name the same bot at every entry point. Other
/// text is returned as it is (an audience that is not a Teams bot id keeps its meaning).
/// The JSON API (so the CLI, the npm package and the sidecar) applies it to `botId` when issuing
/// and verifying; the typed issue() and verify() below take `audience` as given.
/// Example: bot_audience("f47ac10b-58cc-4372-a567-0e02b2c3d479") == "28:f47ac10b-58cc-4372-a567-0e02b2c3d479"
std::string bot_audience(std::string_view bot_id);

// ---- issuing ----------------------------------------------------------------------------

struct issue_request {
    std::string audience;                ///< the bot id (aud); required
    std::string subject;                 ///< the one user allowed to redeem (sub); optional
    std::string issuer{default_issuer};  ///< iss
    std::int64_t now = 0;                ///< iat, unix seconds
    std::int64_t ttl = default_ttl;      ///< exp = now + ttl; 1..default_max_lifetime
    std::string random;                  ///< 16-32 random bytes from the caller; jti = base64url(random)
    std::optional<std::string> context;  ///< JSON object text; stored compact (keys sorted)
    bool reference = false;              ///< keep ctx in the store; the token says "ctx_ref":true
};

struct issued_token {
    std::string token;
    std::string jti;
    std::string kid;
    std::int64_t issued_at = 0;
    std::int64_t expires_at = 0;
    /// Reference mode (issue_for_store): the context a store must keep under the jti until
    /// expires_at + max_leeway before the token is handed out.
    std::optional<std::string> stored_context;
};

/// Example: issue({.audience = "28:…", .now = 1700000000, .random = 16 random bytes}, keys)
/// Errors: INVALID_ARGUMENT (a field out of range, named in the message), CONTEXT_INVALID (not
/// a JSON object), CONTEXT_TOO_LARGE, TOKEN_TOO_LONG; reference mode needs the overload below.
result<issued_token> issue(const issue_request& request, const key_set& keys);
/// Same, and in reference mode saves the context in `store` until exp + max_leeway first.
/// Errors: as above, STORE_UNAVAILABLE.
result<issued_token> issue(const issue_request& request, const key_set& keys, replay_guard& store);
/// issue() for callers that keep the context themselves (asynchronous stores): in reference mode
/// the token comes back with `stored_context`, which must be saved before the token is used.
result<issued_token> issue_for_store(const issue_request& request, const key_set& keys);

// ---- verifying --------------------------------------------------------------------------

struct verify_options {
    std::string audience;                ///< required: the bot id this endpoint serves
    std::optional<std::string> user;     ///< the redeeming user's AAD object id
    std::string issuer{default_issuer};
    std::int64_t now = 0;
    std::int64_t leeway = 0;             ///< 0..max_leeway seconds of clock skew tolerated
    std::int64_t max_lifetime = default_max_lifetime;
};

struct verified_token {
    std::string kid;
    std::string header_json;  ///< the decoded header, exactly as in the token
    std::string claims_json;  ///< the decoded claims, exactly as in the token
    std::string issuer;
    std::string subject;      ///< empty when the token is not bound to a user
    std::string jti;
    std::int64_t issued_at = 0;
    std::int64_t expires_at = 0;
    bool context_by_reference = false;
    /// Compact JSON: the embedded ctx, or after redeem() the referenced one; nullopt otherwise.
    std::optional<std::string> context;
    bool redeemed = false;
    /// After redeem(): the same activity had redeemed it earlier (a retry: do nothing twice).
    bool retried = false;
};

/// Checks steps 1-7 (see the header comment). Consumes nothing.
/// Errors: INVALID_ARGUMENT (options out of range), then the codes of steps 1-7.
result<verified_token> verify(std::string_view token, const key_set& keys, const verify_options& options);

struct presenter;

/// verify(), then the redemption protocol (redemption.hpp) driven against `guard`: (reference
/// mode) loads the context, then marks the jti until exp + max_leeway with `who` in its record.
/// Exactly one of several concurrent redemptions of a token succeeds; the same activity presenting
/// it again succeeds with `retried` set. Errors: those of verify(), CONTEXT_NOT_FOUND, REPLAYED,
/// STORE_UNAVAILABLE.
result<verified_token> redeem(std::string_view token, const key_set& keys, const verify_options& options,
                              replay_guard& guard);
result<verified_token> redeem(std::string_view token, const key_set& keys, const verify_options& options,
                              replay_guard& guard, const presenter& who);

// ---- inspecting -------------------------------------------------------------------------

struct inspected_token {
    std::string header_json;
    std::string claims_json;
};

/// Decodes header and claims WITHOUT verifying anything (for display and debugging only).
/// Errors: TOKEN_TOO_LONG, MALFORMED (claims that are not a JSON object included).
result<inspected_token> inspect(std::string_view token);

}  // namespace handoffkit::token
