// JSON form of audio.input.turn_detection, and its validation in a
// session.update. Split from session_config_codec.cpp, which grows from
// several directions at once: turn detection is an idea of its own.
#pragma once
#include <boost/json/value.hpp>
#include <optional>

#include "protocol/json_fields.hpp"
#include "protocol/session_config.hpp"

namespace confab::protocol {

// The session object's turn_detection: null, or its settings.
boost::json::value turn_detection_to_json(const std::optional<TurnDetection>& turn_detection);

// Reads `turn_detection` of the audio.input object `input` into
// `turn_detection`, recording any error in `input`. Absent: unchanged;
// null: manual commits; an object changes only the fields it gives.
void parse_turn_detection(JsonFields& input, std::optional<TurnDetection>& turn_detection);

}  // namespace confab::protocol
