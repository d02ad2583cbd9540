// No silence: a reply whose language model failed before saying anything
// speaks llm.unavailable_message (error event first, then the audio, then
// response.done "failed"); one that had begun ends as before; an empty
// message turns it off.
#include <gtest/gtest.h>

#include "pipeline_harness.hpp"

namespace confab::test {
namespace {
namespace json = boost::json;
using namespace std::chrono_literals;

class SpokenFailureTest : public ::testing::Test, public PipelineHarness {
protected:
    void fail_next(std::vector<std::string> deltas = {}) {
        FakeLanguageModel::Script failing;
        failing.deltas = std::move(deltas);
        failing.fail_with = "no language model backend could answer: a: connect refused";
        failing.fail_code = errc::backend_unreachable;
        llm.script(failing);
    }
};

TEST_F(SpokenFailureTest, AReplyThatNeverBeganSaysWhyAloud) {
    open();
    fail_next();
    session->handle_text(R"({"type":"response.create"})");
    ASSERT_TRUE(run_until([&] { return saw("response.done"); }));

    const std::size_t error_at = index_of("error");
    const std::size_t audio_at = index_of("response.output_audio.delta");
    ASSERT_NE(error_at, std::string::npos) << testing::PrintToString(milestones());
    ASSERT_NE(audio_at, std::string::npos) << testing::PrintToString(milestones());
    EXPECT_LT(error_at, audio_at);  // the client learns it at once, then hears it
    EXPECT_EQ(sink.last_of("error").at("error").at("code").as_string(), "llm_backend_unavailable");

    const std::string said(
        sink.last_of("response.output_audio_transcript.done").at("transcript").as_string());
    EXPECT_EQ(said, config.llm.unavailable_message);
    EXPECT_TRUE(saw("response.output_audio.done"));
    const auto& done = sink.last_of("response.done").at("response").as_object();
    EXPECT_EQ(done.at("status").as_string(), "failed");
    EXPECT_EQ(done.at("status_details").at("error").at("code").as_string(),
              "llm_backend_unavailable");
    // The apology is a whole message of the failed response.
    ASSERT_EQ(done.at("output").as_array().size(), 1u);
    EXPECT_EQ(done.at("output").as_array()[0].at("status").as_string(), "completed");

    // The session goes on: the next reply is the model's.
    session->handle_text(R"({"type":"response.create"})");
    ASSERT_TRUE(run_until([&] { return sink.count("response.done") == 2; }));
    EXPECT_EQ(sink.last_of("response.done").at("response").at("status").as_string(), "completed");
}

TEST_F(SpokenFailureTest, AReplyCutMidwayIsNotApologisedFor) {
    open();
    fail_next({"Sure, ", "here is "});
    session->handle_text(R"({"type":"response.create"})");
    ASSERT_TRUE(run_until([&] { return saw("response.done"); }));
    const auto& done = sink.last_of("response.done").at("response").as_object();
    EXPECT_EQ(done.at("status").as_string(), "failed");
    for (const auto& s : sink.sent) {
        if (s.event.at("type").as_string() != "response.output_audio_transcript.done") continue;
        const std::string said(s.event.at("transcript").as_string());
        EXPECT_EQ(said.find(config.llm.unavailable_message), std::string::npos) << said;
    }
}

TEST_F(SpokenFailureTest, AnEmptyMessageSendsOnlyTheError) {
    config.llm.unavailable_message.clear();
    open();
    fail_next();
    session->handle_text(R"({"type":"response.create"})");
    ASSERT_TRUE(run_until([&] { return saw("response.done"); }));
    EXPECT_TRUE(saw("error"));
    EXPECT_FALSE(saw("response.output_audio.delta"));
    const auto& done = sink.last_of("response.done").at("response").as_object();
    EXPECT_EQ(done.at("status").as_string(), "failed");
    EXPECT_TRUE(done.at("output").as_array().empty());
}

TEST_F(SpokenFailureTest, ACancelledApologyEndsCancelled) {
    open();
    synthesizer->per_chunk_delay = 50ms;
    fail_next();
    session->handle_text(R"({"type":"response.create"})");
    ASSERT_TRUE(run_until([&] { return saw("response.output_audio.delta"); }));
    session->handle_text(R"({"type":"response.cancel"})");
    const auto& done = sink.last_of("response.done").at("response").as_object();
    EXPECT_EQ(done.at("status").as_string(), "cancelled");
}

}  // namespace
}  // namespace confab::test
