// When each stage of one response happened, for the confab.response.timings
// event, the per-turn log line and (later) metrics.
#pragma once
#include <boost/json/object.hpp>
#include <chrono>
#include <optional>

namespace confab::pipeline {

struct ResponseTimings {
    using Clock = std::chrono::steady_clock;
    using Point = std::optional<Clock::time_point>;

    Point
        speech_ended;  // where the user's speech ended (speech_stopped minus the end-of-turn wait)
    Point speech_stopped;           // the VAD decided the user's turn ended
    Point transcript_final;         // the final transcript of that turn arrived
    Point created;                  // the response began
    Point llm_first_token;          // first text from the language model
    Point first_piece_queued;       // first piece of text handed to the TTS pool
    Point first_audio_synthesized;  // first audio from the synthesizer
    Point first_audio_sent;         // first output_audio.delta queued to the client
    Point done;

    // Milliseconds from the base (speech_stopped, else created) to each stage.
    boost::json::object to_json() const;
    // From the server's end-of-turn decision (not the end of speech, which is
    // a silence_duration earlier) to the first audio delta.
    std::optional<double> speech_stopped_to_first_audio_ms() const;
};

}  // namespace confab::pipeline
