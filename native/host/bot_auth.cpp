#include "bot_auth.hpp"

#include <cmath>
#include <condition_variable>
#include <fstream>
#include <limits>
#include <map>
#include <mutex>
#include <sstream>
#include <thread>

#include <nlohmann/json.hpp>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>

#include "handoffkit/json.hpp"
#include "http_client.hpp"

namespace handoffkit::host {
using nlohmann::json;

namespace {

using pkey_ptr = std::shared_ptr<EVP_PKEY>;

std::optional<std::string> base64url_decode(std::string_view in) {
    std::string out;
    unsigned buffer = 0;
    int bits = 0;
    for (char c : in) {
        int v;
        if (c >= 'A' && c <= 'Z') v = c - 'A';
        else if (c >= 'a' && c <= 'z') v = c - 'a' + 26;
        else if (c >= '0' && c <= '9') v = c - '0' + 52;
        else if (c == '-') v = 62;
        else if (c == '_') v = 63;
        else return std::nullopt;  // no padding, no standard alphabet: JWS uses base64url only
        buffer = (buffer << 6) | static_cast<unsigned>(v);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out += static_cast<char>((buffer >> bits) & 0xFF);
        }
    }
    if (bits >= 6) return std::nullopt;  // a single leftover character cannot encode a byte
    return out;
}

// An RSA public key from the JWK's base64url `n` and `e`.
pkey_ptr rsa_key(const std::string& n_b64, const std::string& e_b64) {
    auto n = base64url_decode(n_b64), e = base64url_decode(e_b64);
    if (!n || !e || n->empty() || e->empty()) return nullptr;
    BIGNUM* bn_n = BN_bin2bn(reinterpret_cast<const unsigned char*>(n->data()), static_cast<int>(n->size()), nullptr);
    BIGNUM* bn_e = BN_bin2bn(reinterpret_cast<const unsigned char*>(e->data()), static_cast<int>(e->size()), nullptr);
    OSSL_PARAM_BLD* bld = OSSL_PARAM_BLD_new();
    OSSL_PARAM* params = nullptr;
    EVP_PKEY_CTX* ctx = EVP_PKEY_CTX_new_from_name(nullptr, "RSA", nullptr);
    EVP_PKEY* key = nullptr;
    if (bn_n && bn_e && bld && ctx && OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_N, bn_n) &&
        OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_E, bn_e) && (params = OSSL_PARAM_BLD_to_param(bld)) &&
        EVP_PKEY_fromdata_init(ctx) > 0)
        EVP_PKEY_fromdata(ctx, &key, EVP_PKEY_PUBLIC_KEY, params);
    OSSL_PARAM_free(params);
    OSSL_PARAM_BLD_free(bld);
    EVP_PKEY_CTX_free(ctx);
    BN_free(bn_n);
    BN_free(bn_e);
    return key ? pkey_ptr(key, EVP_PKEY_free) : nullptr;
}

bool rs256_valid(EVP_PKEY* key, std::string_view signed_part, const std::string& signature) {
    EVP_MD_CTX* ctx = EVP_MD_CTX_new();
    bool ok = ctx && EVP_DigestVerifyInit(ctx, nullptr, EVP_sha256(), nullptr, key) == 1 &&
              EVP_DigestVerify(ctx, reinterpret_cast<const unsigned char*>(signature.data()), signature.size(),
                               reinterpret_cast<const unsigned char*>(signed_part.data()), signed_part.size()) == 1;
    EVP_MD_CTX_free(ctx);
    return ok;
}

// The smallest RSA modulus accepted for an inbound token's key: NIST SP 800-57 gives 1024-bit
// RSA no security for new signatures; the Bot Framework's keys are 2048 bits.
constexpr int min_rsa_bits = 2048;

