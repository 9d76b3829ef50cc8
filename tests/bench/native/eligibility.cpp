// Eligibility: one evaluation of a whole organization (tests/bench/workload.json
// "eligibilityOrganization"), environment text in, report text out, as the CLI and wasm do it.
#include <fstream>

#include "../bench.hpp"
#include "handoffkit/json_api_eligibility.hpp"

namespace {
namespace b = handoffkit::bench;

// The example's representatives cycled to `count`, ids rep-0…: tests/bench/suites/eligibility.mjs builds the same.
std::string organization(const nlohmann::json& spec) {
    auto env = nlohmann::json::parse(std::ifstream(std::string(HANDOFFKIT_SOURCE_DIR) + "/" + spec["environment"].get<std::string>()));
    const auto templates = env["representatives"];
    auto& reps = env["representatives"] = nlohmann::json::array();
    for (int i = 0; i < spec["representatives"].get<int>(); ++i) {
        auto rep = templates[i % templates.size()];
        rep["id"] = "rep-" + std::to_string(i);
        reps.push_back(std::move(rep));
    }
    return env.dump();
}

const b::registration eligibility{"eligibility", [](const b::context& c) {
    if (!c.wanted("eligibility.10k")) return;
    const std::string env = organization(c.workload["eligibilityOrganization"]);
    c.run("eligibility.10k", [&] { b::keep(handoffkit::json_api::evaluate_eligibility(env, "")); });
}};
}  // namespace
