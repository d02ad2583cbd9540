// Helpers for end-to-end tests that speak to a real confab: recordings
// resampled to the protocol's 24 kHz, sent as 20 ms appends, and the reply
// audio gathered back.
#pragma once
#include <boost/json.hpp>
#include <string>
#include <vector>

#include "audio/pcm.hpp"
#include "audio/resampler.hpp"
#include "support/ws_client.hpp"
#include "util/base64.hpp"

namespace confab::test {

inline std::vector<std::int16_t> resample(const std::vector<std::int16_t>& in, int from, int to) {
    audio::Resampler r(from, to);
    std::vector<std::int16_t> out;
    r.process(in, out);
    r.flush(out);
    return out;
}

// Sends PCM16 24 kHz as input_audio_buffer.append events of 20 ms each.
inline void send_audio(WsClient& client, const std::vector<std::int16_t>& pcm24k) {
    constexpr std::size_t kChunk = 480;
    for (std::size_t i = 0; i < pcm24k.size(); i += kChunk) {
        const std::size_t n = std::min(kChunk, pcm24k.size() - i);
        std::vector<std::byte> bytes;
        audio::append_le_bytes_from_samples(std::span(pcm24k).subspan(i, n), bytes);
        const std::span<const std::uint8_t> raw(reinterpret_cast<const std::uint8_t*>(bytes.data()),
                                                bytes.size());
        client.send({{"type", "input_audio_buffer.append"}, {"audio", base64::encode(raw)}});
    }
}

inline std::vector<std::int16_t> silence24k(int ms) {
    return std::vector<std::int16_t>(static_cast<std::size_t>(ms) * 24);
}

// Appends the PCM16 in an output_audio.delta event to `pcm`.
inline void append_delta(const boost::json::object& event, std::vector<std::int16_t>& pcm) {
    const auto bytes = base64::decode(event.at("delta").as_string());
    if (bytes) audio::append_samples_from_le_bytes(std::as_bytes(std::span(*bytes)), pcm);
}

}  // namespace confab::test
