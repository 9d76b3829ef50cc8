#include "handoffkit/native/system.hpp"

#include <sys/random.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <fstream>
#include <sstream>

namespace handoffkit::native {

std::int64_t unix_now() {
    return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

result<std::string> random_bytes(std::size_t count) {
    std::string out(count, '\0');
    std::size_t filled = 0;
    while (filled < count) {
        const ssize_t n = getrandom(out.data() + filled, count - filled, 0);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return fail(native::system_code::entropy_unavailable, std::string("getrandom failed: ") + std::strerror(errno));
        filled += static_cast<std::size_t>(n);
    }
    return out;
}

result<std::string> read_key_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return fail(native::system_code::keys_unreadable, "cannot read key file " + path + ": " + std::strerror(errno));
    std::ostringstream text;
    text << in.rdbuf();
    if (!in && !in.eof()) return fail(native::system_code::keys_unreadable, "cannot read key file " + path);
    auto parsed = token::key_set::parse(text.str());
    if (!parsed) return parsed.err();
    return text.str();
}

result<token::key_set> load_key_set(const std::string& path) {
    auto text = read_key_file(path);
    if (!text) return text.err();
    return token::key_set::parse(*text);
}

result<handoff::messages> load_messages(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return fail(native::system_code::messages_unreadable, "cannot read messages file " + path + ": " + std::strerror(errno));
    std::ostringstream text;
    text << in.rdbuf();
    return handoff::messages::parse(text.str());
}

result<std::string> read_secret_file(const std::string& path, code code, const std::string& what) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return fail(code, "cannot read the " + what + " file " + path + ": " + std::strerror(errno));
    std::string secret;
    std::getline(in, secret);
    if (!secret.empty() && secret.back() == '\r') secret.pop_back();
    if (secret.empty()) return fail(code, "the " + what + " file " + path + " starts with an empty line");
    return secret;
}

}  // namespace handoffkit::native
