// The card vectors (tests/vectors/cards.json) and how a case's request and card text are made
// (a "fill" pads a string to a size; "cardHex" gives raw bytes): one reading for the JSON API suite
// (core, natively and in wasm) and the CLI suite.
#pragma once

#include <cstddef>
#include <string>

#include <nlohmann/json.hpp>

#include "vectors.hpp"

namespace handoffkit::test::cards_cases {

using nlohmann::json;

inline const json& vectors() {
    static const json v = load_vectors("cards.json");
    return v;
}

// Applies a case's "fill" to `value`: the string at `pointer` becomes `char` x `count`.
inline json filled(json value, const json& c) {
    if (c.contains("fill")) {
        const json& f = c["fill"];
        value[json::json_pointer(f["pointer"].get<std::string>())] =
            std::string(f["count"].get<std::size_t>(), f["char"].get<std::string>().at(0));
    }
    return value;
}

inline std::string request_of(const json& c) { return filled(c["request"], c).dump(); }

inline std::string card_text_of(const json& c) {
    if (c.contains("card")) return filled(c["card"], c).dump();
    if (c.contains("cardText")) return c["cardText"].get<std::string>();
    const std::string hex = c["cardHex"].get<std::string>();
    std::string bytes;
    for (std::size_t i = 0; i + 1 < hex.size(); i += 2) bytes += static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16));
    return bytes;
}

}  // namespace handoffkit::test::cards_cases
