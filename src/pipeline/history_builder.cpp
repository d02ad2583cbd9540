#include "pipeline/history_builder.hpp"

#include <algorithm>
#include <set>

namespace confab::pipeline {
namespace {
using Item = protocol::ConversationItem;

// The chat messages of a conversation, oldest first, before any bound:
// function calls join the assistant message they follow (or form one), and
// each output becomes a `tool` message. Chat-completions backends refuse a
// call without its output and an output without its call, so a call that
// has no output yet (or was cut by a cancel) and an output whose call was
// evicted are left out.
std::vector<engines::ChatMessage> messages_of(const Conversation& conversation) {
    std::set<std::string> answered;  // call ids with an output
    std::set<std::string> called;    // call ids of complete calls
    for (const Item& item : conversation.items()) {
        if (item.type == Item::Type::function_call_output) answered.insert(item.call_id);
        if (item.type == Item::Type::function_call && item.status == "completed")
            called.insert(item.call_id);
    }
    std::vector<engines::ChatMessage> out;
    bool calls_open = false;  // the last message takes further calls
    for (const Item& item : conversation.items()) {
        if (item.type == Item::Type::function_call) {
            if (!called.contains(item.call_id) || !answered.contains(item.call_id)) continue;
            if (!calls_open) out.push_back(engines::ChatMessage{"assistant", "", {}, ""});
            calls_open = true;
            out.back().tool_calls.push_back(
                engines::ToolCall{item.call_id, item.name, item.arguments});
            continue;
        }
        if (item.type == Item::Type::function_call_output) {
            if (!called.contains(item.call_id)) continue;
            out.push_back(engines::ChatMessage{"tool", item.output, {}, item.call_id});
            calls_open = false;
            continue;
        }
        std::string text = item.text();
        // Items still waiting for a transcript or a reply have nothing to say yet.
        if (text.empty() || item.status == "in_progress") continue;
        out.push_back(engines::ChatMessage{item.role, std::move(text), {}, ""});
        // "Let me check" and the calls that follow it are one assistant message.
        calls_open = item.role == "assistant";
    }
    return out;
}

std::size_t chars_of(const engines::ChatMessage& message) {
    std::size_t n = message.content.size() + message.tool_call_id.size();
    for (const auto& call : message.tool_calls)
        n += call.id.size() + call.name.size() + call.arguments.size();
    return n;
}

}  // namespace

engines::ChatRequest build_chat_request(const pipeline::Conversation& conversation,
                                        const std::string& instructions,
                                        const HistoryLimits& limits, std::optional<int> max_tokens,
                                        const std::string& unsaid_user_text) {
    engines::ChatRequest request;
    request.max_tokens = max_tokens;
    std::vector<engines::ChatMessage> all = messages_of(conversation);
    if (!unsaid_user_text.empty())
        all.push_back(engines::ChatMessage{"user", unsaid_user_text, {}, ""});
    // Newest first, while the bounds allow; system messages cost characters
    // only, every other message (tool outputs included) counts as one.
    std::size_t chars = 0;
    int messages = 0;
    auto first = all.end();
    while (first != all.begin()) {
        const auto& m = *(first - 1);
        if (m.role != "system" && messages >= 2 * limits.max_turns) break;
        if (chars + chars_of(m) > limits.max_chars) break;
        if (m.role != "system") ++messages;
        chars += chars_of(m);
        --first;
    }
    // The cut must not leave outputs whose call was cut off.
    while (first != all.end() && first->role == "tool") ++first;
    request.messages.push_back(engines::ChatMessage{"system", instructions, {}, ""});
    request.messages.insert(request.messages.end(), std::make_move_iterator(first),
                            std::make_move_iterator(all.end()));
    return request;
}

}  // namespace confab::pipeline
