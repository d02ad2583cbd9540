// Shared by the OpenAiChatModel tests: a config pointing at a fake, a
// conversation, and a way to stream one reply on the test thread.
#pragma once
#include <boost/asio.hpp>
#include <chrono>
#include <string>
#include <vector>

#include "engines/llm/openai_chat_model.hpp"
#include "support/run_coroutine.hpp"

namespace confab::engines::chat_model_test {
namespace asio = boost::asio;
using Clock = std::chrono::steady_clock;

inline const std::string kReply = "The quick brown fox jumps over the lazy dog, twice.";

inline LlmConfig config_for(const std::string& url) {
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

inline ChatRequest conversation() {
    ChatRequest request;
    request.messages = {{"system", "Be brief."},
                        {"user", "Hi"},
                        {"assistant", "Hello!"},
                        {"user", "Tell me about \"foxes\"."}};
    request.max_tokens = 50;
    request.temperature = 0.5;
    return request;
}

inline std::string many_words(int count) {
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

inline Streamed stream_once(OpenAiChatModel& model, ChatRequest request = conversation()) {
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

inline unsigned short closed_port() {
    asio::io_context io;
    asio::ip::tcp::acceptor acceptor(io, {asio::ip::make_address("127.0.0.1"), 0});
    return acceptor.local_endpoint().port();  // closed again on return
}
}  // namespace confab::engines::chat_model_test
