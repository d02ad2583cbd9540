// One session's conversation: ordered items, bounded in count and characters.
//
// Owned by one RealtimeSession; used only on its strand. When a new item
// would exceed a bound, the oldest items are evicted (and reported to the
// caller, who tells the client with conversation.item.deleted) so that a long
// voice conversation goes on instead of stopping at the limit.
#pragma once
#include <deque>
#include <optional>
#include <string>
#include <vector>

#include "pipeline/conversation_observer.hpp"
#include "protocol/conversation_item.hpp"

namespace confab::pipeline {

class Conversation {
public:
    Conversation(std::size_t max_items, std::size_t max_chars)
        : max_items_(max_items), max_chars_(max_chars) {}

    enum class InsertStatus { ok, unknown_previous, duplicate_id };

    struct Inserted {
        InsertStatus status = InsertStatus::ok;
        std::optional<std::string> previous_item_id;  // where it landed
        std::vector<std::string> evicted;             // ids removed to stay in bounds
    };

    // Inserts after `previous_item_id` ("root": first; nullopt: last).
    Inserted insert(protocol::ConversationItem item,
                    const std::optional<std::string>& previous_item_id);
    // Re-applies the bounds after an item grew (a reply being written).
    std::vector<std::string> enforce_bounds(const std::string& keep_id);

    // Whether a function_call or function_call_output item may join: an
    // output must answer a complete call, once; a call id is used once.
    enum class CallCheck { ok, unknown_call, call_incomplete, already_answered, duplicate_call };
    CallCheck check_call(const protocol::ConversationItem& item) const;

    bool remove(const std::string& id);
    // An item was changed in place (a transcript in, a truncation, a reply
    // done): the observer is told.
    void changed(const std::string& id);
    // Told of every insertion, change and removal from now on; null: none.
    // Must outlive the conversation or be reset first.
    void set_observer(ConversationObserver* observer) { observer_ = observer; }
    protocol::ConversationItem* find(const std::string& id);
    std::optional<std::string> last_id() const;
    const std::deque<protocol::ConversationItem>& items() const { return items_; }
    std::size_t chars() const;

private:
    const std::size_t max_items_;
    const std::size_t max_chars_;
    std::deque<protocol::ConversationItem> items_;
    ConversationObserver* observer_ = nullptr;
};

}  // namespace confab::pipeline
