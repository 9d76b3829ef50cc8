// handoffkit/native/outbox.hpp: the handoffs waiting to reach the app, kept in the token store.
//
// A redemption with delivery on writes its handoff into the store together with its marker
// (redemption.hpp: one SQLite transaction, one Redis script), so "redeemed" and "to deliver" never
// disagree, even if the process dies right after. A delivery worker (delivery.hpp) then takes
// what is due, hands it to the app, and acknowledges it once the app has it: delivery is at least
// once, and each handoff carries its jti as the idempotency key.
//
// Taking leases an entry to the taker until now + lease: a worker that dies holding it loses it to
// another worker (or to itself after a restart) once the lease runs out. Several hosts on one
// store share the outbox this way.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "handoffkit/replay_guard.hpp"
#include "handoffkit/result.hpp"

namespace handoffkit::native {

struct pending_delivery {
    std::string id;    ///< the store's own id of the entry
    std::string body;  ///< the handoff JSON (handoff::handoff_json)
};

class outbox {
public:
    virtual ~outbox() = default;
    /// At most `max` entries due at `now` (never taken, or their lease ran out), oldest first,
    /// each leased to the caller until now + lease_seconds. Errors: STORE_UNAVAILABLE.
    virtual result<std::vector<pending_delivery>> take(std::size_t max, std::int64_t now, std::int64_t lease_seconds) = 0;
    /// Delivered: the entry is gone. Errors: STORE_UNAVAILABLE.
    virtual result<token::done> acknowledge(const pending_delivery& d) = 0;
    /// Not delivered: the entry is due again at `retry_at` (at most the lease taken from now).
    /// Errors: STORE_UNAVAILABLE.
    virtual result<token::done> retry_at(const pending_delivery& d, std::int64_t retry_at, std::int64_t now) = 0;
};

}  // namespace handoffkit::native
