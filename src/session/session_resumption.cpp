#include "session/session_resumption.hpp"

#include "protocol/server_events.hpp"
#include "util/log.hpp"

namespace confab::session {
namespace events = protocol::events;

void SessionResumption::start(RealtimeSession& session, const std::string& requested_token) {
    std::optional<ResumableSession> resumed;
    if (!requested_token.empty()) resumed = store_.take(requested_token, owner_);
    const std::size_t item_count = resumed ? resumed->items.size() : 0;
    // Restored first, so that session.created already shows the resumed config.
    if (resumed) session.restore(std::move(*resumed));
    session.start();

    if (resumed) {
        log::info("session resumed",
                  {{"session", session.id()}, {"items", std::to_string(item_count)}});
        sink_.send_event(events::session_resumed(item_count));
    } else if (!requested_token.empty()) {
        log::info("resume token invalid", {{"session", session.id()}});
        sink_.send_event(events::error(
            protocol::ProtocolError{"resume_token_invalid",
                                    "The conversation to resume is gone (unknown, already used or "
                                    "expired token); this is a new session.",
                                    "confab_resume", ""}));
    }
    if (!store_.enabled()) return;
    token_ = ResumeStore::new_token();
    sink_.send_event(events::session_resume_token(token_, store_.window()));
}

void SessionResumption::park(RealtimeSession& session) {
    if (token_.empty()) return;
    ResumableSession state = session.suspend();
    state.owner = owner_;
    store_.park(token_, std::move(state));
    token_.clear();
}

}  // namespace confab::session
