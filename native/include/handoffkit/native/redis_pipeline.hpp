// handoffkit/native/redis_pipeline.hpp: an asynchronous, pipelined Redis connection on an Asio
// io_context, plain or TLS, with AUTH and SELECT. It is the one Redis transport of handoffkit:
// the host keeps one per io_context thread, and redis_replay_guard runs one per borrowed
// connection on a private io_context.
//
// Commands are written as they come and answered in order, so the requests of all connections
// served by one context share one Redis connection and many commands travel in one write and one
// read. hiredis formats the commands and parses the replies; Asio (and OpenSSL for `rediss://`)
// does the I/O, since Debian's hiredis 0.14 has no TLS.
//
// Contract: connects when first needed and again after any failure; on every (re)connect the TLS
// handshake (the server's certificate verified against the CAs and the host name or address) and
// then `AUTH` and `SELECT` complete before any command is written, so no command ever runs as
// another user or in another database. A Redis that does not answer a command within the timeout
// (down, refusing, erroring, refusing the password or the certificate) fails it, and every command
// in flight on that connection, with STORE_UNAVAILABLE, never a guessed answer; none is retried
// (a SET NX may have been applied just before the failure). Single-threaded: use it only from the
// thread running its io_context.
//
// Example (a C++ server on Asio):
//   auto connector = redis_connector::create(address).value();   // once; shared by all threads
//   redis_pipeline redis(io_context, connector);                 // one per io_context
//   redis.command(guard.mark_command(jti, keep_until, now), [](result<redis_reply> r) {
//       auto outcome = r ? redis_replay_guard::mark_result(*r) : r.err(); … });
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>

#include "handoffkit/native/redis_replay_guard.hpp"
#include "handoffkit/result.hpp"

struct redisReader;
namespace boost::asio::ssl {
class context;
}

namespace handoffkit::native {

/// A Redis address with its TLS context built once: shared (read-only) by every connection to
/// that Redis, from any thread.
class redis_connector {
public:
    /// Loads the CA, certificate and key files now. Errors: INVALID_ARGUMENT (a certificate
    /// without its key or the reverse, TLS files without `tls`, a port or db out of range),
    /// REDIS_TLS_INVALID (a file that cannot be read or used; the message names the file).
    static result<std::shared_ptr<const redis_connector>> create(redis_address address);
    ~redis_connector();
    redis_connector(const redis_connector&) = delete;
    redis_connector& operator=(const redis_connector&) = delete;

    const redis_address& address() const { return address_; }
    /// Null for plain TCP.
    boost::asio::ssl::context* tls() const { return tls_.get(); }
    /// What is written first on every new connection (AUTH, SELECT), already formatted, and how
    /// many replies it gets.
    const std::string& hello() const { return hello_; }
    int hello_replies() const { return hello_replies_; }

private:
    explicit redis_connector(redis_address address);
    redis_address address_;
    std::unique_ptr<boost::asio::ssl::context> tls_;
    std::string hello_;
    int hello_replies_ = 0;
};

class redis_pipeline {
public:
    using reply_handler = std::function<void(result<redis_reply>)>;

    redis_pipeline(boost::asio::io_context& context, std::shared_ptr<const redis_connector> connector);
    ~redis_pipeline();
    redis_pipeline(const redis_pipeline&) = delete;
    redis_pipeline& operator=(const redis_pipeline&) = delete;

    /// Sends one command (argv form: no quoting); `done` is called once, on this context's thread,
    /// never from inside this call. A reply that is a Redis error is STORE_UNAVAILABLE.
    void command(const std::vector<std::string>& argv, reply_handler done);

private:
    struct link;  // one TCP (and TLS) connection; handlers keep it alive while they are pending
    struct pending {
        reply_handler done;
        std::chrono::steady_clock::time_point deadline;
    };
    enum class state { closed, connecting, greeting, open };

    void connect();
    void on_connected(const std::shared_ptr<link>& l, boost::system::error_code ec);
    void greet();
    void flush();
    void read();
    void on_data(std::size_t n);
    bool on_greeting_reply(const redisReply& reply);
    void arm_timer();
    void fail_all(const std::string& why);
    std::string where() const;

    boost::asio::io_context& context_;
    std::shared_ptr<const redis_connector> connector_;
    std::chrono::milliseconds timeout_;
    std::shared_ptr<link> link_;
    boost::asio::ip::tcp::resolver resolver_;
    boost::asio::steady_timer timer_;
    state state_ = state::closed;
    int greeting_left_ = 0;         // replies to AUTH/SELECT still awaited
    std::string queued_;            // formatted commands not written yet
    std::string writing_;           // the batch being written
    bool reading_ = false;
    bool timer_armed_ = false;
    std::vector<char> input_;
    std::deque<pending> pending_;   // commands written or queued, oldest first
    std::unique_ptr<redisReader, void (*)(redisReader*)> reader_;
    std::shared_ptr<bool> alive_;   // handlers posted to the context check it after destruction
};

}  // namespace handoffkit::native
