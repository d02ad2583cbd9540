// One utterance on its way through speech-to-text: the hand-off between a
// session (which feeds audio as it arrives) and an STT worker (which decodes
// it as soon as a decoder is free, catching up faster than real time if it
// had to wait).
//
// Thread-safety: feed/finish/cancel are called on the session's strand;
// wait_audio and deliver_* on a worker thread. Results are posted to the
// session's executor, so the session's callbacks run on its strand.
#pragma once
#include <boost/asio/any_io_executor.hpp>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <span>
#include <string>
#include <system_error>
#include <vector>

namespace confab::pool {

class SttStream : public std::enable_shared_from_this<SttStream> {
public:
    struct Callbacks {
        std::function<void(const std::string& partial)> on_partial;
        // Answers request_partial(), always (on_partial only says what
        // changed): the hypothesis of all the audio fed before the request.
        std::function<void(const std::string& hypothesis)> on_requested_partial;
        std::function<void(const std::string& final_text)> on_final;
        std::function<void(std::error_code, const std::string& message)> on_error;
    };

    // min_batch_samples: the worker is woken for audio only once this much is
    // pending (or on finish, cancel or a partial request). Decoding 20 ms at
    // a time costs pocketsphinx 30-50% more CPU than larger chunks
    // (engines.md); a batch of 100 ms adds at most that much audio to decode
    // after the turn ends (~12 ms of CPU).
    SttStream(boost::asio::any_io_executor executor, Callbacks callbacks,
              std::size_t max_pending_samples, std::size_t min_batch_samples = 0);

    // Session side.
    bool feed(std::span<const std::int16_t> pcm);  // false: pending audio over its bound (refused)
    // Asks for a partial hypothesis once the audio fed so far is decoded,
    // whatever the partial interval: the speaker paused, and the turn
    // detector should judge the pause by the words actually said, not by a
    // hypothesis up to 300 ms older that may end mid-phrase ("made in the").
    void request_partial();
    void finish();
    void cancel();

    // Worker side. Blocks until audio is pending, a partial is requested, or
    // the stream is finished or cancelled. Moves pending audio into `batch`.
    // Returns false if cancelled.
    struct Batch {
        std::vector<std::int16_t> audio;
        bool finished = false;
        bool partial_requested = false;
    };
    bool wait_audio(Batch& batch);
    // For a consumer on the session's strand (RemoteStt), which must not
    // block: moves whatever is pending into `batch` at once; false if
    // cancelled.
    bool take(Batch& batch);
    // Called (outside the lock, on the caller's thread: the session's strand)
    // after each feed that completes a batch, request_partial, finish and
    // cancel: how a strand consumer learns of new work without polling.
    // Empty: nobody. Set by the consumer that took the stream.
    void set_waker(std::function<void()> waker);
    // Gives audio already taken back, ahead of anything pending, with a
    // partial request if one was taken and not answered: another consumer
    // (the embedded SttPool, as a fallback) then decodes the utterance whole.
    void put_back(std::vector<std::int16_t> audio, bool partial_requested);
    const boost::asio::any_io_executor& executor() const { return executor_; }
    std::size_t max_pending() const { return max_pending_; }
    bool cancelled() const;
    void deliver_partial(std::string text);
    void deliver_requested_partial(std::string text);
    void deliver_final(std::string text);
    void deliver_error(std::error_code ec, std::string message);

private:
    void wake();  // the worker's condition variable, then the strand consumer's waker

    boost::asio::any_io_executor executor_;
    Callbacks callbacks_;
    const std::size_t max_pending_;
    const std::size_t min_batch_;

    mutable std::mutex mutex_;
    std::condition_variable cv_;
    std::vector<std::int16_t> pending_;
    bool finished_ = false;
    bool cancelled_ = false;
    bool partial_requested_ = false;
    std::function<void()> waker_;
};

}  // namespace confab::pool
