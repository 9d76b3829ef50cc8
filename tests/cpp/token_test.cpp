// Core token behaviour beyond the shared vectors: bit flips, limits, key hygiene, the replay
// guard contract and the in-memory guard.
#include <doctest/doctest.h>

#include "test_stores.hpp"

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "handoffkit/base64url.hpp"
#include "handoffkit/json_api_token.hpp"
#include "handoffkit/token.hpp"

using namespace handoffkit;
using namespace handoffkit::token;

namespace {

const std::string key_bytes(32, '\x11');
const std::string old_key_bytes(40, '\x22');
const std::string jwks = R"({"keys":[{"kty":"oct","kid":"new","k":")" + base64url::encode(key_bytes) +
                         R"("},{"kty":"oct","kid":"old","k":")" + base64url::encode(old_key_bytes) + R"("}]})";
constexpr std::int64_t now = 1'700'000'000;
const std::string bot = "28:f47ac10b-58cc-4372-a567-0e02b2c3d479";

const key_set& keys() {
    static const key_set k = key_set::parse(jwks).value();
    return k;
}

issue_request request(std::string random = std::string(16, '\x01')) {
    issue_request r;
    r.audience = bot;
    r.subject = "user-1";
    r.now = now;
    r.random = std::move(random);
    r.context = R"({"ticket":"INC-1"})";
    return r;
}

verify_options options(std::int64_t at = now) {
    verify_options o;
    o.audience = bot;
    o.user = "user-1";
    o.now = at;
    return o;
}

std::string fresh_token(char random_byte = 1) { return issue(request(std::string(16, random_byte)), keys()).value().token; }

using handoffkit::test::unavailable_store;

/// A mark without a record or delivery, as the guard tests below ask it.
result<mark_outcome> try_mark(replay_guard& g, const std::string& jti, std::int64_t keep_until, std::int64_t now) {
    auto answer = g.mark({jti, "", keep_until, ""}, now);
    if (!answer) return answer.err();
    return answer->outcome;
}
using recording_store = handoffkit::test::counting_store;

}  // namespace

TEST_CASE("tokens: issue then verify round-trips every claim") {
    const auto issued = issue(request(), keys());
    REQUIRE(issued);
    CHECK(issued->kid == "new");
    CHECK(issued->jti == base64url::encode(std::string(16, '\x01')));
    CHECK(issued->expires_at == now + default_ttl);
    const auto v = verify(issued->token, keys(), options());
    REQUIRE(v);
    CHECK(v->kid == "new");
    CHECK(v->issuer == "handoffkit");
    CHECK(v->subject == "user-1");
    CHECK(v->jti == issued->jti);
    CHECK(v->issued_at == now);
    CHECK(v->expires_at == now + 600);
    CHECK(v->context == std::optional<std::string>(R"({"ticket":"INC-1"})"));
    CHECK_FALSE(v->redeemed);
    CHECK(v->header_json == R"({"alg":"HS256","kid":"new","typ":"handoff+jwt"})");
}

TEST_CASE("tokens: every single-bit flip of a valid token is refused") {
    const std::string token = fresh_token();
    REQUIRE(verify(token, keys(), options()));
    std::size_t refused = 0, total = 0;
    for (std::size_t i = 0; i < token.size(); ++i)
        for (int bit = 0; bit < 8; ++bit) {
            std::string flipped = token;
            flipped[i] = static_cast<char>(flipped[i] ^ (1 << bit));
            ++total;
            const auto v = verify(flipped, keys(), options());
            if (!v) ++refused;
            else FAIL_CHECK("flip of bit " << bit << " at " << i << " was accepted");
        }
    CHECK(refused == total);
    CHECK(total == token.size() * 8);
}

