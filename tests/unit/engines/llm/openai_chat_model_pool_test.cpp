// The backend's connection pool and request limit, seen through
// OpenAiChatModel against FakeLlmServer: keep-alive reuse, the concurrency
// limit and its queue, the saturated and unavailable errors, cancellation
// while queued or streaming, stale idle connections and the single retry.
// No timing is asserted: the fake holds replies until told, and the calls
// start in a known order (ConcurrentCalls::start).
#include <gtest/gtest.h>

#include <boost/asio.hpp>
#include <string>
#include <vector>

#include "engines/llm/openai_chat_model.hpp"
#include "fakes/fake_llm_server.hpp"
#include "support/run_coroutine.hpp"
#include "unit/engines/llm/concurrent_calls.hpp"
#include "unit/engines/llm/openai_chat_model_test_helpers.hpp"
#include "util/errors.hpp"

namespace confab::engines {
namespace {
namespace asio = boost::asio;
using namespace std::chrono_literals;
using namespace chat_model_test;
using test::FakeLlmScript;
using test::FakeLlmServer;

constexpr auto kWait = 5s;

// `count` calls one after the other on one io_context: the pool keeps idle
// connections per io_context.
std::vector<ChatOutcome> stream_in_sequence(OpenAiChatModel& model, asio::io_context& io,
                                            int count) {
    auto calls = [&]() -> asio::awaitable<std::vector<ChatOutcome>> {
        std::vector<ChatOutcome> outcomes;
        for (int i = 0; i < count; ++i) {
            ChatOutcome outcome =
                co_await model.stream(conversation(), LanguageModel::StreamSinks{});
            outcomes.push_back(std::move(outcome));
        }
        co_return outcomes;
    };
    return test::run_coroutine(io, calls());
}

LlmConfig pooled(const std::string& url, int max_concurrent) {
    LlmConfig config = config_for(url);
    config.max_concurrent_requests = max_concurrent;
    config.queue_timeout_ms = 60000;  // tests that want a queue timeout set their own
    return config;
}

TEST(LlmPool, SequentialRequestsReuseOneConnection) {
    FakeLlmServer server;
    OpenAiChatModel model(pooled(server.url(), 4));
    asio::io_context io;

    const auto outcomes = stream_in_sequence(model, io, 5);
    for (const auto& outcome : outcomes) EXPECT_FALSE(outcome.error) << outcome.message;
    EXPECT_EQ(server.connections_accepted(), 1u);
    ASSERT_EQ(server.request_count(), 5u);
    for (const auto& request : server.requests()) EXPECT_EQ(request.connection, 0u);
    const LlmPoolStats stats = model.pool_stats();
    EXPECT_EQ(stats.connections_opened, 1u);
    EXPECT_EQ(stats.connections_reused, 4u);
    EXPECT_EQ(stats.idle, 1u);
    EXPECT_EQ(stats.in_flight, 0u);
    EXPECT_EQ(stats.ok, 5u);
}

TEST(LlmPool, ErrorStatusLeavesTheConnectionReusable) {
    FakeLlmServer server;
    FakeLlmScript failing;
    failing.error_status = 500;
    server.push_script(failing);
    OpenAiChatModel model(pooled(server.url(), 4));
    asio::io_context io;

    const auto outcomes = stream_in_sequence(model, io, 2);
    EXPECT_EQ(outcomes[0].error, errc::backend_error);
    EXPECT_FALSE(outcomes[1].error) << outcomes[1].message;
    EXPECT_EQ(server.connections_accepted(), 1u);
    EXPECT_EQ(model.pool_stats().failed, 1u);
    EXPECT_EQ(model.pool_stats().ok, 1u);
}

TEST(LlmPool, NoIdleConnectionsKeptWhenTheLimitIsZero) {
    FakeLlmServer server;
    LlmConfig config = pooled(server.url(), 4);
    config.max_idle_connections = 0;
    OpenAiChatModel model(config);
    asio::io_context io;

    const auto outcomes = stream_in_sequence(model, io, 2);
    EXPECT_FALSE(outcomes[1].error) << outcomes[1].message;
    EXPECT_EQ(server.connections_accepted(), 2u);
    EXPECT_EQ(model.pool_stats().connections_reused, 0u);
    EXPECT_EQ(model.pool_stats().idle, 0u);
}

TEST(LlmPool, RequestsBeyondTheLimitWaitTheirTurn) {
    FakeLlmServer server;
    server.hold_replies();
    OpenAiChatModel model(pooled(server.url(), 2));
    ConcurrentCalls calls(model);

    calls.start({"a", "b", "c", "d", "e"});
    ASSERT_TRUE(server.wait_for_requests(2, kWait));
    LlmPoolStats stats = model.pool_stats();
    EXPECT_EQ(stats.in_flight, 2u);
    EXPECT_EQ(stats.waiting, 3u);
    EXPECT_EQ(server.request_count(), 2u);

    server.release_replies();
    for (std::size_t i = 0; i < 5; ++i) {
        const auto outcome = calls.outcome(i, kWait);
        ASSERT_TRUE(outcome.has_value()) << i;
        EXPECT_FALSE(outcome->error) << outcome->message;
    }
    EXPECT_EQ(server.request_count(), 5u);
    EXPECT_EQ(server.max_concurrent_responses(), 2u);
    EXPECT_LE(server.connections_accepted(), 2u);
    stats = model.pool_stats();
    EXPECT_EQ(stats.in_flight, 0u);
    EXPECT_EQ(stats.waiting, 0u);
    EXPECT_EQ(stats.ok, 5u);
    EXPECT_EQ(stats.connections_opened + stats.connections_reused, 5u);
}

TEST(LlmPool, QueueTimeoutIsSaturation) {
    FakeLlmServer server;
    server.hold_replies();
    LlmConfig config = pooled(server.url(), 1);
    config.queue_timeout_ms = 50;
    OpenAiChatModel model(config);
    ConcurrentCalls calls(model);

    calls.start({"a", "b"});
    const auto refused = calls.outcome(1, kWait);
    ASSERT_TRUE(refused.has_value());
    EXPECT_EQ(refused->error, errc::backend_saturated);
    EXPECT_NE(refused->message.find("queue timeout of 50 ms"), std::string::npos)
        << refused->message;
    EXPECT_EQ(model.pool_stats().saturated, 1u);
    EXPECT_EQ(model.pool_stats().waiting, 0u);

    server.release_replies();
    const auto served = calls.outcome(0, kWait);
    ASSERT_TRUE(served.has_value());
    EXPECT_FALSE(served->error) << served->message;
    EXPECT_EQ(server.request_count(), 1u);  // the refused one never reached the backend
    EXPECT_EQ(model.pool_stats().in_flight, 0u);
}

TEST(LlmPool, FullQueueIsSaturationAtOnce) {
    FakeLlmServer server;
    server.hold_replies();
    LlmConfig config = pooled(server.url(), 1);
    config.max_queued_requests = 1;
    OpenAiChatModel model(config);
    ConcurrentCalls calls(model);

    calls.start({"a", "b", "c"});
    // The queue timeout is a minute: only a full queue can answer this soon.
    const auto refused = calls.outcome(2, kWait);
    ASSERT_TRUE(refused.has_value());
    EXPECT_EQ(refused->error, errc::backend_saturated);
    EXPECT_NE(refused->message.find("queue of 1 is full"), std::string::npos) << refused->message;
    EXPECT_EQ(model.pool_stats().waiting, 1u);

    server.release_replies();
    for (std::size_t i = 0; i < 2; ++i) {
        const auto outcome = calls.outcome(i, kWait);
        ASSERT_TRUE(outcome.has_value());
        EXPECT_FALSE(outcome->error) << outcome->message;
    }
    EXPECT_EQ(model.pool_stats().saturated, 1u);
    EXPECT_EQ(model.pool_stats().ok, 2u);
}

TEST(LlmPool, ClosedPortIsUnavailable) {
    OpenAiChatModel model(pooled("http://127.0.0.1:" + std::to_string(closed_port()) + "/v1", 2));
    const Streamed streamed = stream_once(model);
    EXPECT_EQ(streamed.outcome.error, errc::backend_unreachable);
    EXPECT_NE(streamed.outcome.message.find("connect to 127.0.0.1"), std::string::npos)
        << streamed.outcome.message;
    const LlmPoolStats stats = model.pool_stats();
    EXPECT_EQ(stats.unavailable, 1u);
    EXPECT_EQ(stats.connections_opened, 0u);
    EXPECT_EQ(stats.in_flight, 0u);
}

TEST(LlmPool, CancellingAQueuedRequestTakesItOutOfTheQueue) {
    FakeLlmServer server;
    server.hold_replies();
    OpenAiChatModel model(pooled(server.url(), 1));
    ConcurrentCalls calls(model);

    calls.start({"a", "b"});
    ASSERT_TRUE(server.wait_for_requests(1, kWait));
    EXPECT_EQ(model.pool_stats().waiting, 1u);
    calls.cancel(1);
    const auto cancelled = calls.outcome(1, kWait);
    ASSERT_TRUE(cancelled.has_value());
    EXPECT_EQ(cancelled->error, errc::cancelled);
    LlmPoolStats stats = model.pool_stats();
    EXPECT_EQ(stats.waiting, 0u);
    EXPECT_EQ(stats.in_flight, 1u);

    server.release_replies();
    const auto served = calls.outcome(0, kWait);
    ASSERT_TRUE(served.has_value());
    EXPECT_FALSE(served->error) << served->message;
    EXPECT_EQ(server.request_count(), 1u);
    stats = model.pool_stats();
    EXPECT_EQ(stats.in_flight, 0u);
    EXPECT_EQ(stats.cancelled, 1u);
    EXPECT_EQ(stats.ok, 1u);
}

TEST(LlmPool, CancellingAStreamClosesItsConnectionAndFreesItsSlot) {
    FakeLlmServer server;
    FakeLlmScript slow;
    slow.reply = many_words(200);
    slow.tokens_per_second = 20;
    server.push_script(slow);
    OpenAiChatModel model(pooled(server.url(), 1));
    ConcurrentCalls calls(model);

    calls.start({"a", "b"});
    ASSERT_TRUE(calls.wait_for_text(0, kWait));
    calls.cancel(0);
    const auto cancelled = calls.outcome(0, kWait);
    ASSERT_TRUE(cancelled.has_value());
    EXPECT_EQ(cancelled->error, errc::cancelled);
    EXPECT_TRUE(server.wait_for_disconnect(0, kWait).has_value());

    // The waiting call gets the slot, on a new connection: the cancelled
    // one was closed, not returned half-read.
    const auto next = calls.outcome(1, kWait);
    ASSERT_TRUE(next.has_value());
    EXPECT_FALSE(next->error) << next->message;
    EXPECT_EQ(server.connections_accepted(), 2u);
    EXPECT_NE(server.request(0).connection, server.request(1).connection);
    const LlmPoolStats stats = model.pool_stats();
    EXPECT_EQ(stats.in_flight, 0u);
    EXPECT_EQ(stats.connections_reused, 0u);
    EXPECT_EQ(stats.cancelled, 1u);
    EXPECT_EQ(stats.idle, 1u);  // only the completed one's
}

TEST(LlmPool, IdleConnectionTheBackendClosedIsNotUsed) {
    FakeLlmServer server;
    FakeLlmScript closing;
    closing.close_after_reply = true;
    server.push_script(closing);
    OpenAiChatModel model(pooled(server.url(), 2));
    asio::io_context io;

    ASSERT_FALSE(stream_in_sequence(model, io, 1).front().error);
    ASSERT_TRUE(server.wait_for_open_connections(0, kWait));
    const auto second = stream_in_sequence(model, io, 1).front();
    EXPECT_FALSE(second.error) << second.message;
    const LlmPoolStats stats = model.pool_stats();
    EXPECT_EQ(stats.stale_dropped, 1u);
    EXPECT_EQ(stats.connections_opened, 2u);
    EXPECT_EQ(stats.connections_reused, 0u);
    EXPECT_EQ(stats.retries, 0u);
}

TEST(LlmPool, ReusedConnectionClosedUnansweredIsRetriedOnceOnAFreshOne) {
    FakeLlmServer server;
    OpenAiChatModel model(pooled(server.url(), 2));
    asio::io_context io;
    ASSERT_FALSE(stream_in_sequence(model, io, 1).front().error);

    FakeLlmScript dropped;
    dropped.mode = FakeLlmScript::Mode::close_without_reply;
    server.push_script(dropped);
    const auto outcome = stream_in_sequence(model, io, 1).front();
    EXPECT_FALSE(outcome.error) << outcome.message;
    ASSERT_EQ(server.request_count(), 3u);
    EXPECT_EQ(server.request(1).connection, 0u);
    EXPECT_EQ(server.request(2).connection, 1u);
    const LlmPoolStats stats = model.pool_stats();
    EXPECT_EQ(stats.retries, 1u);
    EXPECT_EQ(stats.connections_opened, 2u);
    EXPECT_EQ(stats.ok, 2u);
}

TEST(LlmPool, RetryIsOnceAndOnlyForReusedConnections) {
    FakeLlmServer server;
    FakeLlmScript dropped;
    dropped.mode = FakeLlmScript::Mode::close_without_reply;
    server.push_script(dropped);
    OpenAiChatModel model(pooled(server.url(), 2));
    asio::io_context io;

    // A fresh connection closed unanswered: the backend did see the request.
    const auto fresh = stream_in_sequence(model, io, 1).front();
    EXPECT_EQ(fresh.error, errc::bad_response) << fresh.message;
    EXPECT_EQ(server.request_count(), 1u);

    ASSERT_FALSE(stream_in_sequence(model, io, 1).front().error);
    server.push_script(dropped);
    server.push_script(dropped);
    const auto twice = stream_in_sequence(model, io, 1).front();
    EXPECT_EQ(twice.error, errc::bad_response) << twice.message;
    EXPECT_EQ(server.request_count(), 4u);  // 1 + 1 + the reused try and one retry
    EXPECT_EQ(model.pool_stats().retries, 1u);
}

TEST(LlmPool, IdleConnectionsCloseWithTheirIoContext) {
    FakeLlmServer server;
    OpenAiChatModel model(pooled(server.url(), 2));
    {
        asio::io_context io;
        ASSERT_FALSE(stream_in_sequence(model, io, 1).front().error);
        EXPECT_EQ(model.pool_stats().idle, 1u);
        EXPECT_EQ(server.connections_open(), 1u);
    }
    EXPECT_TRUE(server.wait_for_open_connections(0, kWait));
    EXPECT_EQ(model.pool_stats().idle, 0u);

    // The model goes on with a new io_context and a new connection.
    asio::io_context io;
    EXPECT_FALSE(stream_in_sequence(model, io, 1).front().error);
    EXPECT_EQ(server.connections_accepted(), 2u);
}

}  // namespace
}  // namespace confab::engines
