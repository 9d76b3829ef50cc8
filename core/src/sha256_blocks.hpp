// SHA-256's compression function over whole 64-byte blocks, in two implementations: portable C++
// (every build, the wasm module included) and, on x86-64 processors with the SHA extensions, the
// SHA-NI instructions (most of a token's signing cost natively: several times faster). The
// processor is asked once; both give identical results (tests/cpp/crypto_test.cpp checks them
// against each other and against OpenSSL).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

namespace handoffkit::crypto::detail {

using sha256_state = std::array<std::uint32_t, 8>;

void sha256_blocks_portable(sha256_state& state, const std::uint8_t* blocks, std::size_t count) noexcept;

/// True when this build and this processor have SHA-NI.
bool sha256_accelerated() noexcept;
/// Only when sha256_accelerated().
void sha256_blocks_accelerated(sha256_state& state, const std::uint8_t* blocks, std::size_t count) noexcept;

/// The fastest of the two available here.
void sha256_blocks(sha256_state& state, const std::uint8_t* blocks, std::size_t count) noexcept;

}  // namespace handoffkit::crypto::detail