// A NumericDate (RFC 7519 §2: seconds, possibly fractional) as whole seconds without undefined
// behaviour: a float is rounded toward the stricter side (`up` for nbf, down for exp) and held to
// the int64 range before it is converted; nullopt when the claim is not a number.
std::optional<std::int64_t> numeric_date(const json& v, bool up) {
    constexpr auto lowest = std::numeric_limits<std::int64_t>::min();
    constexpr auto highest = std::numeric_limits<std::int64_t>::max();
    if (v.is_number_unsigned()) {
        const auto u = v.get<std::uint64_t>();
        return u > static_cast<std::uint64_t>(highest) ? highest : static_cast<std::int64_t>(u);
    }
    if (v.is_number_integer()) return v.get<std::int64_t>();
    if (!v.is_number_float()) return std::nullopt;
    const double d = up ? std::ceil(v.get<double>()) : std::floor(v.get<double>());
    if (std::isnan(d)) return std::nullopt;
    // 2^63 is exactly representable; every double below it converts without overflow.
    if (d >= 9223372036854775808.0) return highest;
    if (d <= -9223372036854775808.0) return lowest;
    return static_cast<std::int64_t>(d);
}

// a + b held to the int64 range (the expiry checks add a leeway to untrusted numbers).
std::int64_t saturating_add(std::int64_t a, std::int64_t b) {
    std::int64_t out;
    if (!__builtin_add_overflow(a, b, &out)) return out;
    return b > 0 ? std::numeric_limits<std::int64_t>::max() : std::numeric_limits<std::int64_t>::min();
}

bool is_url(const std::string& s) { return s.rfind("https://", 0) == 0 || s.rfind("http://", 0) == 0; }

// A document from a URL or a file: the OpenID metadata, then its JWKS.
result<json> load_json(const std::string& where, code code) {
    std::string text;
    if (is_url(where)) {
        auto reply = fetch({"GET", where, {{"Accept", "application/json"}}, "", std::chrono::seconds(10)});
        if (!reply) return fail(code, where + ": " + reply.err().message);
        if (reply->status != 200) return fail(code, where + ": HTTP " + std::to_string(reply->status));
        text = std::move(reply->body);
    } else {
        std::ifstream in(where);
        if (!in) return fail(code, "cannot read " + where);
        std::ostringstream s;
        s << in.rdbuf();
        text = s.str();
    }
    auto j = json::parse(text, nullptr, false);
    if (!j.is_object()) return fail(code, where + " is not a JSON object");
    return j;
}

// A signing key of the JWKS with what the checks need besides the key itself.
struct jwks_key {
    pkey_ptr key;
    int bits = 0;
    std::vector<std::string> endorsements;  ///< channel ids ("msteams"); the Bot Framework's own member
};

using key_map = std::map<std::string, std::shared_ptr<const jwks_key>>;

std::vector<std::string> endorsements_of(const json& k) {
    std::vector<std::string> out;
    const auto e = k.find("endorsements");
    if (e == k.end() || !e->is_array()) return out;
    for (const auto& channel : *e)
        if (channel.is_string()) out.push_back(channel.get<std::string>());
    return out;
}

result<key_map> load_keys(const std::string& jwks_uri) {
    auto jwks = load_json(jwks_uri, native::auth_code::jwks_unavailable);
    if (!jwks) return jwks.err();
    auto list = jwks->find("keys");
    if (list == jwks->end() || !list->is_array()) return fail(native::auth_code::jwks_unavailable, "the JWKS has no keys array");
    key_map fresh;
    for (const auto& k : *list) {
        if (!k.is_object() || k.value("kty", "") != "RSA" || !k.contains("kid") || !k["kid"].is_string()) continue;
        if (!k.contains("n") || !k["n"].is_string() || !k.contains("e") || !k["e"].is_string()) continue;
        auto key = rsa_key(k["n"], k["e"]);
        if (!key) continue;
        const int bits = EVP_PKEY_get_bits(key.get());
        fresh[k["kid"]] = std::make_shared<const jwks_key>(jwks_key{std::move(key), bits, endorsements_of(k)});
    }
    return fresh;
}

}  // namespace

