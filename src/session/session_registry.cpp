#include "session/session_registry.hpp"

namespace confab::session {

SessionRegistry::Membership::~Membership() {
    if (registry_ != nullptr) registry_->remove(id_);
}

std::unique_ptr<SessionRegistry::Membership> SessionRegistry::try_admit(
    const std::string& id, const std::string& model, std::weak_ptr<SessionControl> control,
    Refusal& why) {
    // Asked outside the lock: it reads the pools, not the registry.
    const bool overloaded = !overload_reason().empty();
    const std::lock_guard lock(mutex_);
    if (draining_) {
        why = Refusal::draining;
        return nullptr;
    }
    if (entries_.size() >= max_sessions_) {
        why = Refusal::at_capacity;
        return nullptr;
    }
    if (overloaded) {
        why = Refusal::overloaded;
        return nullptr;
    }
    const auto now = Clock::now();
    entries_.emplace(id, Entry{Info{id, model, now}, std::move(control)});
    why = Refusal::none;
    return std::make_unique<Membership>(*this, id);
}

void SessionRegistry::remove(const std::string& id) {
    std::function<void()> notify;
    {
        const std::lock_guard lock(mutex_);
        entries_.erase(id);
        if (draining_ && entries_.empty() && on_empty_) notify = std::exchange(on_empty_, nullptr);
    }
    // Outside the lock: the callback may call back into the registry.
    if (notify) notify();
}

std::size_t SessionRegistry::size() const {
    const std::lock_guard lock(mutex_);
    return entries_.size();
}

bool SessionRegistry::accepting() const {
    if (!overload_reason().empty()) return false;
    const std::lock_guard lock(mutex_);
    return !draining_ && entries_.size() < max_sessions_;
}

bool SessionRegistry::draining() const {
    const std::lock_guard lock(mutex_);
    return draining_;
}

std::vector<SessionRegistry::Info> SessionRegistry::snapshot() const {
    const std::lock_guard lock(mutex_);
    std::vector<Info> out;
    out.reserve(entries_.size());
    for (const auto& [id, e] : entries_) out.push_back(e.info);
    return out;
}

void SessionRegistry::begin_drain(std::function<void()> on_empty) {
    bool empty_now = false;
    {
        const std::lock_guard lock(mutex_);
        draining_ = true;
        empty_now = entries_.empty();
        if (!empty_now) on_empty_ = std::move(on_empty);
    }
    if (empty_now && on_empty) on_empty();
}

void SessionRegistry::for_each_control(const std::function<void(SessionControl&)>& fn) const {
    std::vector<std::shared_ptr<SessionControl>> live;
    {
        const std::lock_guard lock(mutex_);
        for (const auto& [id, e] : entries_) {
            if (auto c = e.control.lock()) live.push_back(std::move(c));
        }
    }
    for (const auto& c : live) fn(*c);
}

}  // namespace confab::session
