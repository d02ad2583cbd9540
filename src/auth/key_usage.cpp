#include "auth/key_usage.hpp"

namespace confab::auth {

KeyUsage::Admission KeyUsage::admit(const Identity& who,
                                    std::chrono::steady_clock::time_point now) {
    Admission admission;
    if (who.anonymous()) return admission;
    const int max_sessions = who.limits.max_sessions.value_or(defaults_.max_sessions_per_key);
    const session::KeyQuota::Limits limits{
        who.limits.max_responses_per_minute.value_or(defaults_.max_responses_per_minute_per_key),
        who.limits.max_audio_minutes_per_hour.value_or(
            defaults_.max_audio_minutes_per_hour_per_key)};
    std::lock_guard lock(mutex_);
    Entry& entry = keys_[who.key_id];
    admission.max_sessions = max_sessions;
    if (max_sessions > 0 && entry.sessions >= max_sessions) {
        admission.refused = true;
        return admission;
    }
    // The quota lives as long as the key is in use here, and its buckets
    // keep what was spent across sessions; new limits (a SIGHUP'd keys file)
    // start a new one.
    if (!entry.quota || entry.quota->limits().responses_per_minute != limits.responses_per_minute ||
        entry.quota->limits().audio_minutes_per_hour != limits.audio_minutes_per_hour)
        entry.quota = std::make_shared<session::KeyQuota>(who.key_id, limits, now);
    ++entry.sessions;
    admission.slot = std::make_unique<Slot>(*this, who.key_id);
    admission.quota = entry.quota;
    return admission;
}

int KeyUsage::sessions(const std::string& key_id) const {
    std::lock_guard lock(mutex_);
    const auto it = keys_.find(key_id);
    return it == keys_.end() ? 0 : it->second.sessions;
}

void KeyUsage::release(const std::string& key_id) {
    std::lock_guard lock(mutex_);
    if (auto it = keys_.find(key_id); it != keys_.end() && it->second.sessions > 0)
        --it->second.sessions;
}

}  // namespace confab::auth
