#include "net/admin_auth.hpp"

#include <algorithm>

namespace confab::net {

bool constant_time_equal(std::string_view a, std::string_view b) {
    // Walk the longer string whole and fold every difference in: no early exit.
    const std::size_t n = std::max(a.size(), b.size());
    unsigned diff = a.size() == b.size() ? 0u : 1u;
    for (std::size_t i = 0; i < n; ++i) {
        const auto x = static_cast<unsigned char>(i < a.size() ? a[i] : 0);
        const auto y = static_cast<unsigned char>(i < b.size() ? b[i] : 0);
        diff |= static_cast<unsigned>(x ^ y);
    }
    // Keep the compiler from turning the loop back into an early-exit compare.
    volatile unsigned sink = diff;
    return sink == 0;
}

bool admin_authorized(std::string_view authorization, std::string_view token) {
    constexpr std::string_view kScheme = "Bearer ";
    if (token.empty() || !authorization.starts_with(kScheme)) return false;
    return constant_time_equal(authorization.substr(kScheme.size()), token);
}

}  // namespace confab::net
