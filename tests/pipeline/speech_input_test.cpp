// What the decoder hears of an utterance: its prefix padding, the speech, and
// only the start of a pause; the rest of a pause is fed only if the speaker
// goes on (SpeechInput, through a session on fake engines).
#include <gtest/gtest.h>

#include "pipeline_harness.hpp"

namespace confab::test {
namespace {

class SpeechInputTest : public ::testing::Test, public PipelineHarness {
protected:
    void SetUp() override {
        open();
        session->handle_text(
            R"({"type":"session.update","session":{"type":"realtime","audio":{"input":{"turn_detection":{"type":"server_vad","create_response":false,"silence_duration_ms":500,"prefix_padding_ms":300}}}}})");
    }
    bool transcribed() {
        return run_until(
            [&] { return saw("conversation.item.input_audio_transcription.completed"); });
    }
    static int ms_of(std::size_t samples) { return static_cast<int>(samples / 16); }
};

TEST_F(SpeechInputTest, TheDecoderHearsOnlyTheStartOfTheFinalPause) {
    send_audio(400, false);
    send_audio(800, true);
    send_audio(700, false);  // the turn ends 500 ms into this
    ASSERT_TRUE(saw("input_audio_buffer.speech_stopped"));
    ASSERT_TRUE(transcribed());
    const int fed = ms_of(stt_factory->last_utterance_samples.load());
    // 300 ms of padding + 800 ms of speech + 150 ms of the pause, give or take a frame.
    EXPECT_GE(fed, 300 + 800 + 150 - 20);
    EXPECT_LE(fed, 300 + 800 + 150 + 40);
}

TEST_F(SpeechInputTest, APauseTheSpeakerEndsIsFedWhole) {
    send_audio(400, false);
    send_audio(800, true);
    send_audio(400, false);  // shorter than the 500 ms that ends the turn
    send_audio(400, true);
    send_audio(700, false);
    ASSERT_TRUE(transcribed());
    EXPECT_EQ(sink.count("input_audio_buffer.speech_stopped"), 1u);
    const int fed = ms_of(stt_factory->last_utterance_samples.load());
    // Padding, both stretches of speech, all of the pause between them, and
    // 150 ms of the final one.
    EXPECT_GE(fed, 300 + 800 + 400 + 400 + 150 - 20);
    EXPECT_LE(fed, 300 + 800 + 400 + 400 + 150 + 40);
}

// The pause is judged by a hypothesis of everything said before it: the
// session asks the decoder for a partial once the pause begins, so a turn
// that ends on "the" waits longer even when no interval-driven partial has
// caught that word (here none ever comes).
class PauseHypothesisTest : public ::testing::Test, public PipelineHarness {
protected:
    PauseHypothesisTest() : PipelineHarness(60000) {}
    void SetUp() override {
        open();
        session->handle_text(
            R"({"type":"session.update","session":{"type":"realtime","audio":{"input":{"turn_detection":{"type":"server_vad","create_response":false,"silence_duration_ms":500,"prefix_padding_ms":300}}}}})");
    }
    // The speaker says `words` (the fake decoder reveals one per 200 ms of
    // audio), then pauses; returns the pause that ended the turn, in ms of
    // silence sent (20 ms steps), or -1 if 2 s did not.
    int pause_that_ends_turn(const std::string& words) {
        stt_factory->script(words);
        send_audio(400, false);
        send_audio(800, true);
        // Past the 150 ms of pause the decoder hears (and the resampler's
        // delay): the partial is asked for.
        send_audio(260, false);
        const bool partial =
            run_until([&] { return saw("conversation.item.input_audio_transcription.delta"); });
        EXPECT_TRUE(partial) << "no partial was taken when the pause began";
        int sent = 260;
        while (!saw("input_audio_buffer.speech_stopped") && sent < 2000) {
            send_audio(20, false);
            sent += 20;
        }
        return saw("input_audio_buffer.speech_stopped") ? sent : -1;
    }
};

TEST_F(PauseHypothesisTest, ATurnEndingOnACueWordWaitsLongerThoughNoPartialCameByInterval) {
    // 500 ms x 1.8 = 900 ms after "the", counted from the VAD's end of speech.
    const int pause = pause_that_ends_turn("i want the");
    EXPECT_GE(pause, 880);
    EXPECT_LE(pause, 960);
}

TEST_F(PauseHypothesisTest, ANeutralEndingEndsTheTurnAfterTheConfiguredPause) {
    const int pause = pause_that_ends_turn("i want tea");
    EXPECT_GE(pause, 480);
    EXPECT_LE(pause, 560);
}

}  // namespace
}  // namespace confab::test
