// Loading tests/vectors/*.json and running the CLI, for the suites that check one case in
// several runtimes.
#pragma once

#include <array>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <sys/wait.h>
#include <unistd.h>

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
    std::string err;
};

inline std::string read_text_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

/// Runs the CLI with `args` (each quoted), capturing stdout and stderr.
inline run_result run_cli(const std::vector<std::string>& args) {
    char err_path[] = "/tmp/handoffkit-cli-stderr-XXXXXX";
    const int fd = mkstemp(err_path);
    if (fd >= 0) close(fd);
    std::string cmd = shell_quote(HANDOFFKIT_CLI);
    for (const auto& a : args) cmd += " " + shell_quote(a);
    cmd += " 2>" + shell_quote(err_path);
    run_result r;
    FILE* pipe = popen(cmd.c_str(), "r");
    if (!pipe) return r;
    std::array<char, 4096> buf{};
    size_t n = 0;
    while ((n = fread(buf.data(), 1, buf.size(), pipe)) > 0) r.out.append(buf.data(), n);
    const int status = pclose(pipe);
    r.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    r.err = read_text_file(err_path);
    unlink(err_path);
    return r;
}

/// The error code the CLI printed on stderr as {"error":{"code":…}}, or "" when none.
inline std::string cli_error_code(const run_result& r) {
    auto j = nlohmann::json::parse(r.err, nullptr, false);
    if (j.is_discarded() || !j.contains("error")) return "";
    return j["error"].value("code", "");
}

}  // namespace handoffkit::test
