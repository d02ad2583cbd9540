// The audio formats a session's client may choose per direction
// (session.update audio.input.format / audio.output.format). Inside the
// server audio is always 24 kHz PCM16; these say what the wire carries.
#pragma once

namespace confab::audio {

enum class AudioFormat {
    pcm16_24k,  // audio/pcm: PCM16 little-endian mono at 24 000 Hz
    pcmu,       // audio/pcmu: G.711 mu-law, 8000 Hz, one byte per sample
    pcma,       // audio/pcma: G.711 A-law, 8000 Hz, one byte per sample
};

// Samples per second on the wire.
constexpr int wire_rate(AudioFormat format) {
    return format == AudioFormat::pcm16_24k ? 24000 : 8000;
}

// Bytes per sample on the wire.
constexpr int wire_sample_bytes(AudioFormat format) {
    return format == AudioFormat::pcm16_24k ? 2 : 1;
}

}  // namespace confab::audio
