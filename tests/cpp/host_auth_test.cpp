// Inbound Bot Framework authentication: JWTs signed here with OpenSSL RSA keys, keys served by a
// local OpenID/JWKS server, checked by the authenticator alone and through the running host.
#include <doctest/doctest.h>

#include <chrono>
#include <limits>

#include "bot_auth.hpp"
#include "host_support.hpp"
#include "local_servers.hpp"

namespace {
using nlohmann::json;
using namespace handoffkit::test;
namespace host = handoffkit::host;

const std::string app_id = "00000000-0000-0000-0000-000000000000";
constexpr std::int64_t now = 1'800'000'000;

json claims(std::int64_t exp = now + 3600) {
    return {{"iss", "https://api.botframework.com"}, {"aud", app_id}, {"exp", exp}, {"nbf", now - 10},
            {"serviceurl", "https://smba.trafficmanager.net/amer/"}};
}

std::shared_ptr<host::bot_authenticator> authenticator_for(const openid_server& server,
                                                           std::chrono::seconds refetch = std::chrono::seconds(300)) {
    host::bot_auth_config c;
    c.openid_config = server.config_url();
    c.audience = app_id;
    c.unknown_kid_refetch = refetch;
    auto a = host::bot_authenticator::create(c);
    REQUIRE(a.has_value());
    return *a;
}

}  // namespace

TEST_CASE("bot auth: a Bot Connector token is accepted, and every kind of bad token is refused by code") {
    rsa_signer key("key-1");
    rsa_signer other("key-1");  // same kid, different key: a forgery
    openid_server server([&] { return json::array({key.jwk()}); });
    auto auth = authenticator_for(server);

    const auto ok = auth->verify("Bearer " + key.sign(claims()), now);
    CHECK(ok.ok);
    CHECK(ok.service_url == "https://smba.trafficmanager.net/amer/");

    json array_aud = claims();
    array_aud["aud"] = json::array({"someone-else", app_id});
    CHECK(auth->verify("Bearer " + key.sign(array_aud), now).ok);

    const std::string good = key.sign(claims());
    std::string tampered = good;
    const std::size_t in_signature = good.rfind('.') + 10;
    tampered[in_signature] = tampered[in_signature] == 'A' ? 'B' : 'A';
    json wrong_iss = claims(), wrong_aud = claims(), future = claims(), no_exp = claims();
    wrong_iss["iss"] = "https://evil.example";
    wrong_aud["aud"] = "another-bot";
    future["nbf"] = now + 3600;
    no_exp.erase("exp");
    const std::vector<std::pair<std::string, std::string>> cases{
        {"", "AUTH_MISSING"},
        {"Basic dXNlcjpwYXNz", "AUTH_MISSING"},
        {"Bearer not-a-jwt", "AUTH_MALFORMED"},
        {"Bearer a.b.c.d", "AUTH_MALFORMED"},
        {"Bearer " + key.sign(claims(), {{"alg", "none"}, {"kid", "key-1"}}), "AUTH_ALGORITHM"},
        {"Bearer " + key.sign(claims(), {{"alg", "HS256"}, {"kid", "key-1"}}), "AUTH_ALGORITHM"},
        {"Bearer " + key.sign(claims(), {{"alg", "RS256"}, {"kid", "nobody"}}), "AUTH_UNKNOWN_KEY"},
        {"Bearer " + other.sign(claims()), "AUTH_BAD_SIGNATURE"},
        {"Bearer " + tampered, "AUTH_BAD_SIGNATURE"},
        {"Bearer " + key.sign(wrong_iss), "AUTH_WRONG_ISSUER"},
        {"Bearer " + key.sign(wrong_aud), "AUTH_WRONG_AUDIENCE"},
        {"Bearer " + key.sign(claims(now - 301)), "AUTH_EXPIRED"},
        {"Bearer " + key.sign(no_exp), "AUTH_EXPIRED"},
        {"Bearer " + key.sign(future), "AUTH_NOT_YET_VALID"},
    };
    for (const auto& [header, code] : cases) {
        CAPTURE(header);
        const auto r = auth->verify(header, now);
        CHECK_FALSE(r.ok);
        CHECK(r.code == code);
    }
    // Within the leeway an expired token still passes (clock skew).
    CHECK(auth->verify("Bearer " + key.sign(claims(now - 299)), now).ok);
}

