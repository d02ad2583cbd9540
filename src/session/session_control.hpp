// What the server may ask of a live session from outside its strand: the
// registry holds these (weakly) so that shutdown reaches every session.
// Implementations post the work to their own strand; both calls are
// thread-safe and return at once.
#pragma once
#include <optional>

#include "session/session_stats.hpp"

namespace confab::session {

class SessionControl {
public:
    virtual ~SessionControl() = default;
    // Tell the client the server is stopping; close once nothing is in flight.
    virtual void request_shutdown() = 0;
    // Close now, abandoning whatever is in flight (drain deadline passed).
    virtual void force_close() = 0;
    // The admin view of the session (no transcripts); nullopt before the
    // session began. Thread-safe, lock-free.
    virtual std::optional<SessionStats::Snapshot> snapshot() const { return std::nullopt; }
};

}  // namespace confab::session
