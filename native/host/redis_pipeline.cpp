#include "redis_pipeline.hpp"

#include <hiredis/hiredis.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>

namespace handoffkit::host {
namespace net = boost::asio;
using tcp = net::ip::tcp;

namespace {

error unavailable(const std::string& why) { return fail("STORE_UNAVAILABLE", "Redis replay store: " + why); }

}  // namespace

redis_pipeline::redis_pipeline(net::io_context& context, options opts)
    : context_(context), options_(std::move(opts)), socket_(context), resolver_(context), timer_(context),
      input_(16 * 1024), reader_(redisReaderCreate(), redisReaderFree), alive_(std::make_shared<bool>(true)) {}

redis_pipeline::~redis_pipeline() {
    *alive_ = false;
    boost::system::error_code ec;
    socket_.close(ec);
    timer_.cancel();
}

void redis_pipeline::command(const std::vector<std::string>& argv, reply_handler done) {
    std::vector<const char*> pointers;
    std::vector<size_t> lengths;
    for (const auto& a : argv) {
        pointers.push_back(a.data());
        lengths.push_back(a.size());
    }
    char* formatted = nullptr;
    const int length = redisFormatCommandArgv(&formatted, static_cast<int>(argv.size()), pointers.data(), lengths.data());
    if (length < 0) {
        net::post(context_, [done = std::move(done)] { done(unavailable("out of memory")); });
        return;
    }
    queued_.append(formatted, static_cast<std::size_t>(length));
    redisFreeCommand(formatted);
    pending_.push_back({std::move(done), std::chrono::steady_clock::now() + options_.timeout});
    arm_timer();
    if (state_ == state::closed) return connect();
    flush();
    read();
}

void redis_pipeline::connect() {
    state_ = state::connecting;
    const auto on_connected = [this, generation = generation_, alive = alive_](boost::system::error_code ec) {
        if (!*alive || generation != generation_) return;
        if (ec) return fail_all("cannot connect to " + options_.host + ":" + std::to_string(options_.port) + ": " + ec.message());
        socket_.set_option(tcp::no_delay(true), ec);
        state_ = state::open;
        flush();
        read();
    };
    boost::system::error_code ec;
    const auto address = net::ip::make_address(options_.host, ec);
    if (!ec) return socket_.async_connect(tcp::endpoint(address, static_cast<unsigned short>(options_.port)), on_connected);
    resolver_.async_resolve(options_.host, std::to_string(options_.port),
                            [this, on_connected, generation = generation_, alive = alive_](
                                boost::system::error_code ec, const tcp::resolver::results_type& endpoints) {
                                if (!*alive || generation != generation_) return;
                                if (ec) return fail_all("cannot resolve " + options_.host + ": " + ec.message());
                                net::async_connect(socket_, endpoints,
                                                   [on_connected](boost::system::error_code ec, const tcp::endpoint&) {
                                                       on_connected(ec);
                                                   });
                            });
}

// Writes everything queued in one go; what comes meanwhile waits for the next write.
void redis_pipeline::flush() {
    if (state_ != state::open || !writing_.empty() || queued_.empty()) return;
    writing_.swap(queued_);
    net::async_write(socket_, net::buffer(writing_),
                     [this, generation = generation_, alive = alive_](boost::system::error_code ec, std::size_t) {
                         if (!*alive || generation != generation_) return;
                         if (ec) return fail_all("write failed: " + ec.message());
                         writing_.clear();
                         flush();
                     });
}

// A read is outstanding only while replies are awaited, so an idle pipeline keeps no work on its
// context (a stopping host's threads can finish).
void redis_pipeline::read() {
    if (reading_ || pending_.empty() || state_ != state::open) return;
    reading_ = true;
    socket_.async_read_some(net::buffer(input_), [this, generation = generation_, alive = alive_](
                                                     boost::system::error_code ec, std::size_t n) {
        if (!*alive || generation != generation_) return;
        reading_ = false;
        if (ec) return fail_all(ec == net::error::eof ? "the connection was closed" : "read failed: " + ec.message());
        on_data(n);
    });
}

void redis_pipeline::on_data(std::size_t n) {
    if (redisReaderFeed(reader_.get(), input_.data(), n) != REDIS_OK) return fail_all("cannot read the reply");
    for (;;) {
        void* raw = nullptr;
        if (redisReaderGetReply(reader_.get(), &raw) != REDIS_OK) return fail_all("a reply is not RESP");
        if (!raw) break;
        std::unique_ptr<redisReply, void (*)(void*)> reply(static_cast<redisReply*>(raw), freeReplyObject);
        if (pending_.empty()) return fail_all("a reply to no command");
        auto done = std::move(pending_.front().done);
        pending_.pop_front();
        if (reply->type == REDIS_REPLY_ERROR) done(unavailable(std::string(reply->str, reply->len)));
        else done(native::reply_of(*reply));
    }
    read();
    arm_timer();
}

// One wait at a time, for the oldest command's deadline; cancelled when nothing is awaited.
void redis_pipeline::arm_timer() {
    if (pending_.empty()) {
        if (timer_armed_) timer_.cancel();
        return;
    }
    if (timer_armed_) return;
    timer_armed_ = true;
    timer_.expires_at(pending_.front().deadline);
    timer_.async_wait([this, alive = alive_](boost::system::error_code ec) {
        if (!*alive) return;
        timer_armed_ = false;
        if (!ec && !pending_.empty() && std::chrono::steady_clock::now() >= pending_.front().deadline)
            return fail_all("no answer within " + std::to_string(options_.timeout.count()) + " ms");
        arm_timer();
    });
}

// The connection is unusable: every command on it fails (none is retried: a SET NX may have been
// applied just before the failure, so only STORE_UNAVAILABLE is a true answer), and the next
// command connects again.
void redis_pipeline::fail_all(const std::string& why) {
    ++generation_;
    state_ = state::closed;
    boost::system::error_code ec;
    socket_.close(ec);
    reading_ = false;
    writing_.clear();
    queued_.clear();
    reader_.reset(redisReaderCreate());
    std::deque<pending> failed;
    failed.swap(pending_);
    arm_timer();
    for (auto& p : failed) p.done(unavailable(why));
}

}  // namespace handoffkit::host
