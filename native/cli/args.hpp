// A tiny argv reader for the CLI: `--name value`, `--flag`, and positionals, nothing clever.
#pragma once

#include <algorithm>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace handoffkit::cli {

struct args {
    std::vector<std::string> positional;
    std::multimap<std::string, std::string> options;  ///< "--x v" -> {"x","v"}; "--f" -> {"f",""}

    std::optional<std::string> get(const std::string& name) const {
        auto it = options.find(name);
        if (it == options.end()) return std::nullopt;
        return it->second;
    }
    std::vector<std::string> all(const std::string& name) const {
        std::vector<std::string> out;
        for (auto [it, end] = options.equal_range(name); it != end; ++it) out.push_back(it->second);
        return out;
    }
    bool has(const std::string& name) const { return options.count(name) != 0; }
};

/// `flags` names the options that take no value.
inline args parse_args(int argc, char** argv, int first, const std::vector<std::string>& flags = {}) {
    args a;
    for (int i = first; i < argc; ++i) {
        std::string s = argv[i];
        if (s.size() > 2 && s.compare(0, 2, "--") == 0) {
            std::string name = s.substr(2);
            std::string value;
            if (auto eq = name.find('='); eq != std::string::npos) {
                value = name.substr(eq + 1);
                name.resize(eq);
            } else if (std::find(flags.begin(), flags.end(), name) == flags.end() && i + 1 < argc) {
                value = argv[++i];
            }
            a.options.emplace(name, value);
        } else {
            a.positional.push_back(s);
        }
    }
    return a;
}

}  // namespace handoffkit::cli
