// store.redis_url: the one form accepted, and what is refused.
#include "config/redis_url.hpp"

#include <gtest/gtest.h>

namespace confab {
namespace {

TEST(RedisUrl, HostAndPort) {
    const auto a = parse_redis_url("redis://10.0.0.5:6380");
    ASSERT_TRUE(a);
    EXPECT_EQ(a->host, "10.0.0.5");
    EXPECT_EQ(a->port, 6380);
    const auto b = parse_redis_url("redis://redis/");
    ASSERT_TRUE(b);
    EXPECT_EQ(b->host, "redis");
    EXPECT_EQ(b->port, 6379);
}

TEST(RedisUrl, OtherFormsAreRefused) {
    for (const char* bad :
         {"", "10.0.0.5:6379", "rediss://h:1", "redis://", "redis://:6379", "redis://h:0",
          "redis://h:70000", "redis://h:12x", "redis://u@h:1", "redis://h:1/0"})
        EXPECT_FALSE(parse_redis_url(bad)) << bad;
}

}  // namespace
}  // namespace confab
