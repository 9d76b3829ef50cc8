// Running the CLI binary (HANDOFFKIT_CLI) from the host/tools suite: the vectors through the CLI
// and its own behaviour. Not for the core suite, which runs in wasm too.
#pragma once

#include <array>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include <sys/wait.h>
#include <unistd.h>

#include "vectors.hpp"

namespace handoffkit::test {

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

/// A file the CLI can read, removed when the test is done.
struct temp_file {
    std::string path;
    explicit temp_file(const std::string& text) {
        char name[] = "/tmp/handoffkit-cli-input-XXXXXX";
        const int fd = mkstemp(name);
        if (fd < 0) throw std::runtime_error("cannot create a temporary file");
        close(fd);
        path = name;
        std::ofstream(path, std::ios::binary) << text;
    }
    ~temp_file() { std::remove(path.c_str()); }
    temp_file(const temp_file&) = delete;
    temp_file& operator=(const temp_file&) = delete;
};

}  // namespace handoffkit::test
