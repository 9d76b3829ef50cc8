// An asynchronous Redis connection for one io_context of the host: commands are written as they
// come and answered in order, so the requests of all connections served by that context share one
// Redis connection and many commands travel in one write and one read (pipelining). hiredis
// formats the commands and parses the replies; Asio does the I/O.
//
// Why: the blocking redis_replay_guard held a host thread for every round trip, so redemptions on
// Redis cost a thread switch each (a sixth of the host's CPU) and one Redis wake-up per command.
//
// Same contract as redis_replay_guard: connects when first needed and again after any failure; a
// Redis that does not answer a command within `timeout` (down, refusing, erroring) fails it, and
// every command in flight on that connection, with STORE_UNAVAILABLE, never a guessed answer.
// Single-threaded: use it only from the thread running its io_context.
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>

#include "handoffkit/native/redis_replay_guard.hpp"
#include "handoffkit/result.hpp"

struct redisReader;

namespace handoffkit::host {

/// Replies are the token store's type (redis_replay_guard.hpp), which says what they mean.
using native::redis_reply;

class redis_pipeline {
public:
    struct options {
        std::string host = "127.0.0.1";
        int port = 6379;
        std::chrono::milliseconds timeout{2000};
    };
    using reply_handler = std::function<void(result<redis_reply>)>;

    redis_pipeline(boost::asio::io_context& context, options opts);
    ~redis_pipeline();
    redis_pipeline(const redis_pipeline&) = delete;
    redis_pipeline& operator=(const redis_pipeline&) = delete;

    /// Sends one command (argv form: no quoting); `done` is called once, on this context's thread,
    /// never from inside this call. A reply that is a Redis error is STORE_UNAVAILABLE.
    void command(const std::vector<std::string>& argv, reply_handler done);

private:
    struct pending {
        reply_handler done;
        std::chrono::steady_clock::time_point deadline;
    };

    void connect();
    void flush();
    void read();
    void on_data(std::size_t n);
    void arm_timer();
    void fail_all(const std::string& why);

    boost::asio::io_context& context_;
    options options_;
    boost::asio::ip::tcp::socket socket_;
    boost::asio::ip::tcp::resolver resolver_;
    boost::asio::steady_timer timer_;
    enum class state { closed, connecting, open } state_ = state::closed;
    std::uint64_t generation_ = 0;  // bumped on every failure: handlers of an older connection stop
    std::string queued_;            // formatted commands not written yet
    std::string writing_;           // the batch being written
    bool reading_ = false;
    bool timer_armed_ = false;
    std::vector<char> input_;
    std::deque<pending> pending_;   // commands written or queued, oldest first
    std::unique_ptr<redisReader, void (*)(redisReader*)> reader_;
    std::shared_ptr<bool> alive_;   // handlers posted to the context check it after destruction
};

}  // namespace handoffkit::host
