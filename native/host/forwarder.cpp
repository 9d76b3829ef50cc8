#include "forwarder.hpp"

#include <boost/beast/http.hpp>
#include <boost/url/parse.hpp>

#include "handoffkit/json_api_handoff.hpp"
#include "handoffkit/service_url.hpp"

namespace handoffkit::host {
namespace http = boost::beast::http;

std::string forward_target::with_path(const std::string& path) const {
    const bool ipv6 = origin.host.find(':') != std::string::npos;
    const std::string host = ipv6 ? "[" + origin.host + "]" : origin.host;
    return std::string(origin.tls ? "https://" : "http://") + host + ":" + origin.port + path;
}

result<forward_target> parse_app_url(const std::string& url, code code, const std::string& flag) {
    auto invalid = [&](const std::string& why) { return fail(code, flag + " " + url + ": " + why); };
    auto u = boost::urls::parse_uri(url);
    if (!u) return invalid("not an absolute URL");
    const bool tls = u->scheme_id() == boost::urls::scheme::https;
    if (!tls && u->scheme_id() != boost::urls::scheme::http) return invalid("the app is reached over http or https");
    if (u->has_userinfo()) return invalid("no user info: credentials do not belong in a URL");
    if (u->has_fragment()) return invalid("no fragment");
    const std::string host(u->host());
    if (host.empty()) return invalid("no host");
    const bool loopback = service_url::is_loopback_host(host);
    // Plain http carries the Bot Connector's bearer token in clear: only to an app on this machine.
    if (!tls && !loopback) return invalid("plain http only to a loopback app (localhost, 127.0.0.0/8, [::1])");
    forward_target t;
    t.origin.tls = tls;
    t.origin.host = u->host_type() == boost::urls::host_type::ipv6 ? std::string(u->host_ipv6_address().to_string()) : host;
    t.origin.port = u->has_port() ? std::string(u->port()) : (tls ? "443" : "80");
    t.origin.loopback_only = !tls;
    t.target = std::string(u->encoded_target());
    if (t.target.empty()) t.target = "/";
    t.url = url;
    return t;
}

forwarder::forwarder(boost::asio::io_context& context, std::shared_ptr<const forward_config> config,
                     std::shared_ptr<boost::asio::ssl::context> tls)
    : context_(context), config_(std::move(config)), tls_(std::move(tls)) {}

namespace {

forwarded refused(int status, native::host_code code, const std::string& message) {
    return {status, "application/json", json_api::error_json(fail(code, message)), code};
}

}  // namespace

void forwarder::forward(std::string body, std::string authorization, std::string content_type,
                        std::function<void(forwarded)> done) {
    std::shared_ptr<http_connection> c;
    if (!idle_.empty()) {
        c = std::move(idle_.back());
        idle_.pop_back();
    } else {
        c = std::make_shared<http_connection>(context_, tls_, config_->target.origin);
    }
    http::request<http::string_body> req{http::verb::post, config_->target.target, 11};
    if (!authorization.empty()) req.set(http::field::authorization, authorization);
    if (!content_type.empty()) req.set(http::field::content_type, content_type);
    req.body() = std::move(body);
    // The connection goes back to the pool only when the exchange left it open.
    c->request(std::move(req), config_->timeout, [this, c, done = std::move(done)](result<http_reply> r) {
        if (c->is_open() && idle_.size() < config_->max_idle) idle_.push_back(c);
        if (r) return done({r->status, r->content_type, std::move(r->body), std::nullopt});
        const code failure = r.err().code;
        if (failure == native::outbound_code::http_timeout)
            return done(refused(504, native::host_code::forward_timeout, "the app did not answer in time"));
        if (failure == native::outbound_code::http_too_large)
            return done(refused(502, native::host_code::forward_answer_too_large, "the app's answer is too large"));
        done(refused(502, native::host_code::forward_failed, "the app cannot be reached: " + r.err().message));
    });
}

}  // namespace handoffkit::host
