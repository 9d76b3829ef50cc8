#include "output.hpp"

#include <iostream>

#include <nlohmann/json.hpp>

namespace handoffkit::cli {

int print_envelope(const std::string& envelope, bool pretty) {
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

int print_error(const std::string& code, const std::string& message) {
    std::cerr << nlohmann::json{{"error", {{"code", code}, {"message", message}}}}.dump() << '\n';
    return exit_failed;
}

int usage_error(const std::string& message) {
    std::cerr << "handoffkit: " << message << "\n(see handoffkit --help)\n";
    return exit_usage;
}

}  // namespace handoffkit::cli
