// The limit on requests in flight to one backend, and the wait for a slot:
// a bounded queue, fair across sessions (FIFO per session, round-robin
// between sessions, util::FairQueue), left after a queue timeout.
//
// Waiting is an event: a waiter sleeps on its own timer, which the queue
// timeout, a slot handed over by a finishing request, or the caller's
// cancellation ends. A cancelled or destroyed waiter leaves the queue at once.
//
// Ownership: owned by its LlmBackend, which outlives every Permit and waiter.
// Threads: thread-safe (one mutex). acquire() must be awaited on a strand or
// a single-threaded executor (as every LanguageModel::stream() is): a handed
// over slot wakes the waiter by posting to its executor.
#pragma once
#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <cstddef>
#include <memory>
#include <mutex>
#include <string>

#include "util/fair_queue.hpp"

namespace confab::engines {

class RequestLimiter {
public:
    struct Options {
        std::size_t max_in_flight = 16;
        std::size_t max_waiting = 256;  // 0: refuse at once when every slot is taken
        std::chrono::milliseconds queue_timeout{5000};
    };

    // One slot, held until destroyed; it then goes to the next waiter.
    class Permit {
    public:
        Permit() = default;
        Permit(Permit&& other) noexcept;
        Permit& operator=(Permit&& other) noexcept;
        ~Permit() { reset(); }
        void reset();
        explicit operator bool() const { return owner_ != nullptr; }

    private:
        friend class RequestLimiter;
        explicit Permit(RequestLimiter* owner) : owner_(owner) {}
        RequestLimiter* owner_ = nullptr;
    };

    enum class Refusal { none, queue_full, queue_timeout, cancelled };
    struct Acquired {
        Permit permit;  // empty unless refusal is none
        Refusal refusal = Refusal::none;
    };

    explicit RequestLimiter(Options options);
    RequestLimiter(const RequestLimiter&) = delete;
    RequestLimiter& operator=(const RequestLimiter&) = delete;

    // A slot at once if one is free and nobody waits, else a place in the
    // queue of `key` (a session id; "" is a key like any other). Cancelling
    // the awaiting coroutine ends the wait with Refusal::cancelled.
    boost::asio::awaitable<Acquired> acquire(std::string key);

    const Options& options() const { return options_; }
    std::size_t in_flight() const;
    std::size_t waiting() const;

private:
    struct Waiter;
    class QueuePlace;
    boost::asio::awaitable<Acquired> wait(std::string key);
    void release();

    const Options options_;
    mutable std::mutex mutex_;
    // Both guarded by mutex_, so that "is a slot free?" and "queue or not"
    // are one decision (the queue's own lock nests inside).
    std::size_t in_flight_ = 0;
    util::FairQueue<std::shared_ptr<Waiter>> queue_;
};

}  // namespace confab::engines
