// handoffkit/json_api_token.hpp: the JSON face of token.hpp (envelope contract: json_api.hpp).
//
// Strings in, envelope out: {"ok":true,"value":…} or {"ok":false,"error":{"code","message"}}.
// `keys` is always the JWK Set text (token.hpp: {"keys":[{"kty":"oct","kid":…,"k":…}],
// "activeKid"?:…}). The last key set parsed is cached per thread, so passing the same text on
// every call costs one string comparison. Key bytes never appear in any output.
// Time and randomness come from the caller (JS: Math.floor(Date.now()/1000) and
// crypto.getRandomValues(new Uint8Array(16)) as hex); the core reads neither clock nor entropy.
//
// Codes: INVALID_JSON, INVALID_ARGUMENT (a request field; named in the message), KEYS_INVALID,
// KEY_TOO_SHORT, CONTEXT_INVALID, CONTEXT_TOO_LARGE, TOKEN_TOO_LONG, MALFORMED, UNSUPPORTED_ALG,
// UNSUPPORTED_TYPE, UNSUPPORTED_HEADER, UNKNOWN_KEY, BAD_SIGNATURE, EXPIRED, NOT_YET_VALID,
// LIFETIME_TOO_LONG, WRONG_ISSUER, WRONG_AUDIENCE, WRONG_USER, CONTEXT_NOT_FOUND, REPLAYED,
// STORE_UNAVAILABLE. Order and meaning: token.hpp.
#pragma once

#include <string>
#include <string_view>

#include "handoffkit/replay_guard.hpp"

namespace handoffkit::json_api {

/// Request:
///   {"botId":"28:…" (aud, required), "user":"<AAD object id>" (sub, optional),
///    "issuer":"handoffkit" (optional), "now":1700000000 (unix seconds, required),
///    "ttl":600 (optional, 1-86400), "random":"<32-64 hex digits = 16-32 bytes>" (required),
///    "ctx":{…} (optional JSON object, <= 256 bytes compact), "reference":false (optional)}
/// Value: {"token":"<jws>","jti":"…","kid":"…","iat":N,"exp":N}
/// "reference":true is refused here (INVALID_ARGUMENT): use issue_token_stored.
std::string issue_token(std::string_view request, std::string_view keys);

/// issue_token, and with "reference":true the ctx is saved in `store` under the jti (until
/// exp + 300 s) and the token carries "ctx_ref":true instead of the ctx.
std::string issue_token_stored(std::string_view request, std::string_view keys, token::replay_guard& store);

/// Options:
///   {"botId":"28:…" (expected aud, required), "now":N (required), "user":"…" (required when the
///    token has sub), "issuer":"handoffkit", "leeway":0 (0-300), "maxLifetime":86400 (1-2592000)}
/// Value: {"verified":true,"redeemed":false,"kid":"…","header":{…},"claims":{…},"ctx":{…}|null}
/// where header and claims are the token's own JSON and ctx the embedded context (null when
/// none, or when it is kept by reference: only redeem_token fetches it). Consumes nothing.
std::string verify_token(std::string_view token, std::string_view keys, std::string_view options);

/// verify_token, then marks the token redeemed in `guard` (exactly once across concurrent
/// callers sharing the store). Same options. Value as verify_token with "redeemed":true and,
/// for reference tokens, "ctx" loaded from the store.
std::string redeem_token(std::string_view token, std::string_view keys, std::string_view options,
                         token::replay_guard& guard);

/// Decodes WITHOUT verifying (for display and debugging):
/// Value: {"verified":false,"header":{…},"claims":{…}}. Errors: TOKEN_TOO_LONG, MALFORMED.
std::string inspect_token(std::string_view token);

}  // namespace handoffkit::json_api
