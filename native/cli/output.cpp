#include "output.hpp"

#include <iostream>
#include <string_view>

#include <nlohmann/json.hpp>

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
    const auto j = nlohmann::json::parse(envelope);  // produced by the core: always valid JSON
    if (!j.at("ok").get<bool>()) {
        std::cerr << nlohmann::json{{"error", j.at("error")}}.dump() << '\n';
        return exit_failed;
    }
    const auto& value = j.at("value");
    if (value.is_string()) std::cout << value.get<std::string>() << '\n';
    else std::cout << value.dump(pretty ? 2 : -1, ' ', false, nlohmann::json::error_handler_t::replace) << '\n';
    return exit_ok;
}

int print_error(const error& e) {
    std::cerr << nlohmann::json{{"error", {{"code", e.code}, {"message", e.message}}}}.dump() << '\n';
    return exit_failed;
}

int usage_error(const std::string& message) {
    std::cerr << "handoffkit: " << message << "\n(see handoffkit --help)\n";
    return exit_usage;
}

}  // namespace handoffkit::cli
