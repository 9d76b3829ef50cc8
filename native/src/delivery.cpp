#include "handoffkit/native/delivery.hpp"

#include <algorithm>

namespace handoffkit::native {

delivery_worker::delivery_worker(std::shared_ptr<outbox> box, deliver_fn deliver, std::function<std::int64_t()> now,
                                 delivery_options options, delivery_event on_event)
    : box_(std::move(box)), deliver_(std::move(deliver)), now_(std::move(now)), options_(options),
      on_event_(std::move(on_event)), thread_([this] { run(); }) {}

delivery_worker::~delivery_worker() { stop(); }

void delivery_worker::wake() {
    {
        std::lock_guard<std::mutex> lock(mutex_);
        woken_ = true;
    }
    wake_.notify_one();
}

void delivery_worker::stop() {
    {
        std::lock_guard<std::mutex> lock(mutex_);
        stopping_ = true;
    }
    wake_.notify_one();
    if (thread_.joinable()) thread_.join();
}

std::chrono::seconds delivery_worker::backoff(int attempt) const {
    auto wait = options_.first_retry;
    for (int i = 1; i < attempt && wait < options_.max_retry; ++i) wait *= 2;
    return std::min(wait, options_.max_retry);
}

void delivery_worker::run() {
    for (;;) {
        deliver_due();
        std::unique_lock<std::mutex> lock(mutex_);
        wake_.wait_for(lock, options_.poll_interval, [&] { return woken_ || stopping_; });
        if (stopping_) return;
        woken_ = false;
    }
}

void delivery_worker::deliver_due() {
    auto event = [&](const char* what, const pending_delivery* d, int attempt) {
        if (on_event_) on_event_(what, d, attempt);
    };
    for (;;) {
        const std::int64_t now = now_();
        auto due = box_->take(options_.batch, now, options_.lease_seconds);
        if (!due) return event("store_unavailable", nullptr, 0);
        for (const auto& d : *due) {
            {
                std::lock_guard<std::mutex> lock(mutex_);
                if (stopping_) return;  // the rest comes back once its lease runs out
            }
            if (deliver_(d)) {
                attempts_.erase(d.id);
                if (!box_->acknowledge(d)) event("store_unavailable", &d, 0);
                event("delivered", &d, 0);
                continue;
            }
            const int attempt = ++attempts_[d.id];
            const auto wait = std::min<std::int64_t>(backoff(attempt).count(), options_.lease_seconds);
            if (!box_->retry_at(d, now_() + wait, now_())) event("store_unavailable", &d, attempt);
            event("retry", &d, attempt);
        }
        if (due->size() < options_.batch) return;
    }
}

}  // namespace handoffkit::native
