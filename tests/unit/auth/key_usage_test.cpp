#include "auth/key_usage.hpp"

#include <gtest/gtest.h>

namespace confab::auth {
namespace {

using namespace std::chrono_literals;

Identity alice(std::optional<int> max_sessions = std::nullopt) {
    Identity who;
    who.key_id = "alice";
    who.user = "alice";
    who.limits.max_sessions = max_sessions;
    return who;
}

TEST(KeyUsage, AKeyHoldsAtMostItsSessionsAndGetsSlotsBack) {
    AuthConfig config;
    config.max_sessions_per_key = 8;
    KeyUsage usage(config);
    const auto now = std::chrono::steady_clock::now();
    auto first = usage.admit(alice(2), now);
    auto second = usage.admit(alice(2), now);
    ASSERT_TRUE(first.slot && second.slot);
    auto third = usage.admit(alice(2), now);
    EXPECT_TRUE(third.refused);
    EXPECT_EQ(third.max_sessions, 2);
    EXPECT_EQ(usage.sessions("alice"), 2);
    first.slot.reset();
    EXPECT_EQ(usage.sessions("alice"), 1);
    EXPECT_FALSE(usage.admit(alice(2), now).refused);
}

TEST(KeyUsage, TheDefaultAppliesAndZeroMeansNoLimit) {
    AuthConfig config;
    config.max_sessions_per_key = 1;
    KeyUsage usage(config);
    const auto now = std::chrono::steady_clock::now();
    auto held = usage.admit(alice(), now);
    EXPECT_TRUE(usage.admit(alice(), now).refused);
    std::vector<KeyUsage::Admission> many;
    for (int i = 0; i < 50; ++i) many.push_back(usage.admit(alice(0), now));
    for (const auto& a : many) EXPECT_FALSE(a.refused);
}

TEST(KeyUsage, TheSessionsOfAKeyShareOneQuota) {
    AuthConfig config;
    config.max_responses_per_minute_per_key = 3;
    KeyUsage usage(config);
    const auto now = std::chrono::steady_clock::now();
    auto a = usage.admit(alice(), now);
    auto b = usage.admit(alice(), now);
    ASSERT_EQ(a.quota, b.quota);
    EXPECT_FALSE(a.quota->take_response(now));
    EXPECT_FALSE(b.quota->take_response(now));
    EXPECT_FALSE(a.quota->take_response(now));
    const auto wait = b.quota->take_response(now);
    ASSERT_TRUE(wait);
    EXPECT_NEAR(*wait, 20.0, 0.01);  // 3 a minute: one every 20 s
    EXPECT_FALSE(b.quota->take_response(now + 20s));
}

TEST(KeyUsage, TheAnonymousIdentityHasNoSlotNorQuota) {
    AuthConfig config;
    KeyUsage usage(config);
    auto a = usage.admit(Identity{}, std::chrono::steady_clock::now());
    EXPECT_FALSE(a.refused);
    EXPECT_FALSE(a.slot);
    EXPECT_FALSE(a.quota);
}

}  // namespace
}  // namespace confab::auth
