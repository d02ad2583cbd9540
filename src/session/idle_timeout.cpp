#include "session/idle_timeout.hpp"

namespace confab::session {

IdleTimeout::IdleTimeout(boost::asio::any_io_executor strand, std::function<int()> stream_ms,
                         std::function<void(int)> expired)
    : timer_(std::move(strand)), stream_ms_(std::move(stream_ms)), expired_(std::move(expired)) {}

void IdleTimeout::start(std::chrono::milliseconds playback, std::chrono::milliseconds timeout) {
    stop();
    running_ = true;
    wait(playback, [this, timeout] {
        const int audio_start_ms = stream_ms_();
        wait(timeout, [this, audio_start_ms] {
            running_ = false;
            expired_(audio_start_ms);
        });
    });
}

void IdleTimeout::stop() {
    ++generation_;
    running_ = false;
    timer_.cancel();
}

void IdleTimeout::wait(std::chrono::milliseconds duration, std::function<void()> then) {
    timer_.expires_after(duration);
    timer_.async_wait([this, alive = std::weak_ptr<bool>(alive_), generation = generation_,
                       then = std::move(then)](const boost::system::error_code& ec) {
        // Checked in this order: `this` is read only while it is alive.
        if (ec || alive.expired() || generation != generation_) return;
        then();
    });
}

}  // namespace confab::session
