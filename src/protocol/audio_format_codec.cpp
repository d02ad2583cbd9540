#include "protocol/audio_format_codec.hpp"

#include <string>

namespace confab::protocol {
namespace json = boost::json;
using audio::AudioFormat;

namespace {
const char* type_name(AudioFormat format) {
    switch (format) {
        case AudioFormat::pcmu:
            return "audio/pcmu";
        case AudioFormat::pcma:
            return "audio/pcma";
        case AudioFormat::pcm16_24k:
            break;
    }
    return "audio/pcm";
}

std::optional<AudioFormat> from_type_name(std::string_view type) {
    if (type == "audio/pcm") return AudioFormat::pcm16_24k;
    if (type == "audio/pcmu") return AudioFormat::pcmu;
    if (type == "audio/pcma") return AudioFormat::pcma;
    return std::nullopt;
}
}  // namespace

json::object audio_format_json(AudioFormat format) {
    if (format == AudioFormat::pcm16_24k) return {{"type", "audio/pcm"}, {"rate", 24000}};
    return {{"type", type_name(format)}};
}

std::optional<AudioFormat> parse_audio_format(JsonFields& f, std::string_view key,
                                              AudioFormat current) {
    const auto* fmt = f.child_object(key);
    if (fmt == nullptr) return std::nullopt;
    JsonFields ff(*fmt, f.param(key), "");
    ff.reject_unknown({"type", "rate"});
    AudioFormat format = current;
    if (const auto type = ff.string("type")) {
        if (const auto known = from_type_name(*type)) {
            format = *known;
        } else {
            ff.fail("invalid_value",
                    "Unsupported audio format '" + *type +
                        "': use 'audio/pcm' (24000 Hz), 'audio/pcmu' or 'audio/pcma' (G.711, "
                        "8000 Hz).",
                    "type");
        }
    }
    // G.711 has no rate field in the Realtime API; its one rate is accepted too.
    const auto rate = ff.integer("rate", 0, 1000000);
    if (ff.ok() && rate && *rate != audio::wire_rate(format))
        ff.fail("invalid_value",
                "Unsupported rate " + std::to_string(*rate) + ": " + type_name(format) + " is " +
                    std::to_string(audio::wire_rate(format)) + " Hz.",
                "rate");
    if (!ff.ok()) {
        f.fail_with(*ff.error());
        return std::nullopt;
    }
    return format;
}

}  // namespace confab::protocol
