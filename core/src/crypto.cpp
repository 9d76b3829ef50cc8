// SHA-256 (FIPS 180-4) and HMAC (RFC 2104); the block function portable or with SHA-NI
// (sha256_blocks.hpp). Straight-line code either way: no branch or memory access depends on the
// data, so timing reveals only lengths.
#include "handoffkit/crypto.hpp"

#include <algorithm>
#include <cstring>

#include "sha256_blocks.hpp"

// SHA-NI: x86-64 with GCC or Clang, never in the wasm module.
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__)) && !defined(__EMSCRIPTEN__)
#define HANDOFFKIT_SHA_NI 1
#include <cpuid.h>
#include <immintrin.h>
#else
#define HANDOFFKIT_SHA_NI 0
#endif

namespace handoffkit::crypto {
namespace {

constexpr std::array<std::uint32_t, 64> round_constants{
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

constexpr std::array<std::uint32_t, 8> initial_state{
    0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
};

inline std::uint32_t rotr(std::uint32_t x, int n) { return (x >> n) | (x << (32 - n)); }

inline std::uint32_t load_be32(const std::uint8_t* p) {
    return (std::uint32_t(p[0]) << 24) | (std::uint32_t(p[1]) << 16) | (std::uint32_t(p[2]) << 8) | p[3];
}

inline void store_be32(std::uint8_t* p, std::uint32_t v) {
    p[0] = std::uint8_t(v >> 24);
    p[1] = std::uint8_t(v >> 16);
    p[2] = std::uint8_t(v >> 8);
    p[3] = std::uint8_t(v);
}

}  // namespace

namespace detail {

void sha256_blocks_portable(sha256_state& state, const std::uint8_t* blocks, std::size_t count) noexcept {
    for (; count > 0; --count, blocks += 64) {
        std::uint32_t w[64];
        for (int i = 0; i < 16; ++i) w[i] = load_be32(blocks + 4 * i);
        for (int i = 16; i < 64; ++i) {
            const std::uint32_t s0 = rotr(w[i - 15], 7) ^ rotr(w[i - 15], 18) ^ (w[i - 15] >> 3);
            const std::uint32_t s1 = rotr(w[i - 2], 17) ^ rotr(w[i - 2], 19) ^ (w[i - 2] >> 10);
            w[i] = w[i - 16] + s0 + w[i - 7] + s1;
        }
        std::uint32_t a = state[0], b = state[1], c = state[2], d = state[3];
        std::uint32_t e = state[4], f = state[5], g = state[6], h = state[7];
        for (int i = 0; i < 64; ++i) {
            const std::uint32_t t1 = h + (rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)) + ((e & f) ^ (~e & g)) +
                                     round_constants[i] + w[i];
            const std::uint32_t t2 = (rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)) + ((a & b) ^ (a & c) ^ (b & c));
            h = g;
            g = f;
            f = e;
            e = d + t1;
            d = c;
            c = b;
            b = a;
            a = t1 + t2;
        }
        state[0] += a;
        state[1] += b;
        state[2] += c;
        state[3] += d;
        state[4] += e;
        state[5] += f;
        state[6] += g;
        state[7] += h;
    }
}

#if HANDOFFKIT_SHA_NI

// The SHA-NI rounds keep the state as two vectors, ABEF and CDGH (lane 0 last: F and H), and take
// four message words plus round constants per pair of sha256rnds2 (two rounds each). The message
// schedule for words 16-63 is sha256msg1 (the sigma0 terms), plus W[i-7], then sha256msg2 (sigma1).
__attribute__((target("sha,sse4.1,ssse3"))) void sha256_blocks_accelerated(sha256_state& state,
                                                                           const std::uint8_t* blocks,
                                                                           std::size_t count) noexcept {
    const __m128i byte_swap = _mm_set_epi64x(0x0c0d0e0f08090a0bULL, 0x0405060700010203ULL);
    __m128i dcba = _mm_shuffle_epi32(_mm_loadu_si128(reinterpret_cast<const __m128i*>(&state[0])), 0xB1);
    __m128i hgfe = _mm_shuffle_epi32(_mm_loadu_si128(reinterpret_cast<const __m128i*>(&state[4])), 0x1B);
    __m128i abef = _mm_alignr_epi8(dcba, hgfe, 8);
    __m128i cdgh = _mm_blend_epi16(hgfe, dcba, 0xF0);
    for (; count > 0; --count, blocks += 64) {
        const __m128i abef_before = abef, cdgh_before = cdgh;
        __m128i w[4];  // the last sixteen message words, four to a vector, as a ring
        for (int group = 0; group < 16; ++group) {
            __m128i words;
            if (group < 4) {
                words = _mm_shuffle_epi8(_mm_loadu_si128(reinterpret_cast<const __m128i*>(blocks + 16 * group)), byte_swap);
            } else {
                words = _mm_sha256msg1_epu32(w[group & 3], w[(group + 1) & 3]);              // W[i-16] + s0(W[i-15])
                words = _mm_add_epi32(words, _mm_alignr_epi8(w[(group + 3) & 3], w[(group + 2) & 3], 4));  // + W[i-7]
                words = _mm_sha256msg2_epu32(words, w[(group + 3) & 3]);                     // + s1(W[i-2])
            }
            w[group & 3] = words;
            const __m128i k = _mm_add_epi32(words, _mm_loadu_si128(reinterpret_cast<const __m128i*>(&round_constants[4 * group])));
            cdgh = _mm_sha256rnds2_epu32(cdgh, abef, k);
            abef = _mm_sha256rnds2_epu32(abef, cdgh, _mm_shuffle_epi32(k, 0x0E));
        }
        abef = _mm_add_epi32(abef, abef_before);
        cdgh = _mm_add_epi32(cdgh, cdgh_before);
    }
    const __m128i feba = _mm_shuffle_epi32(abef, 0x1B);
    const __m128i dchg = _mm_shuffle_epi32(cdgh, 0xB1);
    _mm_storeu_si128(reinterpret_cast<__m128i*>(&state[0]), _mm_blend_epi16(feba, dchg, 0xF0));
    _mm_storeu_si128(reinterpret_cast<__m128i*>(&state[4]), _mm_alignr_epi8(dchg, feba, 8));
}

bool sha256_accelerated() noexcept {
    static const bool available = [] {
        unsigned eax = 0, ebx = 0, ecx = 0, edx = 0;
        if (!__get_cpuid(1, &eax, &ebx, &ecx, &edx)) return false;
        const bool ssse3 = ecx & (1u << 9), sse41 = ecx & (1u << 19);
        if (!__get_cpuid_count(7, 0, &eax, &ebx, &ecx, &edx)) return false;
        return ssse3 && sse41 && (ebx & (1u << 29)) != 0;
    }();
    return available;
}

#else

bool sha256_accelerated() noexcept { return false; }
void sha256_blocks_accelerated(sha256_state& state, const std::uint8_t* blocks, std::size_t count) noexcept {
    sha256_blocks_portable(state, blocks, count);
}

#endif

void sha256_blocks(sha256_state& state, const std::uint8_t* blocks, std::size_t count) noexcept {
    if (sha256_accelerated()) sha256_blocks_accelerated(state, blocks, count);
    else sha256_blocks_portable(state, blocks, count);
}

}  // namespace detail

