// One barge-in: a user started speaking over a reply that was playing. It
// measures how fast the reply stops (speech_started, the reply's last audio
// delta, its response.done) and plays the browser's part: on speech_started
// it stops playback and says how much was heard (conversation.item.truncate).
//
// Owned by the user's UserTurns; one thread, no I/O.
#pragma once
#include <chrono>
#include <optional>
#include <string>

#include "loadgen/bench_results.hpp"
#include "loadgen/playback_buffer.hpp"

namespace confab::bench {

class BargeIn {
public:
    using Clock = std::chrono::steady_clock;

    // `reply_done`: the reply's response.done had already arrived, so no
    // cancellation can follow (the server had sent all of it).
    BargeIn(std::string response_id, std::string item_id, PlaybackBuffer playback,
            Clock::time_point decided, bool reply_done);

    // The response whose audio and response.done still concern this barge-in;
    // empty once nothing more can arrive.
    const std::string& response_id() const { return response_id_; }
    bool finished() const { return speech_started_seen_ && response_id_.empty(); }

    // The interrupting recording's first voiced frame was written.
    void voiced_frame_sent(Clock::time_point now);
    // The server heard the user; returns the truncate event to send, or "".
    std::string on_speech_started(Clock::time_point now, BenchResults& results);
    void on_audio(Clock::time_point now);
    void on_done(const std::string& status, Clock::time_point now, BenchResults& results);

private:
    std::string response_id_;
    std::string item_id_;
    PlaybackBuffer playback_;    // the interrupted reply, playing until speech_started
    Clock::time_point decided_;  // the interrupting recording started
    std::optional<Clock::time_point> speech_start_;  // its first voiced frame written
    std::optional<Clock::time_point> last_audio_;    // last delta of the interrupted response
    bool speech_started_seen_ = false;
};

}  // namespace confab::bench
