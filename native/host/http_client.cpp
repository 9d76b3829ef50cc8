#include "http_client.hpp"

#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/url/parse.hpp>

namespace handoffkit::host {
namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
namespace ssl = net::ssl;
using tcp = net::ip::tcp;

namespace {

struct target {
    bool tls = false;
    std::string host;
    std::string port;
    std::string path;
};

result<target> parse_target(const std::string& url) {
    auto u = boost::urls::parse_uri(url);
    if (!u) return fail(native::outbound_code::url_invalid, "not an absolute URL");
    target t;
    const std::string scheme(u->scheme());
    t.host = std::string(u->encoded_host());
    if (scheme == "https") t.tls = true;
    else if (scheme != "http") return fail(native::outbound_code::url_not_allowed, "only https (and http to 127.0.0.1) is allowed");
    if (!t.tls && t.host != "127.0.0.1") return fail(native::outbound_code::url_not_allowed, "plain http is allowed only to 127.0.0.1");
    if (t.host.empty()) return fail(native::outbound_code::url_invalid, "the URL has no host");
    t.port = u->has_port() ? std::string(u->port()) : (t.tls ? "443" : "80");
    t.path = std::string(u->encoded_target());
    if (t.path.empty()) t.path = "/";
    return t;
}

// Runs one asynchronous operation to completion on the call's private io_context; the stream's
// deadline (tcp_stream::expires_at) bounds it.
template <class Start>
beast::error_code run(net::io_context& ioc, Start&& start) {
    beast::error_code result = net::error::would_block;
    start([&](beast::error_code ec, auto&&...) { result = ec; });
    ioc.restart();
    ioc.run();
    return result;
}

template <class Stream>
result<http_reply> exchange(net::io_context& ioc, Stream& stream, http::request<http::string_body>& req) {
    if (auto ec = run(ioc, [&](auto h) { http::async_write(stream, req, h); }))
        return fail(native::outbound_code::http_failed, "write: " + ec.message());
    beast::flat_buffer buffer;
    http::response_parser<http::string_body> parser;
    parser.body_limit(max_reply_bytes);
    if (auto ec = run(ioc, [&](auto h) { http::async_read(stream, buffer, parser, h); }))
        return fail(native::outbound_code::http_failed, "read: " + ec.message());
    return http_reply{static_cast<int>(parser.get().result_int()), parser.get().body(),
                      std::string(parser.get()[http::field::content_type])};
}

}  // namespace

std::optional<error> check_url(const std::string& url) {
    auto t = parse_target(url);
    if (!t) return t.err();
    return std::nullopt;
}

result<http_reply> fetch(const http_call& call) {
    auto t = parse_target(call.url);
    if (!t) return t.err();
    net::io_context ioc;
    beast::error_code ec;
    tcp::resolver resolver(ioc);
    const auto endpoints = resolver.resolve(t->host, t->port, ec);
    if (ec) return fail(native::outbound_code::http_failed, "resolve " + t->host + ": " + ec.message());

    http::request<http::string_body> req{http::string_to_verb(call.method), t->path, 11};
    req.set(http::field::host, t->host);
    req.set(http::field::user_agent, "handoffkit");
    for (const auto& [k, v] : call.headers) req.set(k, v);
    req.body() = call.body;
    req.keep_alive(false);
    req.prepare_payload();
    const auto deadline = std::chrono::steady_clock::now() + call.timeout;

    if (!t->tls) {
        beast::tcp_stream stream(ioc);
        stream.expires_at(deadline);
        if (auto e = run(ioc, [&](auto h) { stream.async_connect(endpoints, h); }))
            return fail(native::outbound_code::http_failed, "connect: " + e.message());
        return exchange(ioc, stream, req);
    }
    ssl::context ctx(ssl::context::tls_client);
    ctx.set_default_verify_paths();
    ctx.set_verify_mode(ssl::verify_peer);
    beast::ssl_stream<beast::tcp_stream> stream(ioc, ctx);
    if (!SSL_set_tlsext_host_name(stream.native_handle(), t->host.c_str()))
        return fail(native::outbound_code::http_failed, "TLS: cannot set the server name");
    stream.set_verify_callback(ssl::host_name_verification(t->host));
    beast::get_lowest_layer(stream).expires_at(deadline);
    if (auto e = run(ioc, [&](auto h) { beast::get_lowest_layer(stream).async_connect(endpoints, h); }))
        return fail(native::outbound_code::http_failed, "connect: " + e.message());
    if (auto e = run(ioc, [&](auto h) { stream.async_handshake(ssl::stream_base::client, h); }))
        return fail(native::outbound_code::http_failed, "TLS handshake: " + e.message());
    return exchange(ioc, stream, req);
}

}  // namespace handoffkit::host

