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
        return run_until([&] { return saw("conversation.item.input_audio_transcription.completed"); });
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

}  // namespace
}  // namespace confab::test
