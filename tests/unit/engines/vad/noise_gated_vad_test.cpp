#include "engines/vad/noise_gated_vad.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "support/test_audio.hpp"

namespace confab::engines {
namespace {

// A detector that calls every frame speech (as WebRTC's VAD does a steady
// -45 dBFS hiss), with a 100 ms hangover; counts the frames it saw.
class AlwaysSpeech final : public VoiceActivityDetector {
public:
    explicit AlwaysSpeech(int* frames_seen, bool* speech)
        : frames_seen_(frames_seen), speech_(speech) {}
    int sample_rate() const override { return 16000; }
    int frame_samples() const override { return 320; }
    int hangover_ms() const override { return 100; }
    bool is_speech(std::span<const std::int16_t>) override {
        ++*frames_seen_;
        return *speech_;
    }
    void reset() override { ++resets; }
    int resets = 0;

private:
    int* frames_seen_;
    bool* speech_;
};

using test::frame_at_dbfs;

class NoiseGatedVadTest : public ::testing::Test {
protected:
    NoiseGatedVadTest()
        : gate_(std::make_unique<AlwaysSpeech>(&frames_seen_, &inner_says_speech_), 10) {}

    // Feeds `n` frames at `dbfs`; returns how many were called speech.
    int feed(int n, double dbfs) {
        const auto frame = frame_at_dbfs(dbfs);
        int speech = 0;
        for (int i = 0; i < n; ++i) speech += gate_.is_speech(frame) ? 1 : 0;
        return speech;
    }
    std::vector<bool> decisions(int n, double dbfs) {
        const auto frame = frame_at_dbfs(dbfs);
        std::vector<bool> out;
        for (int i = 0; i < n; ++i) out.push_back(gate_.is_speech(frame));
        return out;
    }

    int frames_seen_ = 0;
    bool inner_says_speech_ = true;
    NoiseGatedVad gate_;
};

TEST_F(NoiseGatedVadTest, UntilTheFloorIsKnownTheWrappedDetectorDecidesAlone) {
    // A steady hiss: the first second (50 frames) teaches the floor.
    EXPECT_EQ(feed(50, -45), 50);
    ASSERT_TRUE(gate_.floor_dbfs());
    EXPECT_NEAR(*gate_.floor_dbfs(), -45, 1.0);  // 1 dB bins
    // From then on the hiss is not speech, after the hangover (5 frames): the
    // gate was "loud" for every frame before the floor was known.
    EXPECT_EQ(feed(100, -45), 5);
}

TEST_F(NoiseGatedVadTest, SpeechWellAboveTheFloorPassesAndEndsOneHangoverAfterTheVoice) {
    feed(60, -45);
    EXPECT_EQ(feed(40, -20), 40);
    // The voice ends: as many frames as the wrapped detector's hangover still
    // count, so the turn detector (which counts the hangover as silence)
    // measures the pause from the real end.
    const auto after = decisions(10, -45);
    EXPECT_EQ(after,
              (std::vector<bool>{true, true, true, true, true, false, false, false, false, false}));
    EXPECT_EQ(gate_.hangover_ms(), 100);
}

TEST_F(NoiseGatedVadTest, ALevelWithinTheMarginIsNotSpeech) {
    feed(60, -45);
    // The floor reads -46..-45 (1 dB bins); the margin is 10 dB.
    EXPECT_EQ(feed(20, -37), 0) << "at most 9 dB above the floor";
    EXPECT_EQ(feed(20, -33), 20) << "at least 12 dB above";
}

TEST_F(NoiseGatedVadTest, TheWrappedDetectorStillDecidesAndSeesEveryFrame) {
    feed(60, -45);
    inner_says_speech_ = false;
    EXPECT_EQ(feed(20, -10), 0) << "loud, but not a voice";
    EXPECT_EQ(frames_seen_, 80);
}

TEST_F(NoiseGatedVadTest, ZerosBetweenTurnsKeepTheFloorAndResetKeepsItToo) {
    feed(60, -45);
    EXPECT_EQ(feed(500, -120), 0) << "digital silence is below any floor";
    gate_.reset();
    ASSERT_TRUE(gate_.floor_dbfs());
    EXPECT_NEAR(*gate_.floor_dbfs(), -45, 1.0);
    EXPECT_EQ(feed(10, -45), 0) << "the hiss after the gap is judged against the floor at once";
}

}  // namespace
}  // namespace confab::engines
