// The deep-link vectors (tests/vectors/deeplinks.json) and how a report is checked against a case:
// one checker for the JSON API suite (core, natively and in wasm) and the CLI suite.
#pragma once

#include <string>

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include "vectors.hpp"

namespace handoffkit::test::deeplink_cases {

using nlohmann::json;

inline const json& vectors() {
    static const json v = load_vectors("deeplinks.json");
    return v;
}

inline json codes_of(const json& problems) {
    json out = json::array();
    for (const auto& p : problems) out.push_back({{"code", p["code"]}, {"severity", p["severity"]}});
    return out;
}

inline void check_report(const json& c, const json& report) {
    CHECK(report["valid"] == c["valid"]);
    CHECK(report["kind"] == c["kind"]);
    CHECK(codes_of(report["problems"]) == c["problems"]);
    if (c.contains("params")) CHECK(report["params"] == c["params"]);
}

}  // namespace handoffkit::test::deeplink_cases