// The key set is refreshed on a thread of its own, so that no request waits for the JWKS
// server: a refetch once blocked the I/O thread that asked (and every connection on it) for up
// to its 10 s timeout. A request whose kid is unknown while a refresh runs is told to retry.
struct bot_authenticator::impl {
    bot_auth_config config;
    std::string jwks_uri;
    std::mutex mutex;
    std::condition_variable refreshed;
    key_map keys;
    std::chrono::steady_clock::time_point fetched_at;        // of the keys in use
    std::chrono::steady_clock::time_point refresh_started{};  // of the last refresh, for the rate limit
    bool refreshing = false;
    bool closing = false;
    std::thread refresher;

    ~impl() {
        std::unique_lock<std::mutex> lock(mutex);
        closing = true;
        lock.unlock();
        if (refresher.joinable()) refresher.join();  // bounded by the fetch timeout
    }

    // Starts a background refresh unless one runs. Called with `mutex` held.
    void start_refresh(std::chrono::steady_clock::time_point now) {
        if (refreshing || closing) return;
        refreshing = true;
        refresh_started = now;
        if (refresher.joinable()) refresher.join();  // the previous one has finished: `refreshing` was false
        refresher = std::thread([this] {
            auto fresh = load_keys(jwks_uri);  // on failure the old keys stay
            std::lock_guard<std::mutex> lock(mutex);
            if (fresh) {
                keys = std::move(*fresh);
                fetched_at = std::chrono::steady_clock::now();
            }
            refreshing = false;
            refreshed.notify_all();
        });
    }

    struct lookup {
        std::shared_ptr<const jwks_key> key;  ///< null: unknown kid
        bool refreshing = false;              ///< a refresh runs: the kid may still turn up
    };

    // The key for `kid` as known now. A stale set, or (rate-limited) an unknown kid, starts a
    // background refresh: the Bot Framework rotates its keys.
    lookup key_for(const std::string& kid) {
        const auto now = std::chrono::steady_clock::now();
        std::lock_guard<std::mutex> lock(mutex);
        auto it = keys.find(kid);
        const bool stale = now - fetched_at > config.keys_ttl;
        const bool may_refetch = now - refresh_started > config.unknown_kid_refetch;
        if (stale || (it == keys.end() && may_refetch)) start_refresh(now);
        return {it == keys.end() ? nullptr : it->second, refreshing};
    }

    bool wait_idle(std::chrono::milliseconds max_wait) {
        std::unique_lock<std::mutex> lock(mutex);
        return refreshed.wait_for(lock, max_wait, [&] { return !refreshing; });
    }
};

bot_authenticator::bot_authenticator(std::unique_ptr<impl> p) : impl_(std::move(p)) {}
bot_authenticator::~bot_authenticator() = default;

result<std::shared_ptr<bot_authenticator>> bot_authenticator::create(bot_auth_config config) {
    if (config.audience.empty()) return fail(native::auth_code::auth_config_invalid, "the audience (app id) is required");
    if (config.openid_config.empty()) return fail(native::auth_code::auth_config_invalid, "the OpenID configuration is required");
    auto p = std::make_unique<impl>();
    p->config = std::move(config);
    auto meta = load_json(p->config.openid_config, native::auth_code::openid_config_unavailable);
    if (!meta) return meta.err();
    auto uri = meta->find("jwks_uri");
    if (uri == meta->end() || !uri->is_string())
        return fail(native::auth_code::openid_config_unavailable, "the OpenID configuration has no jwks_uri");
    p->jwks_uri = uri->get<std::string>();
    auto keys = load_keys(p->jwks_uri);
    if (!keys) return keys.err();
    p->keys = std::move(*keys);
    p->fetched_at = std::chrono::steady_clock::now();
    p->refresh_started = p->fetched_at;
    return std::shared_ptr<bot_authenticator>(new bot_authenticator(std::move(p)));
}

