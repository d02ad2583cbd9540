// The session store of a single node: the conversations of disconnected
// sessions, kept in this process's memory for the resume window. A node that
// dies loses them; a cluster uses RedisSessionStore.
//
// Shared by every connection, so one mutex guards it. Bounded: at most
// `max_entries` are kept, the oldest evicted first. An entry expires `window`
// after it was parked; expired entries are dropped whenever the store is used
// (park or take), never by a polling loop, so memory stays within the bound.
// Nothing is written while a session lives: its journal only parks.
#pragma once
#include <chrono>
#include <list>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

#include "store/session_store.hpp"

namespace confab::store {

class MemorySessionStore final : public SessionStore {
public:
    using Clock = std::chrono::steady_clock;

    // A zero window or no entries disables resuming.
    MemorySessionStore(std::chrono::milliseconds window, std::size_t max_entries);

    bool enabled() const override { return window_.count() > 0 && max_entries_ > 0; }
    std::chrono::milliseconds window() const override { return window_; }
    void take(const std::string& token, const std::string& owner,
              boost::asio::any_io_executor executor, Taken done) override;
    std::unique_ptr<SessionJournal> open(const std::string& token, const std::string& owner,
                                         boost::asio::any_io_executor strand,
                                         Snapshot snapshot) override;
    void close(std::chrono::milliseconds, std::function<void()> done) override { done(); }

    // Keeps `state` under `token` until it is taken or expires.
    void park(const std::string& token, ResumableSession state,
              Clock::time_point now = Clock::now());
    // Removes and returns the state under `token` if `owner` owns it;
    // nullopt when unknown, expired or another owner's (left in place).
    std::optional<ResumableSession> take(const std::string& token, const std::string& owner = "",
                                         Clock::time_point now = Clock::now());
    std::size_t size() const;

private:
    struct Entry {
        std::string token;
        Clock::time_point parked_at;
        ResumableSession state;
    };
    void drop_expired(Clock::time_point now);  // mutex_ held

    const std::chrono::milliseconds window_;
    const std::size_t max_entries_;
    mutable std::mutex mutex_;
    std::list<Entry> entries_;  // oldest first: parked in time order, so also expiry order
    std::unordered_map<std::string, std::list<Entry>::iterator> by_token_;
};

}  // namespace confab::store
