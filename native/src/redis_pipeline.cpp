#include "handoffkit/native/redis_pipeline.hpp"

#include <hiredis/hiredis.h>
#include <openssl/ssl.h>

#include <optional>

#include <boost/asio/connect.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/write.hpp>

#include "handoffkit/native/codes.hpp"

namespace handoffkit::native {
namespace net = boost::asio;
namespace ssl = boost::asio::ssl;
using tcp = net::ip::tcp;

namespace {

error unavailable(const std::string& why) { return fail(token_code::store_unavailable, "Redis replay store: " + why); }

bool is_ip_address(const std::string& host) {
    boost::system::error_code ec;
    net::ip::make_address(host, ec);
    return !ec;
}

// One command in Redis's wire format (RESP), as hiredis writes it.
std::string formatted(const std::vector<std::string>& argv) {
    std::vector<const char*> pointers;
    std::vector<size_t> lengths;
    for (const auto& a : argv) {
        pointers.push_back(a.data());
        lengths.push_back(a.size());
    }
    char* text = nullptr;
    const int length = redisFormatCommandArgv(&text, static_cast<int>(argv.size()), pointers.data(), lengths.data());
    if (length < 0) return {};
    std::string out(text, static_cast<std::size_t>(length));
    redisFreeCommand(text);
    return out;
}

error tls_invalid(const std::string& what, const boost::system::error_code& ec) {
    return fail(native::system_code::redis_tls_invalid, "Redis TLS: cannot use the " + what + ": " + ec.message());
}

// TLS 1.2 or later, the server's certificate verified (the host name is checked per connection).
result<std::unique_ptr<ssl::context>> tls_context(const redis_address& a) {
    auto context = std::make_unique<ssl::context>(ssl::context::tls_client);
    SSL_CTX_set_min_proto_version(context->native_handle(), TLS1_2_VERSION);
    boost::system::error_code ec;
    context->set_verify_mode(ssl::verify_peer, ec);
    if (a.ca_file.empty()) {
        if (context->set_default_verify_paths(ec); ec) return tls_invalid("system CA store", ec);
    } else if (context->load_verify_file(a.ca_file, ec); ec) {
        return tls_invalid("CA file " + a.ca_file, ec);
    }
    if (a.cert_file.empty()) return context;
    if (context->use_certificate_chain_file(a.cert_file, ec); ec) return tls_invalid("certificate file " + a.cert_file, ec);
    if (context->use_private_key_file(a.key_file, ssl::context::pem, ec); ec) return tls_invalid("key file " + a.key_file, ec);
    if (SSL_CTX_check_private_key(context->native_handle()) != 1)
        return fail(native::system_code::redis_tls_invalid, "Redis TLS: the key file " + a.key_file + " does not match " + a.cert_file);
    return context;
}

error invalid(const std::string& why) { return fail(input_code::invalid_argument, "redis store: " + why); }

std::optional<error> check(const redis_address& a) {
    if (a.host.empty()) return invalid("no host");
    if (a.port < 1 || a.port > 65535) return invalid("the port must be 1-65535");
    if (a.db < 0) return invalid("the database number must be 0 or more");
    if (a.timeout_ms < 1) return invalid("the timeout must be at least 1 ms");
    if (!a.user.empty() && a.password.empty()) return invalid("the ACL user '" + a.user + "' needs its password");
    if (!a.tls && !(a.ca_file.empty() && a.cert_file.empty() && a.key_file.empty()))
        return invalid("CA, certificate and key files are for TLS: use rediss://");
    if (a.cert_file.empty() != a.key_file.empty()) return invalid("a client certificate needs its key file, and the key its certificate");
    return std::nullopt;
}

}  // namespace

// ---- redis_connector --------------------------------------------------------------------

result<std::shared_ptr<const redis_connector>> redis_connector::create(redis_address address) {
    if (auto e = check(address)) return *e;
    std::shared_ptr<redis_connector> c(new redis_connector(std::move(address)));
    const redis_address& a = c->address_;
    if (a.tls) {
        auto context = tls_context(a);
        if (!context) return context.err();
        c->tls_ = std::move(context).value();
    }
    if (!a.password.empty()) {
        c->hello_ += a.user.empty() ? formatted({"AUTH", a.password}) : formatted({"AUTH", a.user, a.password});
        ++c->hello_replies_;
    }
    if (a.db != 0) {
        c->hello_ += formatted({"SELECT", std::to_string(a.db)});
        ++c->hello_replies_;
    }
    return std::shared_ptr<const redis_connector>(std::move(c));
}

redis_connector::redis_connector(redis_address address) : address_(std::move(address)) {}
redis_connector::~redis_connector() = default;

// ---- redis_pipeline ---------------------------------------------------------------------

// A connection's socket, under a TLS stream when the connector has a TLS context. Every pending
// handler holds it, so closing it (on a failure) never frees what an operation still uses.
struct redis_pipeline::link {
    link(net::io_context& context, ssl::context* tls) {
        if (tls) secure.emplace(context, *tls);
        else plain.emplace(context);
    }
    tcp::socket& socket() { return secure ? secure->next_layer() : *plain; }
    template <class F>
    void with_stream(F&& f) {
        if (secure) f(*secure);
        else f(*plain);
    }
    std::optional<tcp::socket> plain;
    std::optional<ssl::stream<tcp::socket>> secure;
};

redis_pipeline::redis_pipeline(net::io_context& context, std::shared_ptr<const redis_connector> connector)
    : context_(context), connector_(std::move(connector)),
      timeout_(connector_->address().timeout_ms), resolver_(context), timer_(context), input_(16 * 1024),
      reader_(redisReaderCreate(), redisReaderFree), alive_(std::make_shared<bool>(true)) {}

redis_pipeline::~redis_pipeline() {
    *alive_ = false;
    boost::system::error_code ec;
    if (link_) link_->socket().close(ec);
    resolver_.cancel();
    timer_.cancel();
}

std::string redis_pipeline::where() const {
    const auto& a = connector_->address();
    return (is_ip_address(a.host) && a.host.find(':') != std::string::npos ? "[" + a.host + "]" : a.host) + ":" +
           std::to_string(a.port);
}

void redis_pipeline::command(const std::vector<std::string>& argv, reply_handler done) {
    const std::string text = formatted(argv);
    if (text.empty()) {
        net::post(context_, [done = std::move(done)] { done(unavailable("out of memory")); });
        return;
    }
    queued_ += text;
    pending_.push_back({std::move(done), std::chrono::steady_clock::now() + timeout_});
    arm_timer();
    if (state_ == state::closed) return connect();
    flush();
    read();
}

void redis_pipeline::connect() {
    state_ = state::connecting;
    link_ = std::make_shared<link>(context_, connector_->tls());
    const auto& a = connector_->address();
    auto connected = [this, l = link_, alive = alive_](boost::system::error_code ec) {
        if (*alive) on_connected(l, ec);
    };
    boost::system::error_code ec;
    const auto address = net::ip::make_address(a.host, ec);
    if (!ec)
        return link_->socket().async_connect(tcp::endpoint(address, static_cast<unsigned short>(a.port)), connected);
    resolver_.async_resolve(a.host, std::to_string(a.port),
                            [this, l = link_, alive = alive_, connected](boost::system::error_code ec,
                                                                         const tcp::resolver::results_type& endpoints) {
                                if (!*alive || l != link_) return;
                                if (ec) return fail_all("cannot resolve " + connector_->address().host + ": " + ec.message());
                                net::async_connect(l->socket(), endpoints,
                                                   [connected](boost::system::error_code ec, const tcp::endpoint&) {
                                                       connected(ec);
                                                   });
                            });
}

// TCP is up: the TLS handshake when configured (SNI for a name; the certificate must name the
// host or address connected to), then the greeting.
void redis_pipeline::on_connected(const std::shared_ptr<link>& l, boost::system::error_code ec) {
    if (l != link_) return;
    if (ec) return fail_all("cannot connect to " + where() + ": " + ec.message());
    l->socket().set_option(tcp::no_delay(true), ec);
    if (!l->secure) return greet();
    const std::string& host = connector_->address().host;
    if (!is_ip_address(host)) SSL_set_tlsext_host_name(l->secure->native_handle(), host.c_str());
    l->secure->set_verify_callback(ssl::host_name_verification(host));
    l->secure->async_handshake(ssl::stream_base::client, [this, l, alive = alive_](boost::system::error_code ec) {
        if (!*alive || l != link_) return;
        if (ec) return fail_all("TLS handshake with " + where() + " failed: " + ec.message());
        greet();
    });
}

// AUTH and SELECT go first and alone: commands wait until both said OK.
void redis_pipeline::greet() {
    greeting_left_ = connector_->hello_replies();
    if (greeting_left_ == 0) {
        state_ = state::open;
        flush();
        read();
        return;
    }
    state_ = state::greeting;
    writing_ = connector_->hello();
    link_->with_stream([&](auto& stream) {
        net::async_write(stream, net::buffer(writing_),
                         [this, l = link_, alive = alive_](boost::system::error_code ec, std::size_t) {
                             if (!*alive || l != link_) return;
                             if (ec) return fail_all("write failed: " + ec.message());
                             writing_.clear();
                             flush();
                         });
    });
    read();
}

// Writes everything queued in one go; what comes meanwhile waits for the next write.
void redis_pipeline::flush() {
    if (state_ != state::open || !writing_.empty() || queued_.empty()) return;
    writing_.swap(queued_);
    link_->with_stream([&](auto& stream) {
        net::async_write(stream, net::buffer(writing_),
                         [this, l = link_, alive = alive_](boost::system::error_code ec, std::size_t) {
                             if (!*alive || l != link_) return;
                             if (ec) return fail_all("write failed: " + ec.message());
                             writing_.clear();
                             flush();
                         });
    });
}

// A read is outstanding only while replies are awaited, so an idle pipeline keeps no work on its
// context (a stopping host's threads can finish; a blocking caller's run loop returns).
void redis_pipeline::read() {
    if (reading_ || (state_ != state::open && state_ != state::greeting)) return;
    if (pending_.empty() && greeting_left_ == 0) return;
    reading_ = true;
    link_->with_stream([&](auto& stream) {
        stream.async_read_some(net::buffer(input_), [this, l = link_, alive = alive_](boost::system::error_code ec,
                                                                                        std::size_t n) {
            if (!*alive || l != link_) return;
            reading_ = false;
            if (ec) return fail_all(ec == net::error::eof ? "the connection was closed" : "read failed: " + ec.message());
            on_data(n);
        });
    });
}

void redis_pipeline::on_data(std::size_t n) {
    if (redisReaderFeed(reader_.get(), input_.data(), n) != REDIS_OK) return fail_all("cannot read the reply");
    for (;;) {
        void* raw = nullptr;
        if (redisReaderGetReply(reader_.get(), &raw) != REDIS_OK) return fail_all("a reply is not RESP");
        if (!raw) break;
        std::unique_ptr<redisReply, void (*)(void*)> reply(static_cast<redisReply*>(raw), freeReplyObject);
        if (greeting_left_ > 0) {
            if (!on_greeting_reply(*reply)) return;
            continue;
        }
        if (pending_.empty()) return fail_all("a reply to no command");
        auto done = std::move(pending_.front().done);
        pending_.pop_front();
        if (reply->type == REDIS_REPLY_ERROR) done(unavailable(std::string(reply->str, reply->len)));
        else done(reply_of(*reply));
    }
    read();
    arm_timer();
}

// AUTH and SELECT answer the status OK, or the connection is not used: a refused password never
// lets a command through as the default user. Redis's refusals do not quote the password; the
// message is scrubbed anyway.
bool redis_pipeline::on_greeting_reply(const redisReply& reply) {
    const auto& a = connector_->address();
    const bool auth = !a.password.empty() && greeting_left_ == connector_->hello_replies();
    if (reply.type != REDIS_REPLY_STATUS || std::string(reply.str, reply.len) != "OK") {
        std::string why = reply.type == REDIS_REPLY_ERROR ? std::string(reply.str, reply.len) : "an unexpected reply";
        for (auto at = why.find(a.password); !a.password.empty() && at != std::string::npos; at = why.find(a.password))
            why.replace(at, a.password.size(), "***");
        fail_all(std::string(auth ? "AUTH" : "SELECT " + std::to_string(a.db)) + " refused: " + why);
        return false;
    }
    if (--greeting_left_ == 0) {
        state_ = state::open;
        flush();
    }
    return true;
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
            return fail_all("no answer from " + where() + " within " + std::to_string(timeout_.count()) + " ms");
        arm_timer();
    });
}

// The connection is unusable: every command on it fails (none is retried: a SET NX may have been
// applied just before the failure, so only STORE_UNAVAILABLE is a true answer), and the next
// command connects again.
void redis_pipeline::fail_all(const std::string& why) {
    state_ = state::closed;
    if (link_) {
        boost::system::error_code ec;
        link_->socket().close(ec);
        link_.reset();
    }
    resolver_.cancel();
    reading_ = false;
    greeting_left_ = 0;
    writing_.clear();
    queued_.clear();
    reader_.reset(redisReaderCreate());
    std::deque<pending> failed;
    failed.swap(pending_);
    arm_timer();
    for (auto& p : failed) p.done(unavailable(why));
}

}  // namespace handoffkit::native
