// The deterministic inputs both crypto suites hash: crypto_test.cpp (the core suite, natively and
// in wasm) checks the core's SHA-256 and HMAC-SHA256 against fingerprints fixed here, and
// crypto_openssl_test.cpp (the host/tools suite) checks that OpenSSL gives the same fingerprints,
// so the fixed values are OpenSSL's and not the core's own.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <random>
#include <string>

namespace handoffkit::test {

/// 5000 (key, message) pairs: keys below, at and above the 64-byte block, messages of 0-300 bytes
/// and every tenth of up to 5000. std::mt19937_64 is specified exactly, so every runtime draws the same.
inline void for_each_mac_input(const std::function<void(const std::string& key, const std::string& message)>& f) {
    std::mt19937_64 rng(20240601);
    auto random_string = [&](std::size_t max_len) {
        std::string s(rng() % (max_len + 1), '\0');
        for (char& c : s) c = static_cast<char>(rng());
        return s;
    };
    for (int i = 0; i < 5000; ++i) {
        const std::string message = random_string(i % 10 == 0 ? 5000 : 300);
        const std::string key = random_string(200);
        f(key, message);
    }
}

/// SHA-256 of every SHA-256(message) then HMAC-SHA256(key, message), in order, as hex.
inline constexpr const char* mac_inputs_fingerprint = "281a796eac4840cefbe824bc2de3a3a486805e2ff7555a92c1cc152fbea36e3f";

/// 2000 compressions of 1-4 blocks from random states (HMAC continues from absorbed pads, so any
/// state, not only the initial one).
inline void for_each_block_input(const std::function<void(const std::array<std::uint32_t, 8>& state, const std::string& blocks)>& f) {
    std::mt19937_64 rng(7);
    for (int round = 0; round < 2000; ++round) {
        std::array<std::uint32_t, 8> state;
        for (auto& word : state) word = static_cast<std::uint32_t>(rng());
        const std::size_t count = 1 + rng() % 4;
        std::string blocks(64 * count, '\0');
        for (char& c : blocks) c = static_cast<char>(rng());
        f(state, blocks);
    }
}

/// SHA-256 of every resulting state (8 big-endian words), in order, as hex.
inline constexpr const char* block_inputs_fingerprint = "7cf74febe6509f4d419b9ae732d9d227a7605598233c16301def74b89707b773";

}  // namespace handoffkit::test
