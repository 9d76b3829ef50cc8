// The serviceUrl rule (core, pure): which serviceUrls may receive follow-ups, and with a token.
#include <doctest/doctest.h>

#include <string>

#include "handoffkit/service_url.hpp"

namespace {
namespace su = handoffkit::service_url;

su::policy with_credentials(std::vector<std::string> hosts = su::default_allowed_hosts()) { return {std::move(hosts), true}; }
su::policy without_credentials(std::vector<std::string> hosts = su::default_allowed_hosts()) { return {std::move(hosts), false}; }

std::string code_of(const handoffkit::result<su::target>& r) { return r ? "OK" : std::string(r.err().code.name()); }

}  // namespace

TEST_CASE("service_url: the Bot Connector hosts of the public cloud are allowed by default, with the bearer token") {
    for (const char* url : {"https://smba.trafficmanager.net/amer/", "https://smba.trafficmanager.net/teams",
                            "https://SMBA.TrafficManager.NET/emea/", "https://webchat.botframework.com/",
                            "https://directline.botframework.com:443/", "https://europe.webchat.botframework.com/"}) {
        CAPTURE(url);
        const auto t = su::check(url, with_credentials());
        REQUIRE(t);
        CHECK(t->tls);
        CHECK(t->send);
        CHECK(t->bearer);
        CHECK_FALSE(t->loopback);
        CHECK(t->port == "443");
    }
    const auto t = su::check("https://SMBA.trafficmanager.net/amer/", {});
    REQUIRE(t);
    CHECK(t->host == "smba.trafficmanager.net");
}

TEST_CASE("service_url: anything else is refused, with a code that says whether it was allowed or malformed") {
    const std::vector<std::pair<std::string, std::string>> cases{
        {"https://attacker.example/", "SERVICE_URL_NOT_ALLOWED"},
        {"https://botframework.com/", "SERVICE_URL_NOT_ALLOWED"},                // *.x does not match x
        {"https://smba.trafficmanager.net.attacker.example/", "SERVICE_URL_NOT_ALLOWED"},
        {"https://evilbotframework.com/", "SERVICE_URL_NOT_ALLOWED"},
        {"https://smba.trafficmanager.net./amer/", "SERVICE_URL_NOT_ALLOWED"},  // another spelling of the name
        {"http://smba.trafficmanager.net/amer/", "SERVICE_URL_NOT_ALLOWED"},    // plain http off loopback
        {"https://127.0.0.1:3979/", "SERVICE_URL_NOT_ALLOWED"},                 // loopback, not named
        {"http://localhost:56150/_connector", "SERVICE_URL_NOT_ALLOWED"},
        {"http://[::1]:3979/", "SERVICE_URL_NOT_ALLOWED"},
        {"http://127.0.0.2/", "SERVICE_URL_NOT_ALLOWED"},
        {"https://smba.trafficmanager.net@attacker.example/", "SERVICE_URL_INVALID"},  // user info
        {"https://user:pw@smba.trafficmanager.net/", "SERVICE_URL_INVALID"},
        {"https://smba%2Etrafficmanager.net/", "SERVICE_URL_INVALID"},          // percent-encoded host
        {"https://smba.trafficmanager.net/amer?x=1", "SERVICE_URL_INVALID"},   // the path would land in the query
        {"https://smba.trafficmanager.net/amer#x", "SERVICE_URL_INVALID"},
        {"https://smba.trafficmanager.net:0/", "SERVICE_URL_INVALID"},
        {"https://smba.trafficmanager.net:65536/", "SERVICE_URL_INVALID"},
        {"https://smba.trafficmanager.net:/", "SERVICE_URL_INVALID"},
        {"ftp://smba.trafficmanager.net/", "SERVICE_URL_INVALID"},
        {"javascript:alert(1)", "SERVICE_URL_INVALID"},
        {"//smba.trafficmanager.net/", "SERVICE_URL_INVALID"},
        {"https:///amer/", "SERVICE_URL_INVALID"},
        {"", "SERVICE_URL_INVALID"},
        {"not a url", "SERVICE_URL_INVALID"},
        {"https://[v7.x]/", "SERVICE_URL_INVALID"},
        {"https://smba.trafficmanager.net/" + std::string(su::max_length, 'a'), "SERVICE_URL_INVALID"},
    };
    for (const auto& item_ : cases) {
        const auto& url = item_.first;
        const auto& code = item_.second;
        CAPTURE(url);
        CHECK(code_of(su::check(url, with_credentials())) == code);
    }
}

