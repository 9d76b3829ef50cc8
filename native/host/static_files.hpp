// Static files under a root folder, with the request path checked before it touches the disk.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace handoffkit::host {

struct static_file {
    std::string content_type;
    std::string body;
};

/// The file for a request target ("/x/y.html?q"), or nullopt (404) when the path is unsafe
/// (percent-decoded "..", NUL, backslash, a dot-segment or dotfile, outside the root after
/// symlinks) or not a regular file. "/" and folders serve their index.html.
std::optional<static_file> load_static(const std::string& root, std::string_view target);

}  // namespace handoffkit::host
