// What a session store keeps of one conversation, and what a resumed
// session gets back: in-flight responses are not resumed.
#pragma once
#include <string>
#include <vector>

#include "protocol/conversation_item.hpp"
#include "protocol/session_config.hpp"

namespace confab::store {

struct ResumableSession {
    protocol::SessionConfig config;
    std::vector<protocol::ConversationItem> items;
    // The API key whose session this was ("" with authentication off): only
    // the same key may resume it, so a leaked token opens nothing for others.
    std::string owner;
    // A reply was being made when the session's node died (only a store that
    // outlives its node can know); its partial items are not in `items`.
    bool reply_interrupted = false;
};

}  // namespace confab::store
