// JWK Set parsing. Messages name keys by kid or position, never by their bytes.
#include "handoffkit/base64url.hpp"
#include "handoffkit/token.hpp"
#include "json_fields.hpp"

namespace handoffkit::token {
namespace {

using handoffkit::json;

error invalid(const std::string& why) { return fail(token_code::keys_invalid, "key set: " + why); }

bool is_printable_ascii(std::string_view s) {
    for (char c : s)
        if (c < 0x21 || c > 0x7e) return false;
    return true;
}

std::string optional_string(const json& k, const char* name, bool& wrong_type) {
    auto it = k.find(name);
    if (it == k.end()) return {};
    if (!it->is_string()) wrong_type = true;
    return it->is_string() ? it->get_ref<const std::string&>() : std::string{};
}

result<key> parse_key(const json& k, std::size_t index) {
    const std::string where = "key #" + std::to_string(index);
    if (!k.is_object()) return invalid(where + " is not an object");
    bool wrong_type = false;
    const std::string kty = optional_string(k, "kty", wrong_type);
    const std::string kid = optional_string(k, "kid", wrong_type);
    const std::string alg = optional_string(k, "alg", wrong_type);
    const std::string use = optional_string(k, "use", wrong_type);
    const auto material = k.find("k");
    if (wrong_type || (material != k.end() && !material->is_string()))
        return invalid(where + ": kty, kid, k, alg and use must be strings");
    if (kid.empty() || kid.size() > max_kid_length || !is_printable_ascii(kid))
        return invalid(where + ": kid must be 1-64 printable ASCII characters");
    const std::string named = "key '" + kid + "'";
    if (kty != "oct") return invalid(named + ": kty must be \"oct\"");
    if (!alg.empty() && alg != algorithm) return invalid(named + ": alg must be HS256 when present");
    if (k.contains("use") && use != "sig") return invalid(named + ": use must be \"sig\" when present");
    if (material == k.end()) return invalid(named + ": k is missing");
    const auto bytes = base64url::decode(material->get_ref<const std::string&>());
    if (!bytes) return invalid(named + ": k is not strict base64url");
    if (bytes->size() < min_key_bytes)
        return fail(token_code::key_too_short, named + " is shorter than 256 bits");
    if (bytes->size() > max_key_bytes) return invalid(named + " is longer than 1024 bytes");
    std::optional<std::int64_t> stopped;
    if (auto at = k.find("stoppedSigningAt"); at != k.end()) {
        if (!at->is_number_integer() || at->get<std::int64_t>() < 0 || at->get<std::int64_t>() > max_time)
            return invalid(named + ": stoppedSigningAt must be unix seconds, an integer from 0 to 2^53-1");
        stopped = at->get<std::int64_t>();
    }
    return key{kid, crypto::hmac_sha256_key(*bytes), stopped};
}

}  // namespace

result<key_set> key_set::parse(std::string_view jwk_set_json) {
    json j;
    // The parser's own message could quote key material: say only what kind of failure it was.
    if (const auto why = handoffkit::parse_json(jwk_set_json, j); why != handoffkit::json_failure::none)
        return invalid(handoffkit::json_failure_message(why, "the text"));
    if (!j.is_object()) return invalid("must be a JSON object {\"keys\":[…]}");
    auto keys = j.find("keys");
    if (keys == j.end() || !keys->is_array() || keys->empty()) return invalid("\"keys\" must be a non-empty array");
    if (keys->size() > max_keys) return invalid("more than 100 keys");
    key_set set;
    for (std::size_t i = 0; i < keys->size(); ++i) {
        auto k = parse_key((*keys)[i], i);
        if (!k) return k.err();
        if (set.find(k->kid)) return invalid("kid '" + k->kid + "' appears twice");
        set.keys_.push_back(std::move(k).value());
    }
    if (auto active = j.find("activeKid"); active != j.end()) {
        if (!active->is_string()) return invalid("activeKid must be a string");
        const std::string& kid = active->get_ref<const std::string&>();
        for (set.active_ = 0; set.active_ < set.keys_.size() && set.keys_[set.active_].kid != kid; ++set.active_) {}
        if (set.active_ == set.keys_.size()) return invalid("activeKid names no key of the set");
    }
    if (set.signing_key().stopped_signing_at)
        return invalid("the signing key '" + set.signing_key().kid + "' cannot have stopped signing (stoppedSigningAt)");
    return set;
}

const key* key_set::find(std::string_view kid) const {
    for (const auto& k : keys_)
        if (k.kid == kid) return &k;
    return nullptr;
}

std::vector<std::string> key_set::kids() const {
    std::vector<std::string> out;
    for (const auto& k : keys_) out.push_back(k.kid);
    return out;
}

}  // namespace handoffkit::token
