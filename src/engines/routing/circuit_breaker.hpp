// A circuit breaker for one backend: after `failure_threshold` consecutive
// failures it opens and no request is sent to the backend; once `cooldown`
// has passed, one request at a time is let through as a probe (half-open);
// the probe's success closes the breaker, its failure opens it again for
// another cool-down.
//
// Why: a dead backend costs every request sent to it a connect timeout (or a
// first-token timeout when it hangs). Without a breaker each turn of every
// user pays that before failing over; with one, the first few do and the rest
// go straight to a live backend, while a single probe finds out when it is
// back.
//
// Time is passed in (a controllable clock in tests). Thread-safe: one mutex;
// every method is short. Each call that changes the state returns the
// transition so that the caller (BackendRouter) logs and counts it.
#pragma once
#include <chrono>
#include <mutex>
#include <optional>
#include <string_view>

namespace confab::engines {

class CircuitBreaker {
public:
    using Clock = std::chrono::steady_clock;
    enum class State { closed, open, half_open };

    struct Options {
        int failure_threshold = 3;  // consecutive failures that open it
        Clock::duration cooldown = std::chrono::seconds(10);
    };

    struct Transition {
        State from;
        State to;
    };

    explicit CircuitBreaker(Options options) : options_(options) {}

    // Whether a request could be sent now (closed, or open past its
    // cool-down with no probe in flight). Does not change anything.
    bool available(Clock::time_point now) const;
    // Takes the right to send one request: always when closed; when open
    // past its cool-down (or half-open with no probe out) the request
    // becomes the probe and the breaker half-opens. False: do not send.
    bool try_acquire(Clock::time_point now, std::optional<Transition>& transition);
    // How the request that try_acquire() allowed ended.
    std::optional<Transition> on_success();
    std::optional<Transition> on_failure(Clock::time_point now);
    // The request ended without a verdict on the backend (cancelled by its
    // caller, or refused by our own request limit): a probe is given back.
    void on_abandoned();

    State state() const;
    int consecutive_failures() const;
    // When an open breaker lets its next probe through.
    Clock::time_point retry_at() const;

    static std::string_view name(State state);

private:
    std::optional<Transition> move_to(State to);

    const Options options_;
    mutable std::mutex mutex_;
    State state_ = State::closed;
    int failures_ = 0;
    bool probe_out_ = false;
    Clock::time_point opened_at_{};
};

}  // namespace confab::engines
