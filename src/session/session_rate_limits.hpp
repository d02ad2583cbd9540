// A session's rate limits: client events per second, input audio per minute,
// responses per minute, plus the inbound audio bound (audio may run ahead of
// real time by at most `input_audio_lead_ms`).
//
// Each check either admits the unit (and charges it) or says which limit it
// exceeded; the session then refuses that one event with an error and goes
// on. Errors are coalesced: a client flooding a limit gets one error per limit
// per second (counting what else was refused), not one per event, so a flood
// cannot double our outgoing traffic. Time is passed in (deterministic tests).
#pragma once
#include <boost/json/array.hpp>
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "config/config.hpp"
#include "session/key_quota.hpp"
#include "util/token_bucket.hpp"

namespace confab::session {

class SessionRateLimits {
public:
    using Clock = std::chrono::steady_clock;

    struct Refusal {
        std::string code;     // rate_limit_exceeded | input_audio_too_fast
        std::string limit;    // the limit's name, e.g. "responses_per_minute"
        std::string message;  // plain words for the error event
        bool report = true;   // false: already reported within the last second
    };

    SessionRateLimits(const SessionLimits& limits, Clock::time_point now);
    // The API key's limits, shared with its other sessions (null: none).
    void set_key_quota(std::shared_ptr<KeyQuota> quota) { key_quota_ = std::move(quota); }

    std::optional<Refusal> admit_event(Clock::time_point now);
    std::optional<Refusal> admit_audio(int audio_ms, Clock::time_point now);
    std::optional<Refusal> admit_response(Clock::time_point now);
    // A reply asked for during a pause (llm.prefetch) draws on a budget of its
    // own, as large as responses_per_minute: pausing and speaking on cannot
    // make more language model requests than a client may ask for replies.
    // Never an error: without budget the reply is simply not prefetched.
    bool admit_prefetch(Clock::time_point now) { return prefetches_.try_take(1, now); }
    // confab.ping probes draw on a budget of their own (kPingsPerSecond), not
    // the events' one: measuring the round trip must not cost the client
    // events it needs. Beyond it a probe is refused like any event.
    static constexpr double kPingsPerSecond = 4;
    std::optional<Refusal> admit_ping(Clock::time_point now);

    // The `rate_limits` array of the Realtime `rate_limits.updated` event.
    boost::json::array snapshot(Clock::time_point now);

private:
    struct Limit {
        std::string name;
        TokenBucket bucket;
        double limit;                     // as configured, in the limit's own unit
        double unit;                      // bucket tokens per unit of `limit`
        Clock::time_point last_report{};  // coalesces errors to one per second
        long refused_since_report = 0;
    };
    std::optional<Refusal> refuse(Limit& limit, std::string code, std::string message,
                                  Clock::time_point now);
    // Takes one unit of `limit`, or refuses with "Rate limit <name> (<n>) exceeded: <outcome>".
    std::optional<Refusal> take_one(Limit& limit, std::string_view outcome, Clock::time_point now);

    Limit events_;
    Limit audio_;
    Limit responses_;
    Limit lead_;
    Limit pings_;
    TokenBucket prefetches_;
    std::shared_ptr<KeyQuota> key_quota_;
    // Only their reports are coalesced here; the buckets are the KeyQuota's.
    Limit key_audio_;
    Limit key_responses_;
};

}  // namespace confab::session
