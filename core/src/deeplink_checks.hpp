// The content rules every deep-link parameter value obeys. Builders refuse a value that breaks
// one (so a built link always validates cleanly); the validator reports each one broken.
#pragma once

#include <string_view>
#include <vector>

#include "handoffkit/result.hpp"

namespace handoffkit::deeplink::detail {

/// Parameters whose value is free text, where line breaks are fine.
bool is_free_text(std::string_view name);

/// Every rule `value` of parameter `name` breaks, in a fixed order:
/// INVALID_UTF8, CONTROL_CHARACTER, SCRIPT_INJECTION.
std::vector<error> value_problems(std::string_view name, std::string_view value);

}  // namespace handoffkit::deeplink::detail
