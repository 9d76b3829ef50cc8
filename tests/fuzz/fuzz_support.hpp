// What every libFuzzer target here shares: a check that aborts (libFuzzer saves the input), and
// the envelope property of the JSON API.
#pragma once

#include <cstdint>
#include <cstdlib>
#include <string>

#include "handoffkit/json.hpp"

namespace handoffkit::fuzz {

inline void require(bool ok) {
    if (!ok) std::abort();
}

inline std::string text_of(const uint8_t* data, size_t size) { return {reinterpret_cast<const char*>(data), size}; }

/// The JSON API's answer is always one well-formed envelope: {"ok":true,"value":…} or
/// {"ok":false,"error":{"code":"UPPER_SNAKE",…}}, under the strict parse (no key twice, no BOM).
/// Returns it parsed.
inline handoffkit::json require_envelope(const std::string& envelope) {
    handoffkit::json j;
    require(handoffkit::parse_json(envelope, j, handoffkit::json_bom::refuse) == handoffkit::json_failure::none);
    require(j.is_object() && j.contains("ok") && j["ok"].is_boolean());
    if (j["ok"] == true) {
        require(j.contains("value"));
    } else {
        const auto& code = j["error"]["code"];
        require(code.is_string() && !code.get_ref<const std::string&>().empty());
        for (char c : code.get_ref<const std::string&>()) require((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_');
    }
    return j;
}

}  // namespace handoffkit::fuzz
