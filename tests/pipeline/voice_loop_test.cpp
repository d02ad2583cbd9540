// Timeline tests of the voice loop with fake engines: event order and
// content for a spoken turn, a text turn, a text-only reply, a manual commit
// and a truncate. Positions in the audio stream are exact (they are counted
// in frames, not read from a clock). Turn-taking is in turn_taking_test.cpp,
// replies that end early in response_failure_test.cpp.
#include <gtest/gtest.h>

#include "pipeline_harness.hpp"

namespace confab::test {
namespace {
namespace json = boost::json;

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

    const std::vector<std::string> expected{
        "input_audio_buffer.speech_started", "input_audio_buffer.speech_stopped",
        "input_audio_buffer.committed", "conversation.item.added",
        "conversation.item.input_audio_transcription.completed", "conversation.item.done",
        "response.created", "rate_limits.updated",
        // The message opens with the model's first words.
        "response.output_item.added", "conversation.item.added", "response.content_part.added",
        "response.output_audio.done", "response.output_audio_transcript.done",
        "response.content_part.done", "response.output_item.done", "conversation.item.done",
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

}  // namespace
}  // namespace confab::test
