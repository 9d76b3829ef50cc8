// The last key set parsed, per thread: callers of the JSON API pass the same JWK Set text on
// every call, and parsing it costs far more than an HMAC.
#pragma once

#include <memory>
#include <string_view>

#include "handoffkit/result.hpp"
#include "handoffkit/token.hpp"

namespace handoffkit::detail {

/// token::key_set::parse(text), or the set parsed last on this thread when `text` is the same.
result<std::shared_ptr<const token::key_set>> cached_key_set(std::string_view text);

}  // namespace handoffkit::detail
