// Where the host performs the store steps of a redemption (handoffkit/redemption.hpp), per store:
//   inline_driver           at once, on the connection's thread: for stores that never block
//                           (the in-memory store)
//   pooled_driver           on a small pool of worker threads, the answer posted back to the
//                           connection's thread: for stores that may block (SQLite, waiting for
//                           another process's write lock), so that no connection served by the
//                           same thread waits with it
//   pipelined_redis_driver  over one pipelined Redis connection per io_context (redis_pipeline.hpp):
//                           commands of all connections of a thread share a connection, no thread
//                           is held for a round trip
// Every driver fails a step it cannot perform with STORE_UNAVAILABLE (fail closed).
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "handoffkit/native/redis_replay_guard.hpp"
#include "handoffkit/replay_guard.hpp"
#include "host.hpp"

namespace handoffkit::host {

/// A fixed pool of threads running blocking jobs; at most `max_queued` wait, beyond that a job is
/// refused (and its caller answers at once rather than queueing without bound).
class blocking_pool {
public:
    blocking_pool(std::size_t threads, std::size_t max_queued);
    ~blocking_pool();  ///< runs what is queued, then joins
    blocking_pool(const blocking_pool&) = delete;
    blocking_pool& operator=(const blocking_pool&) = delete;

    /// False when the queue is full (the job is not run).
    bool post(std::function<void()> job);

private:
    void work();

    std::size_t max_queued_;
    std::mutex mutex_;
    std::condition_variable wake_;
    std::deque<std::function<void()>> jobs_;
    bool stopping_ = false;
    std::vector<std::thread> threads_;
};

store_driver_factory inline_driver(std::shared_ptr<token::replay_guard> store);
store_driver_factory pooled_driver(std::shared_ptr<token::replay_guard> store, std::shared_ptr<blocking_pool> pool);
/// The store's commands and reply meanings (redis_replay_guard.hpp) over a connection per io_context.
store_driver_factory pipelined_redis_driver(std::shared_ptr<native::redis_replay_guard> store);

}  // namespace handoffkit::host
