// The log a remote store keeps: every item survives encode and replay whole
// (with the audio timeline truncation needs), changes replace in place,
// deletions remove, order follows `after`, and one malformed entry costs one
// operation, not the conversation.
#include "store/session_codec.hpp"

#include <gtest/gtest.h>

namespace confab::store {
namespace {
using protocol::ConversationItem;

ConversationItem message(std::string id, std::string role, std::string text) {
    ConversationItem item;
    item.id = std::move(id);
    item.role = std::move(role);
    item.status = "completed";
    item.content.push_back(protocol::ContentPart{.type = "input_text", .text = std::move(text)});
    return item;
}

TEST(SessionCodec, ItemsRoundTripWhole) {
    ConversationItem spoken = message("item_a", "assistant", "");
    spoken.content[0] =
        protocol::ContentPart{.type = "output_audio",
                              .text = "",
                              .transcript = "Hello there.",
                              .audio_ms = 1200,
                              .timeline = {{0, 600, "Hello "}, {600, 1200, "there."}}};
    ConversationItem call;
    call.id = "item_c";
    call.type = ConversationItem::Type::function_call;
    call.call_id = "call_1";
    call.name = "weather";
    call.arguments = R"({"city":"Oslo"})";
    call.status = "completed";
    std::vector<ConversationItem> items;
    EXPECT_EQ(
        replay({encode_put(spoken, std::nullopt), encode_put(call, std::string("item_a"))}, items),
        0u);
    ASSERT_EQ(items.size(), 2u);
    EXPECT_EQ(items[0].content[0].transcript, "Hello there.");
    EXPECT_EQ(items[0].content[0].audio_ms, 1200);
    ASSERT_EQ(items[0].content[0].timeline.size(), 2u);
    EXPECT_EQ(items[0].content[0].timeline[1].text, "there.");
    EXPECT_EQ(items[1].type, ConversationItem::Type::function_call);
    EXPECT_EQ(items[1].arguments, R"({"city":"Oslo"})");
    EXPECT_EQ(items[1].name, "weather");
}

TEST(SessionCodec, PutsReplaceInPlaceDeletesRemoveAndAfterOrders) {
    const auto a = message("a", "user", "one");
    const auto b = message("b", "assistant", "two");
    const auto c = message("c", "user", "three");
    auto b2 = b;
    b2.content[0].text = "two, finished";
    std::vector<ConversationItem> items;
    replay({encode_put(a, std::nullopt), encode_put(c, std::string("a")),
            encode_put(b, std::string("a")), encode_put(b2, std::string("a")), encode_remove("a")},
           items);
    ASSERT_EQ(items.size(), 2u);
    EXPECT_EQ(items[0].id, "b");
    EXPECT_EQ(items[0].content[0].text, "two, finished");
    EXPECT_EQ(items[1].id, "c");
}

TEST(SessionCodec, AMalformedEntryCostsOneOperation) {
    std::vector<ConversationItem> items;
    EXPECT_EQ(replay({encode_put(message("a", "user", "x"), std::nullopt), "{not json",
                      R"({"put":{"s":"completed"}})", encode_put(message("b", "user", "y"), "a")},
                     items),
              2u);
    EXPECT_EQ(items.size(), 2u);
}

TEST(SessionCodec, ConfigRoundTripsAndAForeignOneFallsBack) {
    protocol::SessionConstraints constraints;
    constraints.voices = {"slt"};
    protocol::SessionConfig config;
    config.voice = "slt";
    config.instructions = "Be brief.";
    config.model = "m";
    const auto back = decode_config(encode_config(config), constraints, {});
    ASSERT_TRUE(back);
    EXPECT_EQ(back->instructions, "Be brief.");
    EXPECT_EQ(back->model, "m");
    config.voice = "a-voice-this-node-lacks";
    EXPECT_FALSE(decode_config(encode_config(config), constraints, {}));
    EXPECT_FALSE(decode_config("[]", constraints, {}));
}

}  // namespace
}  // namespace confab::store
