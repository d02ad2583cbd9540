// The SLO verdict of one run: each of issue 4's four criteria, and what
// counts when a quantity was not measured.
#include "loadgen/slo_check.hpp"

#include <gtest/gtest.h>

namespace confab::bench {
namespace {

SloInputs good_run() {
    SloInputs in;
    in.end_of_speech_to_first_audio_p95 = 1000;
    in.barge_in_stop_p95 = 120;
    return in;
}

const SloCheck& check(const SloVerdict& v, const std::string& name) {
    for (const auto& c : v.checks)
        if (c.name == name) return c;
    throw std::runtime_error("no check " + name);
}

TEST(SloCheck, PassesWhenEveryCriterionHolds) {
    const auto v = check_slo(good_run(), SloLimits{});
    EXPECT_TRUE(v.pass);
    ASSERT_EQ(v.checks.size(), 4u);
    EXPECT_EQ(check(v, "reply_p95").detail, "1000 ms <= 1100 ms");
}

TEST(SloCheck, ReplyLimitIsSilencePlusMarginInclusive) {
    auto in = good_run();
    in.end_of_speech_to_first_audio_p95 = 1400;
    EXPECT_TRUE(check_slo(in, SloLimits{.silence_ms = 800}).pass);  // 800 + 600 = 1400
    in.end_of_speech_to_first_audio_p95 = 1400.5;
    const auto v = check_slo(in, SloLimits{.silence_ms = 800});
    EXPECT_FALSE(v.pass);
    EXPECT_FALSE(check(v, "reply_p95").pass);
    EXPECT_EQ(check(v, "reply_p95").detail, "1400 ms > 1400 ms");  // rounded for the reader
}

TEST(SloCheck, OneUnderrunOrOneFailedTurnFails) {
    auto in = good_run();
    in.underruns = 1;
    auto v = check_slo(in, SloLimits{});
    EXPECT_FALSE(v.pass);
    EXPECT_FALSE(check(v, "underruns").pass);
    EXPECT_TRUE(check(v, "failed_turns").pass);

    in = good_run();
    in.failed_turns = 2;
    v = check_slo(in, SloLimits{});
    EXPECT_FALSE(v.pass);
    EXPECT_EQ(check(v, "failed_turns").detail, "2 > 0");
}

TEST(SloCheck, SlowBargeInStopFails) {
    auto in = good_run();
    in.barge_in_stop_p95 = 151;
    const auto v = check_slo(in, SloLimits{});
    EXPECT_FALSE(v.pass);
    EXPECT_FALSE(check(v, "barge_in_stop_p95").pass);
}

TEST(SloCheck, NoBargeInMeasuredIsNotHeldAgainstTheRun) {
    auto in = good_run();
    in.barge_in_stop_p95.reset();
    const auto v = check_slo(in, SloLimits{});
    EXPECT_TRUE(v.pass);
    EXPECT_TRUE(check(v, "barge_in_stop_p95").pass);
    EXPECT_FALSE(check(v, "barge_in_stop_p95").measured);
}

TEST(SloCheck, ARunWithoutAnyRepliedTurnFails) {
    auto in = good_run();
    in.end_of_speech_to_first_audio_p95.reset();
    const auto v = check_slo(in, SloLimits{});
    EXPECT_FALSE(v.pass);
    EXPECT_FALSE(check(v, "reply_p95").measured);
}

}  // namespace
}  // namespace confab::bench
