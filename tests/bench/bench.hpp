// A minimal throughput harness for the native benchmark: repeated timed rounds, median ops/s.
// Benchmarks print figures; they never assert on time (machines here are shared and noisy).
#pragma once

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <string>
#include <functional>
#include <vector>

#include <nlohmann/json.hpp>

namespace handoffkit::bench {

/// Keeps the optimizer from dropping a computed value.
template <class T>
void keep(T&& value) {
    asm volatile("" : : "g"(&value) : "memory");
}

struct figure {
    std::string name;
    double median_ops_per_s;
    int rounds;
};

/// Runs `op` in rounds of `batch` calls for about `round_ms` each; returns the median rate.
template <class Op>
figure measure(const std::string& name, Op&& op, int rounds = 7, int round_ms = 150) {
    using clock = std::chrono::steady_clock;
    std::vector<double> rates;
    for (int r = 0; r < rounds; ++r) {
        long calls = 0, batch = 1;  // grows while a batch is too short to time, so slow operations run once per check
        const auto start = clock::now();
        auto elapsed = clock::duration::zero();
        while (elapsed < std::chrono::milliseconds(round_ms)) {
            const auto before = clock::now();
            for (long i = 0; i < batch; ++i) op();
            calls += batch;
            elapsed = clock::now() - start;
            if (clock::now() - before < std::chrono::milliseconds(2) && batch < 4096) batch *= 2;
        }
        rates.push_back(calls / std::chrono::duration<double>(elapsed).count());
    }
    std::sort(rates.begin(), rates.end());
    return {name, rates[rates.size() / 2], rounds};
}

/// One JSON object per line: {"op":…,"opsPerSec":…,"rounds":…}; tests/bench/run.mjs reads them.
inline void print(const figure& f) {
    std::printf("{\"op\":\"%s\",\"opsPerSec\":%.1f,\"rounds\":%d}\n", f.name.c_str(), f.median_ops_per_s, f.rounds);
    std::fflush(stdout);
}

/// A line of text below the table (figures that are not rates): {"note":…}.
inline void note(const std::string& text) {
    std::printf("{\"note\":%s}\n", nlohmann::json(text).dump().c_str());
    std::fflush(stdout);
}

/// What every benchmark gets: the shared inputs of tests/bench/workload.json and a filter.
struct context {
    const nlohmann::json& workload;
    std::string only;  // operation-name prefix; empty runs everything
    bool wanted(const std::string& op) const { return op.compare(0, only.size(), only) == 0; }
    /// Measures and prints `op` if the filter selects it.
    template <class Op>
    void run(const std::string& op, Op&& body) const {
        if (wanted(op)) print(measure(op, std::forward<Op>(body)));
    }
};

/// Each area's benchmark file registers itself (tests/bench/native/<area>.cpp), so areas are added
/// without touching a central list: `const registration links{"links", [](const context& c) {…}};`
struct registration {
    using body = std::function<void(const context&)>;
    registration(const char* area, body fn) { all().push_back({area, std::move(fn)}); }
    static std::vector<std::pair<std::string, body>>& all() {
        static std::vector<std::pair<std::string, body>> areas;
        return areas;
    }
};

}  // namespace handoffkit::bench
