// SHA-256 and HMAC-SHA256 against the published vectors and against OpenSSL; base64url
// strictness; constant-time comparison.
#include <doctest/doctest.h>
#include <openssl/hmac.h>
#include <openssl/sha.h>

#include <random>
#include <string>

#include "handoffkit/base64url.hpp"
#include "handoffkit/crypto.hpp"
#include "sha256_blocks.hpp"

using namespace handoffkit;
using crypto::to_bytes;
using crypto::to_hex;

namespace {
std::string hex_sha256(std::string_view s) { return to_hex(to_bytes(crypto::sha256_of(s))); }
std::string hex_hmac(std::string_view k, std::string_view m) { return to_hex(to_bytes(crypto::hmac_sha256(k, m))); }
}  // namespace

TEST_CASE("SHA-256: FIPS 180-4 / NIST example vectors") {
    CHECK(hex_sha256("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    CHECK(hex_sha256("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    CHECK(hex_sha256("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq") ==
          "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
    CHECK(hex_sha256("abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrs"
                     "mnopqrstnopqrstu") == "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1");
}

TEST_CASE("SHA-256: one million 'a', in one piece and in uneven pieces") {
    const std::string expected = "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0";
    CHECK(hex_sha256(std::string(1'000'000, 'a')) == expected);
    crypto::sha256 h;
    const std::string chunk(997, 'a');  // a prime, so pieces straddle block boundaries
    std::size_t left = 1'000'000;
    while (left > 0) {
        const std::size_t n = std::min(left, chunk.size());
        h.update(chunk.data(), n);
        left -= n;
    }
    CHECK(to_hex(to_bytes(h.finish())) == expected);
}

TEST_CASE("SHA-256: lengths around the padding boundary (55, 56, 63, 64, 65 bytes)") {
    for (std::size_t n : {55, 56, 57, 63, 64, 65, 119, 120, 128}) {
        const std::string s(n, 'x');
        unsigned char ref[SHA256_DIGEST_LENGTH];
        SHA256(reinterpret_cast<const unsigned char*>(s.data()), s.size(), ref);
        CAPTURE(n);
        CHECK(to_bytes(crypto::sha256_of(s)) == std::string(reinterpret_cast<char*>(ref), sizeof ref));
    }
}

TEST_CASE("HMAC-SHA256: RFC 4231 test cases 1-7") {
    CHECK(hex_hmac(std::string(20, '\x0b'), "Hi There") ==
          "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
    CHECK(hex_hmac("Jefe", "what do ya want for nothing?") ==
          "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
    CHECK(hex_hmac(std::string(20, '\xaa'), std::string(50, '\xdd')) ==
          "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe");
    std::string key4;
    for (char c = 1; c <= 25; ++c) key4 += c;
    CHECK(hex_hmac(key4, std::string(50, '\xcd')) == "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b");
    CHECK(hex_hmac(std::string(20, '\x0c'), "Test With Truncation").substr(0, 32) == "a3b6167473100ee06e0c796c2955552b");
    CHECK(hex_hmac(std::string(131, '\xaa'), "Test Using Larger Than Block-Size Key - Hash Key First") ==
          "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
    CHECK(hex_hmac(std::string(131, '\xaa'),
                   "This is a test using a larger than block-size key and a larger than block-size data. The key "
                   "needs to be hashed before being used by the HMAC algorithm.") ==
          "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2");
}

TEST_CASE("SHA-256 and HMAC-SHA256 agree with OpenSSL on 5000 random inputs") {
    std::mt19937_64 rng(20240601);
    auto random_string = [&](std::size_t max_len) {
        std::string s(rng() % (max_len + 1), '\0');
        for (char& c : s) c = static_cast<char>(rng());
        return s;
    };
    for (int i = 0; i < 5000; ++i) {
        const std::string message = random_string(i % 10 == 0 ? 5000 : 300);
        const std::string key = random_string(200);  // below, at and above the 64-byte block
        unsigned char ref[EVP_MAX_MD_SIZE];
        unsigned int ref_len = 0;
        SHA256(reinterpret_cast<const unsigned char*>(message.data()), message.size(), ref);
        CAPTURE(i);
        REQUIRE(to_bytes(crypto::sha256_of(message)) == std::string(reinterpret_cast<char*>(ref), 32));
        HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()), reinterpret_cast<const unsigned char*>(message.data()),
             message.size(), ref, &ref_len);
        REQUIRE(ref_len == 32);
        REQUIRE(to_bytes(crypto::hmac_sha256(key, message)) == std::string(reinterpret_cast<char*>(ref), 32));
        // The precomputed-pad form gives the same tag, and reusing it does not drift.
        const crypto::hmac_sha256_key prepared(key);
        REQUIRE(to_bytes(prepared.tag(message)) == std::string(reinterpret_cast<char*>(ref), 32));
        REQUIRE(to_bytes(prepared.tag(message)) == std::string(reinterpret_cast<char*>(ref), 32));
    }
}

TEST_CASE("constant_time_equal: equal, different in any byte, different lengths") {
    const std::string a(32, '\x5a');
    CHECK(crypto::constant_time_equal(a, a));
    CHECK(crypto::constant_time_equal("", ""));
    for (std::size_t i = 0; i < a.size(); ++i) {
        std::string b = a;
        b[i] ^= 1;
        CHECK_FALSE(crypto::constant_time_equal(a, b));
    }
    CHECK_FALSE(crypto::constant_time_equal(a, a.substr(1)));
    CHECK_FALSE(crypto::constant_time_equal(a + "x", a));
}

TEST_CASE("base64url: RFC 4648 vectors, round trips of every length") {
    CHECK(base64url::encode("") == "");
    CHECK(base64url::encode("f") == "Zg");
    CHECK(base64url::encode("fo") == "Zm8");
    CHECK(base64url::encode("foo") == "Zm9v");
    CHECK(base64url::encode("foobar") == "Zm9vYmFy");
    CHECK(base64url::encode("\xfb\xff") == "-_8");
    std::mt19937 rng(7);
    for (std::size_t n = 0; n < 200; ++n) {
        std::string s(n, '\0');
        for (char& c : s) c = static_cast<char>(rng());
        const auto back = base64url::decode(base64url::encode(s));
        REQUIRE(back);
        CHECK(*back == s);
    }
}

TEST_CASE("base64url: strict decoding refuses padding, +/, other bytes, impossible lengths, stray bits") {
    CHECK(base64url::decode("-_8") == std::optional<std::string>("\xfb\xff"));
    CHECK_FALSE(base64url::decode("Zg=="));   // padding
    CHECK_FALSE(base64url::decode("Zg="));
    CHECK_FALSE(base64url::decode("+/8"));    // standard alphabet
    CHECK_FALSE(base64url::decode("Zm 9v"));  // whitespace
    CHECK_FALSE(base64url::decode("Zm9v\n"));
    CHECK_FALSE(base64url::decode("Z"));      // 4n+1 characters encode nothing
    CHECK_FALSE(base64url::decode("Zm9vY"));
    CHECK_FALSE(base64url::decode("Zh"));     // "f" is Zg: the low 4 bits of 'h' are not zero
    CHECK_FALSE(base64url::decode("Zm9"));    // "fo" is Zm8
    CHECK_FALSE(base64url::decode("-_9"));
    CHECK_FALSE(base64url::decode(std::string("Zg\0", 3)));
    CHECK_FALSE(base64url::decode("Z\xc3\xa9"));
    // Exactly one 2-character text per byte value decodes (canonical form), and it re-encodes to itself.
    const std::string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    int decodable = 0;
    for (char a : alphabet)
        for (char b : alphabet) {
            const std::string text{a, b};
            if (const auto bytes = base64url::decode(text)) {
                ++decodable;
                CHECK(base64url::encode(*bytes) == text);
            }
        }
    CHECK(decodable == 256);
}

TEST_CASE("SHA-256 blocks: the portable code, and SHA-NI where the processor has it, agree with OpenSSL") {
    namespace d = crypto::detail;
    std::mt19937_64 rng(7);
    int compared = 0;
    for (int round = 0; round < 2000; ++round) {
        // Any state, not only the initial one: HMAC continues from absorbed pads.
        d::sha256_state state;
        for (auto& word : state) word = static_cast<std::uint32_t>(rng());
        const std::size_t count = 1 + rng() % 4;
        std::string blocks(64 * count, '\0');
        for (char& c : blocks) c = static_cast<char>(rng());
        const auto* bytes = reinterpret_cast<const std::uint8_t*>(blocks.data());
        d::sha256_state portable = state, chosen = state;
        d::sha256_blocks_portable(portable, bytes, count);
        d::sha256_blocks(chosen, bytes, count);
        CHECK(chosen == portable);
        if (d::sha256_accelerated()) {
            d::sha256_state accelerated = state;
            d::sha256_blocks_accelerated(accelerated, bytes, count);
            CHECK(accelerated == portable);
        }
        // OpenSSL from the same state: only its low-level (deprecated in 3.0) SHA256_Transform can
        // continue from a state that is not the initial one.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
        SHA256_CTX ctx;
        SHA256_Init(&ctx);
        std::copy(state.begin(), state.end(), ctx.h);
        for (std::size_t b = 0; b < count; ++b) SHA256_Transform(&ctx, bytes + 64 * b);
#pragma GCC diagnostic pop
        CHECK(std::equal(portable.begin(), portable.end(), ctx.h));
        ++compared;
    }
    CHECK(compared == 2000);
}
