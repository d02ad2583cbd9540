#include "session/key_quota.hpp"

namespace confab::session {

KeyQuota::KeyQuota(std::string key_id, Limits limits, Clock::time_point now)
    : key_id_(std::move(key_id)),
      limits_(limits),
      // A minute's (an hour's) worth may be used at once, as the session limits allow.
      responses_(limits.responses_per_minute, limits.responses_per_minute / 60.0, now),
      audio_ms_(limits.audio_minutes_per_hour * 60'000.0,
                limits.audio_minutes_per_hour * 60'000.0 / 3600.0, now) {}

std::optional<double> KeyQuota::take_response(Clock::time_point now) {
    if (limits_.responses_per_minute <= 0) return std::nullopt;
    std::lock_guard lock(mutex_);
    if (responses_.try_take(1, now)) return std::nullopt;
    return responses_.seconds_until(1, now);
}

std::optional<double> KeyQuota::take_audio(int audio_ms, Clock::time_point now) {
    if (limits_.audio_minutes_per_hour <= 0) return std::nullopt;
    std::lock_guard lock(mutex_);
    if (audio_ms_.try_take(audio_ms, now)) return std::nullopt;
    return audio_ms_.seconds_until(audio_ms, now);
}

}  // namespace confab::session
