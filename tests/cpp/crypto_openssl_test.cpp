// The fixed results of the core suite's crypto tests (crypto_inputs.hpp) are OpenSSL's: OpenSSL,
// which the host links for RS256 and TLS, computes the same fingerprints, and the core's SHA-256
// and HMAC-SHA256 agree with it input by input.
#include <doctest/doctest.h>
#include <openssl/hmac.h>
#include <openssl/sha.h>

#include <algorithm>
#include <string>

#include "crypto_inputs.hpp"
#include "handoffkit/crypto.hpp"
#include "sha256_blocks.hpp"

using namespace handoffkit;
using crypto::to_bytes;
using crypto::to_hex;

namespace {
std::string openssl_sha256(const std::string& s) {
    unsigned char ref[SHA256_DIGEST_LENGTH];
    SHA256(reinterpret_cast<const unsigned char*>(s.data()), s.size(), ref);
    return std::string(reinterpret_cast<char*>(ref), sizeof ref);
}
}  // namespace

TEST_CASE("SHA-256 and HMAC-SHA256 agree with OpenSSL on 5000 random inputs") {
    std::string all;
    int i = 0;
    handoffkit::test::for_each_mac_input([&](const std::string& key, const std::string& message) {
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
        all += openssl_sha256(message) + std::string(reinterpret_cast<char*>(ref), 32);
        ++i;
    });
    CHECK(i == 5000);
    CHECK(to_hex(openssl_sha256(all)) == handoffkit::test::mac_inputs_fingerprint);
}

TEST_CASE("SHA-256 blocks: the portable code, and SHA-NI where the processor has it, agree with OpenSSL") {
    namespace d = crypto::detail;
    int compared = 0;
    std::string states;
    handoffkit::test::for_each_block_input([&](const d::sha256_state& state, const std::string& blocks) {
        const std::size_t count = blocks.size() / 64;
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
        for (auto w : ctx.h)
            for (int shift = 24; shift >= 0; shift -= 8) states += static_cast<char>((w >> shift) & 0xff);
        ++compared;
    });
    CHECK(compared == 2000);
    CHECK(to_hex(openssl_sha256(states)) == handoffkit::test::block_inputs_fingerprint);
}

TEST_CASE("SHA-256: lengths around the padding boundary agree with OpenSSL") {
    for (std::size_t n : {55, 56, 57, 63, 64, 65, 119, 120, 128}) {
        const std::string s(n, 'x');
        unsigned char ref[SHA256_DIGEST_LENGTH];
        SHA256(reinterpret_cast<const unsigned char*>(s.data()), s.size(), ref);
        CAPTURE(n);
        CHECK(to_bytes(crypto::sha256_of(s)) == std::string(reinterpret_cast<char*>(ref), sizeof ref));
    }
}
