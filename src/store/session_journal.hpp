// One live session's write-through to its store: told every change as it
// happens, so that what the store holds is at most the reply in flight behind
// the session (docs/deployment.md).
//
// Owned by the session it journals and called only on its strand; an
// implementation must never block it (a remote store's writes are sent and
// not waited for).
#pragma once
#include <optional>
#include <string>

#include "protocol/conversation_item.hpp"
#include "protocol/session_config.hpp"
#include "store/resumable_session.hpp"

namespace confab::store {

class SessionJournal {
public:
    virtual ~SessionJournal() = default;

    virtual void config_changed(const protocol::SessionConfig& config) = 0;
    // Added after `previous_id` (nullopt: first), or changed where it is.
    virtual void item_put(const protocol::ConversationItem& item,
                          const std::optional<std::string>& previous_id) = 0;
    virtual void item_removed(const std::string& id) = 0;
    virtual void reply_started() = 0;
    virtual void reply_ended() = 0;
    // The connection ended: `state` (the session suspended, its reply
    // cancelled) is what the token resumes, for the store's window.
    virtual void park(ResumableSession state) = 0;
};

}  // namespace confab::store
