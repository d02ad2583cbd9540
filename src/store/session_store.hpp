// Where the conversations of sessions are kept for resuming (the
// `confab.session.resume_token` extension in docs/protocol.md): in this
// process's memory, or in Redis, where every node of a cluster finds them
// and a node's death loses at most its replies in flight.
//
// Shared by every connection of a server and thread-safe.
#pragma once
#include <boost/asio/any_io_executor.hpp>
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "store/resumable_session.hpp"
#include "store/session_journal.hpp"

namespace confab::store {

class SessionStore {
public:
    using Taken = std::function<void(std::optional<ResumableSession>)>;
    // The session's state as it is now (config and items), for a store that
    // must write it whole (after an outage, or to compact).
    using Snapshot = std::function<ResumableSession()>;

    virtual ~SessionStore() = default;

    virtual bool enabled() const = 0;
    virtual std::chrono::milliseconds window() const = 0;
    // Removes the state under `token` if `owner` owns it (tokens are single
    // use; another key's request finds nothing and leaves it for its owner)
    // and hands it to `done` (nullopt: unknown, expired, not the owner's, or
    // the store unreachable), posted to `executor`.
    virtual void take(const std::string& token, const std::string& owner,
                      boost::asio::any_io_executor executor, Taken done) = 0;
    // Starts journaling a session under `token` from its state now;
    // `snapshot` reads that state on `strand` (the session's), whenever the
    // store needs it again.
    virtual std::unique_ptr<SessionJournal> open(const std::string& token, const std::string& owner,
                                                 boost::asio::any_io_executor strand,
                                                 Snapshot snapshot) = 0;

    // At shutdown, after the drain: `done` once what the sessions parked is
    // written (or `deadline` has passed), the store disconnected.
    virtual void close(std::chrono::milliseconds deadline, std::function<void()> done) = 0;

    // 128 bits from OpenSSL's CSPRNG, hex: not guessable, so a token alone
    // authorises resuming the conversation it names.
    static std::string new_token();
};

}  // namespace confab::store
