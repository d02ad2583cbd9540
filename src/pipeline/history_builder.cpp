#include "pipeline/history_builder.hpp"

#include <algorithm>

namespace confab::pipeline {

engines::ChatRequest build_chat_request(const pipeline::Conversation& conversation,
                                        const std::string& instructions,
                                        const HistoryLimits& limits, std::optional<int> max_tokens,
                                        const std::string& unsaid_user_text) {
    engines::ChatRequest request;
    request.max_tokens = max_tokens;
    std::vector<engines::ChatMessage> recent;
    std::size_t chars = 0;
    int messages = 0;
    // Newest first; false once the bounds are reached.
    auto keep = [&](const std::string& role, std::string text) {
        if (role != "system") {
            if (messages >= 2 * limits.max_turns) return false;
            ++messages;
        }
        if (chars + text.size() > limits.max_chars) return false;
        chars += text.size();
        recent.push_back(engines::ChatMessage{role, std::move(text)});
        return true;
    };
    const auto& items = conversation.items();
    bool room = unsaid_user_text.empty() || keep("user", unsaid_user_text);
    for (auto it = items.rbegin(); room && it != items.rend(); ++it) {
        std::string text = it->text();
        // Items still waiting for a transcript or a reply have nothing to say yet.
        if (text.empty() || it->status == "in_progress") continue;
        room = keep(it->role, std::move(text));
    }
    request.messages.push_back(engines::ChatMessage{"system", instructions});
    std::reverse(recent.begin(), recent.end());
    for (auto& m : recent) request.messages.push_back(std::move(m));
    return request;
}

}  // namespace confab::pipeline
