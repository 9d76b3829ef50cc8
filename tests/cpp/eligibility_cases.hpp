// The eligibility vectors (tests/vectors/eligibility.json) and how a report is checked against a
// case's expectations: one checker for every C++ suite that runs them (the JSON API in the core
// suite, natively and in wasm; the CLI in the host suite), so they cannot drift apart.
#pragma once

#include <string>

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include "vectors.hpp"

namespace handoffkit::test::eligibility_cases {

using nlohmann::json;

inline const json& vectors() {
    static const json v = load_vectors("eligibility.json");
    return v;
}

inline json patched(json base, const json& patch) {
    base.merge_patch(patch);
    return base;
}

inline json environment_of(const json& c) {
    if (c.contains("environment")) return c["environment"];
    return patched(vectors()["base"], c.value("patch", json::object()));
}

inline json codes(const json& gates) {
    json out = json::array();
    for (const auto& g : gates) out.push_back(g["code"]);
    return out;
}

inline const json* gate_with_code(const json& gates, const json& code) {
    for (const auto& g : gates)
        if (g["code"] == code) return &g;
    return nullptr;
}

inline const json& representative(const json& report, const json& id) {
    for (const auto& rep : report["representatives"])
        if (rep["id"] == id) return rep;
    FAIL("no representative " << id);
    static const json none;
    return none;
}

inline void check_expectations(const json& report, const json& expect) {
    for (const auto& e : expect) {
        CAPTURE(e.dump());
        const json& cell = representative(report, e["representative"])["features"][e["feature"].get<std::string>()];
        REQUIRE(cell.is_object());
        CHECK(cell["status"] == e["status"]);
        if (e.contains("stage")) CHECK(cell["stage"] == e["stage"]);
        CHECK(codes(cell["failed"]) == e["failed"]);
        CHECK(codes(cell["warnings"]) == e["warnings"]);
        CHECK(codes(cell["unknown"]) == e["unknown"]);
        if (e.contains("stageMissingInputs")) CHECK(cell["stageMissingInputs"] == e["stageMissingInputs"]);
        else CHECK_FALSE(cell.contains("stageMissingInputs"));
        const json missing = e.value("missing", json::object()), unknown_inputs = e.value("unknownInputs", json::object());
        for (const auto& [code, values] : missing.items()) {
            const json* g = gate_with_code(cell["failed"], code);
            REQUIRE(g);
            CHECK((*g)["missing"] == values);
        }
        for (const auto& [code, inputs] : unknown_inputs.items()) {
            const json* g = gate_with_code(cell["unknown"], code);
            REQUIRE(g);
            CHECK((*g)["missingInputs"] == inputs);
        }
    }
}

}  // namespace handoffkit::test::eligibility_cases
