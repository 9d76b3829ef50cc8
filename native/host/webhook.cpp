#include "webhook.hpp"

#include <boost/beast/http.hpp>

#include "handoffkit/handoff.hpp"

namespace handoffkit::host {
namespace http = boost::beast::http;

result<std::unique_ptr<webhook_client>> webhook_client::create(const std::string& url, std::string key,
                                                               const std::string& ca_file,
                                                               std::chrono::milliseconds timeout) {
    auto target = parse_app_url(url, native::host_code::on_redeemed_url_invalid, "--on-redeemed");
    if (!target) return target.err();
    if (key.empty()) return fail(native::host_code::delivery_key_invalid, "the delivery key is empty");
    std::shared_ptr<boost::asio::ssl::context> tls;
    if (target->origin.tls) {
        auto made = tls_client_context(ca_file);
        if (!made) return made.err();
        tls = *made;
    }
    return std::unique_ptr<webhook_client>(new webhook_client(std::move(*target), std::move(key), tls, timeout));
}

webhook_client::webhook_client(forward_target target, std::string key, std::shared_ptr<boost::asio::ssl::context> tls,
                               std::chrono::milliseconds timeout)
    : target_(std::move(target)), key_(std::move(key)), timeout_(timeout),
      connection_(std::make_shared<http_connection>(context_, std::move(tls), target_.origin)) {}

bool webhook_client::deliver(const native::pending_delivery& d, std::string& why) {
    http::request<http::string_body> req{http::verb::post, target_.target, 11};
    req.set(http::field::content_type, "application/json");
    req.set(handoff::delivery_signature_header, handoff::delivery_signature(d.body, key_));
    req.body() = d.body;
    std::optional<result<http_reply>> answer;
    connection_->request(std::move(req), timeout_, [&answer](result<http_reply> r) { answer.emplace(std::move(r)); });
    context_.restart();
    context_.run();
    if (!answer) {
        why = "no answer";
        return false;
    }
    if (!*answer) {
        why = std::string(answer->err().code.name()) + ": " + answer->err().message;
        return false;
    }
    if ((*answer)->status < 200 || (*answer)->status > 299) {
        why = "the app answered " + std::to_string((*answer)->status);
        return false;
    }
    return true;
}

}  // namespace handoffkit::host
