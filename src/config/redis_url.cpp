#include "config/redis_url.hpp"

#include <charconv>

namespace confab {

std::optional<RedisAddress> parse_redis_url(const std::string& url) {
    constexpr std::string_view kScheme = "redis://";
    if (url.rfind(kScheme, 0) != 0) return std::nullopt;
    std::string rest = url.substr(kScheme.size());
    if (!rest.empty() && rest.back() == '/') rest.pop_back();
    RedisAddress address;
    if (const auto colon = rest.rfind(':'); colon != std::string::npos) {
        const std::string port = rest.substr(colon + 1);
        int value = 0;
        const auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
        if (ec != std::errc() || end != port.data() + port.size() || value < 1 || value > 65535)
            return std::nullopt;
        address.port = value;
        rest.resize(colon);
    }
    if (rest.empty() || rest.find_first_of("/@?# ") != std::string::npos) return std::nullopt;
    address.host = std::move(rest);
    return address;
}

}  // namespace confab
