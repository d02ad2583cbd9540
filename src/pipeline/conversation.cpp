#include "pipeline/conversation.hpp"

#include <algorithm>

namespace confab::pipeline {

Conversation::Inserted Conversation::insert(protocol::ConversationItem item,
                                            const std::optional<std::string>& previous_item_id) {
    Inserted result;
    if (find(item.id) != nullptr) {
        result.status = InsertStatus::duplicate_id;
        return result;
    }
    auto pos = items_.end();
    if (previous_item_id) {
        if (*previous_item_id == "root") {
            pos = items_.begin();
        } else {
            auto it = std::find_if(items_.begin(), items_.end(),
                                   [&](const auto& i) { return i.id == *previous_item_id; });
            if (it == items_.end()) {
                result.status = InsertStatus::unknown_previous;
                return result;
            }
            pos = std::next(it);
        }
    }
    if (pos != items_.begin()) result.previous_item_id = std::prev(pos)->id;
    const std::string id = item.id;
    const auto added = items_.insert(pos, std::move(item));
    if (observer_ != nullptr) observer_->item_put(*added, result.previous_item_id);
    result.evicted = enforce_bounds(id);
    return result;
}

std::vector<std::string> Conversation::enforce_bounds(const std::string& keep_id) {
    std::vector<std::string> evicted;
    std::size_t total = chars();
    // Evict from the front, never the item just added or growing.
    while (!items_.empty() && (items_.size() > max_items_ || total > max_chars_)) {
        auto victim = items_.begin();
        if (victim->id == keep_id) {
            if (items_.size() == 1) break;
            ++victim;
        }
        total -= victim->char_count();
        evicted.push_back(victim->id);
        items_.erase(victim);
        if (observer_ != nullptr) observer_->item_removed(evicted.back());
    }
    return evicted;
}

bool Conversation::remove(const std::string& id) {
    auto it = std::find_if(items_.begin(), items_.end(), [&](const auto& i) { return i.id == id; });
    if (it == items_.end()) return false;
    const std::string removed = id;  // `id` may be the erased item's own
    items_.erase(it);
    if (observer_ != nullptr) observer_->item_removed(removed);
    return true;
}

void Conversation::changed(const std::string& id) {
    auto it = std::find_if(items_.begin(), items_.end(), [&](const auto& i) { return i.id == id; });
    if (it == items_.end() || observer_ == nullptr) return;
    std::optional<std::string> previous;
    if (it != items_.begin()) previous = std::prev(it)->id;
    observer_->item_put(*it, previous);
}

protocol::ConversationItem* Conversation::find(const std::string& id) {
    auto it = std::find_if(items_.begin(), items_.end(), [&](const auto& i) { return i.id == id; });
    return it == items_.end() ? nullptr : &*it;
}

std::optional<std::string> Conversation::last_id() const {
    if (items_.empty()) return std::nullopt;
    return items_.back().id;
}

std::size_t Conversation::chars() const {
    std::size_t n = 0;
    for (const auto& i : items_) n += i.char_count();
    return n;
}

Conversation::CallCheck Conversation::check_call(const protocol::ConversationItem& item) const {
    using Type = protocol::ConversationItem::Type;
    if (item.type == Type::message) return CallCheck::ok;
    const protocol::ConversationItem* call = nullptr;
    for (const auto& other : items_) {
        if (other.call_id != item.call_id) continue;
        if (other.type == item.type)
            return item.type == Type::function_call ? CallCheck::duplicate_call
                                                    : CallCheck::already_answered;
        if (other.type == Type::function_call) call = &other;
    }
    if (item.type == Type::function_call) return CallCheck::ok;
    if (call == nullptr) return CallCheck::unknown_call;
    if (call->status != "completed") return CallCheck::call_incomplete;
    return CallCheck::ok;
}

}  // namespace confab::pipeline
