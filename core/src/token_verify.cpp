// Verification in the documented order (token.hpp), inspection, and redemption.
#include <nlohmann/json.hpp>

#include "handoffkit/base64url.hpp"
#include "handoffkit/token.hpp"
#include "json_fields.hpp"
#include "token_parts.hpp"

namespace handoffkit::token {
namespace detail {

std::optional<nlohmann::json> parse_json_object(std::string_view text) {
    auto j = handoffkit::detail::parse_json(text);
    if (j.is_discarded() || !j.is_object()) return std::nullopt;
    return j;
}

result<token_parts> split(std::string_view token) {
    if (token.size() > max_token_length) return fail("TOKEN_TOO_LONG", "the token is longer than 1024 characters");
    const auto first = token.find('.');
    const auto second = first == std::string_view::npos ? first : token.find('.', first + 1);
    if (second == std::string_view::npos || token.find('.', second + 1) != std::string_view::npos)
        return fail("MALFORMED", "a token has three parts separated by '.'");
    auto header = base64url::decode(token.substr(0, first));
    auto payload = base64url::decode(token.substr(first + 1, second - first - 1));
    auto signature = base64url::decode(token.substr(second + 1));
    if (!header || !payload || !signature) return fail("MALFORMED", "a token part is not strict base64url");
    auto header_json = parse_json_object(*header);
    if (!header_json) return fail("MALFORMED", "the token header is not a JSON object");
    return token_parts{token.substr(0, second), std::move(*header), std::move(*payload), std::move(*signature),
                       std::move(*header_json)};
}

}  // namespace detail

namespace {

using nlohmann::json;

// RFC 7515 §4.1.9: "typ" compares case-insensitively and may omit "application/".
bool is_handoff_type(std::string typ) {
    for (char& c : typ) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
    constexpr std::string_view prefix = "application/";
    if (typ.compare(0, prefix.size(), prefix) == 0) typ.erase(0, prefix.size());
    return typ == token_type;
}

// Step 3: returns the key that must have signed the token.
result<const key*> check_header(const json& header, const key_set& keys) {
    auto alg = header.find("alg");
    if (alg == header.end() || !alg->is_string() || alg->get_ref<const std::string&>() != algorithm)
        return fail("UNSUPPORTED_ALG", "only HS256 tokens are accepted");
    auto typ = header.find("typ");
    if (typ == header.end() || !typ->is_string() || !is_handoff_type(typ->get<std::string>()))
        return fail("UNSUPPORTED_TYPE", "the token type must be handoff+jwt");
    if (header.contains("crit")) return fail("UNSUPPORTED_HEADER", "critical header extensions are not supported");
    auto kid = header.find("kid");
    if (kid == header.end() || !kid->is_string()) return fail("UNKNOWN_KEY", "the token names no key (kid)");
    const key* k = keys.find(kid->get_ref<const std::string&>());
    if (!k) return fail("UNKNOWN_KEY", "no key of the set has the token's kid");
    return k;
}

// Step 4.
bool signature_matches(const detail::token_parts& parts, const key& k) {
    return crypto::constant_time_equal(crypto::to_bytes(k.mac.tag(parts.signing_input)), parts.signature);
}

bool is_time(const json& v) {
    return v.is_number_integer() && v.get<std::int64_t>() >= 0 && v.get<std::int64_t>() <= max_time;
}

bool is_jti(const json& v) {
    if (!v.is_string()) return false;
    const auto& s = v.get_ref<const std::string&>();
    if (s.size() < min_jti_length || s.size() > max_jti_length) return false;
    for (char c : s)
        if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_'))
            return false;
    return true;
}

bool is_audience(const json& v) {
    if (v.is_string()) return true;
    if (!v.is_array() || v.empty()) return false;
    for (const auto& a : v)
        if (!a.is_string()) return false;
    return true;
}

// Step 5: the claims, typed, into `out`.
std::optional<error> read_claims(const json& c, verified_token& out) {
    auto malformed = [](const char* why) { return fail("MALFORMED", why); };
    if (!c.contains("iss") || !c["iss"].is_string()) return malformed("claim iss must be a string");
    if (!c.contains("aud") || !is_audience(c["aud"])) return malformed("claim aud must be a string or strings");
    if (c.contains("sub") && !c["sub"].is_string()) return malformed("claim sub must be a string");
    if (!c.contains("iat") || !is_time(c["iat"])) return malformed("claim iat must be integer seconds");
    if (!c.contains("exp") || !is_time(c["exp"])) return malformed("claim exp must be integer seconds");
    if (c.contains("nbf") && !is_time(c["nbf"])) return malformed("claim nbf must be integer seconds");
    if (!c.contains("jti") || !is_jti(c["jti"])) return malformed("claim jti must be 22-128 base64url characters");
    if (c.contains("ctx") && !c["ctx"].is_object()) return malformed("claim ctx must be an object");
    if (c.contains("ctx_ref") && !c["ctx_ref"].is_boolean()) return malformed("claim ctx_ref must be a boolean");
    if (c.contains("ctx") && c.value("ctx_ref", false)) return malformed("a token carries ctx or ctx_ref, not both");
    out.issuer = c["iss"].get<std::string>();
    out.subject = c.value("sub", std::string{});
    out.jti = c["jti"].get<std::string>();
    out.issued_at = c["iat"].get<std::int64_t>();
    out.expires_at = c["exp"].get<std::int64_t>();
    if (out.expires_at <= out.issued_at) return malformed("claim exp must be after iat");
    out.context_by_reference = c.value("ctx_ref", false);
    if (c.contains("ctx")) out.context = c["ctx"].dump();
    return std::nullopt;
}

// Step 6. All values are within [0, 2^53] and leeway <= 300, so nothing overflows.
std::optional<error> check_time(const json& c, const verified_token& t, const verify_options& o) {
    if (o.now >= t.expires_at + o.leeway) return fail("EXPIRED", "the token has expired");
    if (c.contains("nbf") && c["nbf"].get<std::int64_t>() > o.now + o.leeway)
        return fail("NOT_YET_VALID", "the token is not valid yet (nbf)");
    if (t.issued_at > o.now + o.leeway) return fail("NOT_YET_VALID", "the token was issued in the future (iat)");
    if (t.expires_at - t.issued_at > o.max_lifetime)
        return fail("LIFETIME_TOO_LONG", "the token lives longer than the allowed maximum");
    return std::nullopt;
}

bool audience_matches(const json& aud, const std::string& expected) {
    if (aud.is_string()) return aud.get_ref<const std::string&>() == expected;
    for (const auto& a : aud)
        if (a.get_ref<const std::string&>() == expected) return true;
    return false;
}

// Step 7.
std::optional<error> check_binding(const json& c, const verified_token& t, const verify_options& o) {
    if (t.issuer != o.issuer) return fail("WRONG_ISSUER", "the token comes from another issuer");
    if (!audience_matches(c["aud"], o.audience)) return fail("WRONG_AUDIENCE", "the token is for another bot");
    if (c.contains("sub") && (!o.user || *o.user != t.subject))
        return fail("WRONG_USER", "the token is bound to another user");
    return std::nullopt;
}

std::optional<error> check_options(const verify_options& o) {
    auto invalid = [](const char* why) { return fail("INVALID_ARGUMENT", why); };
    if (o.audience.empty()) return invalid("the expected audience (bot id) is required");
    if (o.now < 0 || o.now > max_time) return invalid("now must be unix seconds in [0, 2^53-1]");
    if (o.leeway < 0 || o.leeway > max_leeway) return invalid("leeway must be 0-300 seconds");
    if (o.max_lifetime < 1 || o.max_lifetime > max_lifetime_limit)
        return invalid("maxLifetime must be 1-2592000 seconds");
    return std::nullopt;
}

}  // namespace

result<verified_token> verify(std::string_view token, const key_set& keys, const verify_options& options) {
    if (auto e = check_options(options)) return *e;
    auto parts = detail::split(token);
    if (!parts) return parts.err();
    auto signer = check_header(parts->header, keys);
    if (!signer) return signer.err();
    if (!signature_matches(*parts, **signer)) return fail("BAD_SIGNATURE", "the signature does not match");
    const auto claims = detail::parse_json_object(parts->payload_bytes);
    if (!claims) return fail("MALFORMED", "the token claims are not a JSON object");
    verified_token t;
    t.kid = (*signer)->kid;
    t.header_json = std::move(parts->header_bytes);
    t.claims_json = std::move(parts->payload_bytes);
    if (auto e = read_claims(*claims, t)) return *e;
    if (auto e = check_time(*claims, t, options)) return *e;
    if (auto e = check_binding(*claims, t, options)) return *e;
    return t;
}

result<verified_token> redeem(std::string_view token, const key_set& keys, const verify_options& options,
                              replay_guard& guard) {
    auto verified = verify(token, keys, options);
    if (!verified) return verified;
    verified_token t = std::move(verified).value();
    // Loading first keeps a missing context from consuming the token.
    if (t.context_by_reference) {
        auto ctx = guard.load_context(t.jti, options.now);
        if (!ctx) return ctx.err();
        if (!ctx->has_value()) return fail("CONTEXT_NOT_FOUND", "the store holds no context for this token");
        t.context = std::move(ctx).value();
    }
    auto mark = guard.try_mark(t.jti, t.expires_at + max_leeway, options.now);
    if (!mark) return mark.err();
    if (*mark == mark_outcome::replayed) return fail("REPLAYED", "the token was already redeemed");
    t.redeemed = true;
    return t;
}

result<inspected_token> inspect(std::string_view token) {
    auto parts = detail::split(token);
    if (!parts) return parts.err();
    if (!detail::parse_json_object(parts->payload_bytes)) return fail("MALFORMED", "the token claims are not a JSON object");
    return inspected_token{std::move(parts->header_bytes), std::move(parts->payload_bytes)};
}

}  // namespace handoffkit::token
