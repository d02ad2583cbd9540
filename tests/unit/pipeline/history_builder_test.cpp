// The chat request built from a conversation with function calls and their
// outputs: how they group, what is left out, how the bounds cut.
#include "pipeline/history_builder.hpp"

#include <gtest/gtest.h>

namespace confab::pipeline {
namespace {
using Item = protocol::ConversationItem;

Item message(std::string id, std::string role, std::string text) {
    const std::string type = role == "assistant" ? "output_text" : "input_text";
    return Item{std::move(id),
                std::move(role),
                "completed",
                {protocol::ContentPart{type, std::move(text), std::nullopt, 0, {}}}};
}
Item call(std::string id, std::string call_id, std::string name, std::string args,
          std::string status = "completed") {
    Item item{std::move(id), "", std::move(status), {}};
    item.type = Item::Type::function_call;
    item.call_id = std::move(call_id);
    item.name = std::move(name);
    item.arguments = std::move(args);
    return item;
}
Item output(std::string id, std::string call_id, std::string out) {
    Item item{std::move(id), "", "completed", {}};
    item.type = Item::Type::function_call_output;
    item.call_id = std::move(call_id);
    item.output = std::move(out);
    return item;
}

Conversation of(std::vector<Item> items) {
    Conversation conversation(100, 100000);
    for (auto& item : items) conversation.insert(std::move(item), std::nullopt);
    return conversation;
}

std::vector<std::string> roles(const engines::ChatRequest& request) {
    std::vector<std::string> out;
    for (const auto& m : request.messages) out.push_back(m.role);
    return out;
}

TEST(HistoryBuilder, CallsJoinTheAssistantMessageAndOutputsFollowInOrder) {
    const auto conversation =
        of({message("u1", "user", "Weather in Paris and Oslo?"),
            message("a1", "assistant", "Let me check."),
            call("f1", "c1", "weather", "{\"city\":\"Paris\"}"),
            call("f2", "c2", "weather", "{\"city\":\"Oslo\"}"), output("o1", "c1", "sunny"),
            output("o2", "c2", "snow"), message("a2", "assistant", "Paris is sunny, Oslo snowy.")});
    const auto request = build_chat_request(conversation, "Be brief.", {}, 100);
    EXPECT_EQ(roles(request), (std::vector<std::string>{"system", "user", "assistant", "tool",
                                                        "tool", "assistant"}));
    const auto& asked = request.messages[2];
    EXPECT_EQ(asked.content, "Let me check.");
    ASSERT_EQ(asked.tool_calls.size(), 2u);
    EXPECT_EQ(asked.tool_calls[0], (engines::ToolCall{"c1", "weather", "{\"city\":\"Paris\"}"}));
    EXPECT_EQ(asked.tool_calls[1].id, "c2");
    EXPECT_EQ(request.messages[3].tool_call_id, "c1");
    EXPECT_EQ(request.messages[3].content, "sunny");
    EXPECT_EQ(request.messages[4].tool_call_id, "c2");
}

TEST(HistoryBuilder, ACallWithoutTextIsAnAssistantMessageOfItsOwn) {
    const auto conversation = of({message("u1", "user", "Book it."), call("f1", "c1", "book", "{}"),
                                  output("o1", "c1", "booked")});
    const auto request = build_chat_request(conversation, "", {}, 100);
    EXPECT_EQ(roles(request), (std::vector<std::string>{"system", "user", "assistant", "tool"}));
    EXPECT_EQ(request.messages[2].content, "");
    EXPECT_EQ(request.messages[2].tool_calls.size(), 1u);
}

TEST(HistoryBuilder, UnansweredCancelledAndOrphanedItemsAreLeftOut) {
    const auto conversation =
        of({message("u1", "user", "Hi"), call("f1", "c1", "waiting", "{}"),  // no output yet
            call("f2", "c2", "cut", "{\"a\":", "incomplete"),                // cancelled
            output("o3", "c3", "its call was evicted"), message("u2", "user", "Still there?")});
    const auto request = build_chat_request(conversation, "", {}, 100);
    EXPECT_EQ(roles(request), (std::vector<std::string>{"system", "user", "user"}));
}

TEST(HistoryBuilder, ToolItemsCountInTheBoundsAndTheCutKeepsCallsWithOutputs) {
    const auto conversation =
        of({message("u1", "user", "Weather?"), call("f1", "c1", "weather", "{}"),
            output("o1", "c1", "sunny"), message("a1", "assistant", "Sunny."),
            message("u2", "user", "Thanks.")});
    HistoryLimits limits;
    limits.max_turns = 2;  // four messages: the call's message is the oldest kept
    auto request = build_chat_request(conversation, "", limits, 100);
    EXPECT_EQ(roles(request),
              (std::vector<std::string>{"system", "assistant", "tool", "assistant", "user"}));
    // Characters: the output and its call id count (5 + 2), and so do the
    // call's id, name and arguments (2 + 7 + 2). With room for the newest
    // three only, the cut falls between the call and its output: the
    // orphaned output goes too.
    limits.max_turns = 10;
    limits.max_chars = std::string("Thanks.").size() + std::string("Sunny.").size() + 7;
    request = build_chat_request(conversation, "", limits, 100);
    EXPECT_EQ(roles(request), (std::vector<std::string>{"system", "assistant", "user"}));
    limits.max_chars += 11;
    request = build_chat_request(conversation, "", limits, 100);
    EXPECT_EQ(roles(request),
              (std::vector<std::string>{"system", "assistant", "tool", "assistant", "user"}));
}

TEST(HistoryBuilder, UnsaidTextIsTheNewestUserMessage) {
    const auto conversation =
        of({message("u1", "user", "One"), call("f1", "c1", "f", "{}"), output("o1", "c1", "done")});
    const auto request = build_chat_request(conversation, "", {}, 100, "Two");
    EXPECT_EQ(roles(request),
              (std::vector<std::string>{"system", "user", "assistant", "tool", "user"}));
    EXPECT_EQ(request.messages.back().content, "Two");
}

}  // namespace
}  // namespace confab::pipeline