auth_result bot_authenticator::verify(const std::string& authorization, std::int64_t now) {
    auto reject = [](code code) {
        auth_result r;
        r.code = code;
        return r;
    };
    constexpr std::string_view scheme = "Bearer ";
    if (authorization.size() <= scheme.size() || authorization.compare(0, scheme.size(), scheme) != 0)
        return reject(native::auth_code::auth_missing);
    const std::string_view token = std::string_view(authorization).substr(scheme.size());
    const auto dot1 = token.find('.');
    const auto dot2 = dot1 == std::string_view::npos ? dot1 : token.find('.', dot1 + 1);
    if (dot2 == std::string_view::npos || token.find('.', dot2 + 1) != std::string_view::npos)
        return reject(native::auth_code::auth_malformed);
    auto header_text = base64url_decode(token.substr(0, dot1));
    auto payload_text = base64url_decode(token.substr(dot1 + 1, dot2 - dot1 - 1));
    auto signature = base64url_decode(token.substr(dot2 + 1));
    if (!header_text || !payload_text || !signature) return reject(native::auth_code::auth_malformed);
    // The core's strict parse: a part naming a key twice (nlohmann's DOM would keep the last one,
    // another reader the first) or starting with a BOM is malformed, as a token part of ours is.
    json header, claims;
    if (parse_json(*header_text, header, json_bom::refuse) != json_failure::none ||
        parse_json(*payload_text, claims, json_bom::refuse) != json_failure::none || !header.is_object() ||
        !claims.is_object())
        return reject(native::auth_code::auth_malformed);
    // Only RS256: "none" and HS256-with-the-public-key confusions are refused by construction.
    if (!header.contains("alg") || header["alg"] != "RS256") return reject(native::auth_code::auth_algorithm);
    if (!header.contains("kid") || !header["kid"].is_string()) return reject(native::auth_code::auth_unknown_key);
    const auto found = impl_->key_for(header["kid"]);
    if (!found.key) {
        auto r = reject(native::auth_code::auth_unknown_key);
        r.retry_later = found.refreshing;
        return r;
    }
    const jwks_key& key = *found.key;
    if (key.bits < min_rsa_bits) return reject(native::auth_code::auth_key_too_small);
    if (!rs256_valid(key.key.get(), token.substr(0, dot2), *signature)) return reject(native::auth_code::auth_bad_signature);

    const auto& c = impl_->config;
    if (!claims.contains("iss") || claims["iss"] != c.issuer) return reject(native::auth_code::auth_wrong_issuer);
    const auto aud = claims.find("aud");
    const bool aud_ok = aud != claims.end() &&
                        ((aud->is_string() && *aud == c.audience) ||
                         (aud->is_array() && std::find(aud->begin(), aud->end(), json(c.audience)) != aud->end()));
    if (!aud_ok) return reject(native::auth_code::auth_wrong_audience);
    // Compared with saturating sums: exp and nbf are the sender's numbers (2^63-1, 1e300, -1, 0.5).
    const auto exp = claims.find("exp");
    const auto exp_at = exp == claims.end() ? std::nullopt : numeric_date(*exp, false);
    if (!exp_at || now > saturating_add(*exp_at, c.leeway_seconds)) return reject(native::auth_code::auth_expired);
    if (const auto nbf = claims.find("nbf"); nbf != claims.end()) {
        const auto nbf_at = numeric_date(*nbf, true);
        if (!nbf_at || saturating_add(now, c.leeway_seconds) < *nbf_at) return reject(native::auth_code::auth_not_yet_valid);
    }
    auth_result ok;
    ok.ok = true;
    ok.endorsements = key.endorsements;
    // Only a string names the serviceUrl; anything else (absent, null, a number, an array, another
    // spelling) leaves it empty, which the host refuses.
    if (auto su = claims.find("serviceurl"); su != claims.end() && su->is_string()) ok.service_url = *su;
    return ok;
}

bool bot_authenticator::wait_for_refresh(std::chrono::milliseconds max_wait) { return impl_->wait_idle(max_wait); }

authenticator make_authenticator(std::shared_ptr<bot_authenticator> a) {
    return [a = std::move(a)](const std::string& authorization) {
        const auto now = std::chrono::duration_cast<std::chrono::seconds>(
                             std::chrono::system_clock::now().time_since_epoch()).count();
        return a->verify(authorization, now);
    };
}

}  // namespace handoffkit::host
