// A redeemer for local development ONLY, until the continuation-token module is wired in:
// it accepts the tokens listed in a file, each once, from memory (forgotten on restart).
// `handoffkit serve --dev-accept-tokens FILE` uses it and says so loudly; it has no signature,
// expiry, audience or user check, so it must never face real traffic.
#pragma once

#include <string>
#include <vector>

#include "handoffkit/invoke.hpp"

namespace handoffkit::host {

/// Listed and unused -> ok (then used); listed and used -> replayed; unlisted -> bad_signature.
invoke::redeemer dev_token_list_redeemer(std::vector<std::string> tokens);

/// One token per line; blank lines and lines starting with '#' are skipped. Errors: FILE_UNREADABLE.
result<std::vector<std::string>> read_token_list(const std::string& path);

}  // namespace handoffkit::host
