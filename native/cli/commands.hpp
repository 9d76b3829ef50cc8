// One function per top-level CLI command; main.cpp only dispatches.
#pragma once

#include "args.hpp"

namespace handoffkit::cli {

/// handoffkit link --bot-id ID --continuation TOKEN
/// handoffkit link --json '{"kind":"chat","users":[…]}'
/// handoffkit link validate URL [--allow-host H]… [--expect KIND] [--pretty]
int cmd_link(const args& a);

/// handoffkit serve [--listen HOST:PORT] [--web-root DIR] [--app-id ID] [--openid-config URL|FILE] …
/// Runs until SIGTERM/SIGINT, then finishes in-flight requests and exits 0.
int cmd_serve(const args& a);

}  // namespace handoffkit::cli
