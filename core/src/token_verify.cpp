// Verification in the documented order (token.hpp), inspection, and redemption.
#include <algorithm>

#include "handoffkit/redemption.hpp"
#include "handoffkit/token.hpp"
#include "token_parts.hpp"

namespace handoffkit::token {
namespace {

// RFC 7515 §4.1.9: "typ" compares case-insensitively and may omit "application/".
bool is_handoff_type(std::string typ) {
    for (char& c : typ) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
    constexpr std::string_view prefix = "application/";
    if (typ.compare(0, prefix.size(), prefix) == 0) typ.erase(0, prefix.size());
    return typ == token_type;
}

// Step 3: returns the key that must have signed the token.
result<const key*> check_header(const detail::token_header& header, const key_set& keys) {
    if (!header.alg.ok() || header.alg.value != algorithm) return fail(token_code::unsupported_alg, "only HS256 tokens are accepted");
    if (!header.typ.ok() || !is_handoff_type(header.typ.value))
        return fail(token_code::unsupported_type, "the token type must be handoff+jwt");
    if (header.has_crit) return fail(token_code::unsupported_header, "critical header extensions are not supported");
    if (!header.kid.ok()) return fail(token_code::unknown_key, "the token names no key (kid)");
    const key* k = keys.find(header.kid.value);
    if (!k) return fail(token_code::unknown_key, "no key of the set has the token's kid");
    return k;
}

// Step 4.
bool signature_matches(const detail::token_parts& parts, const key& k) {
    const crypto::digest tag = k.mac.tag(parts.signing_input);
    return crypto::constant_time_equal(std::string_view(reinterpret_cast<const char*>(tag.data()), tag.size()),
                                       parts.signature);
}

// Step 5: the claims, typed, into `out`.
std::optional<error> check_claims(detail::token_claims& c, verified_token& out) {
    auto malformed = [](const char* why) { return fail(token_code::malformed, why); };
    if (!c.iss.ok()) return malformed("claim iss must be a string");
    if (!c.aud.ok()) return malformed("claim aud must be a string or strings");
    if (c.sub.present() && !c.sub.ok()) return malformed("claim sub must be a string");
    if (!c.iat.ok()) return malformed("claim iat must be integer seconds");
    if (!c.exp.ok()) return malformed("claim exp must be integer seconds");
    if (c.nbf.present() && !c.nbf.ok()) return malformed("claim nbf must be integer seconds");
    if (!c.jti.ok()) return malformed("claim jti must be 22-128 base64url characters");
    if (c.ctx.present() && !c.ctx.ok()) return malformed("claim ctx must be an object");
    if (c.ctx_ref.present() && !c.ctx_ref.ok()) return malformed("claim ctx_ref must be a boolean");
    if (c.ctx.present() && c.ctx_ref.value) return malformed("a token carries ctx or ctx_ref, not both");
    out.issuer = std::move(c.iss.value);
    out.subject = std::move(c.sub.value);
    out.jti = std::move(c.jti.value);
    out.issued_at = c.iat.value;
    out.expires_at = c.exp.value;
    if (out.expires_at <= out.issued_at) return malformed("claim exp must be after iat");
    out.context_by_reference = c.ctx_ref.value;
    if (c.ctx.present()) out.context = std::move(c.ctx.value);
    return std::nullopt;
}

// Step 6. All values are within [0, 2^53] and leeway <= 300, so nothing overflows.
std::optional<error> check_time(const detail::token_claims& c, const verified_token& t, const verify_options& o) {
    if (o.now >= t.expires_at + o.leeway) return fail(token_code::expired, "the token has expired");
    if (c.nbf.present() && c.nbf.value > o.now + o.leeway)
        return fail(token_code::not_yet_valid, "the token is not valid yet (nbf)");
    if (t.issued_at > o.now + o.leeway) return fail(token_code::not_yet_valid, "the token was issued in the future (iat)");
    if (t.expires_at - t.issued_at > o.max_lifetime)
        return fail(token_code::lifetime_too_long, "the token lives longer than the allowed maximum");
    return std::nullopt;
}

// Step 7.
std::optional<error> check_binding(const detail::token_claims& c, const verified_token& t, const verify_options& o) {
    if (t.issuer != o.issuer) return fail(token_code::wrong_issuer, "the token comes from another issuer");
    const auto& audiences = c.aud.value;
    if (std::find(audiences.begin(), audiences.end(), o.audience) == audiences.end())
        return fail(token_code::wrong_audience, "the token is for another bot");
    if (c.sub.present() && (!o.user || *o.user != t.subject))
        return fail(token_code::wrong_user, "the token is bound to another user");
    return std::nullopt;
}

std::optional<error> check_options(const verify_options& o) {
    auto invalid = [](const char* why) { return fail(input_code::invalid_argument, why); };
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
    if (!signature_matches(*parts, **signer)) return fail(token_code::bad_signature, "the signature does not match");
    auto claims = detail::read_claims(parts->payload_bytes);
    if (!claims) return fail(token_code::malformed, "the token claims are not a JSON object");
    verified_token t;
    t.kid = (*signer)->kid;
    if (auto e = check_claims(*claims, t)) return *e;
    if (auto e = check_time(*claims, t, options)) return *e;
    if (auto e = check_binding(*claims, t, options)) return *e;
    t.header_json = std::move(parts->header_bytes);
    t.claims_json = std::move(parts->payload_bytes);
    return t;
}

result<verified_token> redeem(std::string_view token, const key_set& keys, const verify_options& options,
                              replay_guard& guard) {
    return redeem(token, keys, options, guard, presenter{});
}

result<verified_token> redeem(std::string_view token, const key_set& keys, const verify_options& options,
                              replay_guard& guard, const presenter& who) {
    auto verified = verify(token, keys, options);
    if (!verified) return verified;
    redemption r(std::move(verified).value(), who, options.now);
    drive(r, guard);
    if (r.step() == redemption_step::failed) return r.failure();
    r.token().retried = r.step() == redemption_step::retried;
    return std::move(r.token());
}

result<inspected_token> inspect(std::string_view token) {
    auto parts = detail::split(token);
    if (!parts) return parts.err();
    if (!detail::is_claims_object(parts->payload_bytes))
        return fail(token_code::malformed, "the token claims are not a JSON object");
    return inspected_token{std::move(parts->header_bytes), std::move(parts->payload_bytes)};
}

}  // namespace handoffkit::token
