// The text forms a remote session store keeps: the session configuration
// (the session object of the protocol, as session.created shows it) and the
// conversation as a log of operations, each one JSON text:
//   {"put":{item},"after":"id"|null}   added after `after` (null: first), or
//                                       replaced where it is when its id exists
//   {"del":"id"}                        removed
// Items are kept whole, with what the protocol does not show (the audio
// length and text timeline a truncation needs), under short keys.
#pragma once
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "protocol/conversation_item.hpp"
#include "protocol/session_config.hpp"

namespace confab::store {

std::string encode_config(const protocol::SessionConfig& config);
// Applies the stored config onto `base` (a new session's defaults on this
// node) with the validation of session.update; nullopt if this node cannot
// take it (say, a voice it lacks): the session resumes with `base`.
std::optional<protocol::SessionConfig> decode_config(
    std::string_view text, const protocol::SessionConstraints& constraints,
    protocol::SessionConfig base);

std::string encode_put(const protocol::ConversationItem& item,
                       const std::optional<std::string>& previous_id);
std::string encode_remove(const std::string& id);

// Replays a log onto `items`; returns how many operations were malformed
// (skipped, so one bad entry loses one item, not the conversation).
std::size_t replay(const std::vector<std::string>& log,
                   std::vector<protocol::ConversationItem>& items);

}  // namespace confab::store
