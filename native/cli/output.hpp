// How the CLI turns a core JSON envelope into stdout/stderr and an exit code.
#pragma once

#include <string>

#include "handoffkit/native/codes.hpp"
#include "handoffkit/result.hpp"

namespace handoffkit::cli {

enum exit_code : int { exit_ok = 0, exit_failed = 1, exit_usage = 2 };

/// Prints the envelope's value (a string raw, anything else as JSON) and returns exit_ok, or
/// prints {"error":{code,message}} to stderr and returns exit_failed.
int print_envelope(const std::string& envelope, bool pretty = false);

/// Prints {"error":{code,message}} to stderr and returns exit_failed (errors met outside the core).
int print_error(const error& e);

/// Usage error: message to stderr, exit_usage.
int usage_error(const std::string& message);

}  // namespace handoffkit::cli
