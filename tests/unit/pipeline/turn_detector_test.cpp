#include <gtest/gtest.h>

#include "pipeline/turn_detector.hpp"

namespace confab::pipeline {
namespace {
using Event = TurnDetector::Event;

// Feeds a pattern ('S' speech, '.' silence) of 20 ms frames from `start_ms`;
// returns the (frame index, event) pairs that fired.
std::vector<std::pair<int, Event>> feed(TurnDetector& d, std::string_view pattern,
                                        int start_ms = 0) {
    std::vector<std::pair<int, Event>> out;
    for (std::size_t i = 0; i < pattern.size(); ++i) {
        const auto ev = d.on_frame(pattern[i] == 'S', start_ms + static_cast<int>(i) * 20);
        if (ev != Event::none) out.emplace_back(static_cast<int>(i), ev);
    }
    return out;
}

TEST(TurnDetector, StartsAfterEnoughOnsetSpeechAndDatesTheStartBack) {
    TurnDetector d({0.5, 300, 500});
    const auto events = feed(d, "....SSS");
    ASSERT_EQ(events.size(), 1u);
    EXPECT_EQ(events[0],
              std::make_pair(6, Event::speech_started));  // the third speech frame confirms
    EXPECT_EQ(d.speech_start_ms(), 80);                   // dated to the first
    EXPECT_EQ(d.state(), TurnDetector::State::speaking);
}

TEST(TurnDetector, ThresholdSetsHowMuchOfTheOnsetMustBeSpeech) {
    TurnDetector low({0.2, 300, 500});
    EXPECT_EQ(feed(low, "S").size(), 1u);
    TurnDetector high({0.9, 300, 500});
    EXPECT_TRUE(feed(high, "SSSS.").empty());
    EXPECT_EQ(feed(high, "SSSSS").size(), 1u);
}

TEST(TurnDetector, ClicksDoNotStartATurn) {
    TurnDetector d({0.5, 300, 500});
    EXPECT_TRUE(feed(d, "S.....S.....S.....").empty());
    EXPECT_EQ(d.state(), TurnDetector::State::quiet);
}

TEST(TurnDetector, StopsAfterTheSilenceDuration) {
    TurnDetector d({0.5, 300, 500});
    auto events = feed(d, "SSSSSSSSSS" + std::string(25, '.'));
    ASSERT_EQ(events.size(), 2u);
    EXPECT_EQ(events[1].second, Event::speech_stopped);
    EXPECT_EQ(events[1].first, 10 + 24);  // 25 silent frames = 500 ms
    EXPECT_EQ(d.speech_end_ms(), 200);
    EXPECT_EQ(d.state(), TurnDetector::State::quiet);
}

TEST(TurnDetector, CountsTheVadHangoverAsSilence) {
    TurnDetector::Params p{0.5, 300, 500};
    p.vad_hangover_ms = 100;  // the VAD says "speech" for 5 frames after the voice ends
    TurnDetector d(p);
    auto events = feed(d, "SSSSSSSSSS" + std::string(25, '.'));
    ASSERT_EQ(events.size(), 2u);
    EXPECT_EQ(events[1].second, Event::speech_stopped);
    EXPECT_EQ(events[1].first, 10 + 19);  // 400 ms reported silence + 100 ms hangover = 500 ms
    EXPECT_EQ(d.required_silence_ms(), 400);
}

TEST(TurnDetector, ShortPausesDoNotEndTheTurn) {
    TurnDetector d({0.5, 300, 500});
    const auto events = feed(d, "SSSSS" + std::string(20, '.') + "SSSSS" + std::string(10, '.'));
    ASSERT_EQ(events.size(), 1u);
    EXPECT_EQ(d.state(), TurnDetector::State::stopping);
}

TEST(TurnDetector, TheTranscriptAdaptsThePause) {
    TurnDetector d({0.5, 300, 500});
    feed(d, "SSSSS");
    d.set_transcript("i would like a");  // unfinished: 900 ms
    EXPECT_EQ(d.silence_target_ms(), 900);
    EXPECT_TRUE(feed(d, std::string(40, '.'), 100).empty());
    EXPECT_EQ(feed(d, std::string(5, '.'), 900).size(), 1u);
    TurnDetector e({0.5, 300, 500});
    feed(e, "SSSSS");
    e.set_transcript("thank you bye");  // finished: 350 ms
    const auto events = feed(e, std::string(20, '.'), 100);
    ASSERT_EQ(events.size(), 1u);
    EXPECT_EQ(events[0].first, 17);
}

TEST(TurnDetector, MonologuesAreCutAtTheMaximumTurn) {
    TurnDetector d({0.5, 300, 500, 20, 1000});
    const auto events = feed(d, std::string(60, 'S'));
    ASSERT_EQ(events.size(), 3u);  // start, forced stop at 1 s, start again
    EXPECT_EQ(events[1].second, Event::speech_stopped);
}

// semantic_vad: the eagerness, not silence_duration_ms, sets the pause.
TEST(TurnDetector, EagernessSetsThePauseInsteadOfTheSilenceDuration) {
    TurnDetector::Params p{0.5, 300, 500};
    p.eagerness = Eagerness::high;
    TurnDetector d(p);
    EXPECT_EQ(d.silence_target_ms(), 300);  // neutral, not 500
    d.set_transcript("i would like a coffee and");
    EXPECT_EQ(d.silence_target_ms(), 2000);
    auto events = feed(d, "SSSSSSSSSS" + std::string(100, '.'));
    ASSERT_EQ(events.size(), 2u);
    EXPECT_EQ(events[1], std::make_pair(10 + 99, Event::speech_stopped));  // 100 frames = 2 s
}

}  // namespace
}  // namespace confab::pipeline
