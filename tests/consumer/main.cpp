// Prints a handoff link through the installed library, whose bot id it reads with the installed
// strict JSON parse (handoffkit/json.hpp, which brings nlohmann/json through find_dependency);
// run.cmake compares the output.
#include <iostream>

#include <handoffkit/deeplink.hpp>
#include <handoffkit/json.hpp>

int main() {
    handoffkit::json request;
    if (handoffkit::parse_json(R"({"botId":"00000000-0000-0000-0000-000000000001"})", request) != handoffkit::json_failure::none)
        return 1;
    // A key named twice is refused, as everywhere in handoffkit.
    handoffkit::json twice;
    if (handoffkit::parse_json(R"({"a":1,"a":2})", twice) != handoffkit::json_failure::duplicate_key) return 1;
    auto link = handoffkit::deeplink::build_handoff_link({request["botId"].get<std::string>(), "a b"});
    if (!link) return 1;
    std::cout << *link << '\n';
    return 0;
}
