// The reply asked for while the user pauses (llm.prefetch): adopted when the
// turn ends on the words the pause's hypothesis had, cancelled when the user
// goes on speaking or the final transcript says something else.
#include <gtest/gtest.h>

#include "pipeline_harness.hpp"

namespace confab::test {
namespace {

class ReplyPrefetchTest : public ::testing::Test, public PipelineHarness {
protected:
    void SetUp() override {
        open();
        session->handle_text(
            R"({"type":"session.update","session":{"type":"realtime","audio":{"input":{"turn_detection":{"type":"server_vad","silence_duration_ms":500,"prefix_padding_ms":300}}}}})");
    }
    // Speech, then enough of a pause for the decoder to be asked what was
    // said (150 ms in, plus the resampler's delay); waits until the language
    // model has been asked `requests` times in all.
    void speak_then_pause(int speech_ms, std::size_t requests) {
        send_audio(speech_ms, true);
        send_audio(260, false);
        ASSERT_TRUE(run_until([&] { return llm.requests().size() == requests; }))
            << "no reply was asked for during the pause";
        ASSERT_FALSE(saw("input_audio_buffer.speech_stopped"))
            << "the turn ended too early for the test";
    }
    bool replied() {
        return run_until([&] { return saw("response.done"); });
    }
    std::string last_user_message(std::size_t request) const {
        return llm.requests().at(request).messages.back().content;
    }
};

TEST_F(ReplyPrefetchTest, TheTurnsResponseAdoptsTheReplyAskedForDuringThePause) {
    stt_factory->script("what time is it");
    send_audio(400, false);
    speak_then_pause(800, 1);
    EXPECT_EQ(last_user_message(0), "what time is it");
    // The prefetched reply has all its text before the turn ends (the pause
    // is counted in audio, not in this wait), so the response can send its
    // items as soon as it starts.
    run_for(std::chrono::milliseconds(50));
    send_audio(400, false);  // the turn ends
    ASSERT_TRUE(saw("input_audio_buffer.speech_stopped"));
    ASSERT_TRUE(replied());
    // One request: the response streamed from the prefetched one.
    EXPECT_EQ(llm.requests().size(), 1u);
    EXPECT_EQ(llm.cancellations(), 0);
    const auto done = sink.last_of("response.done");
    EXPECT_EQ(done.at("response").as_object().at("status").as_string(), "completed");
    const auto transcript = sink.last_of("response.output_audio_transcript.done");
    EXPECT_EQ(transcript.at("transcript").as_string(),
              "Sure, here is my answer. It has two sentences.");
    // The reply follows the user's completed transcript, as without prefetching.
    EXPECT_LT(index_of("conversation.item.input_audio_transcription.completed"),
              index_of("response.created"));
    // The limits follow response.created at once, before the reply's items,
    // even when the reply's text was all there when it started.
    EXPECT_EQ(index_of("rate_limits.updated"), index_of("response.created") + 1);
    EXPECT_LT(index_of("rate_limits.updated"), index_of("response.output_item.added"));
}

TEST_F(ReplyPrefetchTest, SpeakingOnCancelsThePrefetchedReplyAndTheNextPauseAsksAgain) {
    stt_factory->script("one two three four");
    FakeLanguageModel::Script slow;
    slow.first_delay = std::chrono::seconds(30);  // still running when the user speaks on
    llm.script(slow);
    send_audio(400, false);
    speak_then_pause(800, 1);
    send_audio(400, true);  // the user goes on
    ASSERT_TRUE(run_until([&] { return llm.cancellations() == 1; }))
        << "the prefetched request was not cancelled";
    speak_then_pause(200, 2);
    send_audio(400, false);
    ASSERT_TRUE(replied());
    EXPECT_EQ(llm.requests().size(), 2u);
    EXPECT_EQ(last_user_message(1), "one two three four");
    EXPECT_EQ(sink.last_of("response.done").at("response").as_object().at("status").as_string(),
              "completed");
}

TEST_F(ReplyPrefetchTest, AFinalTranscriptUnlikeThePausesIsAnsweredAfresh) {
    // The fake decoder shows a word per 200 ms: at the pause it has heard
    // six of these eight words; its final result has all eight.
    stt_factory->script("one two three four five six seven eight");
    FakeLanguageModel::Script slow;
    slow.first_delay = std::chrono::seconds(30);
    llm.script(slow);
    send_audio(400, false);
    speak_then_pause(800, 1);
    EXPECT_EQ(last_user_message(0), "one two three four five six");
    send_audio(400, false);
    ASSERT_TRUE(replied());
    EXPECT_EQ(llm.requests().size(), 2u);
    EXPECT_EQ(last_user_message(1), "one two three four five six seven eight");
    EXPECT_EQ(llm.cancellations(), 1);
    EXPECT_EQ(sink.last_of("response.done").at("response").as_object().at("status").as_string(),
              "completed");
}

TEST_F(ReplyPrefetchTest, ANewTurnBeforeTheTranscriptCameCancelsThePrefetchedReply) {
    stt_factory->finish_delay_ms = 300;  // the user speaks again before the final transcript
    stt_factory->script("i would like");
    stt_factory->script("a cup of tea");
    FakeLanguageModel::Script slow;
    slow.first_delay = std::chrono::seconds(30);
    llm.script(slow);
    send_audio(400, false);
    speak_then_pause(600, 1);
    send_audio(400, false);  // the turn ends; its reply waits for the transcript
    ASSERT_TRUE(saw("input_audio_buffer.speech_stopped"));
    send_audio(600, true);  // a new turn: the pause's reply is for words the user went on from
    ASSERT_TRUE(run_until([&] { return llm.cancellations() == 1; }))
        << "the prefetched request was not cancelled";
    send_audio(800, false);
    ASSERT_TRUE(replied());
    EXPECT_EQ(sink.count("response.created"), 1u);
    const auto messages = llm.requests().back().messages;
    ASSERT_EQ(messages.size(), 3u);
    EXPECT_EQ(messages[1].content, "i would like");
    EXPECT_EQ(messages[2].content, "a cup of tea");
}

TEST_F(ReplyPrefetchTest, NothingIsPrefetchedWhenOff) {
    config.llm.prefetch = false;
    stt_factory->script("what time is it");
    send_audio(400, false);
    send_audio(800, true);
    send_audio(260, false);
    run_for(std::chrono::milliseconds(100));
    EXPECT_TRUE(llm.requests().empty());
    send_audio(400, false);
    ASSERT_TRUE(replied());
    EXPECT_EQ(llm.requests().size(), 1u);
}

TEST_F(ReplyPrefetchTest, NothingIsPrefetchedForATurnThatAsksForNoReply) {
    session->handle_text(
        R"({"type":"session.update","session":{"type":"realtime","audio":{"input":{"turn_detection":{"type":"server_vad","create_response":false,"silence_duration_ms":500}}}}})");
    stt_factory->script("what time is it");
    send_audio(400, false);
    send_audio(800, true);
    send_audio(260, false);
    run_for(std::chrono::milliseconds(100));
    send_audio(400, false);
    ASSERT_TRUE(
        run_until([&] { return saw("conversation.item.input_audio_transcription.completed"); }));
    EXPECT_TRUE(llm.requests().empty());
}

}  // namespace
}  // namespace confab::test
