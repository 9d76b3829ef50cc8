// handoffkit/native/delivery.hpp: handing each redeemed handoff to the app, at least once.
//
// A worker thread takes what is due from the store's outbox (outbox.hpp), calls `deliver` for
// each, and acknowledges the ones the app took; the others are due again after a backoff that
// doubles from `first_retry` to `max_retry`. Each handoff carries its jti, which the app uses to
// drop a second delivery of the same handoff (after a crash between the app's answer and the
// acknowledgement, or when two hosts share an outbox whose lease ran out).
//
//   native::delivery_worker worker(store_outbox, [&](const native::pending_delivery& d) {
//       return my_app.continue_from(d.body);      // true: the app has it
//   }, native::unix_now);
//   ... worker.wake() after a redemption; worker.stop() at shutdown.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "handoffkit/native/outbox.hpp"

namespace handoffkit::native {

struct delivery_options {
    std::size_t batch = 32;                       ///< entries taken at once
    std::int64_t lease_seconds = 300;             ///< an entry taken and not settled is due again after this
    std::chrono::milliseconds poll_interval{500};  ///< how often the outbox is looked at without wake()
    std::chrono::seconds first_retry{1};
    std::chrono::seconds max_retry{300};
};

/// True once the app has the handoff (e.g. answered 2xx); false to try again later.
using deliver_fn = std::function<bool(const pending_delivery&)>;
/// One event, for logs and metrics: "delivered", "retry" (with the attempt count), "store_unavailable".
using delivery_event = std::function<void(const std::string& event, const pending_delivery* d, int attempt)>;

class delivery_worker {
public:
    delivery_worker(std::shared_ptr<outbox> box, deliver_fn deliver, std::function<std::int64_t()> now,
                    delivery_options options = {}, delivery_event on_event = {});
    ~delivery_worker();  ///< stop()
    delivery_worker(const delivery_worker&) = delete;
    delivery_worker& operator=(const delivery_worker&) = delete;

    /// Something was written to the outbox: look now rather than at the next poll.
    void wake();
    /// Lets the delivery in progress finish, then ends the thread; what is left stays in the
    /// outbox (leased entries come back when their lease runs out).
    void stop();

private:
    void run();
    void deliver_due();
    std::chrono::seconds backoff(int attempt) const;

    std::shared_ptr<outbox> box_;
    deliver_fn deliver_;
    std::function<std::int64_t()> now_;
    delivery_options options_;
    delivery_event on_event_;
    std::map<std::string, int> attempts_;  // by entry id, while this worker retries it
    std::mutex mutex_;
    std::condition_variable wake_;
    bool woken_ = false;
    bool stopping_ = false;
    std::thread thread_;
};

}  // namespace handoffkit::native
