// One piece of text to speak, as queued in the TtsPool.
#pragma once
#include <atomic>
#include <boost/asio/any_io_executor.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <system_error>

#include "engines/tts/speech_synthesizer.hpp"

namespace confab::pool {

struct TtsJob {
    std::string text;
    engines::SynthesisOptions options;
    std::string tag;  // the response id: cancelling a response erases its queued jobs
    // Set by the owner to stop the job, queued or running; checked by the
    // engine's audio callback between chunks (the engine's abort hook).
    std::shared_ptr<std::atomic<bool>> cancelled;
    // Called on the worker thread: implementations copy and post to their strand.
    std::function<void(std::span<const std::int16_t> pcm, int sample_rate)> on_audio;
    std::function<void(std::error_code)> on_done;
    std::chrono::steady_clock::time_point queued_at;  // set by TtsPool::submit
    // The session's strand: a remote synthesis runs there (RemoteTts).
    boost::asio::any_io_executor executor;
};

}  // namespace confab::pool
