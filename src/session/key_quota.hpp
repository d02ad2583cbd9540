// Limits one API key holds over all its sessions, on every thread: responses
// per minute and minutes of input audio per hour (auth.max_*_per_key, or the
// key's own entry). The sessions of a key share one KeyQuota (auth::KeyUsage
// hands it out); each session's SessionRateLimits consults it after its own
// limits, so a refusal reads like any other rate_limit_exceeded.
//
// Threads: any; one short lock per check. Time is passed in (tests).
#pragma once
#include <chrono>
#include <mutex>
#include <optional>
#include <string>

#include "util/token_bucket.hpp"

namespace confab::session {

class KeyQuota {
public:
    using Clock = std::chrono::steady_clock;
    struct Limits {
        int responses_per_minute = 0;    // 0: none
        int audio_minutes_per_hour = 0;  // 0: none
    };

    KeyQuota(std::string key_id, Limits limits, Clock::time_point now);

    const std::string& key_id() const { return key_id_; }
    const Limits& limits() const { return limits_; }
    // Takes one response, or returns the seconds until one is available.
    std::optional<double> take_response(Clock::time_point now);
    // Takes `audio_ms` of audio, or returns the seconds until they are available.
    std::optional<double> take_audio(int audio_ms, Clock::time_point now);

private:
    const std::string key_id_;
    const Limits limits_;
    std::mutex mutex_;
    TokenBucket responses_;
    TokenBucket audio_ms_;
};

}  // namespace confab::session
