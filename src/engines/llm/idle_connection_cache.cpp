#include "engines/llm/idle_connection_cache.hpp"

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
        entries.push_back(Entry{std::move(connection), Clock::now(), count});
        count->fetch_add(1);
    }
}

void IdleConnectionCache::shutdown() {
    Entries dropped;
    {
        const std::lock_guard lock(mutex_);
        for (auto& [owner, entries] : idle_) {
            for (Entry& entry : entries) dropped.push_back(std::move(entry));
        }
        idle_.clear();
    }
    for (Entry& entry : dropped) entry.count->fetch_sub(1);
    dropped.clear();
}

void IdleConnectionCache::expire(Entries& entries, const Limits& limits, std::size_t keep,
                                 Entries& dropped) {
    const Clock::time_point oldest_allowed = Clock::now() - limits.idle_timeout;
    while (!entries.empty() &&
           (entries.size() > keep || entries.front().since < oldest_allowed)) {
        entries.front().count->fetch_sub(1);
        dropped.push_back(std::move(entries.front()));
        entries.pop_front();
    }
}

}  // namespace confab::engines
