// A completion started before it was asked for: adopted once, it replays what
// came before and forwards the rest; cancelled, before or after adoption, it
// closes the backend request.
#include "pipeline/prefetched_completion.hpp"

#include <gtest/gtest.h>

#include <boost/asio.hpp>

#include "support/run_coroutine.hpp"
#include "util/errors.hpp"

namespace confab::pipeline {
namespace {
namespace asio = boost::asio;

// Says "before " at once, then waits for the test to open its gate, then says
// "after" (or fails, if told to); a cancellation ends the wait.
class GatedModel final : public engines::LanguageModel {
public:
    explicit GatedModel(asio::io_context& io) : gate_(io, asio::steady_timer::time_point::max()) {}
    std::string name() const override { return "gated"; }
    asio::awaitable<engines::ChatOutcome> stream(engines::ChatRequest, StreamSinks sinks) override {
        auto& on_delta = sinks.on_text;
        ++requests;
        on_delta("before ");
        co_await gate_.async_wait(asio::as_tuple(asio::use_awaitable));  // opened or cancelled
        if (!opened_) {
            cancelled = true;
            co_return engines::ChatOutcome{make_error_code(errc::cancelled), "cancelled", ""};
        }
        if (fail) co_return engines::ChatOutcome{make_error_code(errc::backend_error), "boom", ""};
        on_delta("after");
        co_return engines::ChatOutcome{{}, "", "stop"};
    }
    void open() {
        opened_ = true;
        gate_.cancel();
    }
    int requests = 0;
    bool cancelled = false;
    bool fail = false;

private:
    asio::steady_timer gate_;
    bool opened_ = false;
};

engines::ChatRequest request_for(const std::string& words) {
    engines::ChatRequest r;
    r.messages = {{"system", "be brief"}, {"user", words}};
    r.max_tokens = 100;
    return r;
}

class PrefetchedCompletionTest : public ::testing::Test {
protected:
    // Adopts the completion as a response would, collecting every delta.
    asio::awaitable<engines::ChatOutcome> adopt() {
        return prefetch_->stream(request_for("hi"),
                                 [this](std::string_view t) { received_.emplace_back(t); });
    }

    asio::io_context io_;
    GatedModel backend_{io_};
    std::shared_ptr<PrefetchedCompletion> prefetch_ =
        std::make_shared<PrefetchedCompletion>(io_.get_executor(), backend_, request_for("hi"));
    std::vector<std::string> received_;
};

TEST_F(PrefetchedCompletionTest, AdoptingReplaysTheTextSoFarThenForwardsTheRest) {
    prefetch_->begin();
    io_.poll();  // the backend said "before " and waits
    ASSERT_EQ(backend_.requests, 1);
    asio::post(io_, [this] { backend_.open(); });
    const auto outcome = test::run_coroutine(io_, adopt());
    EXPECT_FALSE(outcome.error);
    EXPECT_EQ(outcome.finish_reason, "stop");
    EXPECT_EQ(received_, (std::vector<std::string>{"before ", "after"}));
    EXPECT_EQ(backend_.requests, 1);
    EXPECT_TRUE(prefetch_->adopted());
}

TEST_F(PrefetchedCompletionTest, AdoptingAFinishedCompletionReturnsAllOfItAtOnce) {
    prefetch_->begin();
    io_.poll();
    backend_.open();
    io_.poll();
    ASSERT_TRUE(io_.stopped());  // out of work: the backend request has ended
    const auto outcome = test::run_coroutine(io_, adopt());
    EXPECT_FALSE(outcome.error);
    EXPECT_EQ(received_, (std::vector<std::string>{"before after"}));
}

TEST_F(PrefetchedCompletionTest, CancellingTheAdopterClosesTheBackendRequest) {
    prefetch_->begin();
    io_.poll();
    // The response that adopted it is cancelled while it waits for more.
    asio::cancellation_signal cancel;
    std::optional<engines::ChatOutcome> outcome;
    asio::co_spawn(io_, adopt(),
                   asio::bind_cancellation_slot(cancel.slot(),
                                                [&](std::exception_ptr e, engines::ChatOutcome o) {
                                                    EXPECT_FALSE(e);
                                                    outcome = std::move(o);
                                                }));
    io_.poll();
    ASSERT_FALSE(outcome);
    cancel.emit(asio::cancellation_type::terminal);
    io_.poll();
    ASSERT_TRUE(outcome);
    EXPECT_EQ(outcome->error, make_error_code(errc::cancelled));
    EXPECT_TRUE(backend_.cancelled);
    EXPECT_EQ(received_, (std::vector<std::string>{"before "}));
}

TEST_F(PrefetchedCompletionTest,
       CancellingBeforeAdoptionClosesTheBackendRequestAndRefusesAdoption) {
    prefetch_->begin();
    io_.poll();
    prefetch_->cancel();
    io_.poll();
    EXPECT_TRUE(backend_.cancelled);
    const auto outcome = test::run_coroutine(io_, adopt());
    EXPECT_EQ(outcome.error, make_error_code(errc::cancelled));
    EXPECT_TRUE(received_.empty());
}

TEST_F(PrefetchedCompletionTest, AFailedCompletionSaysSoBeforeAdoption) {
    backend_.fail = true;
    prefetch_->begin();
    io_.poll();
    EXPECT_FALSE(prefetch_->failed());
    backend_.open();
    io_.poll();
    EXPECT_TRUE(prefetch_->failed());
}

TEST_F(PrefetchedCompletionTest, AnswersTheSameConversationAndLimitsWhoeverAsks) {
    auto same = request_for("hi");
    same.session_key = "another key";
    EXPECT_TRUE(prefetch_->answers(same));
    EXPECT_FALSE(prefetch_->answers(request_for("hi there")));
    auto longer = request_for("hi");
    longer.max_tokens = 200;
    EXPECT_FALSE(prefetch_->answers(longer));
    auto more = request_for("hi");
    more.messages.insert(more.messages.begin() + 1, engines::ChatMessage{"assistant", "hello"});
    EXPECT_FALSE(prefetch_->answers(more));
    // Tools are part of the question: another list or choice is another request.
    auto tools = request_for("hi");
    tools.tools = {protocol::FunctionTool{"lookup", "", {}}};
    EXPECT_FALSE(prefetch_->answers(tools));
    auto choice = request_for("hi");
    choice.tool_choice.mode = protocol::ToolChoice::Mode::none;
    EXPECT_FALSE(prefetch_->answers(choice));
}

}  // namespace
}  // namespace confab::pipeline
