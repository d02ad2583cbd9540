// Function calling through a session with fake engines: the model's tool
// calls become function_call items, the client's outputs go back to the
// model in order, and cancels, bad outputs and history behave.
#include <gtest/gtest.h>

#include "pipeline_harness.hpp"

namespace confab::test {
namespace {
namespace json = boost::json;
using namespace std::chrono_literals;

json::object weather_tool() {
    return {
        {"type", "function"},
        {"name", "get_weather"},
        {"description", "The weather in a city."},
        {"parameters",
         json::object{{"type", "object"},
                      {"properties", json::object{{"city", json::object{{"type", "string"}}}}}}}};
}

// A call of get_weather for Paris, its arguments split in three.
std::vector<engines::ToolCallDelta> paris_call(std::size_t index = 0, std::string id = "call_1") {
    return {{index, id, "get_weather", ""},
            {index, "", "", "{\"city\":"},
            {index, "", "", " \"Paris\"}"}};
}

class FunctionCallTest : public ::testing::Test, public PipelineHarness {
protected:
    void open_with_tools(const std::string& modality = "text") {
        open();
        session->handle_text(json::serialize(
            json::object{{"type", "session.update"},
                         {"session", json::object{{"type", "realtime"},
                                                  {"tools", json::array{weather_tool()}},
                                                  {"output_modalities", json::array{modality}}}}}));
        ASSERT_EQ(sink.last().at("type").as_string(), "session.updated")
            << json::serialize(sink.last());
        ASSERT_EQ(sink.last().at("session").at("tools").as_array().size(), 1u);
    }
    // The model's next reply: only the Paris call, its pieces `between` apart.
    void script_paris_call(std::chrono::milliseconds between = 2ms) {
        FakeLanguageModel::Script call;
        call.deltas = {};
        call.between = between;
        call.tool_calls = paris_call();
        llm.script(call);
    }
    void say(const std::string& text) {
        session->handle_text(json::serialize(
            json::object{{"type", "conversation.item.create"}, {"item", text_item(text)}}));
    }
    void answer(const std::string& call_id, const std::string& output,
                const std::string& event_id = "") {
        session->handle_text(
            json::serialize(json::object{{"type", "conversation.item.create"},
                                         {"event_id", event_id},
                                         {"item", json::object{{"type", "function_call_output"},
                                                               {"call_id", call_id},
                                                               {"output", output}}}}));
    }
    bool respond() {
        const std::size_t before = sink.count("response.done");
        session->handle_text(R"({"type":"response.create"})");
        return run_until([&] { return sink.count("response.done") == before + 1; });
    }
    const json::object& done_response() const {
        return sink.last_of("response.done").at("response").as_object();
    }
};

TEST_F(FunctionCallTest, AToolCallBecomesAFunctionCallItem) {
    open_with_tools();
    script_paris_call();
    say("What is the weather in Paris?");
    sink.clear();
    ASSERT_TRUE(respond());

    EXPECT_EQ(milestones(),
              (std::vector<std::string>{"response.created", "rate_limits.updated",
                                        "response.output_item.added", "conversation.item.added",
                                        "response.function_call_arguments.done",
                                        "response.output_item.done", "conversation.item.done",
                                        "response.done", "confab.response.timings"}));
    const auto& added = sink.last_of("response.output_item.added").at("item").as_object();
    EXPECT_EQ(added.at("type"), "function_call");
    EXPECT_EQ(added.at("call_id"), "call_1");
    EXPECT_EQ(added.at("name"), "get_weather");
    EXPECT_EQ(added.at("status"), "in_progress");
    EXPECT_EQ(sink.count("response.function_call_arguments.delta"), 2u);
    const auto& args = sink.last_of("response.function_call_arguments.done");
    EXPECT_EQ(args.at("arguments"), "{\"city\": \"Paris\"}");
    EXPECT_EQ(args.at("call_id"), "call_1");
    EXPECT_EQ(args.at("item_id"), added.at("id"));
    const auto& output = done_response().at("output").as_array();
    ASSERT_EQ(output.size(), 1u) << "a reply that only calls a tool has no message";
    EXPECT_EQ(output[0].at("type"), "function_call");
    EXPECT_EQ(output[0].at("status"), "completed");
    EXPECT_EQ(output[0].at("arguments"), "{\"city\": \"Paris\"}");
    EXPECT_EQ(done_response().at("status"), "completed");

    // The model was offered the tool.
    const auto request = llm.requests().back();
    ASSERT_EQ(request.tools.size(), 1u);
    EXPECT_EQ(request.tools[0].name, "get_weather");
}

TEST_F(FunctionCallTest, TheOutputGoesBackToTheModelAndDoesNotStartAResponse) {
    open_with_tools();
    script_paris_call();
    say("What is the weather in Paris?");
    ASSERT_TRUE(respond());

    sink.clear();
    answer("call_1", "{\"forecast\":\"sunny\"}");
    run_for(50ms);
    EXPECT_EQ(sink.types(),
              (std::vector<std::string>{"conversation.item.added", "conversation.item.done"}));
    EXPECT_EQ(llm.requests().size(), 1u) << "an output alone asks nothing of the model";

    FakeLanguageModel::Script reply;
    reply.deltas = {"It is sunny in Paris."};
    llm.script(reply);
    ASSERT_TRUE(respond());
    const auto request = llm.requests().back();
    std::vector<std::string> roles;
    for (const auto& m : request.messages) roles.push_back(m.role);
    EXPECT_EQ(roles, (std::vector<std::string>{"system", "user", "assistant", "tool"}));
    ASSERT_EQ(request.messages[2].tool_calls.size(), 1u);
    EXPECT_EQ(request.messages[2].tool_calls[0],
              (engines::ToolCall{"call_1", "get_weather", "{\"city\": \"Paris\"}"}));
    EXPECT_EQ(request.messages[3].tool_call_id, "call_1");
    EXPECT_EQ(request.messages[3].content, "{\"forecast\":\"sunny\"}");
    const auto& output = done_response().at("output").as_array();
    ASSERT_EQ(output.size(), 1u);
    EXPECT_EQ(output[0].at("type"), "message");
}

TEST_F(FunctionCallTest, UnknownAndRepeatedOutputsAreErrors) {
    open_with_tools();
    answer("call_nowhere", "x", "out_1");
    EXPECT_EQ(sink.last().at("error").at("code"), "unknown_call_id");
    EXPECT_EQ(sink.last().at("error").at("event_id"), "out_1");

    script_paris_call();
    say("Weather?");
    ASSERT_TRUE(respond());
    answer("call_1", "sunny");
    EXPECT_EQ(sink.last().at("type"), "conversation.item.done");
    answer("call_1", "rainy", "out_2");
    EXPECT_EQ(sink.last().at("error").at("code"), "duplicate_function_call_output");
    EXPECT_EQ(sink.last().at("error").at("param"), "item.call_id");
}

TEST_F(FunctionCallTest, TextBeforeTheCallIsSpokenAndParallelCallsKeepTheirOrder) {
    open_with_tools("audio");
    FakeLanguageModel::Script call;
    call.deltas = {"Let me check that. "};
    call.calls_after = 1;
    auto first = paris_call(0, "call_a");
    auto second = paris_call(1, "call_b");
    // Interleaved by index, as parallel calls stream.
    call.tool_calls = {first[0], second[0], first[1], second[1], second[2], first[2]};
    llm.script(call);
    say("Weather in Paris, twice?");
    sink.clear();
    ASSERT_TRUE(respond());
    const auto& output = done_response().at("output").as_array();
    ASSERT_EQ(output.size(), 3u);
    EXPECT_EQ(output[0].at("type"), "message");
    EXPECT_EQ(output[0].at("content").at(0).at("transcript"), "Let me check that.");
    EXPECT_EQ(output[1].at("call_id"), "call_a");
    EXPECT_EQ(output[2].at("call_id"), "call_b");
    EXPECT_EQ(output[1].at("arguments"), "{\"city\": \"Paris\"}");
    EXPECT_EQ(output[2].at("arguments"), "{\"city\": \"Paris\"}");
    EXPECT_GT(sink.count("response.output_audio.delta"), 0u) << "the text before the call is heard";
    // Output indexes follow the order the items opened.
    std::vector<std::int64_t> indexes;
    for (const auto& s : sink.sent)
        if (s.event.at("type") == "response.output_item.added")
            indexes.push_back(s.event.at("output_index").as_int64());
    EXPECT_EQ(indexes, (std::vector<std::int64_t>{0, 1, 2}));
}

TEST_F(FunctionCallTest, ACancelWhileArgumentsStreamLeavesTheCallIncomplete) {
    open_with_tools();
    script_paris_call(300ms);
    say("Weather?");
    session->handle_text(R"({"type":"response.create"})");
    ASSERT_TRUE(run_until([&] { return saw("response.function_call_arguments.delta"); }));
    session->handle_text(R"({"type":"response.cancel"})");
    EXPECT_EQ(done_response().at("status"), "cancelled");
    const auto& output = done_response().at("output").as_array();
    ASSERT_EQ(output.size(), 1u);
    EXPECT_EQ(output[0].at("status"), "incomplete");
    EXPECT_FALSE(saw("response.function_call_arguments.done"));
    ASSERT_TRUE(run_until([&] { return llm.cancellations() == 1; }, 2s));

    // Its output cannot be used, and the next request leaves the cut call out.
    answer("call_1", "sunny", "late");
    EXPECT_EQ(sink.last().at("error").at("code"), "function_call_incomplete");
    FakeLanguageModel::Script reply;
    reply.deltas = {"Sorry."};
    llm.script(reply);
    ASSERT_TRUE(respond());
    // requests() returns a copy: held here, or the loop would read freed memory.
    const auto requests = llm.requests();
    for (const auto& m : requests.back().messages) EXPECT_TRUE(m.tool_calls.empty());
}

TEST_F(FunctionCallTest, ClientSeededCallsAndPerResponseToolsReachTheModel) {
    open();
    session->handle_text(
        json::serialize(json::object{{"type", "conversation.item.create"},
                                     {"item", json::object{{"type", "function_call"},
                                                           {"call_id", "seed_1"},
                                                           {"name", "get_weather"},
                                                           {"arguments", "{}"}}}}));
    answer("seed_1", "cloudy");
    EXPECT_EQ(sink.last().at("type"), "conversation.item.done");
    session->handle_text(
        json::serialize(json::object{{"type", "conversation.item.create"},
                                     {"item", json::object{{"type", "function_call"},
                                                           {"call_id", "seed_1"},
                                                           {"name", "get_weather"},
                                                           {"arguments", "{}"}}}}));
    EXPECT_EQ(sink.last().at("error").at("code"), "duplicate_call_id");

    FakeLanguageModel::Script reply;
    reply.deltas = {"Cloudy."};
    llm.script(reply);
    session->handle_text(json::serialize(json::object{
        {"type", "response.create"},
        {"response", json::object{{"tools", json::array{weather_tool()}},
                                  {"tool_choice", json::object{{"type", "function"},
                                                               {"name", "get_weather"}}}}}}));
    ASSERT_TRUE(run_until([&] { return saw("response.done"); }));
    const auto request = llm.requests().back();
    ASSERT_EQ(request.tools.size(), 1u);
    EXPECT_EQ(request.tool_choice.mode, protocol::ToolChoice::Mode::function);
    ASSERT_EQ(request.messages.size(), 3u);
    EXPECT_EQ(request.messages[1].tool_calls[0].id, "seed_1");
    EXPECT_EQ(request.messages[2].role, "tool");

    // A response choosing a tool the session does not have is refused.
    session->handle_text(json::serialize(json::object{
        {"type", "response.create"},
        {"event_id", "pick"},
        {"response", json::object{{"tool_choice", json::object{{"type", "function"},
                                                               {"name", "get_weather"}}}}}}));
    EXPECT_EQ(sink.last().at("error").at("code"), "invalid_value");
    EXPECT_EQ(sink.last().at("error").at("event_id"), "pick");
}

}  // namespace
}  // namespace confab::test
