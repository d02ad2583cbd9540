#include "engines/llm/request_limiter.hpp"

#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <utility>

#include "util/cancellation_as_error.hpp"

// g++ 12 false positive on Asio coroutine frames (see openai_chat_model.cpp).
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"

namespace confab::engines {
namespace asio = boost::asio;

struct RequestLimiter::Waiter {
    explicit Waiter(const asio::any_io_executor& ex) : executor(ex), timer(ex) {}
    asio::any_io_executor executor;
    asio::steady_timer timer;
    // Both guarded by the limiter's mutex.
    bool granted = false;  // a finishing request handed its slot to this waiter
    bool taken = false;    // the waiter turned that slot into its Permit
};

// A waiter's place in the queue, given up on every way out of wait(): the
// coroutine frame destroyed with its io_context included, so that no slot is
// ever handed to a waiter that is gone, nor lost with it.
class RequestLimiter::QueuePlace {
public:
    QueuePlace(RequestLimiter& owner, std::string key, std::shared_ptr<Waiter> waiter)
        : owner_(owner), key_(std::move(key)), waiter_(std::move(waiter)) {}
    QueuePlace(const QueuePlace&) = delete;
    QueuePlace& operator=(const QueuePlace&) = delete;

    ~QueuePlace() {
        bool pass_on = false;
        {
            const std::lock_guard lock(owner_.mutex_);
            if (waiter_->granted) {
                pass_on = !waiter_->taken;
            } else {
                owner_.queue_.erase_if(key_, [&](const auto& queued) { return queued == waiter_; });
            }
        }
        if (pass_on) owner_.release();
    }

private:
    RequestLimiter& owner_;
    const std::string key_;
    const std::shared_ptr<Waiter> waiter_;
};

RequestLimiter::Permit::Permit(Permit&& other) noexcept
    : owner_(std::exchange(other.owner_, nullptr)) {}

RequestLimiter::Permit& RequestLimiter::Permit::operator=(Permit&& other) noexcept {
    if (this != &other) {
        reset();
        owner_ = std::exchange(other.owner_, nullptr);
    }
    return *this;
}

void RequestLimiter::Permit::reset() {
    if (RequestLimiter* owner = std::exchange(owner_, nullptr)) owner->release();
}

RequestLimiter::RequestLimiter(Options options)
    : options_(options), queue_(options.max_waiting, options.max_waiting) {}

asio::awaitable<RequestLimiter::Acquired> RequestLimiter::acquire(std::string key) {
    // Cancellation ends the wait as Refusal::cancelled, not as an exception.
    co_return co_await cancellation_as_error(wait(std::move(key)));
}

asio::awaitable<RequestLimiter::Acquired> RequestLimiter::wait(std::string key) {
    const asio::any_io_executor executor = co_await asio::this_coro::executor;
    auto waiter = std::make_shared<Waiter>(executor);
    // Armed before the waiter is visible to release(), which may wake it.
    waiter->timer.expires_after(options_.queue_timeout);
    bool immediate = false;
    bool full = false;
    {
        const std::lock_guard lock(mutex_);
        // Nobody overtakes the queue: a free slot goes to a newcomer only
        // when no one waits (release() hands slots to waiters directly).
        if (in_flight_ < options_.max_in_flight && queue_.size() == 0) {
            ++in_flight_;
            immediate = true;
        } else if (queue_.push(key, waiter) !=
                   util::FairQueue<std::shared_ptr<Waiter>>::PushResult::ok) {
            full = true;
        }
    }
    Acquired acquired;
    if (immediate) {
        acquired.permit = Permit(this);
        co_return acquired;
    }
    if (full) {
        acquired.refusal = Refusal::queue_full;
        co_return acquired;
    }

    const QueuePlace place(*this, key, waiter);
    boost::system::error_code ignored;  // the state below says why it woke
    co_await waiter->timer.async_wait(asio::redirect_error(asio::use_awaitable, ignored));
    const asio::cancellation_state state = co_await asio::this_coro::cancellation_state;
    const bool cancelled = state.cancelled() != asio::cancellation_type::none;
    {
        const std::lock_guard lock(mutex_);
        if (waiter->granted && !cancelled) {
            waiter->taken = true;
            acquired.permit = Permit(this);
        }
    }
    // A slot granted to a cancelled waiter is passed on by ~QueuePlace.
    if (!acquired.permit)
        acquired.refusal = cancelled ? Refusal::cancelled : Refusal::queue_timeout;
    co_return acquired;
}

void RequestLimiter::release() {
    std::shared_ptr<Waiter> next;
    {
        const std::lock_guard lock(mutex_);
        if (auto popped = queue_.try_pop()) {
            // The slot changes hands: in_flight_ stays as it is.
            next = std::move(*popped);
            next->granted = true;
        } else {
            --in_flight_;
        }
    }
    // The timer belongs to the waiter's strand; cancelling it there wakes the
    // waiter without touching the timer from this thread.
    if (next) asio::post(next->executor, [next] { next->timer.cancel(); });
}

std::size_t RequestLimiter::in_flight() const {
    const std::lock_guard lock(mutex_);
    return in_flight_;
}

std::size_t RequestLimiter::waiting() const {
    const std::lock_guard lock(mutex_);
    return queue_.size();
}

}  // namespace confab::engines
