// While server VAD streams each turn to the recognizer, that stream is the
// one copy of the turn's audio: the session's input buffer keeps only its
// length. A commit during a turn ends the turn (one item, transcribed from
// its stream); a commit between turns transcribes the audio kept before them.
#include <gtest/gtest.h>

#include "pipeline_harness.hpp"

namespace confab::test {
namespace {

class SingleAudioCopyTest : public ::testing::Test, public PipelineHarness {
protected:
    void SetUp() override {
        open();
        session->handle_text(
            R"({"type":"session.update","session":{"type":"realtime","audio":{"input":{"turn_detection":{"type":"server_vad","create_response":false,"silence_duration_ms":500,"prefix_padding_ms":300}}}}})");
    }
    bool transcribed(std::size_t n) {
        return run_until([&] {
            return sink.count("conversation.item.input_audio_transcription.completed") >= n;
        });
    }
};

TEST_F(SingleAudioCopyTest, WhileServerVadStreamsATurnTheBufferHoldsNoSamples) {
    send_audio(400, false);
    send_audio(800, true);
    ASSERT_TRUE(saw("input_audio_buffer.speech_started"));
    EXPECT_EQ(session->input_audio().held_bytes(), 0u);
    EXPECT_GE(session->input_audio().duration_ms(), 800);  // the bound still counts it
    send_audio(700, false);
    ASSERT_TRUE(transcribed(1));
    const auto& committed = sink.last_of("input_audio_buffer.committed");
    const std::string id(committed.at("item_id").as_string());
    const protocol::ConversationItem* item = nullptr;
    for (const auto& it : session->conversation().items())
        if (it.id == id) item = &it;
    ASSERT_NE(item, nullptr);
    // The item's length: the prefix kept before the turn, the speech and the pause.
    EXPECT_GE(item->content.front().audio_ms, 800 + 500);
}

TEST_F(SingleAudioCopyTest, ACommitDuringATurnEndsTheTurn) {
    send_audio(400, false);
    send_audio(800, true);
    ASSERT_TRUE(saw("input_audio_buffer.speech_started"));
    session->handle_text(R"({"type":"input_audio_buffer.commit"})");
    EXPECT_EQ(sink.count("input_audio_buffer.speech_stopped"), 1u);
    EXPECT_EQ(sink.count("input_audio_buffer.committed"), 1u);
    EXPECT_EQ(sink.last_of("input_audio_buffer.committed").at("item_id"),
              sink.last_of("input_audio_buffer.speech_started").at("item_id"));
    ASSERT_TRUE(transcribed(1));
    // The voice goes on: a new turn, with an item of its own.
    send_audio(600, true);
    send_audio(700, false);
    EXPECT_EQ(sink.count("input_audio_buffer.speech_started"), 2u);
    ASSERT_TRUE(transcribed(2));
    EXPECT_EQ(sink.count("input_audio_buffer.committed"), 2u);
}

TEST_F(SingleAudioCopyTest, ACommitBetweenTurnsTranscribesTheAudioBeforeThem) {
    send_audio(400, false);
    EXPECT_EQ(session->input_audio().held_bytes(), 0u);
    session->handle_text(R"({"type":"input_audio_buffer.commit"})");
    EXPECT_EQ(sink.count("input_audio_buffer.committed"), 1u);
    ASSERT_TRUE(transcribed(1));
    // 400 ms at 16 kHz, from speech input's history, give or take a frame.
    const auto fed = static_cast<int>(stt_factory->last_utterance_samples.load() / 16);
    EXPECT_GE(fed, 400 - 40);
    EXPECT_LE(fed, 400);
}

TEST_F(SingleAudioCopyTest, TurningDetectionOffKeepsSamplesForManualCommits) {
    session->handle_text(
        R"({"type":"session.update","session":{"type":"realtime","audio":{"input":{"turn_detection":null}}}})");
    send_audio(400, true);
    EXPECT_EQ(session->input_audio().held_bytes(), 400u * 24 * 2);
}

}  // namespace
}  // namespace confab::test
