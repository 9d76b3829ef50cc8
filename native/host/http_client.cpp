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
    if (!u) return fail("URL_INVALID", "not an absolute URL");
    target t;
    const std::string scheme(u->scheme());
    t.host = std::string(u->encoded_host());
    if (scheme == "https") t.tls = true;
    else if (scheme != "http") return fail("URL_NOT_ALLOWED", "only https (and http to 127.0.0.1) is allowed");
    if (!t.tls && t.host != "127.0.0.1") return fail("URL_NOT_ALLOWED", "plain http is allowed only to 127.0.0.1");
    if (t.host.empty()) return fail("URL_INVALID", "the URL has no host");
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
        return fail("HTTP_FAILED", "write: " + ec.message());
    beast::flat_buffer buffer;
    http::response_parser<http::string_body> parser;
    parser.body_limit(max_reply_bytes);
    if (auto ec = run(ioc, [&](auto h) { http::async_read(stream, buffer, parser, h); }))
        return fail("HTTP_FAILED", "read: " + ec.message());
    return http_reply{static_cast<int>(parser.get().result_int()), parser.get().body()};
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
    if (ec) return fail("HTTP_FAILED", "resolve " + t->host + ": " + ec.message());

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
            return fail("HTTP_FAILED", "connect: " + e.message());
        return exchange(ioc, stream, req);
    }
    ssl::context ctx(ssl::context::tls_client);
    ctx.set_default_verify_paths();
    ctx.set_verify_mode(ssl::verify_peer);
    beast::ssl_stream<beast::tcp_stream> stream(ioc, ctx);
    if (!SSL_set_tlsext_host_name(stream.native_handle(), t->host.c_str()))
        return fail("HTTP_FAILED", "TLS: cannot set the server name");
    stream.set_verify_callback(ssl::host_name_verification(t->host));
    beast::get_lowest_layer(stream).expires_at(deadline);
    if (auto e = run(ioc, [&](auto h) { beast::get_lowest_layer(stream).async_connect(endpoints, h); }))
        return fail("HTTP_FAILED", "connect: " + e.message());
    if (auto e = run(ioc, [&](auto h) { stream.async_handshake(ssl::stream_base::client, h); }))
        return fail("HTTP_FAILED", "TLS handshake: " + e.message());
    return exchange(ioc, stream, req);
}

}  // namespace handoffkit::host
