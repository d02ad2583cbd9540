// The conversations of disconnected sessions, kept for a while so that a
// client whose connection dropped can resume where it was (the
// `confab.session.resume_token` extension in docs/protocol.md).
//
// Owned by the Server next to the SessionRegistry and shared by every
// connection, so one mutex guards it. Bounded: at most `max_entries` are
// kept, the oldest evicted first. An entry expires `window` after it was
// parked; expired entries are dropped whenever the store is used (park or
// take), never by a polling loop, so memory stays within the bound.
#pragma once
#include <chrono>
#include <list>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "protocol/conversation_item.hpp"
#include "protocol/session_config.hpp"

namespace confab::session {

// What a resumed session gets back: in-flight responses are not resumed.
struct ResumableSession {
    protocol::SessionConfig config;
    std::vector<protocol::ConversationItem> items;
    // The API key whose session this was ("" with authentication off): only
    // the same key may resume it, so a leaked token opens nothing for others.
    std::string owner;
};

class ResumeStore {
public:
    using Clock = std::chrono::steady_clock;

    // A zero window or no entries disables resuming.
    ResumeStore(std::chrono::milliseconds window, std::size_t max_entries);

    bool enabled() const { return window_.count() > 0 && max_entries_ > 0; }
    std::chrono::milliseconds window() const { return window_; }

    // 128 bits from OpenSSL's CSPRNG, hex: not guessable, so a token alone
    // authorises resuming the conversation it names.
    static std::string new_token();

    // Keeps `state` under `token` until it is taken or expires.
    void park(const std::string& token, ResumableSession state,
              Clock::time_point now = Clock::now());
    // Removes and returns the state under `token` (tokens are single use);
    // nullopt when unknown or expired.
    std::optional<ResumableSession> take(const std::string& token,
                                         Clock::time_point now = Clock::now()) {
        return take(token, "", now);
    }
    // The same, only for `owner`: another key's request finds nothing and
    // leaves the conversation where it is for its owner.
    std::optional<ResumableSession> take(const std::string& token, const std::string& owner,
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

}  // namespace confab::session
