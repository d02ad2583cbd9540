// Turns one WebSocket text frame into a validated ClientEvent, or into the
// ProtocolError the client will receive. Pure function: no session state.
#pragma once
#include <string_view>
#include <variant>

#include "protocol/client_event.hpp"
#include "protocol/function_tools.hpp"
#include "protocol/protocol_error.hpp"

namespace confab::protocol {

struct ParseLimits {
    std::size_t max_item_text_chars = 20000;
    ToolLimits tools;
};

using ParseResult = std::variant<ClientEvent, ProtocolError>;

ParseResult parse_client_event(std::string_view text, const ParseLimits& limits);

}  // namespace confab::protocol
