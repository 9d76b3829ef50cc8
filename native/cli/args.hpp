// The CLI's argv reader. Every command declares its flags in one table next to it (its cmd_*.cpp,
// see commands.hpp): whether a flag takes a value, takes none, or takes a value and may repeat,
// and, for commands with subcommands, which forms it belongs to. Anything else is refused before
// the command runs (exit 2): an unknown flag, named with the closest known one (a mistyped
// `--stor redis://…` must not silently run on the default store), a flag given twice (which value
// would win is a guess the user should not have to make), a flag of another form, a missing value,
// a value given to a switch.
#pragma once

#include <algorithm>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "handoffkit/native/codes.hpp"
#include "handoffkit/result.hpp"

namespace handoffkit::cli {

enum class flag_kind {
    value,       ///< --name VALUE or --name=VALUE, at most once
    boolean,     ///< --name, no value, at most once
    repeatable,  ///< --name VALUE, any number of times (allow-lists)
};

struct flag_spec {
    std::string name;  ///< without the leading "--"
    flag_kind kind = flag_kind::value;
    /// The subcommands the flag belongs to ("" is the form without a subcommand word, e.g. `link
    /// --bot-id …`); empty: every form of the command.
    std::vector<std::string> forms = {};
};

struct command_spec {
    std::string name;                      ///< "token"
    std::vector<std::string> subcommands;  ///< words that may come first ("issue", "verify"); may be empty
    std::vector<flag_spec> flags;
};

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

namespace detail {

// Levenshtein distance, for "did you mean": flag names are short, so the quadratic table is tiny.
inline std::size_t edit_distance(const std::string& a, const std::string& b) {
    std::vector<std::size_t> row(b.size() + 1);
    for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
    for (std::size_t i = 1; i <= a.size(); ++i) {
        std::size_t diagonal = row[0];
        row[0] = i;
        for (std::size_t j = 1; j <= b.size(); ++j) {
            const std::size_t above = row[j];
            row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
            diagonal = above;
        }
    }
    return row[b.size()];
}

inline std::string closest_flag(const command_spec& spec, const std::string& name) {
    const flag_spec* best = nullptr;
    std::size_t best_distance = 0;
    for (const auto& f : spec.flags) {
        const std::size_t d = edit_distance(name, f.name);
        if (!best || d < best_distance) best = &f, best_distance = d;
    }
    return best ? best->name : "";
}

inline const flag_spec* find_flag(const command_spec& spec, const std::string& name) {
    auto it = std::find_if(spec.flags.begin(), spec.flags.end(), [&](const flag_spec& f) { return f.name == name; });
    return it == spec.flags.end() ? nullptr : &*it;
}

inline error usage(std::string message) { return fail(native::cli_code::usage, std::move(message)); }

inline std::string form_name(const command_spec& spec, const std::string& form) {
    return "`" + spec.name + (form.empty() ? "" : " " + form) + "`";
}

// The form the positionals name: their first word when it is one of the command's subcommands.
inline std::string form_of(const command_spec& spec, const args& a) {
    if (a.positional.empty()) return "";
    const auto& first = a.positional.front();
    return std::find(spec.subcommands.begin(), spec.subcommands.end(), first) != spec.subcommands.end() ? first : "";
}

inline std::optional<error> check_forms(const command_spec& spec, const args& a) {
    const std::string form = form_of(spec, a);
    for (const auto& [name, value] : a.options) {
        const flag_spec& f = *find_flag(spec, name);
        if (f.forms.empty() || std::find(f.forms.begin(), f.forms.end(), form) != f.forms.end()) continue;
        return usage("--" + name + " is not a flag of " + form_name(spec, form) + " (it belongs to " +
                     form_name(spec, f.forms.front()) + ")");
    }
    return std::nullopt;
}

}  // namespace detail

/// Reads argv[first…] against the command's table. Errors (code USAGE, the message says which
/// flag and why): unknown flag, non-repeatable flag given twice, flag of another form, missing
/// value, value given to a boolean flag.
inline result<args> parse_args(int argc, char** argv, int first, const command_spec& spec) {
    args a;
    for (int i = first; i < argc; ++i) {
        std::string s = argv[i];
        if (s.size() <= 2 || s.compare(0, 2, "--") != 0) {
            a.positional.push_back(std::move(s));
            continue;
        }
        std::string name = s.substr(2);
        std::optional<std::string> value;
        if (auto eq = name.find('='); eq != std::string::npos) {
            value = name.substr(eq + 1);
            name.resize(eq);
        }
        const flag_spec* f = detail::find_flag(spec, name);
        if (!f) {
            const std::string near = detail::closest_flag(spec, name);
            return detail::usage("unknown flag --" + name + " for `" + spec.name + "`" +
                                 (near.empty() ? "" : " (the closest known flag is --" + near + ")"));
        }
        if (f->kind != flag_kind::repeatable && a.has(name))
            return detail::usage("--" + name + " is given more than once");
        if (f->kind == flag_kind::boolean) {
            if (value) return detail::usage("--" + name + " takes no value");
            value = "";
        } else if (!value) {
            if (i + 1 >= argc) return detail::usage("--" + name + " needs a value");
            value = argv[++i];
        }
        a.options.emplace(name, std::move(*value));
    }
    if (auto e = detail::check_forms(spec, a)) return *e;
    return a;
}

}  // namespace handoffkit::cli