TEST_CASE("service_url: with credentials, loopback is allowed only when the allow-list names it") {
    const auto named = with_credentials({"127.0.0.1", "localhost", "::1"});
    for (const char* url : {"http://127.0.0.1:3979/", "https://127.0.0.1/", "http://localhost:56150/_connector",
                            "http://LOCALHOST:1/", "http://[::1]:3979/api"}) {
        CAPTURE(url);
        const auto t = su::check(url, named);
        REQUIRE(t);
        CHECK(t->loopback);
        CHECK(t->send);
        CHECK(t->bearer);
    }
    // Named 127.0.0.1 is that address, not the whole block nor the name localhost.
    CHECK(code_of(su::check("http://127.0.0.2/", with_credentials({"127.0.0.1"}))) == "SERVICE_URL_NOT_ALLOWED");
    CHECK(code_of(su::check("http://localhost/", with_credentials({"127.0.0.1"}))) == "SERVICE_URL_NOT_ALLOWED");
    // Naming hosts replaces the default list.
    CHECK(code_of(su::check("https://smba.trafficmanager.net/amer/", with_credentials({"127.0.0.1"}))) ==
          "SERVICE_URL_NOT_ALLOWED");
    const auto gcc = su::check("https://smba.infra.gcc.teams.microsoft.com/teams", with_credentials({"smba.infra.gcc.teams.microsoft.com"}));
    CHECK(gcc);
    const auto t = su::check("http://127.0.0.1:3979/", named);
    REQUIRE(t);
    CHECK(t->port == "3979");
    CHECK(t->host == "127.0.0.1");
    CHECK(su::check("http://[::1]:3979/", named)->host == "::1");
}

TEST_CASE("service_url: without credentials, follow-ups go to loopback only (local emulators), never with a token") {
    for (const char* url : {"http://localhost:56150/_connector", "http://127.0.0.1:3979/", "http://127.9.8.7/",
                            "http://[::1]:3979/", "https://localhost:8443/"}) {
        CAPTURE(url);
        const auto t = su::check(url, without_credentials());
        REQUIRE(t);
        CHECK(t->loopback);
        CHECK(t->send);
        CHECK_FALSE(t->bearer);
    }
    // The Bot Connector's own hosts are still allowed for the activity, but nothing is sent there.
    const auto teams = su::check("https://smba.trafficmanager.net/amer/", without_credentials());
    REQUIRE(teams);
    CHECK_FALSE(teams->send);
    CHECK_FALSE(teams->bearer);
    CHECK(code_of(su::check("https://attacker.example/", without_credentials())) == "SERVICE_URL_NOT_ALLOWED");
    CHECK(code_of(su::check("http://attacker.example/", without_credentials())) == "SERVICE_URL_NOT_ALLOWED");
    // A name that merely resolves to loopback is not loopback.
    CHECK(code_of(su::check("http://localhost.attacker.example/", without_credentials())) == "SERVICE_URL_NOT_ALLOWED");
    CHECK(code_of(su::check("http://localhost.nip.io/", without_credentials())) == "SERVICE_URL_NOT_ALLOWED");
    // Boost.URL 1.81 reads the host of these as 127.0.0.1 (the rest as the path): refused outright.
    CHECK(code_of(su::check("http://127.0.0.1.nip.io/", without_credentials())) == "SERVICE_URL_INVALID");
    CHECK(code_of(su::check("http://127.0.0.1x/", without_credentials())) == "SERVICE_URL_INVALID");
    CHECK(code_of(su::check("https://127.0.0.1.smba.trafficmanager.net/", with_credentials({"127.0.0.1"}))) == "SERVICE_URL_INVALID");
    CHECK(code_of(su::check("http://[::ffff:127.0.0.1]/", without_credentials())) == "SERVICE_URL_NOT_ALLOWED");
}

TEST_CASE("service_url: loopback hosts") {
    for (const char* h : {"localhost", "LocalHost", "127.0.0.1", "127.255.255.254", "::1", "[::1]", "0:0:0:0:0:0:0:1"})
        CHECK_MESSAGE(su::is_loopback_host(h), h);
    for (const char* h : {"128.0.0.1", "126.0.0.1", "localhost.", "localhost.example", "::2", "::ffff:127.0.0.1", "0.0.0.0",
                          "10.0.0.1", "", "127.1"})
        CHECK_FALSE_MESSAGE(su::is_loopback_host(h), h);
}
