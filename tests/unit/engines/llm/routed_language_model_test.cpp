// RoutedLanguageModel against two FakeLlmServers: failover before any output
// (refused connection, HTTP error, a hang past failover_after_ms), none after
// output began, the breaker sending requests straight to the live backend,
// and every backend down.
#include "engines/llm/routed_language_model.hpp"

#include <gtest/gtest.h>

#include <boost/asio.hpp>
#include <memory>

#include "config/backend_list.hpp"
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

LlmConfig two_backends(const std::string& a, const std::string& b) {
    LlmConfig config = config_for("");
    config.base_url.clear();
    config.backends = {BackendConfig{.name = "a", .base_url = a},
                       BackendConfig{.name = "b", .base_url = b}};
    config.failover_after_ms = 300;
    config.breaker_failures = 2;
    config.breaker_cooldown_ms = 60'000;
    return config;
}

struct Routed {
    explicit Routed(const LlmConfig& config) : model(config, resolved_llm_backends(config)) {}
    Streamed stream() {
        asio::io_context io;
        Streamed result;
        const auto start = Clock::now();
        result.outcome =
            test::run_coroutine(io, model.stream(conversation(), [&](std::string_view delta) {
                result.deltas.emplace_back(delta);
                result.delta_times.push_back(Clock::now());
            }));
        result.elapsed = Clock::now() - start;
        return result;
    }
    RoutedLanguageModel model;
};

std::string url_on(unsigned short port) {
    return "http://127.0.0.1:" + std::to_string(port) + "/v1";
}

TEST(RoutedLanguageModel, ARefusedConnectionFailsOverToTheNextBackend) {
    FakeLlmServer b;
    Routed routed(two_backends(url_on(closed_port()), b.url()));
    const Streamed streamed = routed.stream();
    ASSERT_FALSE(streamed.outcome.error) << streamed.outcome.message;
    EXPECT_EQ(streamed.text(), "Hello from the fake model.");
    EXPECT_EQ(b.request_count(), 1u);
    const auto status = routed.model.router().status(Clock::now());
    EXPECT_EQ(status[0].failed, 1u);
    EXPECT_EQ(status[1].succeeded, 1u);
}

TEST(RoutedLanguageModel, AnHttpErrorBeforeAnyTokenFailsOver) {
    FakeLlmServer a, b;
    FakeLlmScript broken;
    broken.error_status = 500;
    a.push_script(broken);
    Routed routed(two_backends(a.url(), b.url()));
    const Streamed streamed = routed.stream();
    ASSERT_FALSE(streamed.outcome.error) << streamed.outcome.message;
    EXPECT_EQ(a.request_count(), 1u);
    EXPECT_EQ(b.request_count(), 1u);
}

TEST(RoutedLanguageModel, AHangIsAbandonedAfterFailoverAfterMs) {
    FakeLlmServer a, b;
    FakeLlmScript hang;
    hang.mode = FakeLlmScript::Mode::hang_before_first_token;
    a.push_script(hang);
    Routed routed(two_backends(a.url(), b.url()));
    const Streamed streamed = routed.stream();
    ASSERT_FALSE(streamed.outcome.error) << streamed.outcome.message;
    EXPECT_EQ(b.request_count(), 1u);
    // The hung request was closed, not left open on the backend.
    EXPECT_TRUE(a.wait_for_end(0, 2s));
    EXPECT_TRUE(a.request(0).disconnected_at.has_value());
    const auto status = routed.model.router().status(Clock::now());
    EXPECT_NE(status[0].last_error.find("failover_after_ms"), std::string::npos)
        << status[0].last_error;
}

TEST(RoutedLanguageModel, AFailureAfterOutputBeganIsNotRetried) {
    FakeLlmServer a, b;
    FakeLlmScript midway;
    midway.mode = FakeLlmScript::Mode::error_in_stream;
    a.push_script(midway);
    Routed routed(two_backends(a.url(), b.url()));
    const Streamed streamed = routed.stream();
    EXPECT_TRUE(streamed.outcome.error);
    EXPECT_FALSE(streamed.deltas.empty());  // the first token reached the caller
    EXPECT_EQ(b.request_count(), 0u);       // a second model would start the reply over
}

TEST(RoutedLanguageModel, AnOpenBreakerSendsRequestsStraightToTheLiveBackend) {
    FakeLlmServer b;
    const unsigned short dead = closed_port();
    Routed routed(two_backends(url_on(dead), b.url()));
    for (int i = 0; i < 2; ++i) ASSERT_FALSE(routed.stream().outcome.error);
    EXPECT_EQ(routed.model.router().status(Clock::now())[0].breaker, "open");
    for (int i = 0; i < 3; ++i) ASSERT_FALSE(routed.stream().outcome.error);
    EXPECT_EQ(b.request_count(), 5u);
    // Only the two requests that opened the breaker tried the dead one.
    EXPECT_EQ(routed.model.router().status(Clock::now())[0].failed, 2u);
}

TEST(RoutedLanguageModel, EveryBackendDownNamesEachFailure) {
    FakeLlmServer a;
    FakeLlmScript broken;
    broken.error_status = 503;
    a.set_default_script(broken);
    Routed routed(two_backends(a.url(), url_on(closed_port())));
    const Streamed first = routed.stream();
    ASSERT_TRUE(first.outcome.error);
    EXPECT_NE(first.outcome.message.find("no language model backend could answer"),
              std::string::npos)
        << first.outcome.message;
    EXPECT_NE(first.outcome.message.find("a: HTTP 503"), std::string::npos)
        << first.outcome.message;
    EXPECT_NE(first.outcome.message.find("b: connect to"), std::string::npos)
        << first.outcome.message;
    // Once both breakers are open the call fails at once, saying why.
    ASSERT_TRUE(routed.stream().outcome.error);
    const Streamed shut = routed.stream();
    EXPECT_EQ(shut.outcome.error, make_error_code(errc::backend_unreachable));
    EXPECT_NE(shut.outcome.message.find("no llm backend is usable"), std::string::npos)
        << shut.outcome.message;
    EXPECT_EQ(a.request_count(), 2u);
}

}  // namespace
}  // namespace confab::engines