TEST_CASE("tokens: the largest request allowed stays within the token cap, with room in a link") {
    issue_request r;
    r.audience = std::string(max_claim_length, 'a');
    r.subject = std::string(max_claim_length, 's');
    r.issuer = std::string(max_claim_length, 'i');
    r.now = max_time - default_max_lifetime;
    r.ttl = default_max_lifetime;
    r.random = std::string(max_random_bytes, '\xff');
    r.context = R"({"x":")" + std::string(max_context_length - 8, 'y') + R"("})";
    const std::string long_kid(max_kid_length, 'k');
    const auto long_keys = key_set::parse(R"({"keys":[{"kty":"oct","kid":")" + long_kid + R"(","k":")" +
                                          base64url::encode(key_bytes) + R"("}]})");
    REQUIRE(long_keys);
    const auto issued = issue(r, *long_keys);
    REQUIRE_MESSAGE(issued, issued.err().code);
    CHECK(issued->token.size() <= max_token_length);
    CHECK(issued->token.size() + 100 < 2048);
    r.context = R"({"x":")" + std::string(max_context_length - 7, 'y') + R"("})";
    CHECK(issue(r, *long_keys).err().code == "CONTEXT_TOO_LARGE");
}

TEST_CASE("tokens: time arithmetic at the top of the range does not overflow") {
    issue_request r = request();
    r.now = max_time - 1;
    r.ttl = 2;
    CHECK(issue(r, keys()).err().code == "INVALID_ARGUMENT");
    r.ttl = 1;
    const auto issued = issue(r, keys());
    REQUIRE(issued);
    verify_options o = options(max_time - 1);
    o.leeway = max_leeway;
    CHECK(verify(issued->token, keys(), o));
    o.now = max_time;
    CHECK(verify(issued->token, keys(), o));  // within the leeway
}

TEST_CASE("tokens: key material never appears in results or messages") {
    const std::string k = base64url::encode(key_bytes);
    std::vector<std::string> outputs{
        json_api::issue_token(R"({"botId":"b","now":1,"random":"00112233445566778899aabbccddeeff"})", jwks),
        json_api::verify_token(fresh_token(), jwks, R"({"botId":")" + bot + R"(","now":1700000000,"user":"user-1"})"),
        json_api::verify_token(fresh_token(), jwks, R"({"botId":"x","now":1700000000})"),
        json_api::inspect_token(fresh_token()),
        json_api::issue_token("{}", R"({"keys":[{"kty":"oct","kid":"a","k":")" + k.substr(0, 40) + R"("}]})"),
        json_api::issue_token("{}", R"({"keys":[{"kty":"oct","kid":"a","k":")" + k + R"(=="}]})"),
        json_api::issue_token("{}", R"({"keys":[{"kty":"RSA","kid":"a","k":")" + k + R"("}]})"),
        json_api::issue_token("{}", R"({"keys":[{"kty":"oct","kid":"a","k":")" + k + R"("]})"),
        json_api::issue_token("{}", R"({"keys":[{"kty":"oct","k":")" + k + R"("}],"activeKid":")" + k + R"("})"),
    };
    for (const auto& out : outputs) {
        CAPTURE(out);
        CHECK(out.find(k) == std::string::npos);
        CHECK(out.find(k.substr(0, 40)) == std::string::npos);
        CHECK(out.find(key_bytes) == std::string::npos);
    }
}

TEST_CASE("tokens: key sets: the first key signs unless activeKid says otherwise; both verify") {
    CHECK(keys().signing_key().kid == "new");
    CHECK(keys().kids() == std::vector<std::string>{"new", "old"});
    const std::string with_active = jwks.substr(0, jwks.size() - 1) + R"(,"activeKid":"old"})";
    const auto rotated = key_set::parse(with_active);
    REQUIRE(rotated);
    CHECK(rotated->signing_key().kid == "old");
    const auto issued = issue(request(), *rotated);
    REQUIRE(issued);
    CHECK(issued->kid == "old");
    CHECK(verify(issued->token, keys(), options()));  // the other set has "old" too
    const auto only_new = key_set::parse(R"({"keys":[{"kty":"oct","kid":"new","k":")" + base64url::encode(key_bytes) + R"("}]})");
    CHECK(verify(issued->token, *only_new, options()).err().code == "UNKNOWN_KEY");
}

