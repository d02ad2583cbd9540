#include "pipeline/history_builder.hpp"

#include <algorithm>

namespace confab::pipeline {

engines::ChatRequest build_chat_request(const session::Conversation& conversation, const std::string& instructions,
                                        const HistoryLimits& limits, std::optional<int> max_tokens) {
    engines::ChatRequest request;
    request.max_tokens = max_tokens;
    std::vector<engines::ChatMessage> recent;
    std::size_t chars = 0;
    int messages = 0;
    const auto& items = conversation.items();
    for (auto it = items.rbegin(); it != items.rend(); ++it) {
        std::string text = it->text();
        // Items still waiting for a transcript or a reply have nothing to say yet.
        if (text.empty() || it->status == "in_progress") continue;
        if (it->role != "system") {
            if (messages >= 2 * limits.max_turns) break;
            ++messages;
        }
        if (chars + text.size() > limits.max_chars) break;
        chars += text.size();
        recent.push_back(engines::ChatMessage{it->role, std::move(text)});
    }
    request.messages.push_back(engines::ChatMessage{"system", instructions});
    std::reverse(recent.begin(), recent.end());
    for (auto& m : recent) request.messages.push_back(std::move(m));
    return request;
}

}  // namespace confab::pipeline
