// The error a client gets for a function_call or function_call_output item
// that cannot join the conversation (Conversation::check_call).
#pragma once
#include <optional>
#include <string>

#include "pipeline/conversation.hpp"
#include "protocol/protocol_error.hpp"

namespace confab::session {

std::optional<protocol::ProtocolError> call_item_error(pipeline::Conversation::CallCheck check,
                                                       const protocol::ConversationItem& item,
                                                       const std::string& event_id);

}  // namespace confab::session
