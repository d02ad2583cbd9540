// A token bucket: `capacity` tokens, refilled continuously at `per_second`.
//
// Rate limits are expressed as buckets so that a burst up to the capacity is
// allowed and the long-run rate is bounded. Time is passed in, never read,
// so the limits are deterministic under test.
#pragma once
#include <algorithm>
#include <chrono>

namespace confab {

class TokenBucket {
public:
    using Clock = std::chrono::steady_clock;

    TokenBucket(double capacity, double per_second, Clock::time_point now)
        : capacity_(capacity), per_second_(per_second), tokens_(capacity), updated_(now) {}

    double capacity() const { return capacity_; }
    double available(Clock::time_point now) {
        refill(now);
        return tokens_;
    }
    bool can_take(double amount, Clock::time_point now) { return available(now) >= amount; }
    // Takes `amount` if that many tokens are there; otherwise takes nothing.
    bool try_take(double amount, Clock::time_point now) {
        if (!can_take(amount, now)) return false;
        tokens_ -= amount;
        return true;
    }
    // Seconds until `amount` tokens are available (0 if they are now).
    double seconds_until(double amount, Clock::time_point now) {
        refill(now);
        if (tokens_ >= amount || per_second_ <= 0) return 0.0;
        return (amount - tokens_) / per_second_;
    }
    // Seconds until the bucket is full again.
    double seconds_to_full(Clock::time_point now) {
        refill(now);
        return per_second_ > 0 ? (capacity_ - tokens_) / per_second_ : 0.0;
    }

private:
    void refill(Clock::time_point now) {
        if (now <= updated_) return;
        const double elapsed = std::chrono::duration<double>(now - updated_).count();
        tokens_ = std::min(capacity_, tokens_ + elapsed * per_second_);
        updated_ = now;
    }

    double capacity_;
    double per_second_;
    double tokens_;
    Clock::time_point updated_;
};

}  // namespace confab