TEST_CASE("bot auth: a JWT part naming a key twice or starting with a byte order mark is AUTH_MALFORMED") {
    // Issue 14 findings 4 and 7: the parts were read with nlohmann's DOM, which keeps the last of
    // two "aud" members (here: this bot) where another verifier keeps the first (someone else's).
    rsa_signer key("key-1");
    openid_server server([&] { return json::array({key.jwk()}); });
    auto auth = authenticator_for(server);
    const std::string header = R"({"alg":"RS256","kid":"key-1","typ":"JWT"})";
    const std::string body = R"("exp":)" + std::to_string(now + 3600) + R"(,"iss":"https://api.botframework.com",)"
                             R"("nbf":)" + std::to_string(now - 10) + R"(,"serviceurl":"https://smba.trafficmanager.net/amer/")";
    const std::string claims = R"({"aud":")" + app_id + R"(",)" + body + "}";
    REQUIRE(auth->verify("Bearer " + key.sign_text(header, claims), now).ok);  // the text itself is acceptable
    const std::string bom = "\xEF\xBB\xBF";
    for (const auto& token : {key.sign_text(header, R"({"aud":"another-bot","aud":")" + app_id + R"(",)" + body + "}"),
                              key.sign_text(R"({"alg":"none","alg":"RS256","kid":"key-1"})", claims),
                              key.sign_text(bom + header, claims), key.sign_text(header, bom + claims)}) {
        const auto r = auth->verify("Bearer " + token, now);
        CHECK_FALSE(r.ok);
        CHECK(r.code == "AUTH_MALFORMED");
    }
}

TEST_CASE("bot auth: rotated keys are fetched again for an unknown kid, rate-limited") {
    auto first = std::make_shared<rsa_signer>("old");
    rsa_signer second("new");
    std::mutex m;
    json published = json::array({first->jwk()});
    openid_server server([&] {
        std::lock_guard<std::mutex> lock(m);
        return published;
    });
    auto limited = authenticator_for(server);  // refetch at most every 300 s
    auto eager = authenticator_for(server, std::chrono::seconds(0));
    const auto fetches_before = server.key_fetches();
    {
        std::lock_guard<std::mutex> lock(m);
        published = json::array({first->jwk(), second.jwk()});
    }
    // The refetch runs in the background: the first answer says to retry, not to wait.
    const auto asked = eager->verify("Bearer " + second.sign(claims()), now);
    CHECK(asked.code == "AUTH_UNKNOWN_KEY");
    REQUIRE(eager->wait_for_refresh(std::chrono::seconds(10)));
    CHECK(eager->verify("Bearer " + second.sign(claims()), now).ok);
    const auto refused = limited->verify("Bearer " + second.sign(claims()), now);
    CHECK(refused.code == "AUTH_UNKNOWN_KEY");
    CHECK_FALSE(refused.retry_later);  // rate-limited: no refresh runs, so there is nothing to wait for
    CHECK(server.key_fetches() == fetches_before + 1);
    // A kid that the refreshed set does not have either is refused without a retry.
    rsa_signer stranger("stranger");
    const auto unknown = eager->verify("Bearer " + stranger.sign(claims()), now);
    REQUIRE(eager->wait_for_refresh(std::chrono::seconds(10)));
    const auto still = eager->verify("Bearer " + stranger.sign(claims()), now);
    CHECK(unknown.code == "AUTH_UNKNOWN_KEY");
    CHECK(still.code == "AUTH_UNKNOWN_KEY");
}

