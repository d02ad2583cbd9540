#include "loadgen/barge_in.hpp"

#include <algorithm>
#include <boost/json.hpp>

namespace confab::bench {

namespace {
double ms_between(BargeIn::Clock::time_point from, BargeIn::Clock::time_point to) {
    return std::chrono::duration<double, std::milli>(to - from).count();
}
}  // namespace

BargeIn::BargeIn(std::string response_id, std::string item_id, PlaybackBuffer playback,
                 Clock::time_point decided, bool reply_done)
    : response_id_(reply_done ? std::string() : std::move(response_id)),
      item_id_(std::move(item_id)),
      playback_(playback),
      decided_(decided) {}

void BargeIn::voiced_frame_sent(Clock::time_point now) {
    if (!speech_start_) speech_start_ = now;
}

std::string BargeIn::on_speech_started(Clock::time_point now, BenchResults& results) {
    if (speech_started_seen_) return {};
    speech_started_seen_ = true;
    // The server may hear speech in the quiet lead-in of the recording, before
    // the first frame above our threshold: then measure from its first frame.
    if (!speech_start_) speech_start_ = decided_;
    results.latency["barge_in_to_speech_started_ms"].add(ms_between(*speech_start_, now));
    // A browser stops playing the reply here and tells the server how much was heard.
    const auto heard = static_cast<std::int64_t>(playback_.played(now).count());
    playback_.stop(now);
    if (item_id_.empty()) return {};
    const boost::json::object truncate{{"type", "conversation.item.truncate"},
                                       {"item_id", item_id_},
                                       {"content_index", 0},
                                       {"audio_end_ms", heard}};
    return boost::json::serialize(truncate);
}

void BargeIn::on_audio(Clock::time_point now) {
    last_audio_ = now;
}

void BargeIn::on_done(const std::string& status, Clock::time_point now, BenchResults& results) {
    if (status == "cancelled") {
        // Only the user's voice cancels it, perhaps heard in the lead-in (see above).
        if (!speech_start_) speech_start_ = decided_;
        // Audio that had all arrived before the user spoke took no time to stop.
        const double last_audio =
            last_audio_ ? std::max(0.0, ms_between(*speech_start_, *last_audio_)) : 0;
        results.latency["barge_in_to_last_audio_ms"].add(last_audio);
        results.latency["barge_in_to_response_done_ms"].add(ms_between(*speech_start_, now));
    } else {
        ++results.interrupts_after_done;  // it finished before the server heard the user
    }
    response_id_.clear();
}

}  // namespace confab::bench
