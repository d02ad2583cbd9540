// Timeline tests of replies that end early, with fake engines:
// response.cancel, a second response.create while one runs, and a language
// model that fails (each failure with its own error code).
#include <gtest/gtest.h>

#include "pipeline_harness.hpp"

namespace confab::test {
namespace {
namespace json = boost::json;
using namespace std::chrono_literals;

class ResponseFailureTest : public ::testing::Test, public PipelineHarness {};

TEST_F(ResponseFailureTest, ResponseCancelStopsTheReply) {
    open();
    FakeLanguageModel::Script slow;
    slow.between = 200ms;
    llm.script(slow);
    session->handle_text(json::serialize(
        json::object{{"type", "conversation.item.create"}, {"item", text_item("talk")}}));
    session->handle_text(R"({"type":"response.create"})");
    ASSERT_TRUE(run_until([&] { return saw("response.created"); }));
    session->handle_text(R"({"type":"response.cancel"})");
    const auto& done = sink.last_of("response.done").at("response").as_object();
    EXPECT_EQ(done.at("status").as_string(), "cancelled");
    EXPECT_EQ(done.at("status_details").at("reason").as_string(), "client_cancelled");
    ASSERT_TRUE(run_until([&] { return llm.cancellations() == 1; }, 1s));
    session->handle_text(R"({"type":"response.cancel"})");
    EXPECT_EQ(sink.last().at("error").at("code").as_string(), "response_cancel_not_active");
}

TEST_F(ResponseFailureTest, OnlyOneActiveResponse) {
    open();
    FakeLanguageModel::Script slow;
    slow.between = 200ms;
    llm.script(slow);
    session->handle_text(R"({"type":"response.create"})");
    session->handle_text(R"({"type":"response.create","event_id":"second"})");
    EXPECT_EQ(sink.last().at("error").at("code").as_string(),
              "conversation_already_has_active_response");
}

TEST_F(ResponseFailureTest, SaturatedOrUnavailableBackendsHaveTheirOwnErrorCodes) {
    open();
    const std::vector<std::pair<errc, std::string>> cases = {
        {errc::backend_saturated, "llm_backend_saturated"},
        {errc::backend_unreachable, "llm_backend_unavailable"},
        {errc::timeout, "llm_timeout"}};
    std::size_t responses = 0;
    for (const auto& [code, expected] : cases) {
        FakeLanguageModel::Script failing;
        failing.deltas = {};
        failing.fail_with = "the backend is " + expected;
        failing.fail_code = code;
        llm.script(failing);
        session->handle_text(R"({"type":"response.create"})");
        ++responses;
        ASSERT_TRUE(run_until([&] { return sink.count("response.done") == responses; }));
        const auto& err = sink.last_of("error").at("error").as_object();
        EXPECT_EQ(err.at("code").as_string(), expected);
        const auto& done = sink.last_of("response.done").at("response").as_object();
        EXPECT_EQ(done.at("status").as_string(), "failed");
        EXPECT_EQ(done.at("status_details").at("error").at("code").as_string(), expected);
    }
    // The backend learns which session asks, so that its queue can be fair.
    ASSERT_FALSE(llm.requests().empty());
    EXPECT_FALSE(llm.requests().back().session_key.empty());
}

TEST_F(ResponseFailureTest, LlmFailureFailsTheResponseAndTheSessionGoesOn) {
    open();
    FakeLanguageModel::Script failing;
    failing.deltas = {};
    failing.fail_with = "backend said 503";
    llm.script(failing);
    session->handle_text(json::serialize(
        json::object{{"type", "conversation.item.create"}, {"item", text_item("x")}}));
    session->handle_text(R"({"type":"response.create"})");
    ASSERT_TRUE(run_until([&] { return saw("response.done"); }));
    const auto& err = sink.last_of("error").at("error").as_object();
    EXPECT_EQ(err.at("code").as_string(), "llm_backend_error");
    EXPECT_NE(std::string(err.at("message").as_string()).find("503"), std::string::npos);
    const auto& done = sink.last_of("response.done").at("response").as_object();
    EXPECT_EQ(done.at("status").as_string(), "failed");
    // The next response works.
    session->handle_text(R"({"type":"response.create"})");
    ASSERT_TRUE(run_until([&] { return sink.count("response.done") == 2; }))
        << testing::PrintToString(milestones());
    EXPECT_EQ(sink.last_of("response.done").at("response").at("status").as_string(), "completed");
}

}  // namespace
}  // namespace confab::test
