#include "auth/origin_policy.hpp"

#include <algorithm>
#include <cctype>

namespace confab::auth {
namespace {

std::string_view trim(std::string_view s) {
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
    return s;
}

std::string lower(std::string_view s) {
    std::string out(s);
    std::transform(out.begin(), out.end(), out.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return out;
}

// The host of "host[:port]" ("[::1]:8080" → "[::1]").
std::string_view host_part(std::string_view authority) {
    if (!authority.empty() && authority.front() == '[') {
        const auto end = authority.find(']');
        return end == std::string_view::npos ? authority : authority.substr(0, end + 1);
    }
    return authority.substr(0, authority.find(':'));
}

}  // namespace

OriginPolicy::OriginPolicy(std::string_view allowed) {
    while (!allowed.empty()) {
        const auto comma = allowed.find(',');
        const auto item = trim(allowed.substr(0, comma));
        if (item == "*")
            any_ = true;
        else if (const auto origin = normalise(item); !origin.empty())
            allowed_.push_back(origin);
        if (comma == std::string_view::npos) break;
        allowed.remove_prefix(comma + 1);
    }
}

std::string OriginPolicy::normalise(std::string_view origin) {
    origin = trim(origin);
    while (!origin.empty() && origin.back() == '/') origin.remove_suffix(1);
    // No Origin holds a space or a control character; one that does is not
    // an origin (and "https://a\n/" would trim to another on a second pass:
    // found by the credentials fuzzer).
    if (std::any_of(origin.begin(), origin.end(),
                    [](unsigned char c) { return c <= 0x20 || c == 0x7f; }))
        return {};
    const auto scheme_end = origin.find("://");
    if (scheme_end == std::string_view::npos || scheme_end == 0) return {};
    const auto authority = origin.substr(scheme_end + 3);
    if (authority.empty() || authority.find_first_of("/?#@ ") != std::string_view::npos) return {};
    return lower(origin);
}

bool OriginPolicy::allows(std::string_view origin, std::string_view host) const {
    if (origin.empty()) return true;  // not a browser: credentials decide
    if (any_) return true;
    const std::string normal = normalise(origin);
    if (normal.empty()) return false;  // "null" (sandboxed pages, file://) and garbage
    const auto scheme_end = normal.find("://");
    const std::string_view scheme = std::string_view(normal).substr(0, scheme_end);
    const std::string_view authority = std::string_view(normal).substr(scheme_end + 3);
    const bool web = scheme == "http" || scheme == "https";
    if (web && authority == lower(trim(host))) return true;  // our own page, always
    if (!allowed_.empty())
        return std::find(allowed_.begin(), allowed_.end(), normal) != allowed_.end();
    const auto name = host_part(authority);
    return web && (name == "localhost" || name == "127.0.0.1" || name == "[::1]");
}

}  // namespace confab::auth
