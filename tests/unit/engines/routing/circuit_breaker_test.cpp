// CircuitBreaker on a controllable clock: closed → open after N failures in
// a row → half-open (one probe) after the cool-down → closed on success, or
// open again on failure.
#include "engines/routing/circuit_breaker.hpp"

#include <gtest/gtest.h>

namespace confab::engines {
namespace {
using namespace std::chrono_literals;
using State = CircuitBreaker::State;
using Clock = CircuitBreaker::Clock;

CircuitBreaker breaker() {
    return CircuitBreaker({.failure_threshold = 3, .cooldown = 10s});
}

bool acquire(CircuitBreaker& b, Clock::time_point now) {
    std::optional<CircuitBreaker::Transition> t;
    return b.try_acquire(now, t);
}

TEST(CircuitBreaker, OpensAfterConsecutiveFailuresOnly) {
    auto b = breaker();
    const Clock::time_point t0{};
    EXPECT_FALSE(b.on_failure(t0));
    EXPECT_FALSE(b.on_failure(t0));
    EXPECT_FALSE(b.on_success());  // closed → closed: no transition
    EXPECT_EQ(b.consecutive_failures(), 0);
    EXPECT_FALSE(b.on_failure(t0));
    EXPECT_FALSE(b.on_failure(t0));
    EXPECT_EQ(b.state(), State::closed);
    const auto opened = b.on_failure(t0);
    ASSERT_TRUE(opened);
    EXPECT_EQ(opened->from, State::closed);
    EXPECT_EQ(opened->to, State::open);
    EXPECT_EQ(b.state(), State::open);
}

TEST(CircuitBreaker, StaysShutDuringTheCooldownThenLetsOneProbeThrough) {
    auto b = breaker();
    const Clock::time_point t0{};
    for (int i = 0; i < 3; ++i) b.on_failure(t0);
    EXPECT_FALSE(b.available(t0 + 9999ms));
    EXPECT_FALSE(acquire(b, t0 + 9999ms));
    EXPECT_TRUE(b.available(t0 + 10s));

    std::optional<CircuitBreaker::Transition> t;
    ASSERT_TRUE(b.try_acquire(t0 + 10s, t));
    ASSERT_TRUE(t);
    EXPECT_EQ(t->to, State::half_open);
    // One probe at a time: the next request is refused while it is out.
    EXPECT_FALSE(b.available(t0 + 11s));
    EXPECT_FALSE(acquire(b, t0 + 11s));
}

TEST(CircuitBreaker, AProbesSuccessClosesIt) {
    auto b = breaker();
    const Clock::time_point t0{};
    for (int i = 0; i < 3; ++i) b.on_failure(t0);
    ASSERT_TRUE(acquire(b, t0 + 10s));
    const auto closed = b.on_success();
    ASSERT_TRUE(closed);
    EXPECT_EQ(closed->from, State::half_open);
    EXPECT_EQ(closed->to, State::closed);
    EXPECT_TRUE(acquire(b, t0 + 10s));
    EXPECT_TRUE(acquire(b, t0 + 10s));  // closed: no limit
}

TEST(CircuitBreaker, AProbesFailureOpensItForAnotherCooldown) {
    auto b = breaker();
    const Clock::time_point t0{};
    for (int i = 0; i < 3; ++i) b.on_failure(t0);
    ASSERT_TRUE(acquire(b, t0 + 10s));
    const auto reopened = b.on_failure(t0 + 12s);
    ASSERT_TRUE(reopened);
    EXPECT_EQ(reopened->to, State::open);
    EXPECT_FALSE(b.available(t0 + 21s));  // counted from the probe's failure
    EXPECT_TRUE(b.available(t0 + 22s));
}

TEST(CircuitBreaker, AnAbandonedProbeIsGivenBack) {
    auto b = breaker();
    const Clock::time_point t0{};
    for (int i = 0; i < 3; ++i) b.on_failure(t0);
    ASSERT_TRUE(acquire(b, t0 + 10s));
    b.on_abandoned();  // the caller cancelled: no verdict on the backend
    EXPECT_EQ(b.state(), State::half_open);
    EXPECT_TRUE(acquire(b, t0 + 10s));
}

}  // namespace
}  // namespace confab::engines
