// Test stand-ins for the outside world, on 127.0.0.1 ephemeral ports: a recording HTTP server
// (Bot Connector, OAuth token endpoint, OpenID/JWKS documents) and an RSA key that signs JWTs.
#pragma once

#include <atomic>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <nlohmann/json.hpp>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/rsa.h>

namespace handoffkit::test {

/// Answers each request with `handler` (one request per connection) and records it.
class recording_server {
public:
    struct request {
        std::string method, target, authorization, content_type, body;
    };
    struct reply {
        int status = 200;
        std::string body;
        std::string content_type = "application/json";
    };
    using handler = std::function<reply(const request&)>;

    explicit recording_server(handler h) : handler_(std::move(h)), acceptor_(ioc_) {
        namespace net = boost::asio;
        const net::ip::tcp::endpoint ep(net::ip::make_address("127.0.0.1"), 0);
        acceptor_.open(ep.protocol());
        acceptor_.bind(ep);
        acceptor_.listen();
        port_ = acceptor_.local_endpoint().port();
        thread_ = std::thread([this] { serve(); });
    }
    ~recording_server() {
        stopping_ = true;
        boost::system::error_code ec;
        boost::asio::ip::tcp::socket wake(ioc_);  // unblocks accept()
        wake.connect({boost::asio::ip::make_address("127.0.0.1"), port_}, ec);
        thread_.join();
    }

    std::uint16_t port() const { return port_; }
    std::string url(const std::string& path) const { return "http://127.0.0.1:" + std::to_string(port_) + path; }

    std::vector<request> requests() {
        std::lock_guard<std::mutex> lock(mutex_);
        return requests_;
    }
    /// Waits (at most 10 s) until `n` requests were recorded.
    bool wait_for(std::size_t n) {
        std::unique_lock<std::mutex> lock(mutex_);
        return changed_.wait_for(lock, std::chrono::seconds(10), [&] { return requests_.size() >= n; });
    }

private:
    void serve() {
        namespace http = boost::beast::http;
        while (true) {
            boost::asio::ip::tcp::socket socket(ioc_);
            boost::system::error_code ec;
            acceptor_.accept(socket, ec);
            if (stopping_) return;
            if (ec) continue;
            timeval tv{5, 0};
            setsockopt(socket.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
            boost::beast::flat_buffer buffer;
            http::request<http::string_body> req;
            http::read(socket, buffer, req, ec);
            if (ec) continue;
            request r{std::string(req.method_string()), std::string(req.target()),
                      std::string(req[http::field::authorization]), std::string(req[http::field::content_type]),
                      req.body()};
            const reply answer = handler_(r);
            {
                std::lock_guard<std::mutex> lock(mutex_);
                requests_.push_back(std::move(r));
            }
            changed_.notify_all();
            http::response<http::string_body> res{static_cast<http::status>(answer.status), 11};
            res.set(http::field::content_type, answer.content_type);
            res.body() = answer.body;
            res.keep_alive(false);
            res.prepare_payload();
            http::write(socket, res, ec);
            socket.shutdown(boost::asio::ip::tcp::socket::shutdown_both, ec);
        }
    }

    handler handler_;
    boost::asio::io_context ioc_;
    boost::asio::ip::tcp::acceptor acceptor_;
    std::uint16_t port_ = 0;
    std::thread thread_;
    std::atomic<bool> stopping_{false};
    std::mutex mutex_;
    std::condition_variable changed_;
    std::vector<request> requests_;
};

inline std::string base64url(const std::string& in) {
    static const char* alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    std::string out;
    unsigned buffer = 0;
    int bits = 0;
    for (unsigned char c : in) {
        buffer = (buffer << 8) | c;
        bits += 8;
        while (bits >= 6) {
            bits -= 6;
            out += alphabet[(buffer >> bits) & 0x3F];
        }
    }
    if (bits > 0) out += alphabet[(buffer << (6 - bits)) & 0x3F];
    return out;
}

/// A fresh RSA-2048 key (OpenSSL) that publishes itself as a JWK and signs RS256 JWTs.
class rsa_signer {
public:
    explicit rsa_signer(std::string kid) : kid_(std::move(kid)), key_(EVP_RSA_gen(2048)) {}
    ~rsa_signer() { EVP_PKEY_free(key_); }
    rsa_signer(const rsa_signer&) = delete;

    const std::string& kid() const { return kid_; }

    nlohmann::json jwk() const {
        return {{"kty", "RSA"}, {"use", "sig"}, {"kid", kid_}, {"n", base64url(bn(OSSL_PKEY_PARAM_RSA_N))},
                {"e", base64url(bn(OSSL_PKEY_PARAM_RSA_E))}};
    }

    /// header.payload.signature; `header` defaults to {"alg":"RS256","typ":"JWT","kid":kid}.
    std::string sign(const nlohmann::json& claims, nlohmann::json header = nullptr) const {
        if (header.is_null()) header = {{"alg", "RS256"}, {"typ", "JWT"}, {"kid", kid_}};
        return sign_text(header.dump(), claims.dump());
    }

    /// The same over any header and claims text (a key named twice, a byte order mark, ...).
    std::string sign_text(const std::string& header_text, const std::string& claims_text) const {
        const std::string signed_part = base64url(header_text) + "." + base64url(claims_text);
        EVP_MD_CTX* ctx = EVP_MD_CTX_new();
        std::size_t len = 0;
        EVP_DigestSignInit(ctx, nullptr, EVP_sha256(), nullptr, key_);
        EVP_DigestSign(ctx, nullptr, &len, reinterpret_cast<const unsigned char*>(signed_part.data()), signed_part.size());
        std::string sig(len, '\0');
        EVP_DigestSign(ctx, reinterpret_cast<unsigned char*>(sig.data()), &len,
                       reinterpret_cast<const unsigned char*>(signed_part.data()), signed_part.size());
        EVP_MD_CTX_free(ctx);
        sig.resize(len);
        return signed_part + "." + base64url(sig);
    }

private:
    std::string bn(const char* name) const {
        BIGNUM* b = nullptr;
        EVP_PKEY_get_bn_param(key_, name, &b);
        std::string out(static_cast<std::size_t>(BN_num_bytes(b)), '\0');
        BN_bn2bin(b, reinterpret_cast<unsigned char*>(out.data()));
        BN_free(b);
        return out;
    }
    std::string kid_;
    EVP_PKEY* key_;
};

/// Serves /openid (pointing at /keys) and /keys (the JWKS of `keys()` at the time of the request).
class openid_server {
public:
    explicit openid_server(std::function<nlohmann::json()> keys)
        : keys_(std::move(keys)), server_([this](const recording_server::request& r) {
              if (r.target == "/openid")
                  return recording_server::reply{200, nlohmann::json{{"issuer", "https://api.botframework.com"},
                                                                     {"jwks_uri", server_.url("/keys")}}.dump()};
              if (r.target == "/keys") return recording_server::reply{200, nlohmann::json{{"keys", keys_()}}.dump()};
              return recording_server::reply{404, "{}"};
          }) {}
    std::string config_url() const { return server_.url("/openid"); }
    std::size_t key_fetches() {
        std::size_t n = 0;
        for (const auto& r : server_.requests()) n += r.target == "/keys";
        return n;
    }

private:
    std::function<nlohmann::json()> keys_;
    recording_server server_;
};

}  // namespace handoffkit::test
