// Audio handed from an engine thread to the fake server's I/O thread as it is
// made: the producer pushes chunks from any thread, the consumer (one
// coroutine on the server's single-threaded io_context) awaits them. A
// consumer that leaves cancels the pipe, which the producer's sink checks to
// stop the engine.
//
// Why a timer and post: the consumer's wake-up must run on its own thread
// (Asio objects are not thread-safe); the producer posts the timer's cancel
// there. On a single-threaded io_context the post cannot run between the
// consumer finding the queue empty and starting its wait, so no wake-up is lost.
//
// Ownership: shared (shared_ptr) by the producer's job and the consumer.
// Threads: push/close/cancelled from any thread; next from the consumer's.
#pragma once
#include <atomic>
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <system_error>
#include <utility>
#include <vector>

namespace confab::test {

class FakeAudioPipe : public std::enable_shared_from_this<FakeAudioPipe> {
public:
    explicit FakeAudioPipe(boost::asio::any_io_executor consumer)
        : consumer_(std::move(consumer)), wake_(consumer_) {}

    void push(std::vector<std::int16_t> chunk) {
        {
            const std::lock_guard lock(mutex_);
            chunks_.push_back(std::move(chunk));
        }
        notify();
    }

    // No more chunks; `error` says why, if the producer failed.
    void close(std::error_code error = {}) {
        {
            const std::lock_guard lock(mutex_);
            closed_ = true;
            error_ = error;
        }
        notify();
    }

    void cancel() { cancelled_.store(true); }
    bool cancelled() const { return cancelled_.load(); }

    // The next chunk in `out`; false once the pipe is closed and empty.
    boost::asio::awaitable<bool> next(std::vector<std::int16_t>& out) {
        for (;;) {
            {
                const std::lock_guard lock(mutex_);
                if (!chunks_.empty()) {
                    out = std::move(chunks_.front());
                    chunks_.pop_front();
                    co_return true;
                }
                if (closed_) co_return false;
            }
            wake_.expires_at(boost::asio::steady_timer::time_point::max());
            boost::system::error_code ignored;
            co_await wake_.async_wait(
                boost::asio::redirect_error(boost::asio::use_awaitable, ignored));
            // A cancellation of the consumer surfaces at its next co_await.
        }
    }

    std::error_code error() const {
        const std::lock_guard lock(mutex_);
        return error_;
    }

private:
    void notify() {
        boost::asio::post(consumer_, [self = shared_from_this()] { self->wake_.cancel(); });
    }

    boost::asio::any_io_executor consumer_;
    boost::asio::steady_timer wake_;  // the consumer's thread only
    mutable std::mutex mutex_;
    std::deque<std::vector<std::int16_t>> chunks_;  // guarded by mutex_
    bool closed_ = false;                           // guarded by mutex_
    std::error_code error_;                         // guarded by mutex_
    std::atomic<bool> cancelled_{false};
};

}  // namespace confab::test
