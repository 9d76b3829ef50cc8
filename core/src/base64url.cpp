#include "handoffkit/base64url.hpp"

#include <array>
#include <cstdint>

namespace handoffkit::base64url {
namespace {

constexpr char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

constexpr std::array<std::int8_t, 256> make_reverse() {
    std::array<std::int8_t, 256> table{};
    for (auto& v : table) v = -1;
    for (int i = 0; i < 64; ++i) table[static_cast<unsigned char>(alphabet[i])] = static_cast<std::int8_t>(i);
    return table;
}
constexpr auto reverse = make_reverse();

}  // namespace

// Both directions write into a string sized once, by index: appending a char at a time was a
// call per byte in wasm (libc++'s string members are not inlined there) and 7% of a verification.
std::string encode(std::string_view bytes) {
    std::string out((bytes.size() * 4 + 2) / 3, '\0');
    char* o = out.data();
    const auto byte = [&](std::size_t i) { return std::uint32_t(std::uint8_t(bytes[i])); };
    std::size_t i = 0;
    for (; i + 3 <= bytes.size(); i += 3) {
        const std::uint32_t v = (byte(i) << 16) | (byte(i + 1) << 8) | byte(i + 2);
        *o++ = alphabet[v >> 18];
        *o++ = alphabet[(v >> 12) & 63];
        *o++ = alphabet[(v >> 6) & 63];
        *o++ = alphabet[v & 63];
    }
    const std::size_t rest = bytes.size() - i;
    if (rest > 0) {
        const std::uint32_t v = (byte(i) << 16) | (rest == 2 ? byte(i + 1) << 8 : 0);
        *o++ = alphabet[v >> 18];
        *o++ = alphabet[(v >> 12) & 63];
        if (rest == 2) *o++ = alphabet[(v >> 6) & 63];
    }
    return out;
}

std::optional<std::string> decode(std::string_view text) {
    if (text.size() % 4 == 1) return std::nullopt;  // no byte count encodes to this length
    std::string out(text.size() * 3 / 4, '\0');
    char* o = out.data();
    std::uint32_t acc = 0;
    int bits = 0;
    for (char c : text) {
        const int v = reverse[static_cast<unsigned char>(c)];
        if (v < 0) return std::nullopt;
        acc = (acc << 6) | std::uint32_t(v);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            *o++ = static_cast<char>((acc >> bits) & 0xff);
        }
    }
    // Canonical form: the 2 or 4 bits left over must be zero.
    if ((acc & ((1u << bits) - 1)) != 0) return std::nullopt;
    return out;
}

}  // namespace handoffkit::base64url