TEST_CASE("bot auth: exp and nbf at the edges of their range are compared without overflow") {
    rsa_signer key("key-1");
    openid_server server([&] { return json::array({key.jwk()}); });
    auto auth = authenticator_for(server);
    auto with = [&](const char* claim, json value) {
        json c = claims();
        c[claim] = std::move(value);
        return auth->verify("Bearer " + key.sign(c), now);
    };
    constexpr std::int64_t max = std::numeric_limits<std::int64_t>::max();
    constexpr std::int64_t min = std::numeric_limits<std::int64_t>::min();
    // exp + leeway once overflowed (2^63-1 + 300 wrapped to a date in the past: refused), and
    // 1e300 converted to an integer is undefined behaviour.
    CHECK(with("exp", max).ok);
    CHECK(with("exp", std::numeric_limits<std::uint64_t>::max()).ok);
    CHECK(with("exp", 1e300).ok);
    CHECK(with("exp", 9.3e18).ok);                        // just above 2^63
    CHECK(with("exp", -1).code == "AUTH_EXPIRED");
    CHECK(with("exp", min).code == "AUTH_EXPIRED");
    CHECK(with("exp", -1e300).code == "AUTH_EXPIRED");
    CHECK(with("exp", now + 0.5).ok);                     // fractional NumericDate (RFC 7519)
    CHECK(with("exp", now - 300.5).code == "AUTH_EXPIRED");  // rounded down: past the leeway
    CHECK(with("exp", now - 299.5).ok);
    CHECK(with("exp", "soon").code == "AUTH_EXPIRED");
    CHECK(with("nbf", max).code == "AUTH_NOT_YET_VALID");
    CHECK(with("nbf", 1e300).code == "AUTH_NOT_YET_VALID");
    CHECK(with("nbf", min).ok);                           // now + leeway, not nbf - leeway: no underflow
    CHECK(with("nbf", -1e300).ok);
    CHECK(with("nbf", now + 300.5).code == "AUTH_NOT_YET_VALID");  // rounded up
    CHECK(with("nbf", now + 300).ok);
    CHECK(with("nbf", nullptr).code == "AUTH_NOT_YET_VALID");
    // And a clock at the end of the range does not overflow the nbf check either.
    json at_the_end = claims(max);
    at_the_end["nbf"] = max;
    CHECK(auth->verify("Bearer " + key.sign(at_the_end), max).ok);
}

TEST_CASE("bot auth: a key under 2048 bits is refused; the key's endorsements and the serviceurl claim are handed to the host") {
    rsa_signer weak("weak", 1024), strong("strong");
    openid_server server([&] { return json::array({weak.jwk(), strong.jwk(json::array({"msteams", "webchat"}))}); });
    auto auth = authenticator_for(server);
    CHECK(auth->verify("Bearer " + weak.sign(claims()), now).code == "AUTH_KEY_TOO_SMALL");
    const auto ok = auth->verify("Bearer " + strong.sign(claims()), now);
    REQUIRE(ok.ok);
    CHECK(ok.endorsements == std::vector<std::string>{"msteams", "webchat"});
    for (json value : {json(nullptr), json(""), json(42), json::array({"https://smba.trafficmanager.net/amer/"})}) {
        json c = claims();
        c["serviceurl"] = value;
        const auto r = auth->verify("Bearer " + strong.sign(c), now);
        CHECK(r.ok);
        CHECK(r.service_url.empty());  // only a string names it; the host refuses the rest
    }
}

TEST_CASE("bot auth: configuration that cannot be loaded is a coded error") {
    host::bot_auth_config c;
    c.audience = app_id;
    c.openid_config = "/nonexistent/openid.json";
    CHECK(host::bot_authenticator::create(c).err().code == "OPENID_CONFIG_UNAVAILABLE");
    c.openid_config = "http://example.com/openid";  // plain http off loopback is refused
    auto r = host::bot_authenticator::create(c);
    CHECK(r.err().code == "OPENID_CONFIG_UNAVAILABLE");
    CHECK(r.err().message.find("127.0.0.1") != std::string::npos);
    c.openid_config = "";
    CHECK(host::bot_authenticator::create(c).err().code == "AUTH_CONFIG_INVALID");
}

