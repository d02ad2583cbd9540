#include "loadgen/playback_buffer.hpp"

#include <algorithm>

namespace confab::bench {

std::optional<PlaybackBuffer::Duration> PlaybackBuffer::on_audio(Clock::time_point arrival,
                                                                 Duration length) {
    if (stopped_) return std::nullopt;
    std::optional<Duration> lateness;
    if (!started_) {
        started_ = true;
        start_ = arrival + std::chrono::duration_cast<Clock::duration>(prebuffer_);
        end_ = start_;
    } else if (arrival > end_) {
        // The buffer ran dry before this delta came: the listener heard a gap.
        lateness = Duration(arrival - end_);
        end_ = arrival;
    }
    end_ += std::chrono::duration_cast<Clock::duration>(length);
    received_ += length;
    return lateness;
}

void PlaybackBuffer::stop(Clock::time_point now) {
    if (stopped_) return;
    played_at_stop_ = played(now);
    stopped_ = true;
}

PlaybackBuffer::Duration PlaybackBuffer::played(Clock::time_point now) const {
    if (stopped_) return played_at_stop_;
    if (!started_ || now <= start_) return Duration(0);
    // Everything received is played except what is still queued after `now`.
    const Duration queued = std::max(Duration(0), Duration(end_ - now));
    return std::clamp(received_ - queued, Duration(0), received_);
}

}  // namespace confab::bench