TEST_CASE("tokens: the JSON API's key cache follows the key text it is given") {
    const std::string a = R"({"keys":[{"kty":"oct","kid":"a","k":")" + base64url::encode(std::string(32, 'a')) + R"("}]})";
    const std::string b = R"({"keys":[{"kty":"oct","kid":"b","k":")" + base64url::encode(std::string(32, 'b')) + R"("}]})";
    const std::string req = R"({"botId":"x","now":1700000000,"random":"00112233445566778899aabbccddeeff"})";
    const std::string opts = R"({"botId":"x","now":1700000000})";
    for (int round = 0; round < 3; ++round) {
        const auto ta = nlohmann::json::parse(json_api::issue_token(req, a))["value"]["token"].get<std::string>();
        const auto tb = nlohmann::json::parse(json_api::issue_token(req, b))["value"]["token"].get<std::string>();
        CHECK(nlohmann::json::parse(json_api::verify_token(ta, a, opts))["ok"] == true);
        CHECK(nlohmann::json::parse(json_api::verify_token(tb, b, opts))["ok"] == true);
        CHECK(nlohmann::json::parse(json_api::verify_token(ta, b, opts))["error"]["code"] == "UNKNOWN_KEY");
        CHECK(nlohmann::json::parse(json_api::verify_token(tb, a, opts))["error"]["code"] == "UNKNOWN_KEY");
    }
}

TEST_CASE("redeem: exactly once; the marker outlives every verifier's leeway") {
    recording_store store;
    const std::string token = fresh_token();
    const auto first = redeem(token, keys(), options(), store);
    REQUIRE(first);
    CHECK(first->redeemed);
    REQUIRE(store.keep_untils.size() == 1);
    CHECK(store.keep_untils[0] == now + default_ttl + max_leeway);
    CHECK(redeem(token, keys(), options(now + 1), store).err().code == "REPLAYED");
    // Even a verifier with the largest leeway, at the last second it accepts, sees the marker.
    verify_options late = options(now + default_ttl + max_leeway - 1);
    late.leeway = max_leeway;
    CHECK(redeem(token, keys(), late, store).err().code == "REPLAYED");
}

TEST_CASE("redeem: a failed verification consumes nothing and never reaches the store") {
    unavailable_store down;
    const std::string token = fresh_token();
    verify_options wrong = options();
    wrong.user = "someone-else";
    CHECK(redeem(token, keys(), wrong, down).err().code == "WRONG_USER");
    CHECK(redeem(token, keys(), options(now + 600), down).err().code == "EXPIRED");
    CHECK(redeem(token + "x", keys(), options(), down).err().code == "BAD_SIGNATURE");
    CHECK(down.calls == 0);
    memory_replay_guard guard;
    CHECK(redeem(token, keys(), wrong, guard).err().code == "WRONG_USER");
    CHECK(guard.size() == 0);
    CHECK(redeem(token, keys(), options(), guard));
}

TEST_CASE("redeem: a store that cannot answer fails closed") {
    unavailable_store down;
    CHECK(redeem(fresh_token(), keys(), options(), down).err().code == "STORE_UNAVAILABLE");
    issue_request r = request();
    r.reference = true;
    CHECK(issue(r, keys(), down).err().code == "STORE_UNAVAILABLE");
    const std::string ok = R"({"botId":")" + bot + R"(","now":1700000000,"user":"user-1"})";
    const auto out = nlohmann::json::parse(json_api::redeem_token(fresh_token(), jwks, ok, down));
    CHECK(out["error"]["code"] == "STORE_UNAVAILABLE");
}

TEST_CASE("redeem: reference mode keeps the ctx out of the token") {
    memory_replay_guard guard;
    issue_request r = request();
    r.reference = true;
    CHECK(issue(r, keys()).err().code == "INVALID_ARGUMENT");
    const auto issued = issue(r, keys(), guard);
    REQUIRE(issued);
    const auto inspected = inspect(issued->token);
    REQUIRE(inspected);
    CHECK(inspected->claims_json.find("INC-1") == std::string::npos);
    CHECK(inspected->claims_json.find(R"("ctx_ref":true)") != std::string::npos);
    const auto v = verify(issued->token, keys(), options());
    REQUIRE(v);
    CHECK(v->context_by_reference);
    CHECK_FALSE(v->context);
    memory_replay_guard empty;
    CHECK(redeem(issued->token, keys(), options(), empty).err().code == "CONTEXT_NOT_FOUND");
    CHECK(empty.size() == 0);  // nothing consumed
    const auto redeemed = redeem(issued->token, keys(), options(), guard);
    REQUIRE(redeemed);
    CHECK(redeemed->context == std::optional<std::string>(R"({"ticket":"INC-1"})"));
}

