#include "store/memory_session_store.hpp"

#include <boost/asio/post.hpp>

namespace confab::store {

namespace {
// Nothing to write while the session lives: the conversation is in the
// session's own memory, which is where this store keeps it too.
class ParkingJournal final : public SessionJournal {
public:
    ParkingJournal(MemorySessionStore& store, std::string token, std::string owner)
        : store_(store), token_(std::move(token)), owner_(std::move(owner)) {}
    void config_changed(const protocol::SessionConfig&) override {}
    void item_put(const protocol::ConversationItem&, const std::optional<std::string>&) override {}
    void item_removed(const std::string&) override {}
    void reply_started() override {}
    void reply_ended() override {}
    void park(ResumableSession state) override {
        state.owner = owner_;
        store_.park(token_, std::move(state));
    }

private:
    MemorySessionStore& store_;
    const std::string token_;
    const std::string owner_;
};
}  // namespace

MemorySessionStore::MemorySessionStore(std::chrono::milliseconds window, std::size_t max_entries)
    : window_(window), max_entries_(max_entries) {}

void MemorySessionStore::take(const std::string& token, const std::string& owner,
                              boost::asio::any_io_executor executor, Taken done) {
    boost::asio::post(executor, [state = take(token, owner), done = std::move(done)]() mutable {
        done(std::move(state));
    });
}

std::unique_ptr<SessionJournal> MemorySessionStore::open(const std::string& token,
                                                         const std::string& owner,
                                                         boost::asio::any_io_executor, Snapshot) {
    return std::make_unique<ParkingJournal>(*this, token, owner);
}

void MemorySessionStore::park(const std::string& token, ResumableSession state,
                              Clock::time_point now) {
    if (!enabled() || token.empty()) return;
    std::lock_guard lock(mutex_);
    drop_expired(now);
    if (const auto it = by_token_.find(token); it != by_token_.end()) {
        entries_.erase(it->second);
        by_token_.erase(it);
    }
    while (entries_.size() >= max_entries_) {
        by_token_.erase(entries_.front().token);
        entries_.pop_front();
    }
    entries_.push_back(Entry{token, now, std::move(state)});
    by_token_.emplace(token, std::prev(entries_.end()));
}

std::optional<ResumableSession> MemorySessionStore::take(const std::string& token,
                                                         const std::string& owner,
                                                         Clock::time_point now) {
    std::lock_guard lock(mutex_);
    drop_expired(now);
    const auto it = by_token_.find(token);
    if (it == by_token_.end() || it->second->state.owner != owner) return std::nullopt;
    ResumableSession state = std::move(it->second->state);
    entries_.erase(it->second);
    by_token_.erase(it);
    return state;
}

std::size_t MemorySessionStore::size() const {
    std::lock_guard lock(mutex_);
    return entries_.size();
}

void MemorySessionStore::drop_expired(Clock::time_point now) {
    while (!entries_.empty() && now - entries_.front().parked_at >= window_) {
        by_token_.erase(entries_.front().token);
        entries_.pop_front();
    }
}

}  // namespace confab::store
