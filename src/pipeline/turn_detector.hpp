// The turn-taking state machine: quiet → starting → speaking → stopping.
//
// Fed one voice-activity decision per frame (20 ms), in stream time. It
// declares speech started once enough of the onset window is speech (the
// Realtime `threshold` sets how much: ceil(threshold x 5) of the last five
// frames), and speech stopped after a pause as long as the end-of-turn
// policy asks for given the latest partial transcript (server_vad's adapted
// silence, or semantic_vad's wait for its eagerness). Pure logic with no
// clock of its own, so it is tested frame by frame.
// Owned by a session's speech input; used only on the session's strand.
#pragma once
#include <deque>
#include <optional>
#include <string>

#include "pipeline/end_of_turn_policy.hpp"

namespace confab::pipeline {

class TurnDetector {
public:
    struct Params {
        double threshold = 0.5;
        int prefix_padding_ms = 300;
        int silence_duration_ms = 500;
        int frame_ms = 20;
        int max_turn_ms = 30000;  // a monologue is cut into turns of at most this
        // The VAD's own hangover: the first this-many ms it still calls
        // "speech" after the voice ended are counted as silence, so the
        // pause that ends a turn is measured from the real end of speech.
        int vad_hangover_ms = 0;
        // semantic_vad: the pause comes from the eagerness's waits
        // (semantic_silence_ms) and silence_duration_ms is not used.
        std::optional<Eagerness> eagerness;
    };
    enum class State { quiet, starting, speaking, stopping };
    enum class Event { none, speech_started, speech_stopped };

    explicit TurnDetector(Params params);

    // How much audio must be kept before any turn begins, so that a turn can
    // be handed its prefix padding: the padding itself, the onset window
    // that confirms speech (kOnsetFrames frames, during which the turn has
    // already begun), and a margin for the resampler's delay. The session's
    // input buffer and speech input's history both keep this much.
    static int history_ms(int prefix_padding_ms) { return prefix_padding_ms + kHistoryMarginMs; }

    // One frame's decision; `frame_start_ms` is where the frame begins in
    // the stream. Returns what this frame decided.
    Event on_frame(bool is_speech, int frame_start_ms);
    // The latest partial transcript of the current turn (adapts the pause).
    void set_transcript(std::string transcript) { transcript_ = std::move(transcript); }
    void reset();

    State state() const { return state_; }
    int speech_start_ms() const { return speech_start_ms_; }
    int speech_end_ms() const { return speech_end_ms_; }
    // The pause that currently ends the turn, from the policy.
    int silence_target_ms() const;
    // The VAD-reported silence that ends the turn: the target less the
    // VAD's hangover, never under one frame.
    int required_silence_ms() const;
    const Params& params() const { return params_; }

private:
    static constexpr int kOnsetFrames = 5;
    static constexpr int kHistoryMarginMs = 200;  // >= kOnsetFrames x 20 ms, with room
    Event end_turn();

    Params params_;
    int onset_needed_;
    State state_ = State::quiet;
    std::deque<bool> onset_window_;
    int candidate_start_ms_ = 0;
    int speech_start_ms_ = 0;
    int speech_end_ms_ = 0;
    int silence_ms_ = 0;
    std::string transcript_;
};

}  // namespace confab::pipeline
