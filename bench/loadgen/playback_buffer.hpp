// A simulated browser playing one reply's audio through a jitter buffer.
//
// Playback starts `prebuffer` after the first delta arrives and then runs at
// real-time speed. Each later delta must have arrived by the time the audio
// before it has finished playing; if not, that is an underrun, and playback
// resumes the moment the late delta arrives (the schedule slips by its
// lateness, as a Web Audio ring buffer that ran dry would).
//
// Plain value type, owned by one simulated user's turn; one thread.
#pragma once
#include <chrono>
#include <optional>

namespace confab::bench {

class PlaybackBuffer {
public:
    using Clock = std::chrono::steady_clock;
    using Duration = std::chrono::duration<double, std::milli>;

    explicit PlaybackBuffer(Duration prebuffer) : prebuffer_(prebuffer) {}

    // A delta of `length` audio arrived at `arrival`. Returns its lateness
    // when it arrived after its playback time (an underrun).
    std::optional<Duration> on_audio(Clock::time_point arrival, Duration length);

    // Flushes what is buffered (barge-in): nothing more is played.
    void stop(Clock::time_point now);

    bool started() const { return started_; }
    bool stopped() const { return stopped_; }
    // When everything received so far will have been played.
    Clock::time_point end() const { return end_; }
    Duration received() const { return received_; }
    // How much audio has been heard by `now` (for conversation.item.truncate).
    Duration played(Clock::time_point now) const;

private:
    Duration prebuffer_;
    bool started_ = false;
    bool stopped_ = false;
    Clock::time_point start_{};
    Clock::time_point end_{};
    Duration received_{0};
    Duration played_at_stop_{0};
};

}  // namespace confab::bench
