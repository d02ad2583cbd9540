#include "engines/llm/idle_connection_cache.hpp"

#include <algorithm>
#include <utility>

namespace confab::engines {

boost::asio::execution_context::id IdleConnectionCache::id;

IdleConnectionCache::IdleConnectionCache(boost::asio::execution_context& context)
    : boost::asio::execution_context::service(context) {}

IdleConnectionCache::~IdleConnectionCache() {
    shutdown();
}

std::unique_ptr<HttpConnection> IdleConnectionCache::take(std::uint64_t owner,
                                                          const Limits& limits) {
    Entries dropped;
    std::unique_ptr<HttpConnection> connection;
    {
        const std::lock_guard lock(mutex_);
        const auto it = idle_.find(owner);
        if (it == idle_.end()) return nullptr;
        expire(it->second, limits, limits.max_idle, dropped);
        if (!it->second.empty()) {
            // The most recently used one: the least likely to have been
            // closed by the backend's own keep-alive timeout.
            Entry entry = std::move(it->second.back());
            it->second.pop_back();
            entry.count->fetch_sub(1);
            connection = std::move(entry.connection);
        }
        if (it->second.empty()) idle_.erase(it);
    }
    return connection;  // `dropped` closes its sockets after the lock is released
}

void IdleConnectionCache::put(std::uint64_t owner, std::unique_ptr<HttpConnection> connection,
                              const Limits& limits, const IdleCount& count) {
    if (limits.max_idle == 0) return;  // keep-alive is off: `connection` closes
    Entries dropped;
    {
        const std::lock_guard lock(mutex_);
        Entries& entries = idle_[owner];
        expire(entries, limits, limits.max_idle - 1, dropped);
        if (!sweep_timer_ && !shut_down_)  // the connection's executor is our io_context's
            sweep_timer_ = std::make_unique<boost::asio::steady_timer>(connection->executor());
        const Clock::time_point now = Clock::now();
        entries.push_back(Entry{std::move(connection), now, now + limits.idle_timeout, count});
        count->fetch_add(1);
        schedule_sweep_locked(entries.back().expires);
    }
}

void IdleConnectionCache::schedule_sweep_locked(Clock::time_point at) {
    if (!sweep_timer_ || at >= sweep_at_) return;
    sweep_at_ = at;
    // Moving the expiry cancels a wait already pending (its handler sees
    // operation_aborted and does nothing).
    sweep_timer_->expires_at(at);
    sweep_timer_->async_wait([this](const boost::system::error_code& ec) { sweep(ec); });
}

void IdleConnectionCache::sweep(const boost::system::error_code& ec) {
    if (ec == boost::asio::error::operation_aborted) return;
    Entries dropped;
    {
        const std::lock_guard lock(mutex_);
        if (!sweep_timer_) return;  // shut down
        const Clock::time_point now = Clock::now();
        Clock::time_point next = Clock::time_point::max();
        for (auto it = idle_.begin(); it != idle_.end();) {
            Entries& entries = it->second;
            // Oldest first, one timeout per owner: the front expires first.
            drop_front_while(entries, dropped, [&](const Entry& e) { return e.expires <= now; });
            if (entries.empty()) {
                it = idle_.erase(it);
            } else {
                next = std::min(next, entries.front().expires);
                ++it;
            }
        }
        sweep_at_ = Clock::time_point::max();
        if (next != Clock::time_point::max()) schedule_sweep_locked(next);
    }
    // `dropped` closes its sockets here, outside the lock.
}

void IdleConnectionCache::shutdown() {
    Entries dropped;
    {
        const std::lock_guard lock(mutex_);
        for (auto& [owner, entries] : idle_) {
            for (Entry& entry : entries) dropped.push_back(std::move(entry));
        }
        idle_.clear();
        // A pending wait's handler is destroyed, not run, by the io_context's
        // own shutdown, which follows this one.
        sweep_timer_.reset();
        shut_down_ = true;
    }
    for (Entry& entry : dropped) entry.count->fetch_sub(1);
    dropped.clear();
}

void IdleConnectionCache::expire(Entries& entries, const Limits& limits, std::size_t keep,
                                 Entries& dropped) {
    const Clock::time_point oldest_allowed = Clock::now() - limits.idle_timeout;
    drop_front_while(entries, dropped, [&](const Entry& e) {
        return entries.size() > keep || e.since < oldest_allowed;
    });
}

}  // namespace confab::engines
