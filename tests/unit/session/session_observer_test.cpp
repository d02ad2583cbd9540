#include "session/session_observer.hpp"

#include <gtest/gtest.h>

#include <cmath>

namespace confab::session {
namespace {

using metrics::Stage;

std::uint64_t count(metrics::Metrics& m, Stage s) {
    return m.stage(s).snapshot().count();
}

TEST(SessionObserver, FeedsMetricsAndTheSessionsStats) {
    metrics::Metrics m;
    SessionObserver o(&m);
    o.audio_in(480);
    o.audio_in(480);
    o.speech_started(100, std::nullopt);  // no reply playing: not a barge-in
    EXPECT_EQ(o.stats()->state.load(), SessionStats::State::user_speaking);
    o.speech_stopped(520);
    o.turn_committed();
    EXPECT_EQ(o.stats()->state.load(), SessionStats::State::transcribing);
    o.transcript_final();
    o.transcript_final();  // a second final (manual commit) has no end-of-turn to count from

    EXPECT_EQ(m.audio_in_frames.value(), 2u);
    EXPECT_EQ(m.audio_in_bytes.value(), 1920u);
    EXPECT_EQ(m.turns.value(), 1u);
    EXPECT_EQ(m.barge_ins.value(), 0u);
    EXPECT_EQ(count(m, Stage::end_of_turn), 1u);
    EXPECT_DOUBLE_EQ(m.stage(Stage::end_of_turn).snapshot().sum, 0.52);
    EXPECT_EQ(count(m, Stage::stt_final), 1u);
    EXPECT_EQ(count(m, Stage::barge_in_stop), 0u);

    const auto snap = o.stats()->read("sess_1", "m");
    EXPECT_EQ(snap.id, "sess_1");
    EXPECT_EQ(snap.turns, 1u);
    EXPECT_DOUBLE_EQ(snap.audio_in_s, 0.04);
    EXPECT_DOUBLE_EQ(snap.last_latency_s[static_cast<std::size_t>(Stage::end_of_turn)], 0.52);
    EXPECT_TRUE(std::isnan(snap.last_latency_s[static_cast<std::size_t>(Stage::llm_first_token)]));
}

TEST(SessionObserver, BargeInCountsTheOnsetWaitPlusTheCancel) {
    metrics::Metrics m;
    SessionObserver o(&m);
    o.speech_started(120, SessionObserver::Clock::now());
    EXPECT_EQ(m.barge_ins.value(), 1u);
    EXPECT_EQ(o.stats()->barge_ins.load(), 1u);
    const auto s = m.stage(Stage::barge_in_stop).snapshot();
    ASSERT_EQ(s.count(), 1u);
    EXPECT_GE(s.sum, 0.12);
    EXPECT_LT(s.sum, 1.0);
}

TEST(SessionObserver, WithoutMetricsOnlyTheStatsMove) {
    SessionObserver o(nullptr);
    o.turn_committed();
    o.speech_started(100, SessionObserver::Clock::now());
    EXPECT_EQ(o.stats()->turns.load(), 1u);
    EXPECT_EQ(o.stats()->barge_ins.load(), 1u);
}

}  // namespace
}  // namespace confab::session
