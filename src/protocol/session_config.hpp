// The Realtime session object's settings as Confab holds them per session.
// Owned by one RealtimeSession; only its strand reads or writes it.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "audio/audio_format.hpp"
#include "protocol/function_tools.hpp"

namespace confab::protocol {

using AudioFormat = audio::AudioFormat;

// audio.input.turn_detection. Both types detect speech with the VAD and
// the turn detector; they differ in how long a pause ends the turn:
// server_vad adapts silence_duration_ms to the words so far, semantic_vad
// takes the pause from its eagerness (docs/protocol.md has the table).
struct TurnDetection {
    enum class Type { server_vad, semantic_vad };
    // "auto" is kept apart from "medium" (it behaves the same) so that the
    // session object echoes what the client set.
    enum class Eagerness { low, medium, high, automatic };

    Type type = Type::server_vad;
    // server_vad settings; semantic_vad runs with these defaults.
    double threshold = 0.5;         // 0..1: higher needs louder/clearer speech
    int prefix_padding_ms = 300;    // audio kept from before speech started
    int silence_duration_ms = 500;  // base end-of-turn silence (adapted per transcript)
    // Silence after the last response's audio that makes the server prompt
    // the user (input_audio_buffer.timeout_triggered); server_vad only.
    std::optional<int> idle_timeout_ms;
    // semantic_vad only.
    Eagerness eagerness = Eagerness::automatic;
    // Both types.
    bool create_response = true;
    bool interrupt_response = true;

    bool operator==(const TurnDetection&) const = default;
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
    std::vector<FunctionTool> tools;                 // functions the model may call
    ToolChoice tool_choice;
    // Passed to the model with the tools; nullopt: the backend's default.
    // Not a GA session field, but the Agents SDK sends it when configured.
    std::optional<bool> parallel_tool_calls;
    // What the wire carries in each direction (the server works in 24 kHz PCM16).
    AudioFormat input_format = AudioFormat::pcm16_24k;
    AudioFormat output_format = AudioFormat::pcm16_24k;
};

// What session.update may choose from; fixed by the server's engines.
struct SessionConstraints {
    std::vector<std::string> voices;
    std::vector<std::string> transcription_models{"pocketsphinx"};
    std::size_t max_instructions_chars = 20000;
    ToolLimits tools;
};

bool is_audio_output(const SessionConfig& config);

}  // namespace confab::protocol
