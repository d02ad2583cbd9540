#include "engines/llm/offline_model.hpp"

#include <gtest/gtest.h>

#include <boost/asio.hpp>
#include <string>
#include <vector>

#include "support/run_coroutine.hpp"
#include "util/errors.hpp"

namespace confab::engines {
namespace {
namespace asio = boost::asio;
using namespace std::chrono_literals;

ChatRequest said(std::string words) {
    ChatRequest request;
    request.messages = {{"system", "You are helpful."},
                        {"user", "an earlier question"},
                        {"assistant", "an earlier answer"},
                        {"user", std::move(words)}};
    return request;
}

TEST(OfflineModel, SaysNoModelIsConfiguredAndRepeatsTheUser) {
    OfflineModel model(OfflineModel::Pacing{3, 1ms});
    EXPECT_EQ(model.name(), "offline");
    asio::io_context io;
    std::vector<std::string> deltas;
    const ChatOutcome outcome = test::run_coroutine(
        io, model.stream(said("  what time is it  "),
                         [&](std::string_view delta) { deltas.emplace_back(delta); }));
    EXPECT_FALSE(outcome.error);
    EXPECT_EQ(outcome.finish_reason, "stop");
    std::string text;
    for (const auto& delta : deltas) text += delta;
    EXPECT_EQ(text,
              "No language model is configured, so I can only repeat what I heard. "
              "You said: what time is it.");
    EXPECT_GT(deltas.size(), 3u);  // streamed a few words at a time
    EXPECT_EQ(deltas.front(), "No language model ");
}

TEST(OfflineModel, AcceptsToolsAndNeverCallsThem) {
    OfflineModel model(OfflineModel::Pacing{50, 1ms});
    asio::io_context io;
    ChatRequest request = said("book a table");
    request.tools = {protocol::FunctionTool{"book_table", "Books a table.", {}}};
    request.tool_choice.mode = protocol::ToolChoice::Mode::required;
    std::string text;
    int calls = 0;
    const ChatOutcome outcome = test::run_coroutine(
        io, model.stream(std::move(request),
                         LanguageModel::StreamSinks{[&](std::string_view delta) { text += delta; },
                                                    [&](const ToolCallDelta&) { ++calls; }}));
    EXPECT_FALSE(outcome.error);
    EXPECT_EQ(calls, 0);
    EXPECT_TRUE(outcome.tool_calls.empty());
    EXPECT_NE(text.find("You said: book a table."), std::string::npos) << text;
}

TEST(OfflineModel, SaysSoWhenItHeardNothing) {
    EXPECT_EQ(OfflineModel::reply_for(said(" \n")),
              "No language model is configured, so I can only repeat what I heard. "
              "I did not catch any words.");
    EXPECT_EQ(OfflineModel::reply_for(ChatRequest{}), OfflineModel::reply_for(said("")));
    EXPECT_NE(OfflineModel::reply_for(said("Really?")).find("You said: Really?"),
              std::string::npos);
    EXPECT_EQ(OfflineModel::reply_for(said("Really?")).find("?."), std::string::npos);
}

TEST(OfflineModel, CancelStopsTheReply) {
    OfflineModel model(OfflineModel::Pacing{2, 20ms});
    asio::io_context io;
    asio::cancellation_signal cancel;
    int deltas = 0;
    const auto on_delta = [&](std::string_view) {
        if (++deltas == 2) {
            asio::post(io, [&] { cancel.emit(asio::cancellation_type::terminal); });
        }
    };
    const auto start = std::chrono::steady_clock::now();
    const ChatOutcome outcome = test::run_coroutine(
        io, model.stream(said("one two three four five six seven"), on_delta), cancel.slot());
    EXPECT_EQ(outcome.error, errc::cancelled);
    EXPECT_EQ(deltas, 2);
    // Cancelled mid-pause, not after it: the pause is 20 ms, the whole reply ~200 ms.
    EXPECT_LT(std::chrono::steady_clock::now() - start, 150ms);
}

TEST(OfflineModel, CancelInsideOnDeltaStopsAtOnce) {
    OfflineModel model(OfflineModel::Pacing{1, 0ms});
    asio::io_context io;
    asio::cancellation_signal cancel;
    int deltas = 0;
    const auto on_delta = [&](std::string_view) {
        if (++deltas == 1) cancel.emit(asio::cancellation_type::terminal);
    };
    const ChatOutcome outcome =
        test::run_coroutine(io, model.stream(said("hello there"), on_delta), cancel.slot());
    EXPECT_EQ(outcome.error, errc::cancelled);
    EXPECT_EQ(deltas, 1);
}

}  // namespace
}  // namespace confab::engines
