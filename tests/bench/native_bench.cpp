// Native throughput of the core's hot operations, on the inputs of tests/bench/workload.json.
// Usage: handoffkit_bench [operation-prefix]. Prints one JSON line per operation.
#include <cstring>
#include <fstream>

#include <nlohmann/json.hpp>

#include "bench.hpp"
#include "handoffkit/deeplink.hpp"

int main(int argc, char** argv) {
    namespace dl = handoffkit::deeplink;
    namespace b = handoffkit::bench;
    const char* only = argc > 1 ? argv[1] : "";
    auto wanted = [&](const char* op) { return std::strncmp(op, only, std::strlen(only)) == 0; };
    const auto workload = nlohmann::json::parse(std::ifstream(HANDOFFKIT_BENCH_WORKLOAD));

    const dl::handoff_link_options handoff{workload["botId"], workload["continuation"]};
    const std::string link = *dl::build_handoff_link(handoff);
    if (wanted("link.build")) b::print(b::measure("link.build", [&] { b::keep(dl::build_handoff_link(handoff)); }));
    if (wanted("link.validate")) b::print(b::measure("link.validate", [&] { b::keep(dl::validate(link)); }));
    return 0;
}
