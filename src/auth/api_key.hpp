// One API key as the keys file describes it: never the key itself, only its
// SHA-256 (keys are random and long, so a fast hash is enough; a stolen keys
// file opens nothing).
#pragma once
#include <chrono>
#include <optional>
#include <set>
#include <string>

namespace confab::auth {

// Per-key limits; nullopt: the [auth] default. 0: no limit.
struct KeyLimits {
    std::optional<int> max_sessions;
    std::optional<int> max_responses_per_minute;
    std::optional<int> max_audio_minutes_per_hour;
    bool operator==(const KeyLimits&) const = default;
};

struct ApiKey {
    std::string id;      // names the key in logs, audits and metrics
    std::string user;    // who it belongs to
    std::string sha256;  // 32 raw bytes
    // realtime: open sessions; client_secrets: mint them; admin: /v1/admin/*.
    std::set<std::string> scopes;
    std::optional<std::chrono::system_clock::time_point> expires_at;
    bool revoked = false;
    KeyLimits limits;

    bool has_scope(const std::string& scope) const { return scopes.count(scope) != 0; }
    bool operator==(const ApiKey&) const = default;
};

}  // namespace confab::auth
