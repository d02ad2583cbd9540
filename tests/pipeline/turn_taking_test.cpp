// Timeline tests of turn-taking with fake engines: barge-in, a user who
// resumes before the reply starts, empty turns, a pause stretched after an
// unfinished sentence and a turn the recognizer had no room for. Positions in
// the audio stream are exact (counted in frames, not read from a clock).
#include <gtest/gtest.h>

#include "pipeline_harness.hpp"

namespace confab::test {
namespace {
using namespace std::chrono_literals;

class TurnTakingTest : public ::testing::Test, public PipelineHarness {};

TEST_F(TurnTakingTest, BargeInCancelsTheReplyAtOnce) {
    open();
    // A slow reply: still streaming when the user speaks again.
    FakeLanguageModel::Script slow;
    slow.deltas = {"This is a long answer, ", "that goes on ", "and on ", "and on. ",
                   "Still more. "};
    slow.first_delay = 5ms;
    slow.between = 300ms;
    llm.script(slow);
    send_audio(600, true);
    send_audio(700, false);
    ASSERT_TRUE(run_until([&] { return saw("response.output_audio.delta"); }));
    const std::string response_id(
        sink.last_of("response.created").at("response").at("id").as_string());

    const std::size_t before = sink.sent.size();
    send_audio(200, true);  // the user talks over the reply
    const std::size_t started = index_of("input_audio_buffer.speech_started", before);
    ASSERT_NE(started, std::string::npos);
    // response.done (cancelled) is the very next milestone after speech_started.
    const std::size_t done = index_of("response.done", started);
    ASSERT_NE(done, std::string::npos);
    for (std::size_t i = started + 1; i < done; ++i) {
        const auto t = sink.sent[i].event.at("type").as_string();
        EXPECT_TRUE(t.starts_with("response.") || t == "conversation.item.done") << t;
        EXPECT_NE(t, "response.output_audio.delta");
    }
    const auto& response = sink.sent[done].event.at("response").as_object();
    EXPECT_EQ(response.at("id").as_string(), response_id);
    EXPECT_EQ(response.at("status").as_string(), "cancelled");
    EXPECT_EQ(response.at("status_details").at("reason").as_string(), "turn_detected");
    // Its queued audio was dropped from the socket queue, and the LLM stream was cancelled.
    EXPECT_NE(std::find(sink.dropped_responses.begin(), sink.dropped_responses.end(), response_id),
              sink.dropped_responses.end());
    ASSERT_TRUE(run_until([&] { return llm.cancellations() == 1; }, 1s));
    // Nothing of the cancelled response arrives afterwards.
    run_for(400ms);
    for (std::size_t i = done + 1; i < sink.sent.size(); ++i)
        EXPECT_NE(sink.sent[i].response_id, response_id);
    EXPECT_FALSE(session->busy());
}

TEST_F(TurnTakingTest, ResumingBeforeTheReplyStartsContinuesTheTurn) {
    // The requests are counted: none made during pauses (reply_prefetch_test).
    config.llm.prefetch = false;
    open();
    // The first part's transcript is slow, so the user resumes while the
    // reply is still waiting for it: that reply must never start.
    stt_factory->finish_delay_ms = 300;
    stt_factory->script("i would like");
    stt_factory->script("a cup of tea please");
    send_audio(600, true);
    send_audio(1000, false);  // longer than any adapted pause (at most 900 ms here)
    ASSERT_TRUE(saw("input_audio_buffer.speech_stopped"));
    ASSERT_FALSE(saw("conversation.item.input_audio_transcription.completed"));
    send_audio(600, true);
    ASSERT_EQ(sink.count("input_audio_buffer.speech_started"), 2u);
    send_audio(800, false);
    ASSERT_TRUE(run_until([&] { return saw("response.done"); }));
    run_for(std::chrono::milliseconds(400));
    EXPECT_EQ(sink.count("response.created"), 1u);
    EXPECT_GT(index_of("response.created"),
              index_of("input_audio_buffer.speech_stopped",
                       index_of("input_audio_buffer.speech_started",
                                index_of("input_audio_buffer.speech_stopped"))));
    ASSERT_EQ(llm.requests().size(), 1u);
    const auto messages = llm.requests()[0].messages;
    ASSERT_EQ(messages.size(), 3u);
    EXPECT_EQ(messages[1].content, "i would like");
    EXPECT_EQ(messages[2].content, "a cup of tea please");
}

// A click or breath right after the question starts a "turn" with nothing in
// it; it cancels the reply before any of it was heard, and the reply to the
// question is then given after all.
TEST_F(TurnTakingTest, AnEmptyTurnDoesNotSwallowTheUnheardReply) {
    config.llm.prefetch = false;  // the requests are counted, as above
    open();
    FakeLanguageModel::Script slow;  // no first token before the click
    slow.first_delay = 400ms;
    llm.script(slow);
    stt_factory->script("what time is it");
    stt_factory->script("");  // the click
    send_audio(600, true);
    send_audio(600, false);
    ASSERT_TRUE(run_until([&] { return saw("response.created"); }));
    send_audio(200, true);  // the click: cancels the reply, which sent nothing
    ASSERT_TRUE(run_until([&] { return sink.count("response.done") == 1; }));
    EXPECT_EQ(sink.last_of("response.done").at("response").at("status").as_string(), "cancelled");
    EXPECT_FALSE(saw("response.output_audio.delta"));
    send_audio(700, false);
    ASSERT_TRUE(run_until([&] { return sink.count("response.done") == 2; }));
    EXPECT_EQ(sink.last_of("response.done").at("response").at("status").as_string(), "completed");
    EXPECT_TRUE(saw("response.output_audio.delta"));
    ASSERT_EQ(llm.requests().size(), 2u);
    EXPECT_EQ(llm.requests()[1].messages.back().content, "what time is it");
}

// Once the user has heard some of the reply, a later empty turn gets nothing.
TEST_F(TurnTakingTest, AnEmptyTurnAfterAHeardReplyGetsNoReply) {
    open();
    FakeLanguageModel::Script slow;
    slow.deltas = {"This is a long answer, ", "that goes on ", "and on ", "and on. ",
                   "Still more. "};
    slow.between = 300ms;
    llm.script(slow);
    // No prefix of it ends on a word that stretches the pause ("tell me a" would).
    stt_factory->script("tell us stories");
    stt_factory->script("");
    send_audio(600, true);
    send_audio(600, false);
    ASSERT_TRUE(run_until([&] { return saw("response.output_audio.delta"); }));
    send_audio(200, true);
    send_audio(700, false);
    ASSERT_TRUE(run_until([&] {
        return saw("conversation.item.input_audio_transcription.completed") &&
               sink.count("conversation.item.input_audio_transcription.completed") == 2;
    }));
    run_for(300ms);
    EXPECT_EQ(sink.count("response.created"), 1u);
}

TEST_F(TurnTakingTest, UnfinishedSentenceWaitsLongerBeforeEndingTheTurn) {
    open();
    // "i want the" ends on an article: the 500 ms pause is stretched to 900 ms.
    stt_factory->script("i want the");
    send_audio(800, true);
    // Wait (on the event, not the clock) for the partial that says "the".
    std::string heard;
    ASSERT_TRUE(run_until([&] {
        heard.clear();
        for (const auto& s : sink.sent)
            if (s.event.at("type").as_string() ==
                "conversation.item.input_audio_transcription.delta")
                heard += std::string(s.event.at("delta").as_string());
        return heard == "i want the";
    })) << heard;
    send_audio(700, false);
    EXPECT_FALSE(saw("input_audio_buffer.speech_stopped"));
    send_audio(400, false);
    EXPECT_TRUE(saw("input_audio_buffer.speech_stopped"));
}

// The recognizer's queue refuses a turn as it begins (here: every turn); the
// failure arrives while the user still speaks, before the turn is committed.
// It used to be dropped then, and the turn's reply waited for a transcript
// forever (the soak's one unanswered turn: a session whose earlier turns
// still filled its share of the queue).
TEST_F(TurnTakingTest, ATurnTheRecognizerHadNoRoomForFailsOnceCommitted) {
    stt =
        std::make_unique<pool::SttPool>(stt_factory, 16000, pool::SttPool::Options{1, 64, 0, 100});
    engines.stt = stt.get();
    open();
    send_audio(400, false);
    send_audio(600, true);
    send_audio(700, false);
    ASSERT_TRUE(saw("input_audio_buffer.speech_stopped"));
    ASSERT_TRUE(
        run_until([&] { return saw("conversation.item.input_audio_transcription.failed"); }));
    const auto& failed = sink.last_of("conversation.item.input_audio_transcription.failed");
    EXPECT_EQ(failed.at("item_id").as_string(),
              sink.last_of("input_audio_buffer.committed").at("item_id").as_string());
    EXPECT_NE(std::string(failed.at("error").at("message").as_string()).find("queue is full"),
              std::string::npos);
    EXPECT_TRUE(saw("conversation.item.done"));
    // A voice turn whose words are unknown gets no reply of its own.
    run_for(std::chrono::milliseconds(100));
    EXPECT_FALSE(saw("response.created"));
    EXPECT_FALSE(session->busy());
}

}  // namespace
}  // namespace confab::test