TEST_CASE("memory guard: marks once, forgets only what has expired, refuses when full") {
    memory_replay_guard guard(4);
    CHECK(*try_mark(guard, "a", 100, 10) == mark_outcome::fresh);
    CHECK(*try_mark(guard, "a", 100, 99) == mark_outcome::replayed);
    CHECK(*try_mark(guard, "a", 200, 100) == mark_outcome::fresh);  // expired marker: the token is dead
    CHECK(*try_mark(guard, "b", 100, 10) == mark_outcome::fresh);
    CHECK(*try_mark(guard, "c", 100, 10) == mark_outcome::fresh);
    CHECK(*try_mark(guard, "d", 100, 10) == mark_outcome::fresh);
    CHECK(try_mark(guard, "e", 100, 10).err().code == "STORE_UNAVAILABLE");  // live markers are kept
    CHECK(*try_mark(guard, "b", 100, 50) == mark_outcome::replayed);
    CHECK(*try_mark(guard, "e", 300, 100) == mark_outcome::fresh);  // full sweep drops b, c, d
    CHECK(guard.size() == 2);
    CHECK(guard.save_context("x", "[]", 500, 100));
    CHECK(guard.save_context("x", "{}", 500, 100));  // replaced, not counted twice
    CHECK(guard.size() == 3);
    CHECK(*guard.load_context("x", 499) == std::optional<std::string>("{}"));
    CHECK(*guard.load_context("x", 500) == std::nullopt);
    CHECK(*guard.load_context("y", 0) == std::nullopt);
}

TEST_CASE("memory guard: a replay is answered with the record kept; a delivery is queued only when fresh") {
    memory_replay_guard guard;
    auto first = guard.mark({"j", R"({"activity":"a1"})", 100, "delivery-1"}, 10);
    REQUIRE(first);
    CHECK(first->outcome == mark_outcome::fresh);
    CHECK_FALSE(first->record);
    auto again = guard.mark({"j", R"({"activity":"a2"})", 100, "delivery-2"}, 11);
    REQUIRE(again);
    CHECK(again->outcome == mark_outcome::replayed);
    CHECK(again->record == std::optional<std::string>(R"({"activity":"a1"})"));
    CHECK(guard.take_deliveries() == std::deque<std::string>{"delivery-1"});
    CHECK(guard.take_deliveries().empty());
}

TEST_CASE("memory guard: many tokens over time stay bounded by the sweep") {
    memory_replay_guard guard;
    for (int i = 0; i < 10'000; ++i) {
        const std::int64_t t = i;  // one redemption per second, each marker kept 60 s
        REQUIRE(*try_mark(guard, "jti-" + std::to_string(i), t + 60, t) == mark_outcome::fresh);
    }
    CHECK(guard.size() < 60 + 256 + 1);
    // Everything expires in the end: one full sweep (the guard at its limit) empties every shard.
    memory_replay_guard small(300);
    for (int i = 0; i < 300; ++i) REQUIRE(*try_mark(small, "k" + std::to_string(i), 10, 0) == mark_outcome::fresh);
    CHECK(try_mark(small, "late", 20, 5).err().code == "STORE_UNAVAILABLE");
    CHECK(*try_mark(small, "late", 20, 10) == mark_outcome::fresh);
    CHECK(small.size() == 1);
}

TEST_CASE("inspect says what it decoded and verifies nothing") {
    const auto forged = fresh_token().substr(0, fresh_token().rfind('.')) + ".AAAA";
    const auto out = nlohmann::json::parse(json_api::inspect_token(forged));
    REQUIRE(out["ok"] == true);
    CHECK(out["value"]["verified"] == false);
    CHECK(out["value"]["claims"]["aud"] == bot);
    CHECK(verify(forged, keys(), options()).err().code == "BAD_SIGNATURE");
}

namespace {
// A token signed with the test key over any header and claims text, as a forger with the key's
// help (or a careless issuer elsewhere) could produce.
std::string signed_token(const std::string& header_json, const std::string& claims_json) {
    const std::string input = base64url::encode(header_json) + "." + base64url::encode(claims_json);
    const auto tag = crypto::hmac_sha256(key_bytes, input);
    return input + "." + base64url::encode(std::string_view(reinterpret_cast<const char*>(tag.data()), tag.size()));
}
}  // namespace

