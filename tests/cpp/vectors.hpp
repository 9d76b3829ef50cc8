// Loading tests/vectors/*.json and running the CLI, for the suites that check one case in
// several runtimes.
#pragma once

#include <array>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace handoffkit::test {

inline nlohmann::json load_vectors(const std::string& name) {
    std::ifstream in(std::string(HANDOFFKIT_VECTORS_DIR) + "/" + name);
    if (!in) throw std::runtime_error("cannot open vectors file " + name);
    return nlohmann::json::parse(in);
}

/// Single-quotes `s` for /bin/sh.
inline std::string shell_quote(const std::string& s) {
    std::string out = "'";
    for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return out + "'";
}

struct run_result {
    int status = -1;
    std::string out;
};

/// Runs the CLI with `args` (each quoted), capturing stdout; stderr is discarded.
inline run_result run_cli(const std::vector<std::string>& args) {
    std::string cmd = shell_quote(HANDOFFKIT_CLI);
    for (const auto& a : args) cmd += " " + shell_quote(a);
    cmd += " 2>/dev/null";
    run_result r;
    FILE* pipe = popen(cmd.c_str(), "r");
    if (!pipe) return r;
    std::array<char, 4096> buf{};
    size_t n = 0;
    while ((n = fread(buf.data(), 1, buf.size(), pipe)) > 0) r.out.append(buf.data(), n);
    const int status = pclose(pipe);
    r.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return r;
}

}  // namespace handoffkit::test
