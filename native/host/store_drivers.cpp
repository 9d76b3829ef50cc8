#include "store_drivers.hpp"

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>

#include "handoffkit/redemption.hpp"
#include "handoffkit/native/redis_pipeline.hpp"

namespace handoffkit::host {
namespace net = boost::asio;
using native::redis_pipeline;

blocking_pool::blocking_pool(std::size_t threads, std::size_t max_queued) : max_queued_(max_queued) {
    for (std::size_t i = 0; i < threads; ++i) threads_.emplace_back([this] { work(); });
}

blocking_pool::~blocking_pool() {
    {
        std::lock_guard<std::mutex> lock(mutex_);
        stopping_ = true;
    }
    wake_.notify_all();
    for (auto& t : threads_) t.join();
}

bool blocking_pool::post(std::function<void()> job) {
    {
        std::lock_guard<std::mutex> lock(mutex_);
        if (jobs_.size() >= max_queued_) return false;
        jobs_.push_back(std::move(job));
    }
    wake_.notify_one();
    return true;
}

void blocking_pool::work() {
    for (;;) {
        std::function<void()> job;
        {
            std::unique_lock<std::mutex> lock(mutex_);
            wake_.wait(lock, [&] { return stopping_ || !jobs_.empty(); });
            if (jobs_.empty()) return;  // stopping, and nothing left to run
            job = std::move(jobs_.front());
            jobs_.pop_front();
        }
        job();
    }
}

store_driver_factory inline_driver(std::shared_ptr<token::replay_guard> store) {
    return [store](net::io_context&) -> store_driver {
        return [store](token::redemption& r, redemption_done done) {
            token::drive(r, *store);
            done();
        };
    };
}

store_driver_factory pooled_driver(std::shared_ptr<token::replay_guard> store, std::shared_ptr<blocking_pool> pool) {
    return [store, pool](net::io_context& context) -> store_driver {
        return [store, pool, &context](token::redemption& r, redemption_done done) {
            // `r` is left alone by its owner until `done` runs, posted back to the owner's thread;
            // the context keeps running until then (a host that stops still answers, and a token
            // is never spent without its answer being written).
            auto job = [store, &r, &context, done, busy = net::make_work_guard(context)]() mutable {
                token::drive(r, *store);
                net::post(context, [done = std::move(done), busy = std::move(busy)]() mutable { done(); });
            };
            if (pool->post(std::move(job))) return;
            r.give_up(fail(token_code::store_unavailable, "too many redemptions are waiting for the store"));
            done();
        };
    };
}

namespace {

// One step of `r` over the pipeline, then the next, until it is finished.
void step_pipelined(const native::redis_replay_guard& store, const std::shared_ptr<redis_pipeline>& redis,
                    token::redemption& r, redemption_done done) {
    if (r.finished()) return done();
    if (r.step() == token::redemption_step::load_context) {
        redis->command(store.load_context_command(r.jti()), [&store, redis, &r, done](result<native::redis_reply> reply) {
            if (!reply) r.context_loaded(reply.err());
            else r.context_loaded(native::redis_replay_guard::context_result(std::move(reply).value()));
            step_pipelined(store, redis, r, done);
        });
        return;
    }
    redis->command(store.mark_command(r.mark(), r.now()), [&store, redis, &r, done](result<native::redis_reply> reply) {
        if (!reply) r.marked(reply.err());
        else r.marked(native::redis_replay_guard::mark_result(*reply));
        step_pipelined(store, redis, r, done);
    });
}

}  // namespace

store_driver_factory pipelined_redis_driver(std::shared_ptr<native::redis_replay_guard> store) {
    return [store](net::io_context& context) -> store_driver {
        // The store's connector: the same address, TLS context, AUTH and SELECT as its own connections.
        auto redis = std::make_shared<redis_pipeline>(context, store->connector());
        return [store, redis](token::redemption& r, redemption_done done) { step_pipelined(*store, redis, r, done); };
    };
}

}  // namespace handoffkit::host
