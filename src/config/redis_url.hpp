// store.redis_url: redis://host:port (port optional, 6379), checked by the
// validator and parsed again by the server.
#pragma once
#include <optional>
#include <string>

namespace confab {

struct RedisAddress {
    std::string host;
    int port = 6379;
};

// nullopt: not of that form (a scheme other than redis://, no host, a bad port).
std::optional<RedisAddress> parse_redis_url(const std::string& url);

}  // namespace confab
