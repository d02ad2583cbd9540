#include "protocol/function_tools.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "protocol/client_event_parser.hpp"
#include "protocol/session_config_codec.hpp"

namespace confab::protocol {
namespace {
namespace json = boost::json;

json::object weather_tool(std::string name = "get_weather") {
    return {{"type", "function"},
            {"name", std::move(name)},
            {"description", "The weather in a city."},
            {"parameters",
             json::object{{"type", "object"},
                          {"properties", json::object{{"city", json::object{{"type", "string"}}}}},
                          {"required", json::array{"city"}}}}};
}

std::optional<ProtocolError> parse(const json::value& tools, std::vector<FunctionTool>& out,
                                   ToolLimits limits = {}) {
    return parse_function_tools(tools, "session.tools", limits, "ev_1", out);
}

TEST(FunctionTools, ParsesFunctionToolsWithTheirSchema) {
    std::vector<FunctionTool> tools;
    ASSERT_FALSE(parse(json::array{weather_tool(), weather_tool("book-table_2")}, tools));
    ASSERT_EQ(tools.size(), 2u);
    EXPECT_EQ(tools[0].name, "get_weather");
    EXPECT_EQ(tools[0].description, "The weather in a city.");
    EXPECT_EQ(tools[0].parameters.at("required").as_array().size(), 1u);
    EXPECT_EQ(tools[1].name, "book-table_2");
    // Echoed as the Realtime API shows tools.
    const auto echoed = tools_to_json(tools);
    EXPECT_EQ(echoed[0].at("type"), "function");
    EXPECT_EQ(echoed[0].at("parameters"), weather_tool().at("parameters"));
}

TEST(FunctionTools, RefusesBadToolsWithTheFieldNamed) {
    struct Case {
        json::value tools;
        std::string code;
        std::string param;
    };
    json::object no_name = weather_tool();
    no_name.erase("name");
    json::object mcp = weather_tool();
    mcp["type"] = "mcp";
    json::object extra = weather_tool();
    extra["colour"] = "red";
    const std::vector<Case> cases = {
        {json::object{}, "invalid_type", "session.tools"},
        {json::array{1}, "invalid_type", "session.tools[0]"},
        {json::array{no_name}, "missing_required_parameter", "session.tools[0].name"},
        {json::array{mcp}, "invalid_value", "session.tools[0].type"},
        {json::array{extra}, "unknown_parameter", "session.tools[0].colour"},
        {json::array{weather_tool("has space")}, "invalid_value", "session.tools[0].name"},
        {json::array{weather_tool("")}, "invalid_value", "session.tools[0].name"},
        {json::array{weather_tool(std::string(65, 'a'))}, "invalid_value", "session.tools[0].name"},
        {json::array{weather_tool(), weather_tool()}, "invalid_value", "session.tools[1].name"},
    };
    for (const auto& c : cases) {
        std::vector<FunctionTool> tools{FunctionTool{"kept", "", {}}};
        const auto err = parse(c.tools, tools);
        ASSERT_TRUE(err) << json::serialize(c.tools);
        EXPECT_EQ(err->code, c.code) << json::serialize(c.tools) << ": " << err->message;
        EXPECT_EQ(err->param, c.param) << json::serialize(c.tools);
        EXPECT_EQ(err->event_id, "ev_1");
        EXPECT_FALSE(err->message.empty());
        ASSERT_EQ(tools.size(), 1u) << "a refused list changes nothing";
        EXPECT_EQ(tools[0].name, "kept");
    }
}

TEST(FunctionTools, BoundsCountDescriptionAndSchemaByConfig) {
    const ToolLimits limits{2, 10, 60};
    std::vector<FunctionTool> tools;
    auto err =
        parse(json::array{weather_tool("a"), weather_tool("b"), weather_tool("c")}, tools, limits);
    ASSERT_TRUE(err);
    EXPECT_NE(err->message.find("limit is 2"), std::string::npos) << err->message;

    json::object short_description = weather_tool();
    short_description["description"] = "ok";
    err = parse(json::array{weather_tool()}, tools, limits);  // 22 characters of description
    ASSERT_TRUE(err);
    EXPECT_EQ(err->param, "session.tools[0].description");

    err = parse(json::array{short_description}, tools, limits);  // the schema is over 60 bytes
    ASSERT_TRUE(err);
    EXPECT_EQ(err->param, "session.tools[0].parameters");
    EXPECT_NE(err->message.find("limit is 60"), std::string::npos) << err->message;
}

TEST(FunctionTools, ToolChoiceModesAndNamedFunction) {
    std::vector<FunctionTool> tools;
    ASSERT_FALSE(parse(json::array{weather_tool()}, tools));
    ToolChoice choice;
    ASSERT_FALSE(parse_tool_choice("required", "session.tool_choice", tools, "", choice));
    EXPECT_EQ(choice.mode, ToolChoice::Mode::required);
    ASSERT_FALSE(parse_tool_choice("none", "session.tool_choice", tools, "", choice));
    EXPECT_EQ(choice.mode, ToolChoice::Mode::none);
    ASSERT_FALSE(parse_tool_choice(json::object{{"type", "function"}, {"name", "get_weather"}},
                                   "session.tool_choice", tools, "", choice));
    EXPECT_EQ(choice.mode, ToolChoice::Mode::function);
    EXPECT_EQ(choice.function_name, "get_weather");
    EXPECT_EQ(tool_choice_to_json(choice).at("name"), "get_weather");

    auto err = parse_tool_choice("sometimes", "session.tool_choice", tools, "", choice);
    ASSERT_TRUE(err);
    EXPECT_EQ(err->code, "invalid_value");
    err = parse_tool_choice(json::object{{"type", "function"}, {"name", "fly"}},
                            "session.tool_choice", tools, "", choice);
    ASSERT_TRUE(err);
    EXPECT_EQ(err->param, "session.tool_choice.name");
    EXPECT_EQ(choice.function_name, "get_weather") << "a refused choice changes nothing";
    err = parse_tool_choice("required", "session.tool_choice", {}, "", choice);
    ASSERT_TRUE(err) << "required without tools cannot be honoured";
}

TEST(FunctionTools, SessionUpdateTakesAndEchoesToolsAndChoice) {
    SessionConfig config;
    SessionConstraints constraints;
    constraints.voices = {"slt"};
    const json::object update{
        {"type", "realtime"},
        {"tools", json::array{weather_tool()}},
        {"tool_choice", json::object{{"type", "function"}, {"name", "get_weather"}}}};
    ASSERT_FALSE(apply_session_update(update, constraints, "ev", config));
    ASSERT_EQ(config.tools.size(), 1u);
    auto echoed = session_to_json(config, "sess");
    EXPECT_EQ(echoed.at("tools").as_array().size(), 1u);
    EXPECT_FALSE(echoed.contains("parallel_tool_calls")) << "echoed only once set";
    ASSERT_FALSE(
        apply_session_update(json::object{{"type", "realtime"}, {"parallel_tool_calls", false}},
                             constraints, "", config));
    EXPECT_EQ(config.parallel_tool_calls, false);
    echoed = session_to_json(config, "sess");
    EXPECT_EQ(echoed.at("parallel_tool_calls"), false);
    EXPECT_EQ(echoed.at("tool_choice").at("name"), "get_weather");

    // Removing the chosen tool without changing the choice is refused whole.
    const auto err = apply_session_update(
        json::object{{"type", "realtime"}, {"tools", json::array{}}}, constraints, "ev2", config);
    ASSERT_TRUE(err);
    EXPECT_EQ(err->event_id, "ev2");
    EXPECT_EQ(config.tools.size(), 1u);
    ASSERT_FALSE(apply_session_update(
        json::object{{"type", "realtime"}, {"tools", json::array{}}, {"tool_choice", "auto"}},
        constraints, "", config));
    EXPECT_TRUE(config.tools.empty());
}

TEST(FunctionTools, ResponseCreateTakesItsOwnTools) {
    const json::object event{{"type", "response.create"},
                             {"event_id", "r1"},
                             {"response", json::object{{"tools", json::array{weather_tool()}},
                                                       {"tool_choice", "required"}}}};
    auto result = parse_client_event(json::serialize(event), ParseLimits{});
    ASSERT_TRUE(std::holds_alternative<ClientEvent>(result));
    const auto& create = std::get<ResponseCreate>(std::get<ClientEvent>(result));
    ASSERT_TRUE(create.tools);
    EXPECT_EQ(create.tools->front().name, "get_weather");
    EXPECT_EQ(create.tool_choice->mode, ToolChoice::Mode::required);

    json::object bad = event;
    bad["response"].as_object()["tools"] = json::array{weather_tool("no spaces please")};
    result = parse_client_event(json::serialize(bad), ParseLimits{});
    ASSERT_TRUE(std::holds_alternative<ProtocolError>(result));
    EXPECT_EQ(std::get<ProtocolError>(result).param, "response.tools[0].name");
    EXPECT_EQ(std::get<ProtocolError>(result).event_id, "r1");
}

TEST(FunctionTools, ItemCreateTakesCallsAndOutputs) {
    const json::object call{{"type", "conversation.item.create"},
                            {"item", json::object{{"type", "function_call"},
                                                  {"call_id", "call_1"},
                                                  {"name", "get_weather"},
                                                  {"arguments", "{\"city\":\"Paris\"}"}}}};
    auto result = parse_client_event(json::serialize(call), ParseLimits{});
    ASSERT_TRUE(std::holds_alternative<ClientEvent>(result));
    const auto& item = std::get<ItemCreate>(std::get<ClientEvent>(result)).item;
    EXPECT_EQ(item.type, ConversationItem::Type::function_call);
    EXPECT_EQ(item.call_id, "call_1");
    EXPECT_EQ(item.arguments, "{\"city\":\"Paris\"}");

    const json::object output{{"type", "conversation.item.create"},
                              {"item", json::object{{"type", "function_call_output"},
                                                    {"call_id", "call_1"},
                                                    {"output", "sunny"}}}};
    result = parse_client_event(json::serialize(output), ParseLimits{});
    ASSERT_TRUE(std::holds_alternative<ClientEvent>(result));
    EXPECT_EQ(std::get<ItemCreate>(std::get<ClientEvent>(result)).item.output, "sunny");

    json::object no_call_id = output;
    no_call_id["item"].as_object().erase("call_id");
    result = parse_client_event(json::serialize(no_call_id), ParseLimits{});
    ASSERT_TRUE(std::holds_alternative<ProtocolError>(result));
    EXPECT_EQ(std::get<ProtocolError>(result).param, "item.call_id");

    json::object too_long = output;
    too_long["item"].as_object()["output"] = std::string(50, 'x');
    result = parse_client_event(json::serialize(too_long), ParseLimits{40, {}});
    ASSERT_TRUE(std::holds_alternative<ProtocolError>(result));
    EXPECT_EQ(std::get<ProtocolError>(result).param, "item.output");
}

}  // namespace
}  // namespace confab::protocol
