// Resuming: what a session restores, what it writes through to its store
// while it lives, and what it parks when its client has gone.
#include "session/realtime_session.hpp"

namespace confab::session {

void RealtimeSession::restore(ResumableSession state) {
    config_ = std::move(state.config);
    std::vector<std::int16_t> none;  // a new session's decoder holds nothing back yet
    input_decoder_.set_format(config_.input_format, none);
    apply_turn_detection();
    for (auto& item : state.items) {
        // A reply that died with its node left its items as they were when
        // they were added (empty, in progress): nothing the user heard whole.
        if (state.reply_interrupted && item.status == "in_progress") continue;
        conversation_.insert(std::move(item), std::nullopt);
    }
}

void RealtimeSession::attach_journal(std::unique_ptr<store::SessionJournal> journal) {
    journal_ = std::move(journal);
    conversation_.set_observer(journal_ ? this : nullptr);
}

void RealtimeSession::park() {
    replies_.cancel_active("session_closed");  // on_response_done keeps what was sent
    if (!journal_) return;
    conversation_.set_observer(nullptr);
    journal_->park(snapshot());
    journal_.reset();
}

ResumableSession RealtimeSession::snapshot() const {
    ResumableSession state;
    state.config = config_;
    state.items.assign(conversation_.items().begin(), conversation_.items().end());
    return state;
}

bool RealtimeSession::owes_reply() const {
    const auto& items = conversation_.items();
    if (items.empty()) return false;
    const auto& last = items.back();
    using Type = protocol::ConversationItem::Type;
    return last.type == Type::function_call_output ||
           (last.type == Type::message && last.role == "user");
}

void RealtimeSession::item_put(const protocol::ConversationItem& item,
                               const std::optional<std::string>& previous_id) {
    if (journal_) journal_->item_put(item, previous_id);
}

void RealtimeSession::item_removed(const std::string& id) {
    if (journal_) journal_->item_removed(id);
}

}  // namespace confab::session
