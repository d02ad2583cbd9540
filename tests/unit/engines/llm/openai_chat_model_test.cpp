// Protocol and error mapping of OpenAiChatModel against FakeLlmServer.
#include "engines/llm/openai_chat_model.hpp"

#include <gtest/gtest.h>

#include <boost/asio.hpp>
#include <string>
#include <vector>

#include "fakes/fake_llm_server.hpp"
#include "support/run_coroutine.hpp"
#include "unit/engines/llm/openai_chat_model_test_helpers.hpp"
#include "util/errors.hpp"

namespace confab::engines {
namespace {
namespace asio = boost::asio;
using namespace std::chrono_literals;
using namespace chat_model_test;
using test::FakeLlmScript;
using test::FakeLlmServer;

TEST(OpenAiChatModel, StreamsDeltasInOrderAsTheyArrive) {
    FakeLlmServer server;
    FakeLlmScript script;
    script.reply = kReply;
    script.tokens_per_second = 50;
    server.push_script(script);
    OpenAiChatModel model(config_for(server.url()));

    const Streamed streamed = stream_once(model);
    EXPECT_FALSE(streamed.outcome.error) << streamed.outcome.message;
    EXPECT_EQ(streamed.outcome.finish_reason, "stop");
    EXPECT_EQ(streamed.text(), kReply);
    ASSERT_EQ(streamed.deltas.size(), 10u);
    EXPECT_EQ(streamed.deltas.front(), "The ");
    // Paced at 50 tokens/s, 10 tokens span >= 180 ms: the deltas were handed
    // on as they arrived, not after the whole body.
    EXPECT_GE(streamed.delta_times.back() - streamed.delta_times.front(), 150ms);
    EXPECT_TRUE(server.wait_for_end(0, 2s));
    EXPECT_TRUE(server.request(0).completed);
}

TEST(OpenAiChatModel, SendsModelMessagesStreamFlagAndBearer) {
    FakeLlmServer server;
    OpenAiChatModel model(config_for(server.url()));
    ASSERT_FALSE(stream_once(model).outcome.error);

    const test::FakeLlmRequest request = server.request(0);
    EXPECT_EQ(request.method, "POST");
    EXPECT_EQ(request.target, "/v1/chat/completions");
    EXPECT_EQ(request.header("authorization"), "Bearer sk-test");
    EXPECT_EQ(request.header("Accept"), "text/event-stream");
    EXPECT_EQ(request.header("Content-Type"), "application/json");
    EXPECT_EQ(request.header("Host"), "127.0.0.1:" + std::to_string(server.port()));
    ASSERT_TRUE(request.json.is_object()) << request.body;
    const auto& body = request.json.as_object();
    EXPECT_EQ(body.at("model"), "test-model");
    EXPECT_EQ(body.at("stream"), true);
    EXPECT_EQ(body.at("max_tokens"), 50);
    EXPECT_EQ(body.at("temperature"), 0.5);
    const auto& messages = body.at("messages").as_array();
    const ChatRequest sent = conversation();
    ASSERT_EQ(messages.size(), sent.messages.size());
    for (std::size_t i = 0; i < messages.size(); ++i) {
        EXPECT_EQ(messages[i].at("role"), sent.messages[i].role.c_str());
        EXPECT_EQ(messages[i].at("content"), sent.messages[i].content.c_str());
    }
}

TEST(OpenAiChatModel, SendsToolsToolChoiceAndToolMessages) {
    FakeLlmServer server;
    OpenAiChatModel model(config_for(server.url()));
    ChatRequest request = conversation();
    request.tools = {protocol::FunctionTool{"get_weather", "The weather.",
                                            boost::json::object{{"type", "object"}}}};
    request.tool_choice = protocol::ToolChoice{protocol::ToolChoice::Mode::function, "get_weather"};
    request.parallel_tool_calls = false;
    request.messages.push_back(ChatMessage{
        "assistant", "", {ToolCall{"call_1", "get_weather", "{\"city\":\"Oslo\"}"}}, ""});
    request.messages.push_back(ChatMessage{"tool", "snow", {}, "call_1"});
    ASSERT_FALSE(stream_once(model, request).outcome.error);

    const test::FakeLlmRequest sent = server.request(0);
    const auto& body = sent.json.as_object();
    const auto& tool = body.at("tools").at(0).as_object();
    EXPECT_EQ(tool.at("type"), "function");
    EXPECT_EQ(tool.at("function").at("name"), "get_weather");
    EXPECT_EQ(tool.at("function").at("description"), "The weather.");
    EXPECT_EQ(tool.at("function").at("parameters").at("type"), "object");
    EXPECT_EQ(body.at("tool_choice").at("function").at("name"), "get_weather");
    EXPECT_EQ(body.at("parallel_tool_calls"), false);
    const auto& messages = body.at("messages").as_array();
    const auto& asked = messages[messages.size() - 2].as_object();
    EXPECT_TRUE(asked.at("content").is_null()) << "a call without text has null content";
    EXPECT_EQ(asked.at("tool_calls").at(0).at("id"), "call_1");
    EXPECT_EQ(asked.at("tool_calls").at(0).at("function").at("arguments"), "{\"city\":\"Oslo\"}");
    EXPECT_EQ(messages.back().at("role"), "tool");
    EXPECT_EQ(messages.back().at("tool_call_id"), "call_1");
    EXPECT_EQ(messages.back().at("content"), "snow");

    // Without tools, neither field is sent.
    ASSERT_FALSE(stream_once(model).outcome.error);
    const test::FakeLlmRequest plain = server.request(1);
    EXPECT_FALSE(plain.json.as_object().contains("tools"));
    EXPECT_FALSE(plain.json.as_object().contains("tool_choice"));
}

TEST(OpenAiChatModel, DefaultsMaxTokensAndOmitsTemperatureAndKey) {
    FakeLlmServer server;
    LlmConfig config = config_for(server.url() + "/");  // a trailing slash is harmless
    config.api_key.clear();
    OpenAiChatModel model(config);
    ChatRequest request = conversation();
    request.max_tokens.reset();
    request.temperature.reset();
    ASSERT_FALSE(stream_once(model, request).outcome.error);

    const test::FakeLlmRequest seen = server.request(0);
    EXPECT_EQ(seen.target, "/v1/chat/completions");
    EXPECT_EQ(seen.header("Authorization"), "");
    EXPECT_EQ(seen.json.at("max_tokens"), 77);
    EXPECT_FALSE(seen.json.as_object().contains("temperature"));
}

TEST(OpenAiChatModel, ErrorStatusIsBackendErrorWithTheBackendsMessage) {
    FakeLlmServer server;
    FakeLlmScript script;
    script.error_status = 500;
    script.error_message = "the model is overloaded";
    server.push_script(script);
    OpenAiChatModel model(config_for(server.url()));

    const Streamed streamed = stream_once(model);
    EXPECT_EQ(streamed.outcome.error, errc::backend_error);
    EXPECT_NE(streamed.outcome.message.find("500"), std::string::npos) << streamed.outcome.message;
    EXPECT_NE(streamed.outcome.message.find("the model is overloaded"), std::string::npos)
        << streamed.outcome.message;
    EXPECT_TRUE(streamed.deltas.empty());
}

TEST(OpenAiChatModel, MalformedStreamIsBadResponse) {
    FakeLlmServer server;
    FakeLlmScript script;
    script.mode = FakeLlmScript::Mode::malformed;
    server.push_script(script);
    OpenAiChatModel model(config_for(server.url()));

    const Streamed streamed = stream_once(model);
    EXPECT_EQ(streamed.outcome.error, errc::bad_response) << streamed.outcome.message;
    EXPECT_EQ(streamed.deltas.size(), 1u);  // the one good token before the bad chunk
}

TEST(OpenAiChatModel, StreamEndingWithoutDoneIsBadResponse) {
    FakeLlmServer server;
    FakeLlmScript script;
    script.mode = FakeLlmScript::Mode::stop_without_done;
    script.reply = kReply;
    server.push_script(script);
    OpenAiChatModel model(config_for(server.url()));

    const Streamed streamed = stream_once(model);
    EXPECT_EQ(streamed.outcome.error, errc::bad_response);
    EXPECT_NE(streamed.outcome.message.find("[DONE]"), std::string::npos);
    EXPECT_EQ(streamed.text(), kReply);
}

TEST(OpenAiChatModel, ErrorInsideTheStreamIsBackendError) {
    FakeLlmServer server;
    FakeLlmScript script;
    script.mode = FakeLlmScript::Mode::error_in_stream;
    script.error_message = "context length exceeded";
    server.push_script(script);
    OpenAiChatModel model(config_for(server.url()));

    const Streamed streamed = stream_once(model);
    EXPECT_EQ(streamed.outcome.error, errc::backend_error);
    EXPECT_NE(streamed.outcome.message.find("context length exceeded"), std::string::npos);
}

TEST(OpenAiChatModel, BodyEndedByCloseInsteadOfChunking) {
    FakeLlmServer server;
    FakeLlmScript script;
    script.reply = kReply;
    script.chunked = false;
    server.push_script(script);
    OpenAiChatModel model(config_for(server.url()));

    const Streamed streamed = stream_once(model);
    EXPECT_FALSE(streamed.outcome.error) << streamed.outcome.message;
    EXPECT_EQ(streamed.text(), kReply);
}

TEST(OpenAiChatModel, ConnectionRefusedIsBackendUnreachable) {
    OpenAiChatModel model(config_for("http://127.0.0.1:" + std::to_string(closed_port()) + "/v1"));
    const Streamed streamed = stream_once(model);
    EXPECT_EQ(streamed.outcome.error, errc::backend_unreachable);
    EXPECT_NE(streamed.outcome.message.find("connect"), std::string::npos)
        << streamed.outcome.message;
}

TEST(OpenAiChatModel, InvalidBaseUrlIsInvalidArgument) {
    for (const char* url : {"not a url", "ftp://example.com/v1", ""}) {
        OpenAiChatModel model(config_for(url));
        EXPECT_FALSE(model.config_error().empty()) << url;
        EXPECT_EQ(stream_once(model).outcome.error, errc::invalid_argument) << url;
    }
}

}  // namespace
}  // namespace confab::engines
