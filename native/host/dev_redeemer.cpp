#include "dev_redeemer.hpp"

#include <fstream>
#include <map>
#include <memory>
#include <mutex>

namespace handoffkit::host {

invoke::redeemer dev_token_list_redeemer(std::vector<std::string> tokens) {
    struct state {
        std::mutex mutex;
        std::map<std::string, bool> used;
    };
    auto s = std::make_shared<state>();
    for (auto& t : tokens) s->used.emplace(std::move(t), false);
    return [s](const invoke::redeem_request& r) {
        std::lock_guard<std::mutex> lock(s->mutex);
        auto it = s->used.find(r.continuation);
        if (it == s->used.end()) return invoke::redeem_outcome{invoke::redeem_status::bad_signature, "", "not listed"};
        if (it->second) return invoke::redeem_outcome{invoke::redeem_status::replayed, "", "already used"};
        it->second = true;
        return invoke::redeem_outcome{invoke::redeem_status::ok, "", "listed"};
    };
}

result<std::vector<std::string>> read_token_list(const std::string& path) {
    std::ifstream in(path);
    if (!in) return fail("FILE_UNREADABLE", "cannot read " + path);
    std::vector<std::string> tokens;
    for (std::string line; std::getline(in, line);) {
        while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.pop_back();
        if (!line.empty() && line[0] != '#') tokens.push_back(line);
    }
    return tokens;
}

}  // namespace handoffkit::host
