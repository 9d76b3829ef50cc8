// Native throughput of the core's hot operations, on the inputs of tests/bench/workload.json.
// Usage: handoffkit_bench [operation-prefix]. Prints one JSON line per operation; each area's
// operations live in tests/bench/native/<area>.cpp and register themselves.
#include <fstream>

#include "../bench.hpp"

int main(int argc, char** argv) {
    namespace b = handoffkit::bench;
    const auto workload = nlohmann::json::parse(std::ifstream(HANDOFFKIT_BENCH_WORKLOAD));
    const b::context context{workload, argc > 1 ? argv[1] : ""};
    for (const auto& [area, body] : b::registration::all()) body(context);
    return 0;
}
