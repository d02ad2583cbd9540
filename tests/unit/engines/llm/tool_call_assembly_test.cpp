// Tool calls assembled from chat-completions streams fragmented the way real
// servers send them (OpenAI, vLLM, Ollama), through the stream decoder.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "engines/llm/openai_stream_decoder.hpp"
#include "util/errors.hpp"

namespace confab::engines {
namespace {
namespace json = boost::json;

// One chunk whose delta carries `tool_calls` (and optionally content).
SseEvent chunk(json::array calls, std::string content = {}) {
    json::object delta{{"tool_calls", std::move(calls)}};
    if (!content.empty()) delta["content"] = content;
    json::object root{{"choices", json::array{json::object{{"index", 0}, {"delta", delta}}}}};
    return SseEvent{"message", json::serialize(root)};
}
SseEvent text(std::string content) {
    return SseEvent{
        "message",
        json::serialize(json::object{
            {"choices",
             json::array{json::object{{"delta", json::object{{"content", content}}}}}}})};
}
json::object first(int index, std::string id, std::string name, std::string args = "") {
    return {{"index", index},
            {"id", std::move(id)},
            {"type", "function"},
            {"function", json::object{{"name", std::move(name)}, {"arguments", std::move(args)}}}};
}
json::object more(int index, std::string args) {
    return {{"index", index}, {"function", json::object{{"arguments", std::move(args)}}}};
}

// Everything the decoder passed on, in order: "text:..." or "call i ..." lines.
struct Run {
    std::vector<std::string> out;
    std::error_code error;
    std::vector<ToolCall> calls;
};
Run decode_all(const std::vector<SseEvent>& events) {
    OpenAiStreamDecoder decoder;
    Run run;
    OpenAiStreamDecoder::Decoded decoded;
    for (const auto& event : events) {
        run.error = decoder.decode(event, decoded);
        if (run.error) return run;
        if (!decoded.text.empty()) run.out.push_back("text:" + decoded.text);
        for (const auto& d : decoded.tool_calls) {
            std::string line = "call " + std::to_string(d.index);
            if (d.first()) line += " begin " + d.call_id + " " + d.name;
            line += " args:" + d.arguments;
            run.out.push_back(line);
        }
    }
    run.error = decoder.finish();
    run.calls = decoder.tool_calls();
    return run;
}

TEST(ToolCallAssembly, ArgumentsSplitMidTokenAreJoined) {
    const auto run = decode_all({chunk({first(0, "call_a", "get_weather")}),
                                 chunk({more(0, "{\"ci")}), chunk({more(0, "ty\": \"Par")}),
                                 chunk({more(0, "is\"}")}), SseEvent{"message", "[DONE]"}});
    ASSERT_FALSE(run.error);
    EXPECT_EQ(run.out, (std::vector<std::string>{
                           "call 0 begin call_a get_weather args:", "call 0 args:{\"ci",
                           "call 0 args:ty\": \"Par", "call 0 args:is\"}"}));
    ASSERT_EQ(run.calls.size(), 1u);
    EXPECT_EQ(run.calls[0], (ToolCall{"call_a", "get_weather", "{\"city\": \"Paris\"}"}));
}

TEST(ToolCallAssembly, ParallelCallsInterleaveByIndex) {
    const auto run = decode_all({chunk({first(0, "c0", "weather"), first(1, "c1", "time")}),
                                 chunk({more(1, "{\"tz\":"), more(0, "{\"city\":")}),
                                 chunk({more(0, "\"Oslo\"}")}), chunk({more(1, "\"CET\"}")})});
    ASSERT_FALSE(run.error);
    ASSERT_EQ(run.calls.size(), 2u);
    EXPECT_EQ(run.calls[0], (ToolCall{"c0", "weather", "{\"city\":\"Oslo\"}"}));
    EXPECT_EQ(run.calls[1], (ToolCall{"c1", "time", "{\"tz\":\"CET\"}"}));
    EXPECT_EQ(run.out[0], "call 0 begin c0 weather args:");
    EXPECT_EQ(run.out[1], "call 1 begin c1 time args:");
    EXPECT_EQ(run.out[2], "call 1 args:{\"tz\":");
}

TEST(ToolCallAssembly, TextBeforeAndBetweenCallsKeepsItsPlace) {
    const auto run = decode_all({text("Let me check. "), chunk({first(0, "c0", "weather", "{}")}),
                                 text("And the time. "), chunk({first(1, "c1", "time", "{}")})});
    ASSERT_FALSE(run.error);
    EXPECT_EQ(run.out,
              (std::vector<std::string>{"text:Let me check. ", "call 0 begin c0 weather args:{}",
                                        "text:And the time. ", "call 1 begin c1 time args:{}"}));
}

TEST(ToolCallAssembly, ArgumentsBeforeTheNameWaitForIt) {
    const auto run = decode_all(
        {chunk({json::object{{"index", 0}, {"id", "c0"}}}), chunk({more(0, "{\"a\":")}),
         chunk({json::object{{"index", 0},
                             {"function", json::object{{"name", "f"}, {"arguments", "1}"}}}}})});
    ASSERT_FALSE(run.error);
    EXPECT_EQ(run.out, (std::vector<std::string>{"call 0 begin c0 f args:{\"a\":1}"}));
}

TEST(ToolCallAssembly, WholeCallsWithoutIndexOrIdAsOllamaSendsThem) {
    const json::object whole{
        {"function",
         json::object{{"name", "weather"}, {"arguments", json::object{{"city", "Rome"}}}}}};
    const auto run = decode_all({chunk({whole}), chunk({whole})});
    ASSERT_FALSE(run.error);
    ASSERT_EQ(run.calls.size(), 2u);
    EXPECT_EQ(run.calls[0].arguments, "{\"city\":\"Rome\"}");
    EXPECT_EQ(run.calls[0].id, "call_0");
    EXPECT_EQ(run.calls[1].id, "call_1");
}

TEST(ToolCallAssembly, ACallThatNeverGetsANameIsABadResponse) {
    const auto run = decode_all({chunk({more(0, "{\"x\":1}")}), SseEvent{"message", "[DONE]"}});
    EXPECT_EQ(run.error, errc::bad_response);
    EXPECT_TRUE(run.out.empty());
}

TEST(ToolCallAssembly, MalformedFragmentsAreBadResponses) {
    OpenAiStreamDecoder decoder;
    OpenAiStreamDecoder::Decoded decoded;
    EXPECT_EQ(decoder.decode(chunk({json::value(3)}), decoded), errc::bad_response);
    EXPECT_NE(decoder.error_message().find("tool call"), std::string::npos);
    OpenAiStreamDecoder other;
    EXPECT_EQ(other.decode(chunk({json::object{{"index", -1}}}), decoded), errc::bad_response);
}

}  // namespace
}  // namespace confab::engines
