#include "session/session_rate_limits.hpp"

#include <gtest/gtest.h>

namespace confab::session {
namespace {
using namespace std::chrono_literals;
using Clock = SessionRateLimits::Clock;

SessionLimits limits() {
    SessionLimits l;
    l.max_events_per_second = 5;
    l.max_audio_seconds_per_minute = 60;
    l.max_responses_per_minute = 2;
    l.input_audio_lead_ms = 1000;
    return l;
}

TEST(SessionRateLimits, EventsBurstToTheLimitThenRefillWithTime) {
    const auto t0 = Clock::time_point{} + 100s;
    SessionRateLimits rl(limits(), t0);
    for (int i = 0; i < 5; ++i) EXPECT_FALSE(rl.admit_event(t0)) << i;
    auto refused = rl.admit_event(t0);
    ASSERT_TRUE(refused);
    EXPECT_EQ(refused->code, "rate_limit_exceeded");
    EXPECT_EQ(refused->limit, "events_per_second");
    EXPECT_TRUE(refused->report);
    // 200 ms later one more event's worth has refilled.
    EXPECT_FALSE(rl.admit_event(t0 + 200ms));
    EXPECT_TRUE(rl.admit_event(t0 + 200ms));
}

TEST(SessionRateLimits, CoalescesErrorsToOnePerSecondAndCountsTheRest) {
    const auto t0 = Clock::time_point{} + 100s;
    SessionRateLimits rl(limits(), t0);
    for (int i = 0; i < 5; ++i) rl.admit_event(t0);
    EXPECT_TRUE(rl.admit_event(t0)->report);
    EXPECT_FALSE(rl.admit_event(t0 + 1ms)->report);
    EXPECT_FALSE(rl.admit_event(t0 + 2ms)->report);
    // Over a second later: bucket has refilled, drain it again.
    const auto t1 = t0 + 1100ms;
    for (int i = 0; i < 5; ++i) rl.admit_event(t1);
    auto next = rl.admit_event(t1);
    ASSERT_TRUE(next);
    EXPECT_TRUE(next->report);
    EXPECT_NE(next->message.find("2 more were refused"), std::string::npos) << next->message;
}

TEST(SessionRateLimits, AudioMayLeadRealTimeOnlyByTheMargin) {
    const auto t0 = Clock::time_point{} + 100s;
    SessionRateLimits rl(limits(), t0);
    for (int i = 0; i < 50; ++i) EXPECT_FALSE(rl.admit_audio(20, t0)) << i;  // 1000 ms at once
    auto refused = rl.admit_audio(20, t0);
    ASSERT_TRUE(refused);
    EXPECT_EQ(refused->code, "input_audio_too_fast");
    EXPECT_EQ(refused->limit, "input_audio_lead_ms");
    // Real-time pacing is always admitted.
    for (int i = 1; i <= 100; ++i) EXPECT_FALSE(rl.admit_audio(20, t0 + i * 20ms)) << i;
}

TEST(SessionRateLimits, AudioSecondsPerMinuteBoundsTheLongRun) {
    auto l = limits();
    l.max_audio_seconds_per_minute = 2;  // less than real time
    l.input_audio_lead_ms = 10000;
    const auto t0 = Clock::time_point{} + 100s;
    SessionRateLimits rl(l, t0);
    for (int i = 0; i < 100; ++i)
        EXPECT_FALSE(rl.admit_audio(20, t0)) << i;  // 2 s of audio at once
    // 100 ms later only ~3 ms of the per-minute allowance has come back.
    auto refused = rl.admit_audio(20, t0 + 100ms);
    ASSERT_TRUE(refused);
    EXPECT_EQ(refused->limit, "audio_seconds_per_minute");
    // A refused chunk charged neither bucket: the lead is intact for later.
    EXPECT_FALSE(rl.admit_audio(20, t0 + 30s));
}

TEST(SessionRateLimits, ResponsesPerMinuteRefusesEveryExcessResponse) {
    const auto t0 = Clock::time_point{} + 100s;
    SessionRateLimits rl(limits(), t0);
    EXPECT_FALSE(rl.admit_response(t0));
    EXPECT_FALSE(rl.admit_response(t0));
    auto a = rl.admit_response(t0);
    auto b = rl.admit_response(t0 + 1ms);
    ASSERT_TRUE(a && b);
    EXPECT_TRUE(a->report);
    EXPECT_TRUE(b->report);
    EXPECT_EQ(a->limit, "responses_per_minute");
    EXPECT_NE(a->message.find("Retry in 30 s"), std::string::npos) << a->message;
    EXPECT_FALSE(rl.admit_response(t0 + 31s));  // one refilled (1 per 30 s)
}

TEST(SessionRateLimits, PrefetchesHaveABudgetOfTheirOwnAsLargeAsResponses) {
    const auto t0 = Clock::time_point{} + 100s;
    SessionRateLimits rl(limits(), t0);
    EXPECT_TRUE(rl.admit_prefetch(t0));
    EXPECT_TRUE(rl.admit_prefetch(t0));
    EXPECT_FALSE(rl.admit_prefetch(t0));  // 2 per minute
    // The responses themselves are not charged by prefetches.
    EXPECT_FALSE(rl.admit_response(t0));
    EXPECT_FALSE(rl.admit_response(t0));
    EXPECT_TRUE(rl.admit_prefetch(t0 + 30s));  // one more refilled
}

TEST(SessionRateLimits, SnapshotNamesEachLimitWithWhatRemains) {
    const auto t0 = Clock::time_point{} + 100s;
    SessionRateLimits rl(limits(), t0);
    rl.admit_response(t0);
    rl.admit_audio(1000, t0);
    const auto snap = rl.snapshot(t0);
    ASSERT_EQ(snap.size(), 3u);
    EXPECT_EQ(snap[0].as_object().at("name").as_string(), "events_per_second");
    EXPECT_EQ(snap[1].as_object().at("name").as_string(), "audio_seconds_per_minute");
    EXPECT_EQ(snap[1].as_object().at("remaining").to_number<double>(), 59.0);
    EXPECT_EQ(snap[2].as_object().at("limit").to_number<double>(), 2.0);
    EXPECT_EQ(snap[2].as_object().at("remaining").to_number<double>(), 1.0);
    EXPECT_EQ(snap[2].as_object().at("reset_seconds").to_number<double>(), 30.0);
}

}  // namespace
}  // namespace confab::session

