// server_vad's idle_timeout_ms: how long the user may stay silent after a
// response before the server prompts them (input_audio_buffer.timeout_triggered).
// Not limits.idle_timeout_ms, which closes a connection that sends nothing.
//
// The count begins where the response's audio has finished playing, taken
// as the Realtime API takes it: response.done plus the audio's duration.
// Two waits on one timer, both events: until playback ends (the audio
// received by then is where the silence starts), then the timeout. stop()
// (speech, a new response, a turn_detection change) ends the count.
//
// Owned by RealtimeSession; its timer runs on the session's strand, and the
// callbacks are called there. Destroying it ends the count; no callback
// follows.
#pragma once
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>

namespace confab::session {

class IdleTimeout {
public:
    // `stream_ms`: the audio received so far, in ms. `expired`: the silence
    // lasted the timeout; its argument is stream_ms() when playback ended.
    IdleTimeout(boost::asio::any_io_executor strand, std::function<int()> stream_ms,
                std::function<void(int audio_start_ms)> expired);
    IdleTimeout(const IdleTimeout&) = delete;
    IdleTimeout& operator=(const IdleTimeout&) = delete;

    // Counts `timeout` from `playback` from now, replacing any count running.
    void start(std::chrono::milliseconds playback, std::chrono::milliseconds timeout);
    void stop();
    bool running() const { return running_; }

private:
    void wait(std::chrono::milliseconds duration, std::function<void()> then);

    boost::asio::steady_timer timer_;
    std::function<int()> stream_ms_;
    std::function<void(int)> expired_;
    // A wait whose timer expired just before stop() still completes without
    // an error; the generation it was started in tells it apart.
    std::uint64_t generation_ = 0;
    bool running_ = false;
    // Expires with this object: a completion queued before the destructor
    // ran must not touch it.
    std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace confab::session
