#include "pool/stt_stream.hpp"

#include <algorithm>
#include <boost/asio/post.hpp>
#include <utility>

namespace confab::pool {

SttStream::SttStream(boost::asio::any_io_executor executor, Callbacks callbacks,
                     std::size_t max_pending_samples, std::size_t min_batch_samples)
    : executor_(std::move(executor)),
      callbacks_(std::move(callbacks)),
      max_pending_(max_pending_samples),
      min_batch_(std::max<std::size_t>(1, min_batch_samples)) {}

bool SttStream::feed(std::span<const std::int16_t> pcm) {
    {
        const std::lock_guard lock(mutex_);
        if (cancelled_ || finished_) return true;
        if (pending_.size() + pcm.size() > max_pending_) return false;
        pending_.insert(pending_.end(), pcm.begin(), pcm.end());
        if (pending_.size() < min_batch_) return true;  // the worker would only go back to sleep
    }
    wake();
    return true;
}

void SttStream::request_partial() {
    {
        const std::lock_guard lock(mutex_);
        partial_requested_ = true;
    }
    wake();
}

void SttStream::finish() {
    {
        const std::lock_guard lock(mutex_);
        finished_ = true;
    }
    wake();
}

void SttStream::cancel() {
    {
        const std::lock_guard lock(mutex_);
        cancelled_ = true;
        pending_.clear();
    }
    wake();
}

void SttStream::wake() {
    std::function<void()> waker;
    {
        const std::lock_guard lock(mutex_);
        waker = waker_;
    }
    cv_.notify_one();
    if (waker) waker();
}

bool SttStream::take(Batch& batch) {
    const std::lock_guard lock(mutex_);
    if (cancelled_) return false;
    batch.audio.clear();
    batch.audio.swap(pending_);
    batch.finished = finished_;
    batch.partial_requested = std::exchange(partial_requested_, false);
    return true;
}

void SttStream::set_waker(std::function<void()> waker) {
    const std::lock_guard lock(mutex_);
    waker_ = std::move(waker);
}

void SttStream::put_back(std::vector<std::int16_t> audio, bool partial_requested) {
    {
        const std::lock_guard lock(mutex_);
        audio.insert(audio.end(), pending_.begin(), pending_.end());
        pending_.swap(audio);
        partial_requested_ = partial_requested_ || partial_requested;
    }
    cv_.notify_one();
}

bool SttStream::wait_audio(Batch& batch) {
    std::unique_lock lock(mutex_);
    cv_.wait(lock, [&] {
        return cancelled_ || finished_ || partial_requested_ || pending_.size() >= min_batch_;
    });
    if (cancelled_) return false;
    batch.audio.clear();
    batch.audio.swap(pending_);
    batch.finished = finished_;
    batch.partial_requested = std::exchange(partial_requested_, false);
    return true;
}

bool SttStream::cancelled() const {
    const std::lock_guard lock(mutex_);
    return cancelled_;
}

// Results hop to the session's strand; a cancelled stream says nothing more.
void SttStream::deliver_partial(std::string text) {
    boost::asio::post(executor_, [self = shared_from_this(), text = std::move(text)] {
        if (!self->cancelled() && self->callbacks_.on_partial) self->callbacks_.on_partial(text);
    });
}

void SttStream::deliver_requested_partial(std::string text) {
    boost::asio::post(executor_, [self = shared_from_this(), text = std::move(text)] {
        if (!self->cancelled() && self->callbacks_.on_requested_partial)
            self->callbacks_.on_requested_partial(text);
    });
}

void SttStream::deliver_final(std::string text) {
    boost::asio::post(executor_, [self = shared_from_this(), text = std::move(text)] {
        if (!self->cancelled() && self->callbacks_.on_final) self->callbacks_.on_final(text);
    });
}

void SttStream::deliver_error(std::error_code ec, std::string message) {
    boost::asio::post(executor_, [self = shared_from_this(), ec, message = std::move(message)] {
        if (!self->cancelled() && self->callbacks_.on_error) self->callbacks_.on_error(ec, message);
    });
}

}  // namespace confab::pool