namespace confab::session {
namespace {

// Two sessions of one API key draw on the key's quota together; a refusal
// names the key's limit and costs the session nothing.
TEST(SessionRateLimitsKeyQuota, SessionsOfOneKeyShareItsLimits) {
    const auto t0 = Clock::time_point{} + 100s;
    auto quota = std::make_shared<KeyQuota>("alice-laptop", KeyQuota::Limits{3, 1}, t0);
    SessionRateLimits a(limits(), t0);
    SessionRateLimits b(limits(), t0);
    a.set_key_quota(quota);
    b.set_key_quota(quota);
    EXPECT_FALSE(a.admit_response(t0));
    EXPECT_FALSE(b.admit_response(t0));
    EXPECT_FALSE(b.admit_response(t0));
    const auto refused = a.admit_response(t0);
    ASSERT_TRUE(refused);
    EXPECT_EQ(refused->code, "rate_limit_exceeded");
    EXPECT_EQ(refused->limit, "key_responses_per_minute");
    EXPECT_NE(refused->message.find("API key alice-laptop"), std::string::npos) << refused->message;
    // a's own budget (2 a minute) was not charged for the refusal.
    EXPECT_FALSE(a.admit_response(t0 + 20s));

    // One minute of audio an hour, over both sessions.
    EXPECT_FALSE(a.admit_audio(500, t0));
    for (int i = 1; i <= 60; ++i) EXPECT_FALSE((i % 2 ? b : a).admit_audio(1000, t0 + i * 1s)) << i;
    const auto audio = b.admit_audio(1000, t0 + 61s);
    ASSERT_TRUE(audio);
    EXPECT_EQ(audio->limit, "key_audio_minutes_per_hour");
}

}  // namespace
}  // namespace confab::session
