// One function per top-level CLI command; main.cpp only dispatches.
#pragma once

#include "args.hpp"

namespace handoffkit::cli {

/// handoffkit link --bot-id ID --continuation TOKEN
/// handoffkit link --json '{"kind":"chat","users":[…]}'
/// handoffkit link validate URL [--allow-host H]… [--expect KIND] [--pretty]
int cmd_link(const args& a);

/// handoffkit eligibility FILE|- [--format json|table] [--ruleset FILE] [--pretty]
int cmd_eligibility(const args& a);

}  // namespace handoffkit::cli
