// Told every change to a conversation as it happens (the session's journal to
// its store writes them through: store/session_journal.hpp).
#pragma once
#include <optional>
#include <string>

#include "protocol/conversation_item.hpp"

namespace confab::pipeline {

class ConversationObserver {
public:
    virtual ~ConversationObserver() = default;
    // Added after `previous_id` (nullopt: first), or changed where it is.
    virtual void item_put(const protocol::ConversationItem& item,
                          const std::optional<std::string>& previous_id) = 0;
    virtual void item_removed(const std::string& id) = 0;
};

}  // namespace confab::pipeline
