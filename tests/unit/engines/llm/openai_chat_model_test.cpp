#include "engines/llm/openai_chat_model.hpp"

#include <gtest/gtest.h>

#include <boost/asio.hpp>
#include <iostream>
#include <string>
#include <vector>

#include "fakes/fake_llm_server.hpp"
#include "support/run_coroutine.hpp"
#include "util/errors.hpp"

namespace confab::engines {
namespace {
namespace asio = boost::asio;
using namespace std::chrono_literals;
using test::FakeLlmScript;
using test::FakeLlmServer;
using Clock = std::chrono::steady_clock;

const std::string kReply = "The quick brown fox jumps over the lazy dog, twice.";

LlmConfig config_for(const std::string& url) {
    LlmConfig config;
    config.base_url = url;
    config.model = "test-model";
    config.api_key = "sk-test";
    config.connect_timeout_ms = 2000;
    config.first_token_timeout_ms = 5000;
    config.total_timeout_ms = 10000;
    config.max_tokens = 77;
    return config;
}

ChatRequest conversation() {
    ChatRequest request;
    request.messages = {{"system", "Be brief."},
                        {"user", "Hi"},
                        {"assistant", "Hello!"},
                        {"user", "Tell me about \"foxes\"."}};
    request.max_tokens = 50;
    request.temperature = 0.5;
    return request;
}

std::string many_words(int count) {
    std::string text;
    for (int i = 0; i < count; ++i) text += "word" + std::to_string(i) + " ";
    return text;
}

struct Streamed {
    ChatOutcome outcome;
    std::vector<std::string> deltas;
    std::vector<Clock::time_point> delta_times;
    Clock::duration elapsed{};
    std::string text() const {
        std::string all;
        for (const auto& delta : deltas) all += delta;
        return all;
    }
};

Streamed stream_once(OpenAiChatModel& model, ChatRequest request = conversation()) {
    asio::io_context io;
    Streamed result;
    const auto start = Clock::now();
    result.outcome =
        test::run_coroutine(io, model.stream(std::move(request), [&](std::string_view delta) {
            result.deltas.emplace_back(delta);
            result.delta_times.push_back(Clock::now());
        }));
    result.elapsed = Clock::now() - start;
    return result;
}

unsigned short closed_port() {
    asio::io_context io;
    asio::ip::tcp::acceptor acceptor(io, {asio::ip::make_address("127.0.0.1"), 0});
    return acceptor.local_endpoint().port();  // closed again on return
}

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

TEST(OpenAiChatModel, ConnectTimeout) {
    // A listener whose one-slot accept queue is full: Linux drops further
    // SYNs, so a connect neither succeeds nor fails until the client gives up.
    asio::io_context io;
    asio::ip::tcp::acceptor full(io, {asio::ip::make_address("127.0.0.1"), 0});
    full.listen(0);
    asio::ip::tcp::socket queued(io);
    queued.connect(full.local_endpoint());
    LlmConfig config =
        config_for("http://127.0.0.1:" + std::to_string(full.local_endpoint().port()) + "/v1");
    config.connect_timeout_ms = 200;
    OpenAiChatModel model(config);

    const Streamed streamed = stream_once(model);
    EXPECT_EQ(streamed.outcome.error, errc::timeout) << streamed.outcome.message;
    EXPECT_NE(streamed.outcome.message.find("connect timeout"), std::string::npos)
        << streamed.outcome.message;
    EXPECT_GE(streamed.elapsed, 190ms);
    EXPECT_LT(streamed.elapsed, 3s);
}

TEST(OpenAiChatModel, FirstTokenTimeout) {
    FakeLlmServer server;
    FakeLlmScript script;
    script.mode = FakeLlmScript::Mode::hang_before_first_token;
    server.push_script(script);
    LlmConfig config = config_for(server.url());
    config.first_token_timeout_ms = 200;
    OpenAiChatModel model(config);

    const Streamed streamed = stream_once(model);
    EXPECT_EQ(streamed.outcome.error, errc::timeout);
    EXPECT_NE(streamed.outcome.message.find("first token"), std::string::npos)
        << streamed.outcome.message;
    EXPECT_GE(streamed.elapsed, 190ms);
    EXPECT_LT(streamed.elapsed, 3s);
    EXPECT_TRUE(server.wait_for_disconnect(0, 2s).has_value());
}

TEST(OpenAiChatModel, TotalTimeout) {
    FakeLlmServer server;
    FakeLlmScript script;
    script.reply = many_words(40);
    script.tokens_per_second = 20;  // 2 s of reply
    server.push_script(script);
    LlmConfig config = config_for(server.url());
    config.total_timeout_ms = 300;
    OpenAiChatModel model(config);

    const Streamed streamed = stream_once(model);
    EXPECT_EQ(streamed.outcome.error, errc::timeout);
    EXPECT_NE(streamed.outcome.message.find("total"), std::string::npos)
        << streamed.outcome.message;
    EXPECT_FALSE(streamed.deltas.empty());
    EXPECT_LT(streamed.elapsed, 3s);
}

// The one timing the product requires: a barge-in must free the backend at
// once. The cancel comes from outside the stream (a posted handler, as an
// interruption would), and the fake records the moment its socket sees EOF.
TEST(OpenAiChatModel, CancellationMidStreamClosesTheConnectionAtOnce) {
    FakeLlmServer server;
    FakeLlmScript script;
    script.reply = many_words(60);
    script.tokens_per_second = 40;
    server.push_script(script);
    OpenAiChatModel model(config_for(server.url()));

    asio::io_context io;
    asio::cancellation_signal cancel;
    std::vector<std::string> deltas;
    Clock::time_point cancel_at;
    const auto on_delta = [&](std::string_view delta) {
        deltas.emplace_back(delta);
        if (deltas.size() == 3) {
            asio::post(io, [&] {
                cancel_at = Clock::now();
                cancel.emit(asio::cancellation_type::terminal);
            });
        }
    };
    const ChatOutcome outcome =
        test::run_coroutine(io, model.stream(conversation(), on_delta), cancel.slot());
    const auto returned_at = Clock::now();

    EXPECT_EQ(outcome.error, errc::cancelled);
    EXPECT_LT(deltas.size(), 10u);
    const auto disconnected_at = server.wait_for_disconnect(0, 2s);
    ASSERT_TRUE(disconnected_at.has_value()) << "the fake never saw the client leave";
    const auto gap = *disconnected_at - cancel_at;
    std::cout
        << "[ measure  ] cancel -> server saw disconnect: "
        << std::chrono::duration_cast<std::chrono::microseconds>(gap).count()
        << " us; cancel -> stream() returned: "
        << std::chrono::duration_cast<std::chrono::microseconds>(returned_at - cancel_at).count()
        << " us\n";
    EXPECT_LT(gap, 100ms);
    EXPECT_LT(returned_at - cancel_at, 100ms);
    EXPECT_FALSE(server.request(0).completed);
}

TEST(OpenAiChatModel, CancellationBeforeTheFirstTokenClosesTheConnection) {
    FakeLlmServer server;
    FakeLlmScript script;
    script.mode = FakeLlmScript::Mode::hang_before_first_token;
    server.push_script(script);
    OpenAiChatModel model(config_for(server.url()));

    asio::io_context io;
    asio::cancellation_signal cancel;
    Clock::time_point cancel_at;
    asio::steady_timer barge_in(io, 100ms);
    barge_in.async_wait([&](boost::system::error_code) {
        cancel_at = Clock::now();
        cancel.emit(asio::cancellation_type::terminal);
    });
    const ChatOutcome outcome = test::run_coroutine(
        io, model.stream(conversation(), [](std::string_view) {}), cancel.slot());

    EXPECT_EQ(outcome.error, errc::cancelled);
    const auto disconnected_at = server.wait_for_disconnect(0, 2s);
    ASSERT_TRUE(disconnected_at.has_value());
    EXPECT_LT(*disconnected_at - cancel_at, 100ms);
}

TEST(OpenAiChatModel, CancellationRaisedInsideOnDeltaStopsFurtherDeltas) {
    FakeLlmServer server;
    FakeLlmScript script;
    script.reply = many_words(20);  // all at once: many events per read
    server.push_script(script);
    OpenAiChatModel model(config_for(server.url()));

    asio::io_context io;
    asio::cancellation_signal cancel;
    int deltas = 0;
    const auto on_delta = [&](std::string_view) {
        if (++deltas == 2) cancel.emit(asio::cancellation_type::terminal);
    };
    const ChatOutcome outcome =
        test::run_coroutine(io, model.stream(conversation(), on_delta), cancel.slot());
    EXPECT_EQ(outcome.error, errc::cancelled);
    EXPECT_EQ(deltas, 2);
}

}  // namespace
}  // namespace confab::engines
