// Test stand-ins for the outside world, on 127.0.0.1 ephemeral ports: a recording HTTP server
// (Bot Connector, OAuth token endpoint, OpenID/JWKS documents; plain or TLS), an RSA key that
// signs JWTs, and a self-signed certificate for localhost.
#pragma once

#include <sys/socket.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <list>
#include <memory>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <nlohmann/json.hpp>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/x509v3.h>

namespace handoffkit::test {

/// A self-signed certificate for `localhost` and 127.0.0.1 (OpenSSL API: no openssl CLI needed),
/// written as PEM files that are removed with it.
class test_certificate {
public:
    explicit test_certificate(const std::string& name = "localhost") {
        const auto dir = std::filesystem::temp_directory_path();
        static std::atomic<int> n{0};
        const std::string stem = "hk-cert-" + std::to_string(::getpid()) + "-" + std::to_string(n++);
        cert_path_ = (dir / (stem + ".crt")).string();
        key_path_ = (dir / (stem + ".key")).string();
        EVP_PKEY* key = EVP_RSA_gen(2048);
        X509* cert = X509_new();
        X509_set_version(cert, 2);
        ASN1_INTEGER_set(X509_get_serialNumber(cert), 1);
        X509_gmtime_adj(X509_getm_notBefore(cert), -60);
        X509_gmtime_adj(X509_getm_notAfter(cert), 3600);
        X509_set_pubkey(cert, key);
        X509_NAME* subject = X509_get_subject_name(cert);
        X509_NAME_add_entry_by_txt(subject, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>(name.c_str()), -1, -1, 0);
        X509_set_issuer_name(cert, subject);
        X509V3_CTX ctx;
        X509V3_set_ctx_nodb(&ctx);
        X509V3_set_ctx(&ctx, cert, cert, nullptr, nullptr, 0);
        const std::string san = "DNS:" + name + ",IP:127.0.0.1";
        X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, NID_subject_alt_name, san.c_str());
        X509_add_ext(cert, ext, -1);
        X509_EXTENSION_free(ext);
        X509_sign(cert, key, EVP_sha256());
        FILE* c = std::fopen(cert_path_.c_str(), "w");
        PEM_write_X509(c, cert);
        std::fclose(c);
        FILE* k = std::fopen(key_path_.c_str(), "w");
        PEM_write_PrivateKey(k, key, nullptr, nullptr, 0, nullptr, nullptr);
        std::fclose(k);
        X509_free(cert);
        EVP_PKEY_free(key);
    }
    ~test_certificate() {
        std::remove(cert_path_.c_str());
        std::remove(key_path_.c_str());
    }
    test_certificate(const test_certificate&) = delete;
    const std::string& cert_path() const { return cert_path_; }
    const std::string& key_path() const { return key_path_; }

private:
    std::string cert_path_, key_path_;
};

/// Answers each request with `handler` and records it. Every connection gets a thread of its
/// own and is kept alive as long as the client asks (HTTP/1.1), so tests can count how many
/// connections a client opened. With a certificate it speaks TLS.
class recording_server {
public:
    struct request {
        std::string method, target, authorization, content_type, body;
        std::map<std::string, std::string> headers = {};  ///< every header, names in lower case
    };
    struct reply {
        int status = 200;
        std::string body;
        std::string content_type = "application/json";
    };
    using handler = std::function<reply(const request&)>;

    explicit recording_server(handler h, const test_certificate* tls = nullptr) : handler_(std::move(h)), acceptor_(ioc_) {
        namespace net = boost::asio;
        if (tls) {
            tls_.emplace(net::ssl::context::tls_server);
            tls_->use_certificate_chain_file(tls->cert_path());
            tls_->use_private_key_file(tls->key_path(), net::ssl::context::pem);
        }
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
        {
            std::lock_guard<std::mutex> lock(mutex_);
            for (int fd : open_fds_) ::shutdown(fd, SHUT_RDWR);  // unblocks kept-alive reads
        }
        for (auto& t : connection_threads_) t.join();
    }

    std::uint16_t port() const { return port_; }
    std::string url(const std::string& path) const {
        return std::string(tls_ ? "https" : "http") + "://127.0.0.1:" + std::to_string(port_) + path;
    }

    std::vector<request> requests() {
        std::lock_guard<std::mutex> lock(mutex_);
        return requests_;
    }
    /// Connections accepted so far.
    std::size_t connections() const { return connections_; }
    /// Waits (at most 10 s) until `n` requests were recorded.
    bool wait_for(std::size_t n) {
        std::unique_lock<std::mutex> lock(mutex_);
        return changed_.wait_for(lock, std::chrono::seconds(10), [&] { return requests_.size() >= n; });
    }

private:
    void serve() {
        while (true) {
            boost::asio::ip::tcp::socket socket(ioc_);
            boost::system::error_code ec;
            acceptor_.accept(socket, ec);
            if (stopping_) return;
            if (ec) continue;
            ++connections_;
            std::lock_guard<std::mutex> lock(mutex_);
            open_fds_.push_back(socket.native_handle());
            connection_threads_.emplace_back([this, s = std::move(socket)]() mutable { connection(std::move(s)); });
        }
    }

