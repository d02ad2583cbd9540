// The Realtime session object's settings as Confab holds them per session.
// Owned by one RealtimeSession; only its strand reads or writes it.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "audio/audio_format.hpp"

namespace confab::protocol {

using AudioFormat = audio::AudioFormat;

struct TurnDetection {
    double threshold = 0.5;         // 0..1: higher needs louder/clearer speech
    int prefix_padding_ms = 300;    // audio kept from before speech started
    int silence_duration_ms = 500;  // base end-of-turn silence (adapted per transcript)
    bool create_response = true;
    bool interrupt_response = true;
    std::optional<int> idle_timeout_ms;  // accepted and echoed; not acted on
};

struct SessionConfig {
    std::string model;
    std::string instructions =
        "You are Confab, a helpful voice assistant. Answer briefly, in one to three short "
        "spoken sentences, without lists or markdown.";
    std::vector<std::string> output_modalities{"audio"};  // ["audio"] or ["text"]
    std::string voice;
    double speed = 1.0;
    std::optional<TurnDetection> turn_detection = TurnDetection{};  // nullopt: manual commits
    std::optional<std::string> transcription_model;  // nullopt: no transcription events
    std::optional<std::string> noise_reduction;      // "near_field"|"far_field"
    std::optional<int> max_output_tokens;            // nullopt: "inf"
    // What the wire carries in each direction (the server works in 24 kHz PCM16).
    AudioFormat input_format = AudioFormat::pcm16_24k;
    AudioFormat output_format = AudioFormat::pcm16_24k;
};

// What session.update may choose from; fixed by the server's engines.
struct SessionConstraints {
    std::vector<std::string> voices;
    std::vector<std::string> transcription_models{"pocketsphinx"};
    std::size_t max_instructions_chars = 20000;
};

bool is_audio_output(const SessionConfig& config);

}  // namespace confab::protocol
