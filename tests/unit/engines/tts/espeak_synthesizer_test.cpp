#include "engines/tts/espeak_synthesizer.hpp"

#include <gtest/gtest.h>

#include <thread>

#include "support/test_audio.hpp"
#include "util/errors.hpp"

namespace confab::engines {
namespace {

constexpr const char* kSentence = "The weather is nice today, so we will walk to the park.";

std::vector<std::int16_t> synthesize(SpeechSynthesizer& tts, SynthesisOptions options,
                                     std::error_code& error) {
    std::vector<std::int16_t> pcm;
    error = tts.synthesize(kSentence, options, [&](std::span<const std::int16_t> chunk) {
        pcm.insert(pcm.end(), chunk.begin(), chunk.end());
        return true;
    });
    return pcm;
}

TEST(EspeakSynthesizer, SpeaksEveryVoiceAt22050Hz) {
    EspeakSynthesizer tts;
    ASSERT_EQ(tts.sample_rate({}), 22050);
    for (const auto& voice : tts.voices()) {
        SCOPED_TRACE(voice);
        std::error_code error;
        const auto pcm = synthesize(tts, {voice}, error);
        ASSERT_FALSE(error) << error.message();
        const double seconds = static_cast<double>(pcm.size()) / 22050;
        EXPECT_GT(seconds, 1.5);
        EXPECT_LT(seconds, 8.0);
        EXPECT_GT(test::rms(pcm), 300.0);
    }
}

TEST(EspeakSynthesizer, SpeedScalesTheDuration) {
    EspeakSynthesizer tts;
    std::error_code e1, e2;
    const auto normal = synthesize(tts, {"en-us", 1.0}, e1);
    const auto fast = synthesize(tts, {"en-us", 2.0}, e2);
    ASSERT_FALSE(e1);
    ASSERT_FALSE(e2);
    // espeak shortens words more than pauses, so the ratio is only roughly 1/2.
    EXPECT_NEAR(static_cast<double>(fast.size()) / static_cast<double>(normal.size()), 0.5, 0.15);
}

TEST(EspeakSynthesizer, ASinkReturningFalseCancelsAndTheNextCallWorks) {
    EspeakSynthesizer tts;
    int calls = 0;
    const auto ec = tts.synthesize(kSentence, {}, [&](std::span<const std::int16_t>) {
        ++calls;
        return false;
    });
    EXPECT_EQ(ec, make_error_code(errc::cancelled));
    EXPECT_EQ(calls, 1);

    std::error_code error;
    const auto pcm = synthesize(tts, {}, error);
    EXPECT_FALSE(error);
    EXPECT_GT(pcm.size(), 22050u);
}

TEST(EspeakSynthesizer, TwoThreadsAtOnceBothGetTheirAudio) {
    EspeakSynthesizer tts;
    std::error_code serial_error;
    const auto serial = synthesize(tts, {"en-us"}, serial_error);
    ASSERT_FALSE(serial_error);
    std::vector<std::int16_t> pcm[2];
    std::error_code errors[2];
    {
        // Different voices, so the calls also race on espeak's current voice.
        std::jthread a([&] { pcm[0] = synthesize(tts, {"en-us"}, errors[0]); });
        std::jthread b([&] { pcm[1] = synthesize(tts, {"en"}, errors[1]); });
    }
    EXPECT_FALSE(errors[0]);
    EXPECT_FALSE(errors[1]);
    // espeak-ng's output varies between identical calls (it calls rand();
    // lengths moved by up to 1.5% in a probe, serially), so compare
    // the length with the serial one loosely and check both are real audio.
    for (const auto& p : pcm) {
        EXPECT_NEAR(static_cast<double>(p.size()), static_cast<double>(serial.size()),
                    0.1 * static_cast<double>(serial.size()));
        EXPECT_GT(test::rms(p), 300.0);
    }
}

TEST(EspeakSynthesizer, RejectsUnknownVoices) {
    EspeakSynthesizer tts;
    std::error_code error;
    synthesize(tts, {"klingon"}, error);
    EXPECT_EQ(error, make_error_code(errc::invalid_argument));
}

}  // namespace
}  // namespace confab::engines
