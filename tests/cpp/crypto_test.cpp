// SHA-256 and HMAC-SHA256 against the published vectors and fixed OpenSSL results (OpenSSL itself
// is compared in crypto_openssl_test.cpp, outside the core suite); base64url strictness;
// constant-time comparison.
#include <doctest/doctest.h>

#include <random>
#include <string>

#include "crypto_inputs.hpp"
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
    // Digests of n times 'x', from OpenSSL (and Python's hashlib).
    const std::pair<std::size_t, const char*> expected[] = {
        {55, "d5e285683cd4efc02d021a5c62014694958901005d6f71e89e0989fac77e4072"},
        {56, "04c26261370ee7541549d16dee320c723e3fd14671e66a099afe0a377c16888e"},
        {57, "ae14a2563ccf969d99aca69ce6bb74981f734bbf9f655f73b8f06db68cab5217"},
        {63, "75220b47218278e656f2013bb8f0c455a25eaf01e86c64924e9d48d89776d6f2"},
        {64, "7ce100971f64e7001e8fe5a51973ecdfe1ced42befe7ee8d5fd6219506b5393c"},
        {65, "9537c5fdf120482f7d58d25e9ed583f52c02b4e304ea814db1633ad565aed7e9"},
        {119, "000b48d4edf0fa7bee3c6236ecd2785baa5db4eeb8bb54341b029e0d9fa5fb0c"},
        {120, "13f05a0b594787f5ecd315edc96141bd3243203d1b7d4f0836f37308b276ba98"},
        {128, "24da1b81d0b16df6428eee73c69fcb2a93c76bc6df706f0c6670fe6bfe800464"}};
    for (const auto& [length, digest] : expected) {
        const std::size_t n = length;  // a copy: clang 14 (the wasm build) cannot capture a binding in CAPTURE
        CAPTURE(n);
        CHECK(hex_sha256(std::string(n, 'x')) == std::string(digest));
    }
}

TEST_CASE("SHA-256 and HMAC-SHA256 on 5000 random inputs give OpenSSL's results") {
    std::string all;
    int disagreements = 0;
    handoffkit::test::for_each_mac_input([&](const std::string& key, const std::string& message) {
        all += to_bytes(crypto::sha256_of(message));
        const std::string tag = to_bytes(crypto::hmac_sha256(key, message));
        all += tag;
        // The precomputed-pad form gives the same tag, and reusing it does not drift.
        const crypto::hmac_sha256_key prepared(key);
        if (to_bytes(prepared.tag(message)) != tag || to_bytes(prepared.tag(message)) != tag) ++disagreements;
    });
    CHECK(disagreements == 0);
    CHECK(hex_sha256(all) == handoffkit::test::mac_inputs_fingerprint);
}

TEST_CASE("SHA-256 blocks: the portable code, and SHA-NI where the processor has it, give OpenSSL's results") {
    namespace d = crypto::detail;
    std::string states;
    int compared = 0;
    handoffkit::test::for_each_block_input([&](const d::sha256_state& state, const std::string& blocks) {
        const auto* bytes = reinterpret_cast<const std::uint8_t*>(blocks.data());
        const std::size_t count = blocks.size() / 64;
        d::sha256_state portable = state, chosen = state;
        d::sha256_blocks_portable(portable, bytes, count);
        d::sha256_blocks(chosen, bytes, count);
        CHECK(chosen == portable);
        if (d::sha256_accelerated()) {
            d::sha256_state accelerated = state;
            d::sha256_blocks_accelerated(accelerated, bytes, count);
            CHECK(accelerated == portable);
        }
        for (auto w : portable)
            for (int shift = 24; shift >= 0; shift -= 8) states += static_cast<char>((w >> shift) & 0xff);
        ++compared;
    });
    CHECK(compared == 2000);
    CHECK(hex_sha256(states) == handoffkit::test::block_inputs_fingerprint);
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
