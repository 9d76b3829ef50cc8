// Issuing: claims are built as a JSON object (members sorted, compact), signed with the active key.
#include "handoffkit/base64url.hpp"
#include "handoffkit/json.hpp"
#include "handoffkit/token.hpp"
#include "text_checks.hpp"
#include "token_parts.hpp"

namespace handoffkit::token {
namespace {

using handoffkit::json_writer;

error invalid(const std::string& why) { return fail(input_code::invalid_argument, why); }

std::optional<error> check_claim_text(const char* field, const std::string& value, bool required) {
    if (value.empty() && required) return invalid(std::string(field) + " is required");
    if (value.size() > max_claim_length) return invalid(std::string(field) + " is longer than 64 bytes");
    if (!handoffkit::detail::is_valid_utf8(value) || handoffkit::detail::has_control_char(value, false))
        return invalid(std::string(field) + " must be UTF-8 text without control characters");
    return std::nullopt;
}

std::optional<error> check_request(const issue_request& r) {
    if (auto e = check_claim_text("audience (bot id)", r.audience, true)) return e;
    if (auto e = check_claim_text("subject (user)", r.subject, false)) return e;
    if (auto e = check_claim_text("issuer", r.issuer, true)) return e;
    if (r.now < 0 || r.now > max_time) return invalid("now must be unix seconds in [0, 2^53-1]");
    if (r.ttl < 1 || r.ttl > default_max_lifetime) return invalid("ttl must be 1-86400 seconds");
    if (r.now > max_time - r.ttl) return invalid("now + ttl exceeds 2^53-1");
    if (r.random.size() < min_random_bytes || r.random.size() > max_random_bytes)
        return invalid("random must be 16-32 bytes");
    return std::nullopt;
}

// The context as compact JSON with sorted members (so equal contexts give equal tokens).
result<std::string> canonical_context(const std::string& text) {
    auto ctx = detail::canonical_object(text);
    if (!ctx) return fail(token_code::context_invalid, "ctx must be a JSON object");
    if (ctx->size() > max_context_length) return fail(token_code::context_too_large, "ctx is larger than 256 bytes of compact JSON");
    return std::move(*ctx);
}

// Checks the request and signs its claims; `ctx` goes into the token, or only `ctx_ref`. The
// context as signed (compact, members sorted) is left in `ctx`, for a store to keep.
result<issued_token> sign(const issue_request& request, const key_set& keys, std::string& ctx) {
    if (auto e = check_request(request)) return *e;
    const key& signer = keys.signing_key();
    const std::int64_t exp = request.now + request.ttl;
    const std::string jti = base64url::encode(request.random);
    if (request.context) {
        auto canonical = canonical_context(*request.context);
        if (!canonical) return canonical.err();
        ctx = std::move(*canonical);
    } else if (request.reference) {
        return invalid("reference mode needs a ctx to keep");
    }
    // Members in sorted order, so the text is what dump_json of the same object writes and equal
    // requests give equal tokens.
    std::string claims;
    claims.reserve(160 + ctx.size() + request.audience.size() + request.issuer.size() + request.subject.size());
    json_writer c(claims);
    c.begin_object().key("aud").string(request.audience);
    if (request.context && request.reference) c.key("ctx_ref").boolean(true);
    else if (request.context) c.key("ctx").raw(ctx);  // canonical_context wrote it
    c.key("exp").number(exp).key("iat").number(request.now).key("iss").string(request.issuer).key("jti").string(jti);
    if (!request.subject.empty()) c.key("sub").string(request.subject);
    c.end_object();
    std::string header;
    json_writer(header).begin_object().key("alg").string(algorithm).key("kid").string(signer.kid).key("typ")
        .string(token_type).end_object();
    std::string token = base64url::encode(header) + "." + base64url::encode(claims);
    token += "." + base64url::encode(crypto::to_bytes(signer.mac.tag(token)));
    if (token.size() > max_token_length) return fail(token_code::token_too_long, "the token would exceed 1024 characters");
    return issued_token{std::move(token), jti, signer.kid, request.now, exp, std::nullopt};
}

}  // namespace

result<issued_token> issue(const issue_request& request, const key_set& keys) {
    if (request.reference) return invalid("reference mode needs a store to keep the context");
    std::string ctx;
    return sign(request, keys, ctx);
}

result<issued_token> issue_for_store(const issue_request& request, const key_set& keys) {
    std::string ctx;
    auto issued = sign(request, keys, ctx);
    if (issued && request.reference) issued.value().stored_context = std::move(ctx);
    return issued;
}

result<issued_token> issue(const issue_request& request, const key_set& keys, replay_guard& store) {
    auto issued = issue_for_store(request, keys);
    if (!issued || !issued->stored_context) return issued;
    // Only a token whose context is safely stored is handed out.
    auto saved = store.save_context(issued->jti, *issued->stored_context, issued->expires_at + max_leeway, request.now);
    if (!saved) return saved.err();
    return issued;
}

std::string bot_audience(std::string_view bot_id) {
    const std::string_view bare = bot_id.substr(0, 3) == "28:" ? bot_id.substr(3) : bot_id;
    if (!handoffkit::detail::is_guid(bare)) return std::string(bot_id);
    return "28:" + std::string(bare);
}

}  // namespace handoffkit::token
