#include "engines/llm/offline_model.hpp"

#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <string_view>
#include <vector>

#include "util/cancellation_as_error.hpp"
#include "util/errors.hpp"

// g++ 12 false positive on Asio coroutine frames (see openai_chat_model.cpp).
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"

namespace confab::engines {
namespace asio = boost::asio;
namespace {

constexpr std::string_view kPreamble =
    "No language model is configured, so I can only repeat what I heard. ";

std::string_view trim(std::string_view text) {
    constexpr std::string_view kSpace = " \t\r\n";
    const std::size_t first = text.find_first_not_of(kSpace);
    if (first == std::string_view::npos) return {};
    return text.substr(first, text.find_last_not_of(kSpace) - first + 1);
}

// Splits after each run of spaces so that the pieces join back to `text`.
std::vector<std::string_view> words_of(std::string_view text) {
    std::vector<std::string_view> words;
    std::size_t start = 0;
    while (start < text.size()) {
        std::size_t end = text.find(' ', start);
        end = end == std::string_view::npos ? text.size() : text.find_first_not_of(' ', end);
        if (end == std::string_view::npos) end = text.size();
        words.push_back(text.substr(start, end - start));
        start = end;
    }
    return words;
}

bool cancelled(const asio::cancellation_state& state) {
    return state.cancelled() != asio::cancellation_type::none;
}

}  // namespace

OfflineModel::OfflineModel(Pacing pacing) : pacing_(pacing) {
    if (pacing_.words_per_delta == 0) pacing_.words_per_delta = 1;
}

std::string OfflineModel::reply_for(const ChatRequest& request) {
    std::string_view heard;
    for (auto it = request.messages.rbegin(); it != request.messages.rend(); ++it) {
        if (it->role == "user") {
            heard = trim(it->content);
            break;
        }
    }
    std::string reply(kPreamble);
    if (heard.empty()) return reply + "I did not catch any words.";
    reply += "You said: ";
    reply += heard;
    // The sentence ends once, whatever punctuation the transcript carried.
    if (!heard.ends_with('.') && !heard.ends_with('?') && !heard.ends_with('!')) reply += '.';
    return reply;
}

asio::awaitable<ChatOutcome> OfflineModel::stream(ChatRequest request, StreamSinks sinks) {
    co_return co_await cancellation_as_error(run(std::move(request), std::move(sinks.on_text)));
}

asio::awaitable<ChatOutcome> OfflineModel::run(ChatRequest request, DeltaSink on_delta) {
    if (!on_delta) on_delta = [](std::string_view) {};  // a caller that only wants the outcome
    const asio::cancellation_state state = co_await asio::this_coro::cancellation_state;
    const asio::any_io_executor executor = co_await asio::this_coro::executor;
    const std::string reply = reply_for(request);
    const std::vector<std::string_view> words = words_of(reply);
    asio::steady_timer pause(executor);

    for (std::size_t i = 0; i < words.size(); i += pacing_.words_per_delta) {
        // A pause is skipped before the first delta: its latency is the point.
        if (i > 0) {
            boost::system::error_code ec;
            if (pacing_.delta_interval.count() > 0) {
                pause.expires_after(pacing_.delta_interval);
                co_await pause.async_wait(asio::redirect_error(asio::use_awaitable, ec));
            } else {
                co_await asio::post(executor, asio::use_awaitable);
            }
        }
        // Catches both a cancelled pause and a cancel raised inside on_delta.
        if (cancelled(state)) co_return ChatOutcome{errc::cancelled, "cancelled", {}};
        const std::size_t last = std::min(words.size(), i + pacing_.words_per_delta);
        const std::string_view first_word = words[i];
        const std::string_view last_word = words[last - 1];
        on_delta(std::string_view(
            first_word.data(),
            static_cast<std::size_t>(last_word.data() + last_word.size() - first_word.data())));
    }
    co_return ChatOutcome{{}, {}, "stop"};
}

}  // namespace confab::engines
