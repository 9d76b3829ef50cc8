#include "output.hpp"

#include <iostream>
#include <string_view>

#include "handoffkit/json.hpp"

namespace handoffkit::cli {

int print_envelope(const std::string& envelope, bool pretty) {
    // A compact non-string value is printed as the core wrote it: no re-parse of large reports.
    constexpr std::string_view ok_prefix = "{\"ok\":true,\"value\":";
    if (!pretty && envelope.compare(0, ok_prefix.size(), ok_prefix) == 0 && envelope.size() > ok_prefix.size() + 1 &&
        envelope[ok_prefix.size()] != '"') {
        std::cout.write(envelope.data() + ok_prefix.size(), static_cast<std::streamsize>(envelope.size() - ok_prefix.size() - 1));
        std::cout << '\n';
        return exit_ok;
    }
    // Produced by the core, so valid; read with the strict parse all the same, never a throw.
    json j;
    const json* ok = parse_json(envelope, j) == json_failure::none && j.is_object() ? &j : nullptr;
    const auto at = [&](const char* key) -> const json* {
        if (!ok) return nullptr;
        const auto it = ok->find(key);
        return it == ok->end() ? nullptr : &*it;
    };
    const json* flag = at("ok");
    if (!flag || !flag->is_boolean()) return print_error(fail(input_code::internal, "the core answered with no envelope"));
    if (!flag->get<bool>()) {
        std::cerr << dump_json(json{{"error", at("error") ? *at("error") : json()}}) << '\n';
        return exit_failed;
    }
    const json* value = at("value");
    if (value && value->is_string()) std::cout << value->get_ref<const std::string&>() << '\n';
    else std::cout << (value ? value->dump(pretty ? 2 : -1, ' ', false, json::error_handler_t::replace) : "null") << '\n';
    return exit_ok;
}

int print_error(const error& e) {
    std::cerr << dump_json(json{{"error", {{"code", e.code}, {"message", e.message}}}}) << '\n';
    return exit_failed;
}

int usage_error(const std::string& message) {
    std::cerr << "handoffkit: " << message << "\n(see handoffkit --help)\n";
    return exit_usage;
}

}  // namespace handoffkit::cli
