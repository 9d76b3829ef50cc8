// The Bot Framework as a host under test sees it, all on loopback: the Bot Connector's signing
// key with its OpenID configuration and JWKS (inbound authentication), and a connector that plays
// the OAuth client-credentials endpoint and records every follow-up that reaches it.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "local_servers.hpp"

namespace handoffkit::test {

class fake_bot_framework {
public:
    explicit fake_bot_framework(std::string app_id) : app_id_(std::move(app_id)) {}

    /// For `handoffkit serve`: inbound authentication against this JWKS, follow-ups' OAuth here.
    std::vector<std::string> serve_flags() const {
        return {"--openid-config", openid.config_url(), "--oauth-token-url", connector.url("/token")};
    }

    /// Claims the Bot Connector signs: this bot, valid now, naming `service_url`.
    nlohmann::json claims(const std::string& service_url) const {
        const auto now = std::chrono::duration_cast<std::chrono::seconds>(
                             std::chrono::system_clock::now().time_since_epoch()).count();
        return {{"iss", "https://api.botframework.com"}, {"aud", app_id_}, {"exp", now + 600}, {"nbf", now - 10},
                {"serviceurl", service_url}};
    }
    std::string authorization(const nlohmann::json& claims) const { return "Authorization: Bearer " + key.sign(claims); }
    std::string authorization(const std::string& service_url) const { return authorization(claims(service_url)); }

    /// The follow-ups that reached the connector (everything but /token).
    std::vector<recording_server::request> activities() {
        std::vector<recording_server::request> out;
        for (auto& r : connector.requests())
            if (r.target != "/token") out.push_back(r);
        return out;
    }
    std::string service_url(const std::string& path = "/amer/") const { return connector.url(path); }

    rsa_signer key{"bf-key-1"};
    openid_server openid{[this] { return nlohmann::json::array({key.jwk()}); }};
    recording_server connector{[](const recording_server::request& r) {
        if (r.target == "/token")
            return recording_server::reply{200, nlohmann::json{{"access_token", "bot-token"}, {"expires_in", 3600}}.dump()};
        return recording_server::reply{201, R"({"id":"1"})"};
    }};

private:
    std::string app_id_;
};

}  // namespace handoffkit::test
