// Loading tests/vectors/*.json, for the suites that check one case in several runtimes (the core
// suite, natively and in wasm, and the CLI suite: cli.hpp).
#pragma once

#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>

#include <nlohmann/json.hpp>

namespace handoffkit::test {

inline nlohmann::json load_vectors(const std::string& name) {
    std::ifstream in(std::string(HANDOFFKIT_VECTORS_DIR) + "/" + name);
    if (!in) throw std::runtime_error("cannot open vectors file " + name);
    return nlohmann::json::parse(in);
}

inline std::string read_text_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

}  // namespace handoffkit::test
