// Turns a session's conversation into the chat request for the language
// model: the instructions as the system message, then the most recent
// turns that fit the configured bounds (turns and characters). What the
// assistant "said" is its transcript as sent (and as truncated by the
// client), so the model never claims words the user did not hear.
#pragma once
#include <optional>
#include <string>

#include "engines/llm/chat_request.hpp"
#include "pipeline/conversation.hpp"

namespace confab::pipeline {

struct HistoryLimits {
    int max_turns = 20;  // user + assistant messages kept: 2 x this
    std::size_t max_chars = 12000;
};

// `unsaid_user_text`, if not empty, is a user message not yet in the
// conversation, taken as its newest item: the words of a turn still being
// decided (a reply prefetched during the pause; PrefetchedCompletion).
engines::ChatRequest build_chat_request(const pipeline::Conversation& conversation,
                                        const std::string& instructions,
                                        const HistoryLimits& limits, std::optional<int> max_tokens,
                                        const std::string& unsaid_user_text = {});

}  // namespace confab::pipeline
