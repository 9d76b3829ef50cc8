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
    const auto value = [&](std::size_t i) { return std::int32_t(reverse[static_cast<unsigned char>(text[i])]); };
    std::size_t i = 0;
    // Four characters, three bytes at a time; any character outside the alphabet is -1, which
    // makes the OR of the four negative.
    for (; i + 4 <= text.size(); i += 4) {
        const std::int32_t a = value(i), b = value(i + 1), c = value(i + 2), d = value(i + 3);
        if ((a | b | c | d) < 0) return std::nullopt;
        const auto v = std::uint32_t((a << 18) | (b << 12) | (c << 6) | d);
        *o++ = static_cast<char>(v >> 16);
        *o++ = static_cast<char>((v >> 8) & 0xff);
        *o++ = static_cast<char>(v & 0xff);
    }
    const std::size_t rest = text.size() - i;  // 0, 2 or 3 characters: 0, 1 or 2 bytes
    if (rest == 0) return out;
    const std::int32_t a = value(i), b = value(i + 1), c = rest == 3 ? value(i + 2) : 0;
    if ((a | b | c) < 0) return std::nullopt;
    // Canonical form: the bits past the last byte must be zero (4 of b, or 2 of c).
    if (rest == 2 ? (b & 0x0f) != 0 : (c & 0x03) != 0) return std::nullopt;
    const auto v = std::uint32_t((a << 18) | (b << 12) | (c << 6));
    *o++ = static_cast<char>(v >> 16);
    if (rest == 3) *o++ = static_cast<char>((v >> 8) & 0xff);
    return out;
}

}  // namespace handoffkit::base64url
