#include "net/static_files.hpp"

namespace confab::net {

std::optional<std::string> resolve_static_path(std::string_view root,
                                               std::string_view request_path) {
    if (request_path.empty() || request_path.front() != '/') return std::nullopt;
    if (const auto q = request_path.find_first_of("?#"); q != std::string_view::npos)
        request_path = request_path.substr(0, q);
    if (request_path.find('\0') != std::string_view::npos ||
        request_path.find('\\') != std::string_view::npos)
        return std::nullopt;
    // Reject any ".." segment rather than normalise it: nothing legitimate needs it.
    std::size_t start = 0;
    while (start <= request_path.size()) {
        const auto end = request_path.find('/', start);
        const auto seg = request_path.substr(
            start, end == std::string_view::npos ? std::string_view::npos : end - start);
        if (seg == "..") return std::nullopt;
        if (end == std::string_view::npos) break;
        start = end + 1;
    }
    std::string path(root);
    if (!path.empty() && path.back() == '/') path.pop_back();
    path += request_path;
    if (path.back() == '/') path += "index.html";
    return path;
}

std::string_view mime_type(std::string_view path) {
    const auto dot = path.rfind('.');
    const auto ext = dot == std::string_view::npos ? std::string_view{} : path.substr(dot);
    if (ext == ".html" || ext == ".htm") return "text/html; charset=utf-8";
    if (ext == ".js" || ext == ".mjs") return "text/javascript; charset=utf-8";
    if (ext == ".css") return "text/css; charset=utf-8";
    if (ext == ".json") return "application/json";
    if (ext == ".svg") return "image/svg+xml";
    if (ext == ".png") return "image/png";
    if (ext == ".ico") return "image/x-icon";
    if (ext == ".wav") return "audio/wav";
    if (ext == ".txt") return "text/plain; charset=utf-8";
    return "application/octet-stream";
}

}  // namespace confab::net
