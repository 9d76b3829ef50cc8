// handoffkit/native/codes.hpp: the codes only native code gives, one `enum class` per area with
// one string table each, defined as the core's areas are (handoffkit/codes.hpp): a `code` holds
// them as well, and they print as their strings.
//   system    what native/src asks of the OS: entropy, key, messages and secret files, Redis TLS
//   cli       the command line: usage, files it reads and writes, `keys` and `serve` settings
//   host      the HTTP host: refused requests, its settings, forwarding and delivering to the app
//   auth      the Bot Connector's bearer tokens on inbound requests
//   outbound  HTTP the host sends: URLs it may call, the client, replies to the Bot Connector
// Codes of the core's areas (STORE_UNAVAILABLE, INVALID_ARGUMENT, KEYS_INVALID, ...) keep their
// area: native code passes them on and never defines a second code with the same string.
#pragma once

#include "handoffkit/codes.hpp"

namespace handoffkit::native {

#define HANDOFFKIT_SYSTEM_CODES(X)                              \
    X(entropy_unavailable, "ENTROPY_UNAVAILABLE")               \
    X(keys_unreadable, "KEYS_UNREADABLE")                       \
    X(messages_unreadable, "MESSAGES_UNREADABLE")               \
    X(redis_password_unreadable, "REDIS_PASSWORD_UNREADABLE")   \
    X(redis_tls_invalid, "REDIS_TLS_INVALID")
HANDOFFKIT_CODE_AREA(system_code, "system", HANDOFFKIT_SYSTEM_CODES)

#define HANDOFFKIT_CLI_CODES(X)                                     \
    X(usage, "USAGE")                                               \
    X(file_unreadable, "FILE_UNREADABLE")                           \
    X(keys_file_exists, "KEYS_FILE_EXISTS")                         \
    X(keys_write_failed, "KEYS_WRITE_FAILED")                       \
    X(key_exists, "KEY_EXISTS")                                     \
    X(key_not_found, "KEY_NOT_FOUND")                               \
    X(key_active, "KEY_ACTIVE")                                     \
    X(key_stop_unknown, "KEY_STOP_UNKNOWN")                         \
    X(key_still_verifying, "KEY_STILL_VERIFYING")                   \
    X(keys_not_configured, "KEYS_NOT_CONFIGURED")                   \
    X(app_id_not_configured, "APP_ID_NOT_CONFIGURED")               \
    X(app_password_unreadable, "APP_PASSWORD_UNREADABLE")           \
    X(api_key_unreadable, "API_KEY_UNREADABLE")                     \
    X(api_key_too_short, "API_KEY_TOO_SHORT")                       \
    X(auth_not_configured, "AUTH_NOT_CONFIGURED")                   \
    X(insecure_with_credentials, "INSECURE_WITH_CREDENTIALS")       \
    X(delivery_key_not_configured, "DELIVERY_KEY_NOT_CONFIGURED")   \
    X(delivery_key_unreadable, "DELIVERY_KEY_UNREADABLE")           \
    X(delivery_unsupported, "DELIVERY_UNSUPPORTED")
HANDOFFKIT_CODE_AREA(cli_code, "cli", HANDOFFKIT_CLI_CODES)

#define HANDOFFKIT_HOST_CODES(X)                                  \
    X(bad_request, "BAD_REQUEST")                                 \
    X(bad_framing, "BAD_FRAMING")                                 \
    X(headers_too_large, "HEADERS_TOO_LARGE")                     \
    X(body_too_large, "BODY_TOO_LARGE")                           \
    X(header_timeout, "HEADER_TIMEOUT")                           \
    X(body_timeout, "BODY_TIMEOUT")                               \
    X(stopping, "STOPPING")                                       \
    X(method_not_allowed, "METHOD_NOT_ALLOWED")                   \
    X(not_found, "NOT_FOUND")                                     \
    X(api_key_invalid, "API_KEY_INVALID")                         \
    X(config_invalid, "CONFIG_INVALID")                           \
    X(listen_failed, "LISTEN_FAILED")                             \
    X(forwarded, "FORWARDED")                                     \
    X(forward_url_invalid, "FORWARD_URL_INVALID")                 \
    X(forward_timeout, "FORWARD_TIMEOUT")                         \
    X(forward_answer_too_large, "FORWARD_ANSWER_TOO_LARGE")       \
    X(forward_failed, "FORWARD_FAILED")                           \
    X(on_redeemed_url_invalid, "ON_REDEEMED_URL_INVALID")         \
    X(delivery_key_invalid, "DELIVERY_KEY_INVALID")               \
    X(delivery_failed, "DELIVERY_FAILED")                         \
    X(delivery_retry, "DELIVERY_RETRY")
HANDOFFKIT_CODE_AREA(host_code, "host", HANDOFFKIT_HOST_CODES)

#define HANDOFFKIT_AUTH_CODES(X)                                  \
    X(auth_missing, "AUTH_MISSING")                               \
    X(auth_malformed, "AUTH_MALFORMED")                           \
    X(auth_algorithm, "AUTH_ALGORITHM")                           \
    X(auth_unknown_key, "AUTH_UNKNOWN_KEY")                       \
    X(auth_key_too_small, "AUTH_KEY_TOO_SMALL")                   \
    X(auth_bad_signature, "AUTH_BAD_SIGNATURE")                   \
    X(auth_wrong_issuer, "AUTH_WRONG_ISSUER")                     \
    X(auth_wrong_audience, "AUTH_WRONG_AUDIENCE")                 \
    X(auth_expired, "AUTH_EXPIRED")                               \
    X(auth_not_yet_valid, "AUTH_NOT_YET_VALID")                   \
    X(auth_config_invalid, "AUTH_CONFIG_INVALID")                 \
    X(openid_config_unavailable, "OPENID_CONFIG_UNAVAILABLE")     \
    X(jwks_unavailable, "JWKS_UNAVAILABLE")
HANDOFFKIT_CODE_AREA(auth_code, "auth", HANDOFFKIT_AUTH_CODES)

#define HANDOFFKIT_OUTBOUND_CODES(X)                              \
    X(url_invalid, "URL_INVALID")                                 \
    X(url_not_allowed, "URL_NOT_ALLOWED")                         \
    X(tls_config_invalid, "TLS_CONFIG_INVALID")                   \
    X(http_failed, "HTTP_FAILED")                                 \
    X(http_timeout, "HTTP_TIMEOUT")                               \
    X(http_too_large, "HTTP_TOO_LARGE")                           \
    X(outbound_config_invalid, "OUTBOUND_CONFIG_INVALID")         \
    X(oauth_failed, "OAUTH_FAILED")                               \
    X(outbound_failed, "OUTBOUND_FAILED")                         \
    X(outbound_dropped, "OUTBOUND_DROPPED")
HANDOFFKIT_CODE_AREA(outbound_code, "outbound", HANDOFFKIT_OUTBOUND_CODES)

/// Native code's tables (what `handoffkit codes` lists after the core's).
inline constexpr const code_table* native_code_tables[] = {&system_code_table, &cli_code_table, &host_code_table,
                                                           &auth_code_table, &outbound_code_table};

}  // namespace handoffkit::native
