// handoffkit/native/system.hpp: what the core leaves to the operating system the clock,
// entropy, key files, secret files and the follow-up texts file.
//
// Example (issuing a token natively):
//   auto keys = handoffkit::native::load_key_set("keys.json");          // KEYS_UNREADABLE, KEYS_INVALID, …
//   token::issue_request r;
//   r.audience = token::bot_audience(bot_guid);
//   r.now = handoffkit::native::unix_now();
//   r.random = handoffkit::native::random_bytes(token::min_random_bytes).value();
//   auto issued = token::issue(r, *keys);
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "handoffkit/result.hpp"
#include "handoffkit/handoff.hpp"
#include "handoffkit/token.hpp"
#include "handoffkit/native/codes.hpp"

namespace handoffkit::native {

/// Unix time in whole seconds (the `now` the core expects).
std::int64_t unix_now();

/// `count` bytes from the kernel CSPRNG (getrandom(2), blocking until it is seeded).
/// Errors: ENTROPY_UNAVAILABLE.
result<std::string> random_bytes(std::size_t count);

/// The text of a JWK Set file, checked by parsing it (token.hpp). Errors: KEYS_UNREADABLE
/// (the message names the path and the OS error, never the content), KEYS_INVALID, KEY_TOO_SHORT.
result<std::string> read_key_file(const std::string& path);

/// read_key_file, parsed.
result<token::key_set> load_key_set(const std::string& path);

/// The follow-up texts of `--messages FILE` (handoff::messages::parse). Errors: MESSAGES_UNREADABLE,
/// MESSAGES_INVALID.
result<handoff::messages> load_messages(const std::string& path);

/// A secret kept in a file so that it never goes on argv (a Redis or app password): the file's
/// first line, without a trailing CR. Errors: `code` (e.g. REDIS_PASSWORD_UNREADABLE) when the
/// file cannot be read or that line is empty; the message names `what` and the path, never the
/// content.
result<std::string> read_secret_file(const std::string& path, code code, const std::string& what);

}  // namespace handoffkit::native
