#include "session/session_rate_limits.hpp"

#include <boost/json/object.hpp>
#include <cmath>

namespace confab::session {
namespace {

std::string fmt(double v) {
    return std::to_string(static_cast<long>(std::llround(v)));
}

}  // namespace

SessionRateLimits::SessionRateLimits(const SessionLimits& l, Clock::time_point now)
    : events_{"events_per_second",
              TokenBucket(l.max_events_per_second, l.max_events_per_second, now),
              static_cast<double>(l.max_events_per_second), 1.0},
      audio_{"audio_seconds_per_minute",
             TokenBucket(l.max_audio_seconds_per_minute * 1000.0,
                         l.max_audio_seconds_per_minute * 1000.0 / 60.0, now),
             static_cast<double>(l.max_audio_seconds_per_minute), 1000.0},
      responses_{"responses_per_minute",
                 TokenBucket(l.max_responses_per_minute, l.max_responses_per_minute / 60.0, now),
                 static_cast<double>(l.max_responses_per_minute), 1.0},
      // Real time refills the lead: one millisecond of audio per millisecond.
      lead_{"input_audio_lead_ms", TokenBucket(l.input_audio_lead_ms, 1000.0, now),
            static_cast<double>(l.input_audio_lead_ms), 1.0},
      pings_{"pings_per_second", TokenBucket(kPingsPerSecond, kPingsPerSecond, now),
             kPingsPerSecond, 1.0},
      prefetches_(l.max_responses_per_minute, l.max_responses_per_minute / 60.0, now),
      key_audio_{"key_audio_minutes_per_hour", TokenBucket(0, 0, now), 0, 1.0},
      key_responses_{"key_responses_per_minute", TokenBucket(0, 0, now), 0, 1.0} {}

std::optional<SessionRateLimits::Refusal> SessionRateLimits::refuse(Limit& limit, std::string code,
                                                                    std::string message,
                                                                    Clock::time_point now) {
    Refusal r{std::move(code), limit.name, std::move(message), true};
    if (limit.last_report != Clock::time_point{} &&
        now - limit.last_report < std::chrono::seconds(1)) {
        ++limit.refused_since_report;
        r.report = false;
        return r;
    }
    if (limit.refused_since_report > 0) {
        r.message += " (" + std::to_string(limit.refused_since_report) +
                     " more were refused since the last error for this limit.)";
    }
    limit.refused_since_report = 0;
    limit.last_report = now;
    return r;
}

std::optional<SessionRateLimits::Refusal> SessionRateLimits::take_one(Limit& limit,
                                                                      std::string_view outcome,
                                                                      Clock::time_point now) {
    if (limit.bucket.try_take(1, now)) return std::nullopt;
    return refuse(limit, "rate_limit_exceeded",
                  "Rate limit " + limit.name + " (" + fmt(limit.limit) +
                      ") exceeded: " + std::string(outcome),
                  now);
}

std::optional<SessionRateLimits::Refusal> SessionRateLimits::admit_event(Clock::time_point now) {
    return take_one(events_, "this event was refused. Send fewer, larger events.", now);
}

std::optional<SessionRateLimits::Refusal> SessionRateLimits::admit_ping(Clock::time_point now) {
    return take_one(pings_, "this confab.ping was not answered.", now);
}

std::optional<SessionRateLimits::Refusal> SessionRateLimits::admit_audio(int audio_ms,
                                                                         Clock::time_point now) {
    // Check both before charging either, so a refused chunk costs nothing.
    if (!lead_.bucket.can_take(audio_ms, now)) {
        return refuse(lead_, "input_audio_too_fast",
                      "Input audio is arriving faster than real time: more than " +
                          fmt(lead_.limit) + " ms ahead. This " + std::to_string(audio_ms) +
                          " ms chunk was refused; send audio at real-time pace.",
                      now);
    }
    if (!audio_.bucket.can_take(audio_ms, now)) {
        return refuse(audio_, "rate_limit_exceeded",
                      "Rate limit audio_seconds_per_minute (" + fmt(audio_.limit) +
                          ") exceeded: this " + std::to_string(audio_ms) + " ms chunk was refused.",
                      now);
    }
    if (key_quota_) {
        if (const auto wait = key_quota_->take_audio(audio_ms, now)) {
            return refuse(key_audio_, "rate_limit_exceeded",
                          "Rate limit key_audio_minutes_per_hour (" +
                              std::to_string(key_quota_->limits().audio_minutes_per_hour) +
                              ") of API key " + key_quota_->key_id() + " exceeded: this " +
                              std::to_string(audio_ms) + " ms chunk was refused. Retry in " +
                              fmt(std::ceil(*wait)) + " s.",
                          now);
        }
    }
    lead_.bucket.try_take(audio_ms, now);
    audio_.bucket.try_take(audio_ms, now);
    return std::nullopt;
}

std::optional<SessionRateLimits::Refusal> SessionRateLimits::admit_response(Clock::time_point now) {
    if (responses_.bucket.can_take(1, now) && key_quota_) {
        if (const auto wait = key_quota_->take_response(now)) {
            key_responses_.last_report = {};
            return refuse(key_responses_, "rate_limit_exceeded",
                          "Rate limit key_responses_per_minute (" +
                              std::to_string(key_quota_->limits().responses_per_minute) +
                              ") of API key " + key_quota_->key_id() +
                              " exceeded: no response was created. Retry in " +
                              fmt(std::ceil(*wait)) + " s.",
                          now);
        }
    }
    if (responses_.bucket.try_take(1, now)) return std::nullopt;
    // Responses are rare: every refusal is reported.
    responses_.last_report = {};
    return refuse(responses_, "rate_limit_exceeded",
                  "Rate limit responses_per_minute (" + fmt(responses_.limit) +
                      ") exceeded: no response was created. Retry in " +
                      fmt(std::ceil(responses_.bucket.seconds_until(1, now))) + " s.",
                  now);
}

boost::json::array SessionRateLimits::snapshot(Clock::time_point now) {
    boost::json::array out;
    for (Limit* l : {&events_, &audio_, &responses_}) {
        const double remaining = std::floor(l->bucket.available(now) / l->unit);
        out.push_back(boost::json::object{
            {"name", l->name},
            {"limit", l->limit},
            {"remaining", remaining},
            {"reset_seconds", std::round(l->bucket.seconds_to_full(now) * 10) / 10}});
    }
    return out;
}

}  // namespace confab::session
