// conversation.item.create: a message, or a function call and its output
// (a client seeding history, or answering a call the model made).
#pragma once
#include <string>

#include "protocol/client_event_parser.hpp"
#include "protocol/json_fields.hpp"

namespace confab::protocol {

ParseResult parse_item_create(JsonFields& f, std::string event_id, const ParseLimits& limits);

}  // namespace confab::protocol
