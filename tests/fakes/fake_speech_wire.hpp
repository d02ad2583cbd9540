// What FakeSpeechServer writes on the wire besides audio from flite: WAV
// headers, transcription JSON and SSE events, error bodies, and the canned
// audio that costs no CPU. Free functions, kept apart so the server file
// holds only the server.
#pragma once
#include <boost/json.hpp>
#include <cmath>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace confab::test::fake_speech_wire {
namespace json = boost::json;

inline void put_le(std::string& out, std::uint32_t value, int bytes) {
    for (int i = 0; i < bytes; ++i) out += static_cast<char>((value >> (8 * i)) & 0xFF);
}

// A canonical 44-byte header for 16-bit mono PCM at `rate`, or for another
// shape when a script wants a malformed one. A streaming server does not
// know the data's length: 0xFFFFFFFF says "to the end".
inline std::string wav_header(int rate, std::uint32_t data_bytes = 0xFFFFFFFFu, int channels = 1,
                              int bits = 16) {
    std::string out = "RIFF";
    put_le(out, data_bytes == 0xFFFFFFFFu ? 0xFFFFFFFFu : 36 + data_bytes, 4);
    out += "WAVEfmt ";
    put_le(out, 16, 4);
    put_le(out, 1, 2);  // PCM
    put_le(out, static_cast<std::uint32_t>(channels), 2);
    put_le(out, static_cast<std::uint32_t>(rate), 4);
    put_le(out, static_cast<std::uint32_t>(rate * channels * bits / 8), 4);
    put_le(out, static_cast<std::uint32_t>(channels * bits / 8), 2);
    put_le(out, static_cast<std::uint32_t>(bits), 2);
    out += "data";
    put_le(out, data_bytes, 4);
    return out;
}

inline std::string le_bytes(const std::vector<std::int16_t>& pcm) {
    std::string out;
    out.reserve(pcm.size() * 2);
    for (const std::int16_t s : pcm) put_le(out, static_cast<std::uint16_t>(s), 2);
    return out;
}

inline std::string error_json(const std::string& message, int status) {
    const char* type = status >= 500 ? "server_error" : "invalid_request_error";
    return json::serialize(json::object{
        {"error", json::object{{"message", message}, {"type", type}, {"code", nullptr}}}});
}

inline std::string sse(const json::object& event) {
    return "data: " + json::serialize(event) + "\n\n";
}

// The events of a streamed transcript: a delta per word (with its leading
// space, as OpenAI's deltas have), then done with the whole text.
inline std::vector<std::string> transcript_events(const std::string& text) {
    std::vector<std::string> events;
    std::size_t start = 0;
    while (start < text.size()) {
        std::size_t end = text.find(' ', start + 1);
        if (end == std::string::npos) end = text.size();
        events.push_back(
            sse({{"type", "transcript.text.delta"}, {"delta", text.substr(start, end - start)}}));
        start = end;
    }
    events.push_back(sse({{"type", "transcript.text.done"}, {"text", text}}));
    return events;
}

// One second of a soft two-tone chord at `rate`, looped for canned audio:
// made once, so serving it is a copy.
inline std::vector<std::int16_t> canned_tone(int rate) {
    std::vector<std::int16_t> out(static_cast<std::size_t>(rate));
    for (std::size_t i = 0; i < out.size(); ++i) {
        const double t = static_cast<double>(i) / rate;
        out[i] = static_cast<std::int16_t>(
            std::lround(3000 * std::sin(2 * M_PI * 220 * t) + 2000 * std::sin(2 * M_PI * 330 * t)));
    }
    return out;
}

// How long canned speech of `text` lasts: ~15 characters a second, as
// flite's voices speak, at least 200 ms.
inline double canned_seconds(std::string_view text, double speed) {
    const double seconds = std::max(0.2, static_cast<double>(text.size()) * 0.065);
    return seconds / (speed > 0 ? speed : 1.0);
}

}  // namespace confab::test::fake_speech_wire
