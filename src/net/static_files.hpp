// Serving files below web_root: path sanitising and content types.
#pragma once
#include <optional>
#include <string>
#include <string_view>

namespace confab::net {

// Maps a request path to a file below `root`, or nullopt when the path tries
// to leave the root ("..", NUL, backslashes). "/" and folders map to index.html.
std::optional<std::string> resolve_static_path(std::string_view root,
                                               std::string_view request_path);
std::string_view mime_type(std::string_view path);

}  // namespace confab::net
