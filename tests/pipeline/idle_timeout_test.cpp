// server_vad's idle_timeout_ms through a session: after a reply's audio
// has played, a user silent for the timeout gets
// input_audio_buffer.timeout_triggered, the silence committed as their item
// and a reply that prompts them; speech, a new response or a turn_detection
// change stops the count. The two tests that wait for the timeout run it in
// real time (idle_timeout_ms is at least 5 s) and wait for the event itself.
#include <gtest/gtest.h>

#include "pipeline_harness.hpp"

namespace confab::test {
namespace {
namespace json = boost::json;
using namespace std::chrono_literals;

class SessionIdleTimeoutTest : public ::testing::Test, public PipelineHarness {
protected:
    void SetUp() override { open(); }
    void turn_detection(const std::string& settings) {
        session->handle_text(
            R"({"type":"session.update","session":{"type":"realtime","audio":{"input":{"turn_detection":)" +
            settings + "}}}}");
        ASSERT_EQ(sink.last().at("type").as_string(), "session.updated");
    }
    // A typed turn and its (short) spoken reply, to its response.done.
    void reply_to(const std::string& text, const std::string& reply = "Hi.") {
        const auto done = sink.count("response.done");
        FakeLanguageModel::Script script;
        script.deltas = {reply};
        llm.script(script);
        session->handle_text(json::serialize(
            json::object{{"type", "conversation.item.create"}, {"item", text_item(text)}}));
        session->handle_text(R"({"type":"response.create"})");
        ASSERT_TRUE(run_until([&] { return sink.count("response.done") > done; }));
    }
};

TEST_F(SessionIdleTimeoutTest, SilenceAfterTheReplyPromptsTheUser) {
    turn_detection(R"({"type":"server_vad","idle_timeout_ms":5000})");
    send_audio(600, false);
    reply_to("hello");
    ASSERT_TRUE(session->idle_timeout_running());
    stt_factory->script("");  // the committed silence has no words
    const auto responses = sink.count("response.done");
    ASSERT_TRUE(run_until([&] { return saw("input_audio_buffer.timeout_triggered"); }, 10s));
    ASSERT_TRUE(run_until([&] { return sink.count("response.done") > responses; }));

    const auto triggered_at = index_of("input_audio_buffer.timeout_triggered");
    const auto& triggered = sink.sent[triggered_at].event;
    const std::string item_id(triggered.at("item_id").as_string());
    // No audio came during the silence: it starts and ends where the stream stood.
    EXPECT_GT(triggered.at("audio_start_ms").as_int64(), 0);
    EXPECT_EQ(triggered.at("audio_end_ms").as_int64(), triggered.at("audio_start_ms").as_int64());
    const auto committed_at = index_of("input_audio_buffer.committed", triggered_at);
    ASSERT_NE(committed_at, std::string::npos);
    EXPECT_EQ(sink.sent[committed_at].event.at("item_id").as_string(), item_id);
    const auto added_at = index_of("conversation.item.added", committed_at);
    ASSERT_NE(added_at, std::string::npos);
    EXPECT_EQ(sink.sent[added_at].event.at("item").at("id").as_string(), item_id);
    EXPECT_NE(index_of("response.created", added_at), std::string::npos);
    const protocol::ConversationItem* item = nullptr;
    for (const auto& i : session->conversation().items())
        if (i.id == item_id) item = &i;
    ASSERT_NE(item, nullptr);
    EXPECT_EQ(item->role, "user");
    EXPECT_EQ(item->content.at(0).type, "input_audio");

    // The prompt's request says what the model would have heard: nothing.
    const auto requests = llm.requests();
    ASSERT_EQ(requests.size(), 2u);
    EXPECT_NE(requests[1].messages.front().content.find("said nothing for 5 seconds"),
              std::string::npos)
        << requests[1].messages.front().content;
    EXPECT_EQ(sink.last_of("response.done").at("response").at("status").as_string(), "completed");
    // That reply's end starts a new count.
    EXPECT_TRUE(session->idle_timeout_running());
}

// With create_response off the client decides the replies: the silence is
// still announced and committed, and no response follows.
TEST_F(SessionIdleTimeoutTest, WithoutCreateResponseTheSilenceIsCommittedOnly) {
    turn_detection(R"({"type":"server_vad","idle_timeout_ms":5000,"create_response":false})");
    reply_to("hello");
    ASSERT_TRUE(session->idle_timeout_running());
    stt_factory->script("");
    ASSERT_TRUE(run_until([&] { return saw("input_audio_buffer.timeout_triggered"); }, 10s));
    const auto triggered_at = index_of("input_audio_buffer.timeout_triggered");
    ASSERT_TRUE(run_until(
        [&] { return index_of("conversation.item.done", triggered_at) != std::string::npos; }));
    EXPECT_NE(index_of("input_audio_buffer.committed", triggered_at), std::string::npos);
    EXPECT_EQ(index_of("response.created", triggered_at), std::string::npos);
    EXPECT_EQ(llm.requests().size(), 1u);
    EXPECT_FALSE(session->idle_timeout_running());
}

TEST_F(SessionIdleTimeoutTest, SpeechStopsTheCount) {
    turn_detection(R"({"type":"server_vad","idle_timeout_ms":5000,"create_response":false})");
    reply_to("hello");
    ASSERT_TRUE(session->idle_timeout_running());
    send_audio(200, false);
    send_audio(300, true);
    ASSERT_TRUE(saw("input_audio_buffer.speech_started"));
    EXPECT_FALSE(session->idle_timeout_running());
}

TEST_F(SessionIdleTimeoutTest, ANewResponseStopsTheCountAndItsEndStartsAnother) {
    turn_detection(R"({"type":"server_vad","idle_timeout_ms":5000})");
    reply_to("hello");
    ASSERT_TRUE(session->idle_timeout_running());
    FakeLanguageModel::Script slow;
    slow.first_delay = 50ms;
    llm.script(slow);
    session->handle_text(R"({"type":"response.create"})");
    ASSERT_TRUE(saw("response.created"));
    EXPECT_FALSE(session->idle_timeout_running());
    ASSERT_TRUE(run_until([&] { return sink.count("response.done") == 2; }));
    EXPECT_TRUE(session->idle_timeout_running());
}

TEST_F(SessionIdleTimeoutTest, ATurnDetectionChangeStopsTheCount) {
    turn_detection(R"({"type":"server_vad","idle_timeout_ms":5000})");
    reply_to("hello");
    ASSERT_TRUE(session->idle_timeout_running());
    // Updates that leave turn detection as it is keep counting.
    session->handle_text(
        R"({"type":"session.update","session":{"type":"realtime","instructions":"Be brief."}})");
    turn_detection(R"({"type":"server_vad","idle_timeout_ms":5000})");
    EXPECT_TRUE(session->idle_timeout_running());
    turn_detection(R"({"idle_timeout_ms":6000})");
    EXPECT_FALSE(session->idle_timeout_running());
}

TEST_F(SessionIdleTimeoutTest, OnlyServerVadWithATimeoutCounts) {
    reply_to("hello");  // the default server_vad has no idle_timeout_ms
    EXPECT_FALSE(session->idle_timeout_running());
    turn_detection(R"({"type":"semantic_vad"})");
    reply_to("hello again");
    EXPECT_FALSE(session->idle_timeout_running());
    turn_detection("null");
    reply_to("and again");
    EXPECT_FALSE(session->idle_timeout_running());
}

}  // namespace
}  // namespace confab::test
