#include "session/resume_store.hpp"

#include <openssl/rand.h>

#include <array>
#include <stdexcept>

namespace confab::session {

ResumeStore::ResumeStore(std::chrono::milliseconds window, std::size_t max_entries)
    : window_(window), max_entries_(max_entries) {}

std::string ResumeStore::new_token() {
    std::array<unsigned char, 16> bytes{};
    if (RAND_bytes(bytes.data(), static_cast<int>(bytes.size())) != 1) {
        // Never fall back to a weaker generator: a guessable token would hand
        // one user's conversation to another.
        throw std::runtime_error("RAND_bytes failed: no resume token");
    }
    static constexpr char kHex[] = "0123456789abcdef";
    std::string token;
    token.reserve(bytes.size() * 2);
    for (const unsigned char b : bytes) {
        token += kHex[b >> 4];
        token += kHex[b & 0xF];
    }
    return token;
}

void ResumeStore::park(const std::string& token, ResumableSession state, Clock::time_point now) {
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

std::optional<ResumableSession> ResumeStore::take(const std::string& token,
                                                  const std::string& owner, Clock::time_point now) {
    std::lock_guard lock(mutex_);
    drop_expired(now);
    const auto it = by_token_.find(token);
    if (it == by_token_.end() || it->second->state.owner != owner) return std::nullopt;
    ResumableSession state = std::move(it->second->state);
    entries_.erase(it->second);
    by_token_.erase(it);
    return state;
}

std::size_t ResumeStore::size() const {
    std::lock_guard lock(mutex_);
    return entries_.size();
}

void ResumeStore::drop_expired(Clock::time_point now) {
    while (!entries_.empty() && now - entries_.front().parked_at >= window_) {
        by_token_.erase(entries_.front().token);
        entries_.pop_front();
    }
}

}  // namespace confab::session
