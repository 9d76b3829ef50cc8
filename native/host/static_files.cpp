#include "static_files.hpp"

#include <filesystem>
#include <fstream>
#include <sstream>
#include <vector>

namespace handoffkit::host {
namespace fs = std::filesystem;
namespace {

constexpr std::uintmax_t max_static_bytes = 16 * 1024 * 1024;

int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

std::optional<std::string> percent_decode(std::string_view s) {
    std::string out;
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (s[i] != '%') {
            out += s[i];
            continue;
        }
        if (i + 2 >= s.size()) return std::nullopt;
        const int hi = hex_value(s[i + 1]), lo = hex_value(s[i + 2]);
        if (hi < 0 || lo < 0) return std::nullopt;
        out += static_cast<char>(hi * 16 + lo);
        i += 2;
    }
    return out;
}

// Splits the decoded path into segments, refusing anything that could leave the root or reveal
// hidden files; the empty result means the root itself.
std::optional<std::vector<std::string>> safe_segments(const std::string& path) {
    if (path.empty() || path[0] != '/') return std::nullopt;
    std::vector<std::string> out;
    std::string seg;
    for (std::size_t i = 1; i <= path.size(); ++i) {
        if (i == path.size() || path[i] == '/') {
            if (!seg.empty()) {
                if (seg[0] == '.') return std::nullopt;  // "..", ".", ".git", ".env"
                out.push_back(seg);
            }
            seg.clear();
            continue;
        }
        const char c = path[i];
        if (c == '\0' || c == '\\' || static_cast<unsigned char>(c) < 0x20) return std::nullopt;
        seg += c;
    }
    return out;
}

std::string content_type_of(const fs::path& p) {
    const std::string ext = p.extension().string();
    if (ext == ".html" || ext == ".htm") return "text/html; charset=utf-8";
    if (ext == ".js" || ext == ".mjs") return "text/javascript; charset=utf-8";
    if (ext == ".css") return "text/css; charset=utf-8";
    if (ext == ".json") return "application/json";
    if (ext == ".wasm") return "application/wasm";
    if (ext == ".svg") return "image/svg+xml";
    if (ext == ".png") return "image/png";
    if (ext == ".ico") return "image/x-icon";
    if (ext == ".txt") return "text/plain; charset=utf-8";
    return "application/octet-stream";
}

bool inside(const fs::path& root, const fs::path& p) {
    auto r = root.begin(), q = p.begin();
    for (; r != root.end(); ++r, ++q)
        if (q == p.end() || *r != *q) return false;
    return true;
}

}  // namespace

std::optional<static_file> load_static(const std::string& root, std::string_view target) {
    if (root.empty()) return std::nullopt;
    const auto decoded = percent_decode(target.substr(0, target.find_first_of("?#")));
    if (!decoded) return std::nullopt;
    const auto segments = safe_segments(*decoded);
    if (!segments) return std::nullopt;
    std::error_code ec;
    const fs::path base = fs::canonical(root, ec);
    if (ec) return std::nullopt;
    fs::path p = base;
    for (const auto& s : *segments) p /= s;
    if (fs::is_directory(p, ec)) p /= "index.html";
    // Symlinks are resolved and the result must still be under the root.
    const fs::path real = fs::canonical(p, ec);
    if (ec || !inside(base, real) || !fs::is_regular_file(real, ec)) return std::nullopt;
    if (fs::file_size(real, ec) > max_static_bytes || ec) return std::nullopt;
    std::ifstream in(real, std::ios::binary);
    if (!in) return std::nullopt;
    std::ostringstream body;
    body << in.rdbuf();
    return static_file{content_type_of(real), body.str()};
}

}  // namespace handoffkit::host
