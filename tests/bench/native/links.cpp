// Deep links: build the Copilot handoff link, validate it.
#include "../bench.hpp"
#include "handoffkit/deeplink.hpp"

namespace {
namespace b = handoffkit::bench;
namespace dl = handoffkit::deeplink;

const b::registration links{"links", [](const b::context& c) {
    const dl::handoff_link_options handoff{c.workload["botId"], c.workload["continuation"]};
    const std::string link = *dl::build_handoff_link(handoff);
    c.run("link.build", [&] { b::keep(dl::build_handoff_link(handoff)); });
    c.run("link.validate", [&] { b::keep(dl::validate(link)); });
}};
}  // namespace