namespace handoffkit::host {

result<std::shared_ptr<ssl::context>> tls_client_context(const std::string& ca_file) {
    auto ctx = std::make_shared<ssl::context>(ssl::context::tls_client);
    beast::error_code ec;
    ctx->set_default_verify_paths(ec);
    if (!ec && !ca_file.empty()) ctx->load_verify_file(ca_file, ec);
    if (ec) return fail(native::outbound_code::tls_config_invalid, "cannot load the CA certificates: " + ec.message());
    ctx->set_verify_mode(ssl::verify_peer);
    return ctx;
}

struct http_connection::state : std::enable_shared_from_this<state> {
    state(net::io_context& c, std::shared_ptr<ssl::context> t, http_origin o)
        : context(c), tls(std::move(t)), origin(std::move(o)), resolver(c), resolve_timer(c) {}

    net::io_context& context;
    std::shared_ptr<ssl::context> tls;
    http_origin origin;
    tcp::resolver resolver;
    net::steady_timer resolve_timer;
    std::optional<beast::tcp_stream> plain;
    std::optional<beast::ssl_stream<beast::tcp_stream>> secure;
    bool open = false;
    bool abandoned = false;  // the owner is gone: nobody to tell
    beast::flat_buffer buffer;
    http::request<http::string_body> req;
    std::optional<http::response_parser<http::string_body>> parser;
    std::chrono::milliseconds timeout{10'000};
    reply_handler done;
    bool retried = false;

    beast::tcp_stream& lowest() { return secure ? beast::get_lowest_layer(*secure) : *plain; }

    template <class F>
    void with_stream(F&& f) {
        if (secure) f(*secure);
        else f(*plain);
    }

    void finish(result<http_reply> r) {
        auto handler = std::move(done);
        done = nullptr;
        if (!abandoned && handler) handler(std::move(r));
    }

    void close() {
        open = false;
        beast::error_code ec;
        if (plain || secure) {
            lowest().socket().shutdown(tcp::socket::shutdown_both, ec);
            lowest().close();
        }
    }

    void start() {
        if (open) return exchange(true);
        connect();
    }

    // Resolved once per connection; a loopback-only origin keeps only loopback addresses, and
    // the connection goes to one of exactly those (no second lookup that could answer otherwise).
    void connect() {
        close();
        plain.reset();
        secure.reset();
        buffer.clear();
        resolve_timer.expires_after(timeout);
        resolve_timer.async_wait([self = shared_from_this()](beast::error_code ec) {
            if (!ec) self->resolver.cancel();
        });
        resolver.async_resolve(origin.host, origin.port,
                               [self = shared_from_this()](beast::error_code ec, tcp::resolver::results_type results) {
                                   self->resolve_timer.cancel();
                                   self->on_resolved(ec, results);
                               });
    }

    void on_resolved(const beast::error_code& ec, const tcp::resolver::results_type& results) {
        if (ec) return finish(fail(native::outbound_code::http_failed, "resolve " + origin.host + ": " + ec.message()));
        std::vector<tcp::endpoint> endpoints;
        for (const auto& r : results)
            if (!origin.loopback_only || r.endpoint().address().is_loopback()) endpoints.push_back(r.endpoint());
        if (endpoints.empty())
            return finish(fail(native::outbound_code::url_not_allowed, origin.host + " resolved to no loopback address"));
        if (origin.tls) {
            secure.emplace(context, *tls);
            beast::error_code not_ip;
            net::ip::make_address(origin.host, not_ip);
            // SNI carries names only (RFC 6066 §3); the certificate is checked against the host either way.
            if (not_ip && !SSL_set_tlsext_host_name(secure->native_handle(), origin.host.c_str()))
                return finish(fail(native::outbound_code::http_failed, "TLS: cannot set the server name"));
            secure->set_verify_callback(ssl::host_name_verification(origin.host));
        } else {
            plain.emplace(context);
        }
        lowest().expires_after(timeout);
        lowest().async_connect(endpoints, [self = shared_from_this()](beast::error_code ec, const tcp::endpoint&) {
            if (ec) return self->failed("connect: " + ec.message(), false, ec);
            if (!self->secure) return self->exchange(false);
            self->lowest().expires_after(self->timeout);
            self->secure->async_handshake(ssl::stream_base::client, [self](beast::error_code ec) {
                if (ec) return self->failed("TLS handshake: " + ec.message(), false, ec);
                self->exchange(false);
            });
        });
    }

    void exchange(bool reused) {
        lowest().expires_after(timeout);
        with_stream([&](auto& stream) {
            http::async_write(stream, req, [self = shared_from_this(), reused](beast::error_code ec, std::size_t) {
                if (ec) return self->failed("write: " + ec.message(), reused, ec);
                self->read(reused);
            });
        });
    }

    void read(bool reused) {
        parser.emplace();
        parser->body_limit(max_reply_bytes);
        with_stream([&](auto& stream) {
            http::async_read(stream, buffer, *parser, [self = shared_from_this(), reused](beast::error_code ec, std::size_t) {
                // A reused connection the server had closed fails before any byte of an answer.
                if (ec) return self->failed("read: " + ec.message(), reused && !self->parser->got_some(), ec);
                const auto& res = self->parser->get();
                self->open = res.keep_alive();
                if (!self->open) self->close();
                self->finish(http_reply{static_cast<int>(res.result_int()), res.body(),
                                        std::string(res[http::field::content_type])});
            });
        });
    }

    // HTTP_TIMEOUT when a step ran out of time, HTTP_TOO_LARGE for an answer past the cap,
    // HTTP_FAILED otherwise (refused, reset, TLS, malformed).
    void failed(const std::string& why, bool may_retry, const beast::error_code& ec) {
        close();
        if (may_retry && !retried) {
            retried = true;
            return connect();
        }
        const native::outbound_code code = ec == beast::error::timeout      ? native::outbound_code::http_timeout
                                           : ec == http::error::body_limit ? native::outbound_code::http_too_large
                                                                           : native::outbound_code::http_failed;
        finish(fail(code, why));
    }
};

http_connection::http_connection(net::io_context& context, std::shared_ptr<ssl::context> tls, http_origin origin)
    : state_(std::make_shared<state>(context, std::move(tls), origin)), origin_(std::move(origin)) {}

http_connection::~http_connection() {
    state_->abandoned = true;
    state_->close();
    state_->resolver.cancel();
    state_->resolve_timer.cancel();
}

void http_connection::request(http::request<http::string_body> req, std::chrono::milliseconds timeout, reply_handler done) {
    auto& s = *state_;
    const bool default_port = s.origin.port == (s.origin.tls ? "443" : "80");
    const bool ipv6 = s.origin.host.find(':') != std::string::npos;
    const std::string host = ipv6 ? "[" + s.origin.host + "]" : s.origin.host;
    req.set(http::field::host, default_port ? host : host + ":" + s.origin.port);
    req.set(http::field::user_agent, "handoffkit");
    req.version(11);
    req.keep_alive(true);
    req.prepare_payload();
    s.req = std::move(req);
    s.timeout = timeout;
    s.done = std::move(done);
    s.retried = false;
    s.start();
}

void http_connection::close() { state_->close(); }
bool http_connection::is_open() const { return state_->open; }

}  // namespace handoffkit::host