TEST_CASE("host with auth: 401 without a valid bearer token, 200 with one, serviceUrl bound to the token") {
    rsa_signer key("key-1");
    openid_server server([&] { return json::array({key.jwk()}); });
    host::bot_auth_config c;
    c.openid_config = server.config_url();
    c.audience = app_id;
    auto auth = host::bot_authenticator::create(c);
    REQUIRE(auth.has_value());

    auto store = std::make_shared<test_store>();
    host::host_config config = test_host_config(store);
    config.insecure_no_auth = false;
    config.authenticate = host::make_authenticator(*auth);
    config.handoff.bot_id = app_id;
    running_host h(config);
    const std::string t1 = issue_test_token({{"botId", "28:" + app_id}});
    const std::string t2 = issue_test_token({{"botId", "28:" + app_id}});

    const auto real_now = std::chrono::duration_cast<std::chrono::seconds>(
                              std::chrono::system_clock::now().time_since_epoch()).count();
    json valid = claims(real_now + 600);
    valid["nbf"] = real_now - 10;
    const std::string bearer = "Authorization: Bearer " + key.sign(valid);
    json expired = valid;
    expired["exp"] = real_now - 3600;

    auto none = call(h.port(), "POST", "/api/messages", seed_activity(t1).dump());
    CHECK(none.status == 401);
    CHECK(none.headers["www-authenticate"] == "Bearer");
    CHECK(json::parse(none.body)["error"]["code"] == "AUTH_MISSING");
    auto old = call(h.port(), "POST", "/api/messages", seed_activity(t1).dump(),
                    {"Authorization: Bearer " + key.sign(expired)});
    CHECK(old.status == 401);
    CHECK(json::parse(old.body)["error"]["code"] == "AUTH_EXPIRED");
    CHECK(call(h.port(), "POST", "/api/messages", seed_activity(t1).dump(), {"Authorization: Bearer x.y.z"}).status ==
          401);
    CHECK(store->calls() == 0);  // nothing unauthenticated reaches the store

    CHECK(call(h.port(), "POST", "/api/messages", seed_activity(t1).dump(), {bearer}).status == 200);

    json elsewhere = seed_activity(t2);
    elsewhere["serviceUrl"] = "https://attacker.example/";
    auto mismatch = call(h.port(), "POST", "/api/messages", elsewhere.dump(), {bearer});
    CHECK(mismatch.status == 401);
    CHECK(json::parse(mismatch.body)["error"]["code"] == "AUTH_SERVICE_URL_MISMATCH");
    CHECK(store->calls() == 1);

    h.stop();
    for (const auto& line : h.log()) {
        CHECK(line.find("Bearer") == std::string::npos);
        CHECK(line.find(bearer.substr(22, 20)) == std::string::npos);
    }
}

