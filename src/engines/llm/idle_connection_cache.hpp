// The idle keep-alive connections to language-model backends, of one
// io_context: per backend (an owner id), most recently used first, at most
// max_idle of them, none older than the idle timeout.
//
// Why an Asio service of the io_context rather than a member of the backend:
// a socket must be destroyed before its io_context, and a backend may outlive
// the io_contexts it served (the server's engine pools outlive its
// io_context; tests run one io_context per call). The io_context shuts its
// services down first, and this one then closes the idle connections left.
//
// Expired connections are closed by a timer at the earliest expiry, not left
// for the next request: after a burst the cache would otherwise hold up to
// max_idle sockets open indefinitely, and a backend such as llama.cpp's
// server keeps a slot or thread per open connection. (take() and put() also
// drop what has expired, so correctness never waits for the timer.)
//
// Ownership: the io_context owns it (asio::use_service). Threads: thread-safe
// (one mutex); a connection belongs to exactly one holder at a time.
#pragma once
#include <atomic>
#include <boost/asio/execution_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <mutex>

#include "engines/llm/http_connection.hpp"

namespace confab::engines {

class IdleConnectionCache final : public boost::asio::execution_context::service {
public:
    using Clock = std::chrono::steady_clock;
    static boost::asio::execution_context::id id;

    // The owner's view of how many connections it has idle, across caches:
    // shared so that a cache shutting down can count down after its owner.
    using IdleCount = std::shared_ptr<std::atomic<std::size_t>>;

    struct Limits {
        std::size_t max_idle = 16;
        Clock::duration idle_timeout = std::chrono::seconds(30);
    };

    explicit IdleConnectionCache(boost::asio::execution_context& context);
    ~IdleConnectionCache() override;

    // The owner's most recently returned connection still within the idle
    // timeout, or null. The caller checks it is still alive.
    std::unique_ptr<HttpConnection> take(std::uint64_t owner, const Limits& limits);
    // Keeps `connection` for the owner; the oldest go beyond max_idle.
    void put(std::uint64_t owner, std::unique_ptr<HttpConnection> connection, const Limits& limits,
             const IdleCount& count);

private:
    struct Entry {
        std::unique_ptr<HttpConnection> connection;
        Clock::time_point since;
        Clock::time_point expires;  // since + the owner's idle timeout
        IdleCount count;
    };
    using Entries = std::deque<Entry>;  // oldest first

    void shutdown() override;
    // Moves expired entries (and the oldest beyond `keep`) into `dropped`,
    // which the caller destroys (closing their sockets) outside the lock.
    static void expire(Entries& entries, const Limits& limits, std::size_t keep, Entries& dropped);
    // Moves entries from the front into `dropped` (counting them out of their
    // owner's idle count) while `drop(front)` holds.
    template <typename Predicate>
    static void drop_front_while(Entries& entries, Entries& dropped, Predicate drop) {
        while (!entries.empty() && drop(entries.front())) {
            entries.front().count->fetch_sub(1);
            dropped.push_back(std::move(entries.front()));
            entries.pop_front();
        }
    }

    // Arms the sweep timer for `at` unless it is already due sooner.
    // Called with mutex_ held.
    void schedule_sweep_locked(Clock::time_point at);
    void sweep(const boost::system::error_code& ec);

    std::mutex mutex_;
    std::map<std::uint64_t, Entries> idle_;  // guarded by mutex_
    // Made on the first put(), on the connection's executor (this
    // context's). Guarded by mutex_, like sweep_at_ and shut_down_.
    std::unique_ptr<boost::asio::steady_timer> sweep_timer_;
    Clock::time_point sweep_at_ = Clock::time_point::max();
    bool shut_down_ = false;
};

}  // namespace confab::engines