sha256::sha256() noexcept : state_(initial_state) {}

sha256& sha256::update(const void* data, std::size_t size) noexcept {
    const auto* p = static_cast<const std::uint8_t*>(data);
    total_bytes_ += size;
    if (buffered_ > 0) {
        const std::size_t take = std::min(size, block_size - buffered_);
        std::memcpy(buffer_.data() + buffered_, p, take);
        buffered_ += take;
        p += take;
        size -= take;
        if (buffered_ < block_size) return *this;
        detail::sha256_blocks(state_, buffer_.data(), 1);
        buffered_ = 0;
    }
    const std::size_t whole = size / block_size;
    if (whole > 0) detail::sha256_blocks(state_, p, whole);
    p += whole * block_size;
    size -= whole * block_size;
    if (size > 0) std::memcpy(buffer_.data(), p, size);
    buffered_ = size;
    return *this;
}

digest sha256::finish() noexcept {
    const std::uint64_t bit_length = total_bytes_ * 8;
    // 0x80, then zeros up to 56 mod 64, then the 64-bit big-endian length.
    std::uint8_t tail[block_size * 2] = {0x80};
    const std::size_t pad = (buffered_ < 56 ? 56 : 120) - buffered_;
    for (int i = 0; i < 8; ++i) tail[pad + i] = std::uint8_t(bit_length >> (56 - 8 * i));
    update(tail, pad + 8);
    digest out;
    for (int i = 0; i < 8; ++i) store_be32(out.data() + 4 * i, state_[i]);
    return out;
}

