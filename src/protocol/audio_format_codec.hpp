// The JSON form of an audio format (audio.input.format, audio.output.format,
// and the response object's audio.output.format), and its validation.
#pragma once
#include <boost/json/object.hpp>
#include <optional>
#include <string_view>

#include "audio/audio_format.hpp"
#include "protocol/json_fields.hpp"

namespace confab::protocol {

// As the GA Realtime API shows it: {type:"audio/pcm", rate:24000}, or
// {type:"audio/pcmu"} / {type:"audio/pcma"} (G.711 has no rate field).
boost::json::object audio_format_json(audio::AudioFormat format);

// Reads the format object at `key` of `f`: nullopt when it is absent or
// invalid (the error is then recorded in `f`). A format without `type`
// keeps `current` (its rate, if given, must be current's).
std::optional<audio::AudioFormat> parse_audio_format(JsonFields& f, std::string_view key,
                                                     audio::AudioFormat current);

}  // namespace confab::protocol