    void connection(boost::asio::ip::tcp::socket socket) {
        timeval tv{5, 0};
        setsockopt(socket.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
        if (!tls_) {
            exchange(socket);
        } else {
            boost::system::error_code ec;
            boost::asio::ssl::stream<boost::asio::ip::tcp::socket&> stream(socket, *tls_);
            stream.handshake(boost::asio::ssl::stream_base::server, ec);
            if (!ec) exchange(stream);
        }
        // Forgotten before the socket closes, so the destructor never shuts down a reused fd.
        std::lock_guard<std::mutex> lock(mutex_);
        open_fds_.erase(std::find(open_fds_.begin(), open_fds_.end(), socket.native_handle()));
    }

    template <class Stream>
    void exchange(Stream& stream) {
        namespace http = boost::beast::http;
        boost::beast::flat_buffer buffer;
        for (int served = 0; served < 1000 && !stopping_; ++served) {
            boost::system::error_code ec;
            http::request<http::string_body> req;
            http::read(stream, buffer, req, ec);
            if (ec) return;
            request r{std::string(req.method_string()), std::string(req.target()),
                      std::string(req[http::field::authorization]), std::string(req[http::field::content_type]),
                      req.body()};
            for (const auto& field : req) {
                std::string name(field.name_string());
                for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
                r.headers[name] = std::string(field.value());
            }
            const reply answer = handler_(r);
            {
                std::lock_guard<std::mutex> lock(mutex_);
                requests_.push_back(std::move(r));
            }
            changed_.notify_all();
            http::response<http::string_body> res{static_cast<http::status>(answer.status), 11};
            res.set(http::field::content_type, answer.content_type);
            res.body() = answer.body;
            res.keep_alive(req.keep_alive());
            res.prepare_payload();
            http::write(stream, res, ec);
            if (ec || !req.keep_alive()) return;
        }
    }

    handler handler_;
    std::optional<boost::asio::ssl::context> tls_;
    boost::asio::io_context ioc_;
    boost::asio::ip::tcp::acceptor acceptor_;
    std::uint16_t port_ = 0;
    std::thread thread_;
    std::atomic<bool> stopping_{false};
    std::atomic<std::size_t> connections_{0};
    std::mutex mutex_;
    std::condition_variable changed_;
    std::vector<request> requests_;
    std::vector<int> open_fds_;
    std::list<std::thread> connection_threads_;
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

/// A fresh RSA key (OpenSSL, 2048 bits unless asked otherwise) that publishes itself as a JWK
/// and signs RS256 JWTs.
class rsa_signer {
public:
    explicit rsa_signer(std::string kid, unsigned bits = 2048) : kid_(std::move(kid)), key_(EVP_RSA_gen(bits)) {}
    ~rsa_signer() { EVP_PKEY_free(key_); }
    rsa_signer(const rsa_signer&) = delete;

    const std::string& kid() const { return kid_; }

    /// The JWK as the Bot Framework publishes it: endorsed for `endorsements` (channel ids), or
    /// without the member when `endorsements` is null.
    nlohmann::json jwk(const nlohmann::json& endorsements = nlohmann::json::array({"msteams"})) const {
        nlohmann::json k{{"kty", "RSA"}, {"use", "sig"}, {"kid", kid_}, {"n", base64url(bn(OSSL_PKEY_PARAM_RSA_N))},
                         {"e", base64url(bn(OSSL_PKEY_PARAM_RSA_E))}};
        if (!endorsements.is_null()) k["endorsements"] = endorsements;
        return k;
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
/// hold() makes /keys wait (at most 10 s) until release(): a slow JWKS server.
class openid_server {
public:
    explicit openid_server(std::function<nlohmann::json()> keys)
        : keys_(std::move(keys)), server_([this](const recording_server::request& r) {
              if (r.target == "/openid")
                  return recording_server::reply{200, nlohmann::json{{"issuer", "https://api.botframework.com"},
                                                                     {"jwks_uri", server_.url("/keys")}}.dump()};
              if (r.target == "/keys") {
                  std::unique_lock<std::mutex> lock(gate_mutex_);
                  ++keys_requested_;
                  gate_.wait_for(lock, std::chrono::seconds(10), [&] { return open_; });
                  ++keys_answered_;
                  return recording_server::reply{200, nlohmann::json{{"keys", keys_()}}.dump()};
              }
              return recording_server::reply{404, "{}"};
          }) {}
    ~openid_server() { release(); }
    std::string config_url() const { return server_.url("/openid"); }
    std::size_t key_fetches() {
        std::size_t n = 0;
        for (const auto& r : server_.requests()) n += r.target == "/keys";
        return n;
    }
    void hold() {
        std::lock_guard<std::mutex> lock(gate_mutex_);
        open_ = false;
    }
    void release() {
        {
            std::lock_guard<std::mutex> lock(gate_mutex_);
            open_ = true;
        }
        gate_.notify_all();
    }
    /// /keys requests that arrived, and those answered.
    int keys_requested() {
        std::lock_guard<std::mutex> lock(gate_mutex_);
        return keys_requested_;
    }
    int keys_answered() {
        std::lock_guard<std::mutex> lock(gate_mutex_);
        return keys_answered_;
    }

private:
    std::function<nlohmann::json()> keys_;
    std::mutex gate_mutex_;
    std::condition_variable gate_;
    bool open_ = true;
    int keys_requested_ = 0, keys_answered_ = 0;
    recording_server server_;
};

}  // namespace handoffkit::test
