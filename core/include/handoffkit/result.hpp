// handoffkit/result.hpp: expected failures as values.
//
// Every public operation that can fail for a reason the caller should handle returns
// `result<T>`: either a value or an `error` with a stable UPPER_SNAKE code (handoffkit/codes.hpp:
// an area's enum, written as its string). The same codes appear in the CLI's JSON, in the npm
// package's `HandoffKitError.code` and in tests/vectors/, so callers can branch on them in any
// runtime: in C++ with `e.code == token_code::expired`.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <variant>

#include "handoffkit/codes.hpp"

namespace handoffkit {

/// A failed operation: `code` is stable (part of the contract), `message` is for humans, and
/// `field`, when set, is the JSON Pointer (RFC 6901) of the offending part of the input ("" is the
/// whole document).
struct error {
    handoffkit::code code;
    std::string message;
    std::optional<std::string> field = {};
};

/// Either a `T` or an `error`. Deliberately small: no exceptions, no implicit throwing access.
template <class T>
class result {
public:
    result(T value) : state_(std::move(value)) {}
    result(error e) : state_(std::move(e)) {}

    bool has_value() const noexcept { return state_.index() == 0; }
    explicit operator bool() const noexcept { return has_value(); }

    /// Precondition: has_value().
    const T& value() const& { return std::get<0>(state_); }
    T& value() & { return std::get<0>(state_); }
    T&& value() && { return std::get<0>(std::move(state_)); }
    const T& operator*() const& { return value(); }
    const T* operator->() const { return &value(); }

    /// Precondition: !has_value().
    const error& err() const { return std::get<1>(state_); }

private:
    std::variant<T, error> state_;
};

/// Shorthand used by implementations: `return fail(token_code::expired, "why")`.
inline error fail(code c, std::string message) {
    return error{c, std::move(message)};
}

}  // namespace handoffkit
