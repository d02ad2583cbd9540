// JSON form of audio.input.turn_detection, and its validation in a
// session.update. Split from session_config_codec.cpp: turn detection has
// two types whose fields differ, which is an idea of its own.
#pragma once
#include <boost/json/value.hpp>
#include <optional>

#include "protocol/json_fields.hpp"
#include "protocol/session_config.hpp"

namespace confab::protocol {

// The session object's turn_detection: null, or the settings of its type
// (semantic_vad echoes the eagerness as the client set it, "auto" included).
boost::json::value turn_detection_to_json(const std::optional<TurnDetection>& turn_detection);

// Reads `turn_detection` of the audio.input object `input` into
// `turn_detection`, recording any error in `input`. Absent: unchanged;
// null: manual commits. The same type again changes only the fields given;
// another type replaces the settings, the fields it omits at their defaults.
// Without `type` the current one is kept (server_vad after null).
void parse_turn_detection(JsonFields& input, std::optional<TurnDetection>& turn_detection);

}  // namespace confab::protocol
