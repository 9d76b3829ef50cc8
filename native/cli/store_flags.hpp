// --store and what it must not carry (see handoffkit/native/stores.hpp): one reading for every
// command that opens a store (token issue/verify, serve).
#pragma once

#include <memory>
#include <string>

#include "args.hpp"
#include "handoffkit/replay_guard.hpp"
#include "handoffkit/result.hpp"

namespace handoffkit::cli {

/// The flags, for help texts: `--redis-password-file FILE` (else the environment variable
/// HANDOFFKIT_REDIS_PASSWORD), `--redis-ca-file FILE`, `--redis-cert-file FILE`, `--redis-key-file FILE`.
inline constexpr const char* store_secret_flags[] = {"redis-password-file", "redis-ca-file", "redis-cert-file",
                                                     "redis-key-file"};

/// Opens the store `spec` names with the secrets of those flags. Errors: those of
/// native::open_store, REDIS_PASSWORD_UNREADABLE, and INVALID_ARGUMENT for a --redis-* flag
/// with a store that is not Redis.
result<std::unique_ptr<token::replay_guard>> open_store_with_flags(const args& a, const std::string& spec);

}  // namespace handoffkit::cli
