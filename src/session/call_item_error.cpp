#include "session/call_item_error.hpp"

namespace confab::session {

std::optional<protocol::ProtocolError> call_item_error(pipeline::Conversation::CallCheck check,
                                                       const protocol::ConversationItem& item,
                                                       const std::string& event_id) {
    using Check = pipeline::Conversation::CallCheck;
    const std::string call = "'" + item.call_id + "'";
    auto error = [&](std::string code, std::string message) {
        return protocol::ProtocolError{std::move(code), std::move(message), "item.call_id",
                                       event_id};
    };
    switch (check) {
        case Check::ok:
            break;
        case Check::unknown_call:
            return error("unknown_call_id",
                         "No function_call with call_id " + call + " is in the conversation.");
        case Check::call_incomplete:
            return error("function_call_incomplete",
                         "The function_call " + call +
                             " was cut off before its arguments were complete (its response was "
                             "cancelled or failed); an output for it cannot be used.");
        case Check::already_answered:
            return error("duplicate_function_call_output",
                         "The function_call " + call + " already has an output.");
        case Check::duplicate_call:
            return error("duplicate_call_id", "A function_call with call_id " + call +
                                                  " is already in the conversation.");
    }
    return std::nullopt;
}

}  // namespace confab::session