namespace {

std::int64_t real_now() {
    return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

json valid_claims() {
    json c = claims(real_now() + 600);
    c["nbf"] = real_now() - 10;
    return c;
}

host::host_config authenticated_config(const openid_server& server, const std::shared_ptr<test_store>& store,
                                       std::chrono::seconds refetch = std::chrono::seconds(300)) {
    host::bot_auth_config c;
    c.openid_config = server.config_url();
    c.audience = app_id;
    c.unknown_kid_refetch = refetch;
    auto auth = host::bot_authenticator::create(c);
    REQUIRE(auth.has_value());
    host::host_config config = test_host_config(store);
    config.insecure_no_auth = false;
    config.authenticate = host::make_authenticator(*auth);
    config.handoff.bot_id = app_id;
    return config;
}

std::string app_token() { return issue_test_token({{"botId", "28:" + app_id}}); }

std::string code_of(const raw_connection::response& r) {
    const auto j = json::parse(r.body, nullptr, false);
    return j.is_object() && j.contains("error") ? j["error"].value("code", "") : "";
}

}  // namespace

TEST_CASE("host with auth: a key not endorsed for the activity's channel is refused 403 before anything is redeemed") {
    rsa_signer teams("teams"), webchat_only("webchat-only"), unendorsed("unendorsed");
    openid_server server([&] {
        return json::array({teams.jwk(), webchat_only.jwk(json::array({"webchat"})), unendorsed.jwk(nullptr)});
    });
    auto store = std::make_shared<test_store>();
    running_host h(authenticated_config(server, store));
    const std::string t = app_token();
    const std::string body = seed_activity(t).dump();  // channelId msteams

    for (const rsa_signer* key : {&webchat_only, &unendorsed}) {
        CAPTURE(key->kid());
        const auto r = call(h.port(), "POST", "/api/messages", body, {"Authorization: Bearer " + key->sign(valid_claims())});
        CHECK(r.status == 403);
        CHECK(code_of(r) == "AUTH_CHANNEL_NOT_ENDORSED");
    }
    json other_channel = seed_activity(t);
    other_channel["channelId"] = "webchat";
    const auto r = call(h.port(), "POST", "/api/messages", other_channel.dump(), {"Authorization: Bearer " + teams.sign(valid_claims())});
    CHECK(r.status == 403);
    CHECK(code_of(r) == "AUTH_CHANNEL_NOT_ENDORSED");
    CHECK(store->calls() == 0);
    // The token was not touched: the activity with an endorsed key redeems it.
    CHECK(call(h.port(), "POST", "/api/messages", body, {"Authorization: Bearer " + teams.sign(valid_claims())}).status == 200);
}

TEST_CASE("host with auth: a refetch of the JWKS for an unknown kid does not hold up other requests on the same thread") {
    rsa_signer known("known"), rotated("rotated");
    std::mutex m;
    json published = json::array({known.jwk()});
    openid_server server([&] {
        std::lock_guard<std::mutex> lock(m);
        return published;
    });
    auto store = std::make_shared<test_store>();
    auto config = authenticated_config(server, store, std::chrono::seconds(0));
    const std::string first_token = app_token(), second_token = app_token();
    config.threads = 1;  // one I/O thread: a blocked one would stall every connection
    config.auth_key_wait = std::chrono::seconds(8);
    running_host h(config);
    {
        std::lock_guard<std::mutex> lock(m);
        published = json::array({known.jwk(), rotated.jwk()});
    }
    server.hold();  // the JWKS server answers only when released (at most 10 s)
    const int answered_before = server.keys_answered();

    // A token signed with the rotated key: the host starts a refetch, which the server holds.
    raw_connection waiting(h.port());
    waiting.send(http_request("POST", "/api/messages", seed_activity(first_token).dump(),
                              {"Authorization: Bearer " + rotated.sign(valid_claims())}));
    for (int i = 0; i < 500 && server.keys_requested() == answered_before; ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    REQUIRE(server.keys_requested() > answered_before);

    // Meanwhile a request with a known key is answered, while the refetch is still held.
    const auto other = call(h.port(), "POST", "/api/messages", seed_activity(second_token).dump(),
                            {"Authorization: Bearer " + known.sign(valid_claims())});
    CHECK(other.status == 200);
    CHECK(call(h.port(), "GET", "/healthz").status == 200);
    CHECK(server.keys_answered() == answered_before);  // still held: the answers did not wait for it

    // Once the JWKS arrives, the waiting request is authenticated with the rotated key.
    server.release();
    const auto first = waiting.read_response();
    CHECK(first.status == 200);
    CHECK(store->calls() == 2);
}

TEST_CASE("host with auth: a request whose key is still unknown after the wait is refused, not held") {
    rsa_signer known("known"), stranger("stranger");
    openid_server server([&] { return json::array({known.jwk()}); });
    auto store = std::make_shared<test_store>();
    auto config = authenticated_config(server, store, std::chrono::seconds(0));
    config.auth_key_wait = std::chrono::milliseconds(300);
    running_host h(config);
    server.hold();  // a refetch that does not come back within the wait
    const auto r = call(h.port(), "POST", "/api/messages", seed_activity(app_token()).dump(),
                        {"Authorization: Bearer " + stranger.sign(valid_claims())});
    CHECK(r.status == 401);
    CHECK(code_of(r) == "AUTH_UNKNOWN_KEY");
    server.release();
    CHECK(store->calls() == 0);
}
