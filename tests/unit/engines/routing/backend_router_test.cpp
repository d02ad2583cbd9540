// BackendRouter's choice: room first, then fewest in flight per weight, then
// recent latency; tried and shut backends skipped; saturation is not a fault.
#include "engines/routing/backend_router.hpp"

#include <gtest/gtest.h>

namespace confab::engines {
namespace {
using namespace std::chrono_literals;
using Clock = BackendRouter::Clock;

BackendRouter router(std::vector<BackendRouter::Backend> backends, int failures = 2) {
    return BackendRouter("llm", std::move(backends),
                         {.failure_threshold = failures, .cooldown = 5s});
}

TEST(BackendRouter, PrefersTheBackendWithFewestRequestsInFlight) {
    auto r = router({{"a", "http://a", 1, 8}, {"b", "http://b", 1, 8}});
    const Clock::time_point now{};
    auto first = r.pick({}, now);
    ASSERT_TRUE(first);
    EXPECT_EQ(first->index(), 0u);  // a tie: the order configured
    auto second = r.pick({}, now);
    ASSERT_TRUE(second);
    EXPECT_EQ(second->index(), 1u);  // a has one in flight
    first->succeeded(10ms);
    auto third = r.pick({}, now);
    ASSERT_TRUE(third);
    EXPECT_EQ(third->index(), 0u);
}

TEST(BackendRouter, WeighsLoadAndFillsRoomBeforeQueueing) {
    // b takes three times a's share; a has room for one.
    auto r = router({{"a", "http://a", 1, 1}, {"b", "http://b", 3, 8}});
    const Clock::time_point now{};
    std::vector<BackendRouter::Attempt> held;
    std::vector<std::size_t> picked;
    for (int i = 0; i < 5; ++i) {
        auto attempt = r.pick({}, now);
        ASSERT_TRUE(attempt);
        picked.push_back(attempt->index());
        held.push_back(std::move(*attempt));
    }
    // Both idle: the heavier b. Then a (0) before b (1/3); then a is full
    // (no room) and b takes the rest, past its own share.
    EXPECT_EQ(picked, (std::vector<std::size_t>{1, 0, 1, 1, 1}));
    EXPECT_EQ(r.status(now)[0].in_flight, 1);
    EXPECT_EQ(r.status(now)[1].in_flight, 4);
}

TEST(BackendRouter, BreaksTiesByRecentLatency) {
    auto r = router({{"slow", "http://a", 1, 8}, {"fast", "http://b", 1, 8}});
    const Clock::time_point now{};
    r.pick({}, now)->succeeded(400ms);
    r.pick({true}, now)->succeeded(50ms);  // "slow" counts as tried: "fast" is picked
    auto next = r.pick({}, now);
    ASSERT_TRUE(next);
    EXPECT_EQ(r.backend(next->index()).name, "fast");
}

TEST(BackendRouter, SkipsTriedBackendsAndOpenBreakers) {
    auto r = router({{"a", "http://a", 1, 8}, {"b", "http://b", 1, 8}});
    const Clock::time_point t0{};
    auto only_b = r.pick({true}, t0);
    ASSERT_TRUE(only_b);
    EXPECT_EQ(only_b->index(), 1u);
    only_b->abandoned();
    EXPECT_FALSE(r.pick({true, true}, t0));

    // Two failures open a's breaker: every request goes to b until the cool-down ends.
    r.pick({true}, t0).reset();  // abandoned b attempts do not count
    for (int i = 0; i < 2; ++i) {
        auto a = r.pick({false, true}, t0);
        ASSERT_TRUE(a);
        ASSERT_EQ(a->index(), 0u);
        a->failed(BackendRouter::Failure::unreachable, "connect refused", t0);
    }
    EXPECT_EQ(r.status(t0)[0].breaker, "open");
    EXPECT_EQ(r.status(t0)[0].last_error, "connect refused");
    for (int i = 0; i < 3; ++i) {
        auto next = r.pick({}, t0 + 1s);
        ASSERT_TRUE(next);
        EXPECT_EQ(next->index(), 1u);
    }
    EXPECT_FALSE(r.pick({false, true}, t0 + 4s));
    auto probe = r.pick({false, true}, t0 + 5s);
    ASSERT_TRUE(probe);
    EXPECT_EQ(probe->index(), 0u);
    EXPECT_EQ(r.status(t0 + 5s)[0].breaker, "half_open");
    probe->succeeded(20ms);
    EXPECT_EQ(r.status(t0 + 5s)[0].breaker, "closed");
}

TEST(BackendRouter, SaturationDoesNotOpenTheBreaker) {
    auto r = router({{"a", "http://a", 1, 8}}, 1);
    const Clock::time_point t0{};
    for (int i = 0; i < 3; ++i) {
        r.pick({}, t0)->failed(BackendRouter::Failure::saturated, "busy", t0);
    }
    EXPECT_EQ(r.status(t0)[0].breaker, "closed");
    EXPECT_TRUE(r.unavailable_reason(t0).empty());
    r.pick({}, t0)->failed(BackendRouter::Failure::error, "HTTP 500", t0);
    EXPECT_EQ(r.status(t0)[0].breaker, "open");
    const std::string why = r.unavailable_reason(t0);
    EXPECT_NE(why.find("no llm backend is usable"), std::string::npos) << why;
    EXPECT_NE(why.find("a open (HTTP 500)"), std::string::npos) << why;
}

}  // namespace
}  // namespace confab::engines
