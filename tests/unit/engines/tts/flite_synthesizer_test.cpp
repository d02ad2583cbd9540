#include "engines/tts/flite_synthesizer.hpp"

#include <gtest/gtest.h>

#include <stdexcept>
#include <thread>

#include "audio/resampler.hpp"
#include "engines/stt/pocketsphinx_factory.hpp"
#include "support/test_audio.hpp"
#include "util/errors.hpp"
#include "util/wer.hpp"

namespace confab::engines {
namespace {

constexpr const char* kSentence = "The weather is nice today, so we will walk to the park.";

struct Synthesis {
    std::error_code error;
    std::vector<std::int16_t> pcm;
    int chunks = 0;
};

Synthesis synthesize(SpeechSynthesizer& tts, std::string_view text, SynthesisOptions options = {}) {
    Synthesis out;
    out.error = tts.synthesize(text, options, [&](std::span<const std::int16_t> pcm) {
        out.pcm.insert(out.pcm.end(), pcm.begin(), pcm.end());
        ++out.chunks;
        return true;
    });
    return out;
}

TEST(FliteSynthesizer, EveryVoiceSpeaksAtItsOwnRate) {
    FliteSynthesizer tts;
    EXPECT_EQ(tts.voices(), (std::vector<std::string>{"slt", "kal16", "rms", "awb"}));
    for (const auto& voice : tts.voices()) {
        SCOPED_TRACE(voice);
        const int rate = tts.sample_rate({voice});
        EXPECT_EQ(rate, 16000);  // all four are 16 kHz voices
        const auto out = synthesize(tts, kSentence, {voice});
        ASSERT_FALSE(out.error) << out.error.message();
        // A sentence of 12 words lasts a few seconds, arriving in many chunks.
        const double seconds = static_cast<double>(out.pcm.size()) / rate;
        EXPECT_GT(seconds, 1.5);
        EXPECT_LT(seconds, 8.0);
        EXPECT_GT(out.chunks, 10);
        EXPECT_GT(test::rms(out.pcm), 300.0);  // clearly not silence
    }
    EXPECT_EQ(tts.sample_rate({""}), tts.sample_rate({"slt"}));  // the default voice
    EXPECT_EQ(tts.sample_rate({"nobody"}), 0);
}

TEST(FliteSynthesizer, SpeedScalesTheDuration) {
    FliteSynthesizer tts;
    const auto normal = synthesize(tts, kSentence, {"kal16", 1.0});
    const auto fast = synthesize(tts, kSentence, {"kal16", 2.0});
    ASSERT_FALSE(normal.error);
    ASSERT_FALSE(fast.error);
    EXPECT_NEAR(static_cast<double>(fast.pcm.size()) / static_cast<double>(normal.pcm.size()), 0.5,
                0.1);
}

TEST(FliteSynthesizer, PocketsphinxUnderstandsWhatFliteSays) {
    // Measured: kal16 0/12 words wrong, slt 1/12 ("walk" -> "lot"); engines.md
    // puts flite voices at 2-7% WER on longer texts. 0.25 = 3 of 12 words.
    FliteSynthesizer tts;
    PocketsphinxFactory factory{SttConfig{}};
    auto stt = factory.create();
    ASSERT_NE(stt, nullptr);
    for (const char* voice : {"kal16", "slt"}) {
        SCOPED_TRACE(voice);
        const auto out = synthesize(tts, kSentence, {voice});
        ASSERT_FALSE(out.error);
        // Resample from the voice's rate to the recogniser's, whatever they are.
        audio::Resampler resampler(tts.sample_rate({voice}), stt->sample_rate());
        std::vector<std::int16_t> pcm;
        resampler.process(out.pcm, pcm);
        resampler.flush(pcm);
        std::string text;
        ASSERT_FALSE(stt->start_utterance());
        ASSERT_FALSE(test::feed_in_chunks(*stt, pcm));
        ASSERT_FALSE(stt->finish(text));
        EXPECT_LE(word_error_rate(kSentence, text), 0.25) << text;
    }
}

TEST(FliteSynthesizer, ASinkReturningFalseCancelsAtOnce) {
    FliteSynthesizer tts;
    for (const auto& voice : tts.voices()) {
        SCOPED_TRACE(voice);
        int calls = 0;
        const auto ec = tts.synthesize(kSentence, {voice}, [&](std::span<const std::int16_t>) {
            ++calls;
            return false;
        });
        EXPECT_EQ(ec, make_error_code(errc::cancelled));
        EXPECT_EQ(calls, 1);  // flite stopped: no chunk after the refusal
    }
}

TEST(FliteSynthesizer, AnExceptionFromTheSinkStopsSynthesisAndReachesTheCaller) {
    FliteSynthesizer tts;
    int calls = 0;
    const auto throwing_sink = [&](std::span<const std::int16_t>) -> bool {
        ++calls;
        throw std::runtime_error("sink failed");
    };
    EXPECT_THROW((void)tts.synthesize(kSentence, {"slt"}, throwing_sink), std::runtime_error);
    EXPECT_EQ(calls, 1);
}

TEST(FliteSynthesizer, ConcurrentCallsOnSharedVoicesMatchSerialOutput) {
    FliteSynthesizer tts;
    for (const char* voice : {"slt", "kal16"}) {
        SCOPED_TRACE(voice);
        const auto serial = synthesize(tts, kSentence, {voice});
        ASSERT_FALSE(serial.error);
        std::vector<Synthesis> results(4);
        {
            std::vector<std::jthread> threads;
            for (auto& r : results) {
                threads.emplace_back([&] { r = synthesize(tts, kSentence, {voice}); });
            }
        }
        for (const auto& r : results) {
            EXPECT_FALSE(r.error);
            // slt adds random noise, so samples differ between runs; lengths do not.
            EXPECT_EQ(r.pcm.size(), serial.pcm.size());
            EXPECT_EQ(r.chunks, serial.chunks);
        }
    }
}

TEST(FliteSynthesizer, RejectsUnknownVoicesAndSpeeds) {
    FliteSynthesizer tts;
    const auto sink = [](std::span<const std::int16_t>) { return true; };
    EXPECT_EQ(tts.synthesize("hi", {"nobody"}, sink), make_error_code(errc::invalid_argument));
    EXPECT_EQ(tts.synthesize("hi", {"slt", 0.1}, sink), make_error_code(errc::invalid_argument));
    EXPECT_EQ(tts.synthesize("hi", {"slt", 5.0}, sink), make_error_code(errc::invalid_argument));
}

}  // namespace
}  // namespace confab::engines
