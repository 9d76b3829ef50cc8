// handoffkit/crypto.hpp: SHA-256, HMAC-SHA256 and constant-time comparison, in portable C++.
//
// Why our own: the core must build unchanged for Emscripten 3.1.6 and natively, and no crypto
// library reachable here builds for both. The code is small, has no secret-dependent branches or
// table lookups, and is checked against the NIST vectors (FIPS 180-4 examples, one million 'a'),
// RFC 4231 and, natively, against OpenSSL on thousands of random inputs (tests/cpp/crypto_test.cpp).
//
// Specs followed: FIPS 180-4 (SHA-256), RFC 2104 (HMAC), RFC 4231 (HMAC-SHA256 test cases).
//
// Example:
//   auto d = handoffkit::crypto::sha256_of("abc");            // ba7816bf…f20015ad
//   auto t = handoffkit::crypto::hmac_sha256("key", "data");  // 32-byte tag
//   bool same = handoffkit::crypto::constant_time_equal(t, expected);
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace handoffkit::crypto {

using digest = std::array<std::uint8_t, 32>;

/// Incremental SHA-256. Copyable: copying a state part-way (e.g. after absorbing an HMAC pad)
/// lets callers reuse the work.
class sha256 {
public:
    static constexpr std::size_t block_size = 64;

    sha256() noexcept;
    sha256& update(const void* data, std::size_t size) noexcept;
    sha256& update(std::string_view bytes) noexcept { return update(bytes.data(), bytes.size()); }
    /// Pads and returns the digest. The object must not be updated afterwards.
    digest finish() noexcept;

private:
    std::array<std::uint32_t, 8> state_;
    std::array<std::uint8_t, block_size> buffer_{};
    std::size_t buffered_ = 0;
    std::uint64_t total_bytes_ = 0;
};

digest sha256_of(std::string_view bytes) noexcept;

/// HMAC-SHA256 with the key's inner and outer pads absorbed once, so each tag costs only the
/// message blocks plus two. Holds key-derived state: never log or serialize it.
class hmac_sha256_key {
public:
    explicit hmac_sha256_key(std::string_view key) noexcept;
    digest tag(std::string_view message) const noexcept;

private:
    sha256 inner_;
    sha256 outer_;
};

/// One-shot HMAC-SHA256 (RFC 2104): any key length; keys longer than 64 bytes are hashed first.
digest hmac_sha256(std::string_view key, std::string_view message) noexcept;

/// Compares two byte strings in time that depends only on their lengths (lengths are public:
/// a tag's length is fixed by the algorithm). Returns false when the lengths differ.
bool constant_time_equal(std::string_view a, std::string_view b) noexcept;

/// The digest's bytes as a string (for base64url encoding or comparison).
inline std::string to_bytes(const digest& d) { return std::string(reinterpret_cast<const char*>(d.data()), d.size()); }

/// Lower-case hex of any bytes (for tests and display of non-secret values).
std::string to_hex(std::string_view bytes);
/// The bytes of hex text (either case, even length); nullopt otherwise.
std::optional<std::string> from_hex(std::string_view hex);

}  // namespace handoffkit::crypto
