// Timeline tests of the voice loop with fake engines: event order and
// content for a spoken turn, a text turn, barge-in, response.cancel, an LLM
// failure and a truncate. Positions in the audio stream are exact (they are
// counted in frames, not read from a clock).
#include <gtest/gtest.h>

#include "pipeline_harness.hpp"

namespace confab::test {
namespace {
namespace json = boost::json;
using namespace std::chrono_literals;

json::object text_item(const std::string& text) {
    return {{"type", "message"},
            {"role", "user"},
            {"content", json::array{json::object{{"type", "input_text"}, {"text", text}}}}};
}

class VoiceLoopTest : public ::testing::Test, public PipelineHarness {};

TEST_F(VoiceLoopTest, SpokenTurnProducesTheRealtimeSequence) {
    open();
    stt_factory->script("what is the weather like today");
    sink.clear();
    send_audio(200, false);
    send_audio(1200, true);
    // Partials come from the STT worker as it decodes; wait for one (an
    // event, not a clock) before the pause that ends the turn.
    ASSERT_TRUE(
        run_until([&] { return saw("conversation.item.input_audio_transcription.delta"); }));
    send_audio(1000, false);
    ASSERT_TRUE(run_until([&] { return saw("response.done"); })) << json::serialize(sink.last());

    const std::vector<std::string> expected{"input_audio_buffer.speech_started",
                                            "input_audio_buffer.speech_stopped",
                                            "input_audio_buffer.committed",
                                            "conversation.item.added",
                                            "conversation.item.input_audio_transcription.completed",
                                            "conversation.item.done",
                                            "response.created",
                                            "response.output_item.added",
                                            "conversation.item.added",
                                            "response.content_part.added",
                                            "rate_limits.updated",
                                            "response.output_audio.done",
                                            "response.output_audio_transcript.done",
                                            "response.content_part.done",
                                            "response.output_item.done",
                                            "conversation.item.done",
                                            "response.done"};
    auto got = milestones();
    got.erase(std::remove(got.begin(), got.end(), "confab.response.timings"), got.end());
    EXPECT_EQ(got, expected);

    // Positions are stream time: speech began at 200 ms and ended at 1400 ms
    // (within a frame and the resampler's delay).
    const auto& started = sink.sent[index_of("input_audio_buffer.speech_started")].event;
    EXPECT_NEAR(started.at("audio_start_ms").as_int64(), 200, 40);
    const auto& stopped = sink.sent[index_of("input_audio_buffer.speech_stopped")].event;
    EXPECT_NEAR(stopped.at("audio_end_ms").as_int64(), 1400, 40);
    const std::string item_id(started.at("item_id").as_string());
    EXPECT_EQ(stopped.at("item_id").as_string(), item_id);
    EXPECT_EQ(sink.sent[index_of("input_audio_buffer.committed")].event.at("item_id").as_string(),
              item_id);

    // Partials streamed as deltas, then the final transcript.
    EXPECT_GE(sink.count("conversation.item.input_audio_transcription.delta"), 1u);
    const auto& completed = sink.last_of("conversation.item.input_audio_transcription.completed");
    EXPECT_EQ(completed.at("transcript").as_string(), "what is the weather like today");

    // The LLM saw the instructions as the system message and the transcript as the user turn.
    const auto requests = llm.requests();
    ASSERT_EQ(requests.size(), 1u);
    ASSERT_EQ(requests[0].messages.size(), 2u);
    EXPECT_EQ(requests[0].messages[0].role, "system");
    EXPECT_EQ(requests[0].messages[0].content, session->config().instructions);
    EXPECT_EQ(requests[0].messages[1].role, "user");
    EXPECT_EQ(requests[0].messages[1].content, "what is the weather like today");

    // Audio came out, tagged with the response id; the transcript follows the pieces spoken.
    const auto& done = sink.last_of("response.done").at("response").as_object();
    EXPECT_EQ(done.at("status").as_string(), "completed");
    const std::string response_id(done.at("id").as_string());
    std::size_t audio_deltas = 0;
    for (const auto& s : sink.sent) {
        if (s.event.at("type").as_string() == "response.output_audio.delta") {
            ++audio_deltas;
            EXPECT_EQ(s.response_id, response_id);
        }
    }
    EXPECT_GE(audio_deltas, 2u);
    EXPECT_EQ(sink.last_of("response.output_audio_transcript.done").at("transcript").as_string(),
              "Sure, here is my answer. It has two sentences.");
    // The quick first clause went to synthesis on its own.
    ASSERT_FALSE(synthesizer->texts().empty());
    EXPECT_EQ(synthesizer->texts().front(), "Sure, here is my answer.");

    const auto& timings = sink.last_of("confab.response.timings").at("timings").as_object();
    EXPECT_EQ(timings.at("base").as_string(), "speech_stopped");
    EXPECT_LE(timings.at("transcript_final_ms").as_double(),
              timings.at("llm_first_token_ms").as_double());
    EXPECT_LE(timings.at("llm_first_token_ms").as_double(),
              timings.at("first_audio_sent_ms").as_double());
}

TEST_F(VoiceLoopTest, TextTurnGetsASpokenReply) {
    open();
    session->handle_text(json::serialize(
        json::object{{"type", "conversation.item.create"}, {"item", text_item("hi there")}}));
    session->handle_text(R"({"type":"response.create"})");
    ASSERT_TRUE(run_until([&] { return saw("response.done"); }))
        << testing::PrintToString(milestones());
    EXPECT_GE(sink.count("response.output_audio.delta"), 1u);
    EXPECT_EQ(sink.last_of("response.done").at("response").at("status").as_string(), "completed");
    ASSERT_EQ(llm.requests().size(), 1u);
    EXPECT_EQ(llm.requests()[0].messages.back().content, "hi there");
    // The assistant's words become history for the next turn.
    session->handle_text(json::serialize(
        json::object{{"type", "conversation.item.create"}, {"item", text_item("and?")}}));
    session->handle_text(R"({"type":"response.create"})");
    ASSERT_TRUE(run_until([&] { return sink.count("response.done") == 2; }))
        << testing::PrintToString(milestones());
    const auto second = llm.requests().at(1).messages;
    ASSERT_EQ(second.size(), 4u);
    EXPECT_EQ(second[2].role, "assistant");
    EXPECT_EQ(second[2].content, "Sure, here is my answer. It has two sentences.");
}

TEST_F(VoiceLoopTest, TextOnlyModalityStreamsText) {
    open();
    session->handle_text(
        R"({"type":"session.update","session":{"type":"realtime","output_modalities":["text"]}})");
    session->handle_text(json::serialize(
        json::object{{"type", "conversation.item.create"}, {"item", text_item("hi")}}));
    session->handle_text(R"({"type":"response.create"})");
    ASSERT_TRUE(run_until([&] { return saw("response.done"); }));
    EXPECT_EQ(sink.count("response.output_audio.delta"), 0u);
    EXPECT_EQ(sink.count("response.output_text.delta"), 4u);
    EXPECT_EQ(sink.last_of("response.output_text.done").at("text").as_string(),
              "Sure, here is my answer. It has two sentences.");
}

TEST_F(VoiceLoopTest, BargeInCancelsTheReplyAtOnce) {
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

TEST_F(VoiceLoopTest, ResumingBeforeTheReplyStartsContinuesTheTurn) {
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

// The recognizer's queue refuses a turn as it begins (here: every turn); the
// failure arrives while the user still speaks, before the turn is committed.
// It used to be dropped then, and the turn's reply waited for a transcript
// forever (the soak's one unanswered turn: a session whose earlier turns
// still filled its share of the queue).
TEST_F(VoiceLoopTest, ATurnTheRecognizerHadNoRoomForFailsOnceCommitted) {
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

// A click or breath right after the question starts a "turn" with nothing in
// it; it cancels the reply before any of it was heard, and the reply to the
// question is then given after all.
TEST_F(VoiceLoopTest, AnEmptyTurnDoesNotSwallowTheUnheardReply) {
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
TEST_F(VoiceLoopTest, AnEmptyTurnAfterAHeardReplyGetsNoReply) {
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

TEST_F(VoiceLoopTest, ResponseCancelStopsTheReply) {
    open();
    FakeLanguageModel::Script slow;
    slow.between = 200ms;
    llm.script(slow);
    session->handle_text(json::serialize(
        json::object{{"type", "conversation.item.create"}, {"item", text_item("talk")}}));
    session->handle_text(R"({"type":"response.create"})");
    ASSERT_TRUE(run_until([&] { return saw("response.created"); }));
    session->handle_text(R"({"type":"response.cancel"})");
    const auto& done = sink.last_of("response.done").at("response").as_object();
    EXPECT_EQ(done.at("status").as_string(), "cancelled");
    EXPECT_EQ(done.at("status_details").at("reason").as_string(), "client_cancelled");
    ASSERT_TRUE(run_until([&] { return llm.cancellations() == 1; }, 1s));
    session->handle_text(R"({"type":"response.cancel"})");
    EXPECT_EQ(sink.last().at("error").at("code").as_string(), "response_cancel_not_active");
}

TEST_F(VoiceLoopTest, SaturatedOrUnavailableBackendsHaveTheirOwnErrorCodes) {
    open();
    const std::vector<std::pair<errc, std::string>> cases = {
        {errc::backend_saturated, "llm_backend_saturated"},
        {errc::backend_unreachable, "llm_backend_unavailable"},
        {errc::timeout, "llm_timeout"}};
    std::size_t responses = 0;
    for (const auto& [code, expected] : cases) {
        FakeLanguageModel::Script failing;
        failing.deltas = {};
        failing.fail_with = "the backend is " + expected;
        failing.fail_code = code;
        llm.script(failing);
        session->handle_text(R"({"type":"response.create"})");
        ++responses;
        ASSERT_TRUE(run_until([&] { return sink.count("response.done") == responses; }));
        const auto& err = sink.last_of("error").at("error").as_object();
        EXPECT_EQ(err.at("code").as_string(), expected);
        const auto& done = sink.last_of("response.done").at("response").as_object();
        EXPECT_EQ(done.at("status").as_string(), "failed");
        EXPECT_EQ(done.at("status_details").at("error").at("code").as_string(), expected);
    }
    // The backend learns which session asks, so that its queue can be fair.
    ASSERT_FALSE(llm.requests().empty());
    EXPECT_FALSE(llm.requests().back().session_key.empty());
}

TEST_F(VoiceLoopTest, LlmFailureFailsTheResponseAndTheSessionGoesOn) {
    open();
    FakeLanguageModel::Script failing;
    failing.deltas = {};
    failing.fail_with = "backend said 503";
    llm.script(failing);
    session->handle_text(json::serialize(
        json::object{{"type", "conversation.item.create"}, {"item", text_item("x")}}));
    session->handle_text(R"({"type":"response.create"})");
    ASSERT_TRUE(run_until([&] { return saw("response.done"); }));
    const auto& err = sink.last_of("error").at("error").as_object();
    EXPECT_EQ(err.at("code").as_string(), "llm_backend_error");
    EXPECT_NE(std::string(err.at("message").as_string()).find("503"), std::string::npos);
    const auto& done = sink.last_of("response.done").at("response").as_object();
    EXPECT_EQ(done.at("status").as_string(), "failed");
    // The next response works.
    session->handle_text(R"({"type":"response.create"})");
    ASSERT_TRUE(run_until([&] { return sink.count("response.done") == 2; }))
        << testing::PrintToString(milestones());
    EXPECT_EQ(sink.last_of("response.done").at("response").at("status").as_string(), "completed");
}

TEST_F(VoiceLoopTest, TruncateCutsWhatTheNextRequestClaims) {
    open();
    session->handle_text(json::serialize(
        json::object{{"type", "conversation.item.create"}, {"item", text_item("go")}}));
    session->handle_text(R"({"type":"response.create"})");
    ASSERT_TRUE(run_until([&] { return saw("response.done"); }));
    const auto& item = sink.last_of("response.output_item.done").at("item").as_object();
    const std::string item_id(item.at("id").as_string());
    // The first piece ("Sure, here is my answer.") is 24 characters = 1440 ms of fake audio.
    session->handle_text(json::serialize(json::object{{"type", "conversation.item.truncate"},
                                                      {"item_id", item_id},
                                                      {"content_index", 0},
                                                      {"audio_end_ms", 1440}}));
    EXPECT_EQ(sink.last().at("type").as_string(), "conversation.item.truncated");
    session->handle_text(R"({"type":"response.create"})");
    ASSERT_TRUE(run_until([&] { return sink.count("response.done") == 2; }))
        << testing::PrintToString(milestones());
    const auto messages = llm.requests().at(1).messages;
    ASSERT_GE(messages.size(), 3u);
    EXPECT_EQ(messages[2].role, "assistant");
    EXPECT_EQ(messages[2].content, "Sure, here is my answer.");
}

TEST_F(VoiceLoopTest, ManualCommitTranscribesAndWaitsForTheTranscript) {
    open();
    session->handle_text(
        R"({"type":"session.update","session":{"type":"realtime","audio":{"input":{"turn_detection":null}}}})");
    stt_factory->script("manual words here");
    send_audio(1000, true);
    EXPECT_FALSE(saw("input_audio_buffer.speech_started"));
    session->handle_text(R"({"type":"input_audio_buffer.commit"})");
    session->handle_text(R"({"type":"response.create"})");
    ASSERT_TRUE(run_until([&] { return saw("response.done"); }));
    EXPECT_LT(index_of("conversation.item.input_audio_transcription.completed"),
              index_of("response.created"));
    EXPECT_EQ(llm.requests().at(0).messages.back().content, "manual words here");
}

TEST_F(VoiceLoopTest, OnlyOneActiveResponse) {
    open();
    FakeLanguageModel::Script slow;
    slow.between = 200ms;
    llm.script(slow);
    session->handle_text(R"({"type":"response.create"})");
    session->handle_text(R"({"type":"response.create","event_id":"second"})");
    EXPECT_EQ(sink.last().at("error").at("code").as_string(),
              "conversation_already_has_active_response");
}

TEST_F(VoiceLoopTest, UnfinishedSentenceWaitsLongerBeforeEndingTheTurn) {
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

}  // namespace
}  // namespace confab::test
