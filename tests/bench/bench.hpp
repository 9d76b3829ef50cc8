// A minimal throughput harness for the native benchmark: repeated timed rounds, median ops/s.
// Benchmarks print figures; they never assert on time (machines here are shared and noisy).
#pragma once

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

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
    long batch = 64;
    for (int r = 0; r < rounds; ++r) {
        long calls = 0;
        const auto start = clock::now();
        auto elapsed = clock::duration::zero();
        while (elapsed < std::chrono::milliseconds(round_ms)) {
            for (long i = 0; i < batch; ++i) op();
            calls += batch;
            elapsed = clock::now() - start;
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

}  // namespace handoffkit::bench