TEST_CASE("verify: a header or claims naming a key twice is MALFORMED, even correctly signed") {
    const std::string header = R"({"alg":"HS256","kid":"new","typ":"handoff+jwt"})";
    const std::string claims = R"({"aud":")" + bot + R"(","exp":1700000600,"iat":1700000000,"iss":"handoffkit",)"
                               R"("jti":"AAECAwQFBgcICQoLDA0ODw","sub":"user-1"})";
    REQUIRE(verify(signed_token(header, claims), keys(), options()));  // the helper signs what verify accepts
    // Which "aud" wins differs between JSON parsers: a token read one way here and another way
    // by a second verifier must not be accepted by either.
    const std::string two_audiences = claims.substr(0, claims.size() - 1) + R"(,"aud":"28:00000000-0000-0000-0000-000000000000"})";
    CHECK(verify(signed_token(header, two_audiences), keys(), options()).err().code == "MALFORMED");
    const std::string two_algs = R"({"alg":"HS256","kid":"new","typ":"handoff+jwt","alg":"none"})";
    CHECK(verify(signed_token(two_algs, claims), keys(), options()).err().code == "MALFORMED");
    CHECK(inspect(signed_token(header, two_audiences)).err().code == "MALFORMED");
}

TEST_CASE("verify and inspect: a token part that starts with a byte order mark is MALFORMED, even correctly signed") {
    // Issue 14 finding 4: a BOM in a part broke the one-envelope contract (the raw part was put in
    // the envelope as JSON). A token part is JSON without one; other inputs may still carry one.
    const std::string bom = "\xEF\xBB\xBF";
    const std::string header = R"({"alg":"HS256","kid":"new","typ":"handoff+jwt"})";
    const std::string claims = R"({"aud":")" + bot + R"(","exp":1700000600,"iat":1700000000,"iss":"handoffkit",)"
                               R"("jti":"AAECAwQFBgcICQoLDA0ODw","sub":"user-1"})";
    REQUIRE(verify(signed_token(header, claims), keys(), options()));
    for (const auto& token : {signed_token(bom + header, claims), signed_token(header, bom + claims)}) {
        CHECK(verify(token, keys(), options()).err().code == "MALFORMED");
        CHECK(inspect(token).err().code == "MALFORMED");
        // Through the JSON API the answer is one envelope that parses, with the code.
        for (const auto& envelope : {json_api::inspect_token(token), json_api::verify_token(token, jwks, R"({"botId":")" + bot +
                                                                                                            R"(","user":"user-1","now":1700000000})")}) {
            const auto out = nlohmann::json::parse(envelope);
            CHECK(out["ok"] == false);
            CHECK(out["error"]["code"] == "MALFORMED");
        }
    }
    // A BOM inside a string of a part is text like any other.
    const std::string bom_in_claim = R"({"aud":")" + bot + R"(","exp":1700000600,"iat":1700000000,"iss":"handoffkit",)"
                                     R"("jti":"AAECAwQFBgcICQoLDA0ODw","sub":"user-1","note":")" + bom + R"("})";
    CHECK(verify(signed_token(header, bom_in_claim), keys(), options()));
    // The context a caller gives to issue is not a token part: a leading BOM is skipped there.
    auto with_bom_context = request();
    with_bom_context.context = bom + R"({"ticket":"INC-1"})";
    const auto issued = issue(with_bom_context, keys());
    REQUIRE(issued);
    CHECK(verify(issued->token, keys(), options()).value().context == std::optional<std::string>(R"({"ticket":"INC-1"})"));
}

