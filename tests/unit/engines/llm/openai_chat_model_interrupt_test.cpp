// Deadlines and cancellation of OpenAiChatModel against FakeLlmServer.
#include "engines/llm/openai_chat_model.hpp"

#include <gtest/gtest.h>

#include <boost/asio.hpp>
#include <iostream>
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

    // A backend that cannot be reached in time is down, not slow to answer.
    const Streamed streamed = stream_once(model);
    EXPECT_EQ(streamed.outcome.error, errc::backend_unreachable) << streamed.outcome.message;
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
