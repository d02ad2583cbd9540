// Every client event of the supported subset: the valid forms change the
// session's state and produce the right server event; each kind of malformed
// input produces the documented error and leaves the session usable.
#include "realtime_session_fixture.hpp"

namespace confab::session {
namespace {

TEST_F(RealtimeSessionTest, StartSendsAFullSessionObject) {
    ASSERT_EQ(sink.types(), std::vector<std::string>{"session.created"});
    const auto& s = sink.last().at("session").as_object();
    EXPECT_EQ(s.at("id").as_string(), "sess_test");
    EXPECT_EQ(s.at("type").as_string(), "realtime");
    EXPECT_EQ(s.at("model").as_string(), "test-model");
    EXPECT_FALSE(s.at("instructions").as_string().empty());
    const auto& in = s.at("audio").at("input").as_object();
    EXPECT_EQ(in.at("format").at("type").as_string(), "audio/pcm");
    EXPECT_EQ(in.at("format").at("rate").as_int64(), 24000);
    const auto& td = in.at("turn_detection").as_object();
    EXPECT_EQ(td.at("type").as_string(), "server_vad");
    for (const char* key : {"threshold", "prefix_padding_ms", "silence_duration_ms",
                            "create_response", "interrupt_response"})
        EXPECT_TRUE(td.contains(key)) << key;
    const auto& out = s.at("audio").at("output").as_object();
    EXPECT_EQ(out.at("format").at("rate").as_int64(), 24000);
    EXPECT_EQ(out.at("voice").as_string(), "slt");
}

TEST_F(RealtimeSessionTest, SessionUpdateChangesTheSession) {
    sink.clear();
    send({{"type", "session.update"},
          {"event_id", "ev1"},
          {"session",
           {{"type", "realtime"},
            {"instructions", "Be terse."},
            {"output_modalities", json::array{"text"}},
            {"audio",
             {{"input",
               {{"turn_detection",
                 {{"type", "server_vad"}, {"silence_duration_ms", 800}, {"threshold", 0.7}}}}},
              {"output", {{"voice", "kal16"}, {"speed", 1.2}}}}}}}});
    ASSERT_EQ(sink.types(), std::vector<std::string>{"session.updated"});
    EXPECT_EQ(session->config().instructions, "Be terse.");
    EXPECT_EQ(session->config().voice, "kal16");
    EXPECT_DOUBLE_EQ(session->config().speed, 1.2);
    EXPECT_EQ(session->config().output_modalities, std::vector<std::string>{"text"});
    ASSERT_TRUE(session->config().turn_detection);
    EXPECT_EQ(session->config().turn_detection->silence_duration_ms, 800);
    EXPECT_DOUBLE_EQ(session->config().turn_detection->threshold, 0.7);
    EXPECT_EQ(sink.last().at("session").at("audio").at("output").at("voice").as_string(), "kal16");
}

TEST_F(RealtimeSessionTest, TurnDetectionNullMeansManualCommits) {
    send({{"type", "session.update"},
          {"session",
           {{"type", "realtime"}, {"audio", {{"input", {{"turn_detection", nullptr}}}}}}}});
    EXPECT_FALSE(session->config().turn_detection);
    EXPECT_TRUE(sink.last().at("session").at("audio").at("input").at("turn_detection").is_null());
}

TEST_F(RealtimeSessionTest, SemanticVadIsAcceptedAndEchoed) {
    sink.clear();
    send({{"type", "session.update"},
          {"session",
           {{"type", "realtime"},
            {"audio",
             {{"input",
               {{"turn_detection", {{"type", "semantic_vad"}, {"eagerness", "low"}}}}}}}}}});
    ASSERT_EQ(sink.types(), std::vector<std::string>{"session.updated"});
    ASSERT_TRUE(session->config().turn_detection);
    EXPECT_EQ(session->config().turn_detection->type, protocol::TurnDetection::Type::semantic_vad);
    const auto& td =
        sink.last().at("session").at("audio").at("input").at("turn_detection").as_object();
    EXPECT_EQ(td.at("type").as_string(), "semantic_vad");
    EXPECT_EQ(td.at("eagerness").as_string(), "low");
    send({{"type", "session.update"},
          {"event_id", "sv"},
          {"session",
           {{"type", "realtime"},
            {"audio", {{"input", {{"turn_detection", {{"silence_duration_ms", 700}}}}}}}}}});
    expect_error("unknown_parameter", "session.audio.input.turn_detection.silence_duration_ms",
                 "sv");
}

TEST_F(RealtimeSessionTest, RejectedSessionUpdateChangesNothing) {
    const auto before = session->config();
    send({{"type", "session.update"},
          {"event_id", "ev2"},
          {"session",
           {{"type", "realtime"},
            {"instructions", "changed"},
            {"audio", {{"output", {{"voice", "nope"}}}}}}}});
    expect_error("invalid_value", "session.audio.output.voice", "ev2");
    EXPECT_EQ(session->config().instructions, before.instructions);
    expect_usable();
}

TEST_F(RealtimeSessionTest, SessionUpdateValidatesTypesAndRanges) {
    send({{"type", "session.update"},
          {"event_id", "a"},
          {"session", {{"type", "realtime"}, {"instructions", 5}}}});
    expect_error("invalid_type", "session.instructions", "a");
    send({{"type", "session.update"},
          {"session",
           {{"type", "realtime"},
            {"audio", {{"input", {{"turn_detection", {{"threshold", 1.5}}}}}}}}}});
    expect_error("invalid_value", "session.audio.input.turn_detection.threshold");
    send({{"type", "session.update"},
          {"session",
           {{"type", "realtime"},
            {"audio", {{"input", {{"format", {{"type", "audio/pcm"}, {"rate", 16000}}}}}}}}}});
    expect_error("invalid_value", "session.audio.input.format.rate");
    send({{"type", "session.update"}, {"session", {{"type", "realtime"}, {"colour", "blue"}}}});
    expect_error("unknown_parameter", "session.colour");
    send({{"type", "session.update"}, {"session", {{"instructions", "x"}}}});
    expect_error("missing_required_parameter", "session.type");
    send({{"type", "session.update"}, {"session", "not an object"}});
    expect_error("invalid_type", "session");
    expect_usable();
}

TEST_F(RealtimeSessionTest, AppendStoresDecodedAudio) {
    sink.clear();
    send({{"type", "input_audio_buffer.append"}, {"audio", pcm_base64(2400, -2)}});
    EXPECT_TRUE(sink.sent.empty());  // the API sends nothing back for an append
    ASSERT_EQ(session->input_audio().size(), 2400u);
    EXPECT_EQ(session->input_audio().samples()[0], -2);
    EXPECT_EQ(session->input_audio().duration_ms(), 100);
}

TEST_F(RealtimeSessionTest, AppendRejectsBadAudio) {
    send({{"type", "input_audio_buffer.append"}, {"event_id", "b64"}, {"audio", "not base64!"}});
    expect_error("invalid_base64", "audio", "b64");
    send({{"type", "input_audio_buffer.append"},
          {"audio", base64::encode(std::vector<std::uint8_t>{1, 2, 3})}});
    expect_error("invalid_audio", "audio");
    send({{"type", "input_audio_buffer.append"}, {"audio", 12}});
    expect_error("invalid_type", "audio");
    send({{"type", "input_audio_buffer.append"}});
    expect_error("missing_required_parameter", "audio");
    EXPECT_EQ(session->input_audio().size(), 0u);
    expect_usable();
}

TEST_F(RealtimeSessionTest, AppendBeyondTheBufferLimitIsRefusedAndSaid) {
    send({{"type", "input_audio_buffer.append"},
          {"audio", pcm_base64(24000)}});  // exactly 1000 ms: fits
    send({{"type", "input_audio_buffer.append"}, {"event_id", "big"}, {"audio", pcm_base64(240)}});
    expect_error("input_audio_buffer_full", "audio", "big");
    EXPECT_NE(std::string(sink.last().at("error").at("message").as_string()).find("1000 ms"),
              std::string::npos);
    EXPECT_EQ(session->input_audio().duration_ms(), 1000);  // what was accepted stays
}

TEST_F(RealtimeSessionTest, CommitCreatesAUserAudioItem) {
    send({{"type", "input_audio_buffer.append"}, {"audio", pcm_base64(4800)}});
    sink.clear();
    send({{"type", "input_audio_buffer.commit"}});
    ASSERT_EQ(sink.types(),
              (std::vector<std::string>{"input_audio_buffer.committed", "conversation.item.added",
                                        "conversation.item.done"}));
    const std::string item_id(sink.sent[0].event.at("item_id").as_string());
    const auto& item = sink.sent[1].event.at("item").as_object();
    EXPECT_EQ(item.at("id").as_string(), item_id);
    EXPECT_EQ(item.at("role").as_string(), "user");
    EXPECT_EQ(item.at("content").at(0).at("type").as_string(), "input_audio");
    EXPECT_TRUE(session->input_audio().empty());
    EXPECT_EQ(session->conversation().items().size(), 1u);
}

TEST_F(RealtimeSessionTest, CommitOfAnEmptyBufferIsAnError) {
    send({{"type", "input_audio_buffer.commit"}, {"event_id", "c1"}});
    expect_error("input_audio_buffer_commit_empty", "", "c1");
    expect_usable();
}

TEST_F(RealtimeSessionTest, ClearEmptiesTheBuffer) {
    send({{"type", "input_audio_buffer.append"}, {"audio", pcm_base64(480)}});
    sink.clear();
    send({{"type", "input_audio_buffer.clear"}});
    EXPECT_EQ(sink.types(), std::vector<std::string>{"input_audio_buffer.cleared"});
    EXPECT_TRUE(session->input_audio().empty());
}

TEST_F(RealtimeSessionTest, ItemCreateAddsAUserMessage) {
    sink.clear();
    send({{"type", "conversation.item.create"}, {"item", user_text_item("hello there")}});
    ASSERT_EQ(sink.types(),
              (std::vector<std::string>{"conversation.item.added", "conversation.item.done"}));
    ASSERT_EQ(session->conversation().items().size(), 1u);
    EXPECT_EQ(session->conversation().items()[0].text(), "hello there");
    EXPECT_TRUE(sink.sent[0].event.at("previous_item_id").is_null());
}

TEST_F(RealtimeSessionTest, ItemCreateHonoursPreviousItemId) {
    auto first = user_text_item("one");
    first["id"] = "item_one";
    send({{"type", "conversation.item.create"}, {"item", first}});
    auto second = user_text_item("zero");
    second["id"] = "item_zero";
    send({{"type", "conversation.item.create"}, {"previous_item_id", "root"}, {"item", second}});
    ASSERT_EQ(session->conversation().items().size(), 2u);
    EXPECT_EQ(session->conversation().items()[0].id, "item_zero");
    send({{"type", "conversation.item.create"},
          {"event_id", "p"},
          {"previous_item_id", "item_missing"},
          {"item", user_text_item("x")}});
    expect_error("item_not_found", "previous_item_id", "p");
    send({{"type", "conversation.item.create"}, {"item", first}});
    expect_error("duplicate_item_id", "item.id");
}

TEST_F(RealtimeSessionTest, ItemCreateValidatesTheItem) {
    send({{"type", "conversation.item.create"}});
    expect_error("missing_required_parameter", "item");
    auto bad_role = user_text_item("x");
    bad_role["role"] = "robot";
    send({{"type", "conversation.item.create"}, {"item", bad_role}});
    expect_error("invalid_value", "item.role");
    json::object bad_part{
        {"type", "message"},
        {"role", "user"},
        {"content", json::array{json::object{{"type", "input_audio"}, {"audio", "AAAA"}}}}};
    send({{"type", "conversation.item.create"}, {"item", bad_part}});
    expect_error("unknown_parameter", "item.content[0].audio");
    auto fn = user_text_item("x");
    fn["type"] = "mcp_call";
    send({{"type", "conversation.item.create"}, {"item", fn}});
    expect_error("invalid_value", "item.type");
    // A function call takes call fields, not a message's.
    fn["type"] = "function_call";
    send({{"type", "conversation.item.create"}, {"item", fn}});
    expect_error("unknown_parameter", "item.role");
    send({{"type", "conversation.item.create"}, {"item", user_text_item(std::string(30000, 'a'))}});
    expect_error("invalid_value", "item.content");
    EXPECT_TRUE(session->conversation().items().empty());
    expect_usable();
}

TEST_F(RealtimeSessionTest, ConversationBoundEvictsTheOldestAndSaysSo) {
    for (int i = 0; i < 5; ++i)
        send({{"type", "conversation.item.create"}, {"item", user_text_item("m")}});
    const std::string oldest = session->conversation().items().front().id;
    sink.clear();
    send({{"type", "conversation.item.create"}, {"item", user_text_item("sixth")}});
    ASSERT_EQ(sink.types(),
              (std::vector<std::string>{"conversation.item.deleted", "conversation.item.added",
                                        "conversation.item.done"}));
    EXPECT_EQ(sink.sent[0].event.at("item_id").as_string(), oldest);
    EXPECT_EQ(session->conversation().items().size(), 5u);
}

TEST_F(RealtimeSessionTest, ItemDeleteRemovesTheItem) {
    auto item = user_text_item("bye");
    item["id"] = "item_bye";
    send({{"type", "conversation.item.create"}, {"item", item}});
    sink.clear();
    send({{"type", "conversation.item.delete"}, {"item_id", "item_bye"}});
    ASSERT_EQ(sink.types(), std::vector<std::string>{"conversation.item.deleted"});
    EXPECT_EQ(sink.last().at("item_id").as_string(), "item_bye");
    EXPECT_TRUE(session->conversation().items().empty());
    send({{"type", "conversation.item.delete"}, {"event_id", "d"}, {"item_id", "item_bye"}});
    expect_error("item_not_found", "item_id", "d");
    send({{"type", "conversation.item.delete"}});
    expect_error("missing_required_parameter", "item_id");
    expect_usable();
}

TEST_F(RealtimeSessionTest, ItemRetrieveReturnsTheItem) {
    auto item = user_text_item("find me");
    item["id"] = "item_find";
    send({{"type", "conversation.item.create"}, {"item", item}});
    send({{"type", "conversation.item.retrieve"}, {"item_id", "item_find"}});
    EXPECT_EQ(sink.last().at("type").as_string(), "conversation.item.retrieved");
    EXPECT_EQ(sink.last().at("item").at("content").at(0).at("text").as_string(), "find me");
}

TEST_F(RealtimeSessionTest, TruncateValidatesItsTarget) {
    auto item = user_text_item("user words");
    item["id"] = "item_user";
    send({{"type", "conversation.item.create"}, {"item", item}});
    send({{"type", "conversation.item.truncate"},
          {"event_id", "t1"},
          {"item_id", "item_user"},
          {"content_index", 0},
          {"audio_end_ms", 100}});
    expect_error("invalid_value", "item_id", "t1");
    send({{"type", "conversation.item.truncate"},
          {"item_id", "nope"},
          {"content_index", 0},
          {"audio_end_ms", 1}});
    expect_error("item_not_found", "item_id");
    send({{"type", "conversation.item.truncate"},
          {"item_id", "item_user"},
          {"content_index", 0},
          {"audio_end_ms", -5}});
    expect_error("invalid_value", "audio_end_ms");
    send({{"type", "conversation.item.truncate"}, {"item_id", "item_user"}, {"audio_end_ms", 5}});
    expect_error("missing_required_parameter", "content_index");
    json::object assistant{
        {"type", "message"},
        {"role", "assistant"},
        {"id", "item_asst"},
        {"content", json::array{json::object{{"type", "output_text"}, {"text", "hi"}}}}};
    send({{"type", "conversation.item.create"}, {"item", assistant}});
    send({{"type", "conversation.item.truncate"},
          {"item_id", "item_asst"},
          {"content_index", 0},
          {"audio_end_ms", 10}});
    expect_error("invalid_value", "content_index");  // text content has no audio to cut
    expect_usable();
}

TEST_F(RealtimeSessionTest, ResponseCancelWithoutAResponseIsAnError) {
    send({{"type", "response.cancel"}, {"event_id", "rc"}});
    expect_error("response_cancel_not_active", "", "rc");
    send({{"type", "response.cancel"}, {"response_id", 7}});
    expect_error("invalid_type", "response_id");
    expect_usable();
}

TEST_F(RealtimeSessionTest, ResponseCreateValidatesItsParameters) {
    send({{"type", "response.create"},
          {"event_id", "r"},
          {"response", {{"output_modalities", json::array{"video"}}}}});
    expect_error("invalid_value", "response.output_modalities", "r");
    send({{"type", "response.create"}, {"response", {{"conversation", "other"}}}});
    expect_error("invalid_value", "response.conversation");
    send({{"type", "response.create"}, {"response", {{"max_output_tokens", 0}}}});
    expect_error("invalid_value", "response.max_output_tokens");
    send({{"type", "response.create"}, {"response", {{"voice", "x"}}}});
    expect_error("unknown_parameter", "response.voice");
    expect_usable();
}

TEST_F(RealtimeSessionTest, MalformedFramesGetErrorsAndTheSessionGoesOn) {
    send_text("{not json");
    expect_error("invalid_json");
    send_text("[1,2,3]");
    expect_error("invalid_json");
    send_text(R"({"event_id":"x1"})");
    expect_error("missing_required_parameter", "type", "x1");
    send_text(R"({"type":"session.destroy","event_id":"x2"})");
    expect_error("unknown_event", "type", "x2");
    send_text(R"({"type":7})");
    expect_error("invalid_type", "type");
    send_text(R"({"type":"input_audio_buffer.clear","event_id":5})");
    expect_error("invalid_type", "event_id");
    send_text(R"({"type":"input_audio_buffer.commit","extra":1})");
    expect_error("unknown_parameter", "extra");
    expect_usable();
}

TEST_F(RealtimeSessionTest, ShutdownNoticeIsAnError) {
    session->notify_shutdown();
    EXPECT_EQ(sink.last().at("error").at("code").as_string(), "server_shutting_down");
}

// Rate limits, with the session's clock frozen so refills cannot interfere.
}  // namespace
}  // namespace confab::session