digest sha256_of(std::string_view bytes) noexcept { return sha256().update(bytes).finish(); }

hmac_sha256_key::hmac_sha256_key(std::string_view key) noexcept {
    std::uint8_t block[sha256::block_size] = {};
    if (key.size() > sha256::block_size) {
        const digest hashed = sha256_of(key);
        std::memcpy(block, hashed.data(), hashed.size());
    } else {
        std::memcpy(block, key.data(), key.size());
    }
    std::uint8_t pad[sha256::block_size];
    for (std::size_t i = 0; i < sizeof pad; ++i) pad[i] = block[i] ^ 0x36;
    inner_.update(pad, sizeof pad);
    for (std::size_t i = 0; i < sizeof pad; ++i) pad[i] = block[i] ^ 0x5c;
    outer_.update(pad, sizeof pad);
    // Key material should not linger on the stack longer than needed.
    volatile std::uint8_t* wipe = block;
    for (std::size_t i = 0; i < sizeof block; ++i) wipe[i] = 0;
    wipe = pad;
    for (std::size_t i = 0; i < sizeof pad; ++i) wipe[i] = 0;
}

digest hmac_sha256_key::tag(std::string_view message) const noexcept {
    sha256 inner = inner_;
    const digest inner_digest = inner.update(message).finish();
    sha256 outer = outer_;
    return outer.update(inner_digest.data(), inner_digest.size()).finish();
}

digest hmac_sha256(std::string_view key, std::string_view message) noexcept {
    return hmac_sha256_key(key).tag(message);
}

bool constant_time_equal(std::string_view a, std::string_view b) noexcept {
    if (a.size() != b.size()) return false;
    unsigned char diff = 0;
    for (std::size_t i = 0; i < a.size(); ++i) diff |= static_cast<unsigned char>(a[i] ^ b[i]);
    // volatile keeps the compiler from turning the accumulation into an early exit.
    volatile unsigned char result = diff;
    return result == 0;
}

std::optional<std::string> from_hex(std::string_view hex) {
    if (hex.size() % 2 != 0) return std::nullopt;
    auto digit = [](char c) {
        return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
    };
    std::string out;
    out.reserve(hex.size() / 2);
    for (std::size_t i = 0; i < hex.size(); i += 2) {
        const int hi = digit(hex[i]), lo = digit(hex[i + 1]);
        if (hi < 0 || lo < 0) return std::nullopt;
        out += static_cast<char>(hi * 16 + lo);
    }
    return out;
}

std::string to_hex(std::string_view bytes) {
    static constexpr char digits[] = "0123456789abcdef";
    std::string out;
    out.reserve(bytes.size() * 2);
    for (unsigned char c : bytes) {
        out += digits[c >> 4];
        out += digits[c & 15];
    }
    return out;
}

}  // namespace handoffkit::crypto
