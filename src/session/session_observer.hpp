// What a session reports about itself: it feeds the server's metrics (when
// they are on) and the session's own SessionStats (always, for the admin
// endpoint), from one call per event so the session's code stays one line
// per hook.
//
// Owned by the RealtimeSession; called only on its strand.
#pragma once
#include <chrono>
#include <cstddef>
#include <memory>
#include <optional>

#include "session/session_stats.hpp"

namespace confab::pipeline {
class Response;
}

namespace confab::session {

class SessionObserver {
public:
    using Clock = std::chrono::steady_clock;

    explicit SessionObserver(metrics::Metrics* metrics) : metrics_(metrics) {}

    std::shared_ptr<const SessionStats> stats() const { return stats_; }

    // One accepted input_audio_buffer.append of `samples` 24 kHz samples.
    void audio_in(std::size_t samples) {
        stats_->audio_in_samples.fetch_add(samples, std::memory_order_relaxed);
        if (metrics_ != nullptr) {
            metrics_->audio_in_frames.inc();
            metrics_->audio_in_bytes.inc(samples * 2);
        }
    }
    void turn_committed();
    // The VAD confirmed speech `onset_delay_ms` (stream time) after it began;
    // `cancel_began` is when the session started cancelling the reply that
    // was playing, if there was one.
    void speech_started(int onset_delay_ms, std::optional<Clock::time_point> cancel_began);
    // The end-of-turn decision, `wait_ms` (stream time) after the speech ended.
    void speech_stopped(int wait_ms);
    // The final transcript of a turn (its STT latency counts from the last speech_stopped).
    void transcript_final();
    void response_started() { stats_->state = SessionStats::State::responding; }
    // Observes every stage the response reached, once.
    void response_done(const pipeline::Response& response);
    // A rough size of what the session holds (buffers, history), for the admin view.
    void memory(std::size_t bytes) { stats_->memory_bytes = bytes; }

private:
    void observe(metrics::Stage stage, double seconds);

    metrics::Metrics* metrics_;
    std::optional<Clock::time_point> last_speech_stopped_;  // consumed by the next final transcript
    std::shared_ptr<SessionStats> stats_ = std::make_shared<SessionStats>();
};

}  // namespace confab::session
