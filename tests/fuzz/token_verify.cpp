// libFuzzer: any bytes as a continuation token, verified, inspected and redeemed.
// Properties: never crashes or leaks; the JSON API answers one envelope; no token is accepted
// unless it is the only spelling of its bytes (every part canonical base64url), so a mutated
// token can be accepted only by forging HMAC-SHA256; every single-bit flip of an accepted token
// is refused; an accepted token redeems once, then is REPLAYED; a refused one consumes nothing.
#include "fuzz_support.hpp"

#include "handoffkit/base64url.hpp"
#include "handoffkit/json_api_token.hpp"
#include "handoffkit/replay_guard.hpp"
#include "handoffkit/token.hpp"

namespace tk = handoffkit::token;
using handoffkit::fuzz::require;

namespace {

// The "main" key set of tests/vectors/tokens.json, so the seed tokens verify.
const char* const jwks = R"({"keys":[{"kty":"oct","kid":"2024-06","k":"AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8"},)"
                         R"({"kty":"oct","kid":"2024-01","k":"oKGio6SlpqeoqaqrrK2ur7CxsrO0tba3uLm6u7y9vr8"}]})";

const tk::key_set& keys() {
    static const tk::key_set k = tk::key_set::parse(jwks).value();
    return k;
}

tk::verify_options options() {
    tk::verify_options o;
    o.audience = "28:f47ac10b-58cc-4372-a567-0e02b2c3d479";
    o.now = 1700000000;
    return o;
}

bool canonical(const std::string& token) {
    std::size_t start = 0;
    for (int part = 0; part < 3; ++part) {
        const auto end = part < 2 ? token.find('.', start) : token.size();
        if (end == std::string::npos) return false;
        const auto text = token.substr(start, end - start);
        const auto bytes = handoffkit::base64url::decode(text);
        if (!bytes || handoffkit::base64url::encode(*bytes) != text) return false;
        start = end + 1;
    }
    return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string token = handoffkit::fuzz::text_of(data, size);
    const auto verified = tk::verify(token, keys(), options());
    const auto inspected = tk::inspect(token);
    handoffkit::fuzz::require_envelope(handoffkit::json_api::inspect_token(token));
    handoffkit::fuzz::require_envelope(
        handoffkit::json_api::verify_token(token, jwks, R"({"botId":"28:f47ac10b-58cc-4372-a567-0e02b2c3d479","now":1700000000})"));

    tk::memory_replay_guard guard;
    const auto first = tk::redeem(token, keys(), options(), guard);
    require(first.has_value() == verified.has_value());
    if (!verified) {
        require(first.err().code == verified.err().code);  // redemption checks first, in the same order
        return 0;
    }
    require(inspected.has_value());
    require(canonical(token));
    require(tk::redeem(token, keys(), options(), guard).err().code == "REPLAYED");
    for (std::size_t bit = 0; bit < token.size() * 8; ++bit) {
        std::string flipped = token;
        flipped[bit / 8] = static_cast<char>(flipped[bit / 8] ^ (1 << (bit % 8)));
        require(!tk::verify(flipped, keys(), options()));
    }
    return 0;
}
