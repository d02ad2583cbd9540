#include "engines/routing/circuit_breaker.hpp"

namespace confab::engines {

bool CircuitBreaker::available(Clock::time_point now) const {
    const std::lock_guard lock(mutex_);
    switch (state_) {
        case State::closed:
            return true;
        case State::open:
            return now >= opened_at_ + options_.cooldown;
        case State::half_open:
            return !probe_out_;
    }
    return false;
}

bool CircuitBreaker::try_acquire(Clock::time_point now, std::optional<Transition>& transition) {
    const std::lock_guard lock(mutex_);
    transition.reset();
    switch (state_) {
        case State::closed:
            return true;
        case State::open:
            if (now < opened_at_ + options_.cooldown) return false;
            transition = move_to(State::half_open);
            probe_out_ = true;
            return true;
        case State::half_open:
            if (probe_out_) return false;
            probe_out_ = true;
            return true;
    }
    return false;
}

std::optional<CircuitBreaker::Transition> CircuitBreaker::on_success() {
    const std::lock_guard lock(mutex_);
    failures_ = 0;
    probe_out_ = false;
    return move_to(State::closed);
}

std::optional<CircuitBreaker::Transition> CircuitBreaker::on_failure(Clock::time_point now) {
    const std::lock_guard lock(mutex_);
    ++failures_;
    // A failed probe opens it again at once; so do enough failures in a row.
    // Requests that were already in flight when it opened may fail too: they
    // restart the cool-down, which is what their failure says.
    if (state_ == State::half_open || state_ == State::open ||
        failures_ >= options_.failure_threshold) {
        probe_out_ = false;
        opened_at_ = now;
        return move_to(State::open);
    }
    return std::nullopt;
}

void CircuitBreaker::on_abandoned() {
    const std::lock_guard lock(mutex_);
    if (state_ == State::half_open) probe_out_ = false;
}

CircuitBreaker::State CircuitBreaker::state() const {
    const std::lock_guard lock(mutex_);
    return state_;
}

int CircuitBreaker::consecutive_failures() const {
    const std::lock_guard lock(mutex_);
    return failures_;
}

CircuitBreaker::Clock::time_point CircuitBreaker::retry_at() const {
    const std::lock_guard lock(mutex_);
    return opened_at_ + options_.cooldown;
}

std::string_view CircuitBreaker::name(State state) {
    switch (state) {
        case State::closed:
            return "closed";
        case State::open:
            return "open";
        case State::half_open:
            return "half_open";
    }
    return "closed";
}

std::optional<CircuitBreaker::Transition> CircuitBreaker::move_to(State to) {
    if (state_ == to) return std::nullopt;
    const Transition t{state_, to};
    state_ = to;
    return t;
}

}  // namespace confab::engines