TEST_CASE("verify: every claim is read with its type, wherever it stands and whatever surrounds it") {
    const std::string header = R"({"alg":"HS256","kid":"new","typ":"handoff+jwt"})";
    const auto claims_with = [&](const std::string& extra) {
        return R"({"aud":")" + bot + R"(","exp":1700000600,"iat":1700000000,"iss":"handoffkit",)"
               R"("jti":"AAECAwQFBgcICQoLDA0ODw","sub":"user-1")" + extra + "}";
    };
    // Members the verifier does not read are checked, not interpreted, at any depth.
    const auto ok = verify(signed_token(header, claims_with(R"(,"x":{"aud":1,"exp":"no","ctx":[1]},"y":[{"iss":null}])")),
                           keys(), options());
    REQUIRE(ok);
    CHECK(ok->issuer == "handoffkit");
    // aud as a list of strings; anything else in the list is wrong.
    const std::string listed = R"({"aud":["28:other",")" + bot + R"("],"exp":1700000600,"iat":1700000000,"iss":"handoffkit",)"
                               R"("jti":"AAECAwQFBgcICQoLDA0ODw","sub":"user-1"})";
    CHECK(verify(signed_token(header, listed), keys(), options()));
    const std::string mixed = R"({"aud":[")" + bot + R"(",1],"exp":1700000600,"iat":1700000000,"iss":"handoffkit",)"
                              R"("jti":"AAECAwQFBgcICQoLDA0ODw","sub":"user-1"})";
    CHECK(verify(signed_token(header, mixed), keys(), options()).err().code == "MALFORMED");
    const std::string nested = R"({"aud":[[")" + bot + R"("]],"exp":1700000600,"iat":1700000000,"iss":"handoffkit",)"
                               R"("jti":"AAECAwQFBgcICQoLDA0ODw","sub":"user-1"})";
    CHECK(verify(signed_token(header, nested), keys(), options()).err().code == "MALFORMED");
    // A context is kept as compact JSON with its members sorted, however it was written.
    const auto ctx = verify(signed_token(header, claims_with(R"(,"ctx":{ "b" : [1, {"d":null,"c":true}], "a":"\u00e9"})")),
                            keys(), options());
    REQUIRE(ctx);
    CHECK(ctx->context == std::optional<std::string>("{\"a\":\"\xC3\xA9\",\"b\":[1,{\"c\":true,\"d\":null}]}"));
    // Already canonical (what handoffkit issues: written as read), or not (a float, an integer past
    // int64, members out of order: serialized from the document), the text is dump_json's.
    for (const auto& pair : std::vector<std::pair<std::string, std::string>>{
             {R"({"a":1,"b":[true,null,"x",-2,{}],"c":{"d":-0,"e":[]}})", R"({"a":1,"b":[true,null,"x",-2,{}],"c":{"d":0,"e":[]}})"},
             {R"({"a":1.50,"b":18446744073709551615})", R"({"a":1.5,"b":18446744073709551615})"},
             {R"({"b":{"y":1,"x":2},"a":0})", R"({"a":0,"b":{"x":2,"y":1}})"},
             {R"({"a":[{"k":2,"j":1}]})", R"({"a":[{"j":1,"k":2}]})"}}) {
        const std::string& given = pair.first;
        const std::string& canonical = pair.second;
        CAPTURE(given);
        const auto read = verify(signed_token(header, claims_with(",\"ctx\":" + given)), keys(), options());
        REQUIRE(read);
        CHECK(read->context == std::optional<std::string>(canonical));
        auto with_context = request();
        with_context.context = given;
        const auto issued = issue(with_context, keys());
        REQUIRE(issued);
        CHECK(verify(issued->token, keys(), options())->context == std::optional<std::string>(canonical));
    }
    // A key named twice inside ctx is refused like anywhere else in a token part.
    CHECK(verify(signed_token(header, claims_with(R"(,"ctx":{"a":1,"a":2})")), keys(), options()).err().code == "MALFORMED");
    // Times are integers in [0, 2^53-1]; a fraction, a negative number or a string is wrong.
    for (const char* exp : {"1700000600.5", "-1", "\"1700000600\"", "9007199254740992", "null"}) {
        CAPTURE(exp);
        const std::string c = R"({"aud":")" + bot + R"(","exp":)" + exp + R"(,"iat":1700000000,"iss":"handoffkit",)"
                              R"("jti":"AAECAwQFBgcICQoLDA0ODw","sub":"user-1"})";
        CHECK(verify(signed_token(header, c), keys(), options()).err().code == "MALFORMED");
    }
    // A part that is not an object is malformed, whatever it is.
    for (const char* part : {"[]", "\"x\"", "1", "null"}) {
        CAPTURE(part);
        CHECK(verify(signed_token(header, part), keys(), options()).err().code == "MALFORMED");
        CHECK(verify(signed_token(part, claims_with("")), keys(), options()).err().code == "MALFORMED");
    }
}
