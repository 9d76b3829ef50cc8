// Prints a handoff link through the installed library; run.cmake compares the output.
#include <iostream>

#include <handoffkit/deeplink.hpp>

int main() {
    auto link = handoffkit::deeplink::build_handoff_link({"00000000-0000-0000-0000-000000000001", "a b"});
    if (!link) return 1;
    std::cout << *link << '\n';
    return 0;
}
