// What each API key is using right now, across all its sessions on this
// node: concurrent sessions, and the KeyQuota (responses, audio) its sessions
// share. One entry per key id that has been used; ids only come from the
// keys file, so the map is bounded by it.
//
// Threads: any; one short lock per admission or release.
#pragma once
#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "auth/authenticator.hpp"
#include "config/config.hpp"
#include "session/key_quota.hpp"

namespace confab::auth {

class KeyUsage {
public:
    explicit KeyUsage(const AuthConfig& defaults) : defaults_(defaults) {}

    // Holds one of the key's session slots; releases it when destroyed.
    class Slot {
    public:
        Slot(KeyUsage& usage, std::string key_id) : usage_(usage), key_id_(std::move(key_id)) {}
        ~Slot() { usage_.release(key_id_); }
        Slot(const Slot&) = delete;
        Slot& operator=(const Slot&) = delete;

    private:
        KeyUsage& usage_;
        std::string key_id_;
    };

    struct Admission {
        std::unique_ptr<Slot> slot;                // null for the anonymous identity
        std::shared_ptr<session::KeyQuota> quota;  // null: no per-key quota
        bool refused = false;                      // the key is at max_sessions
        int max_sessions = 0;
    };
    Admission admit(const Identity& who, std::chrono::steady_clock::time_point now);
    int sessions(const std::string& key_id) const;

private:
    struct Entry {
        int sessions = 0;
        std::shared_ptr<session::KeyQuota> quota;
    };
    void release(const std::string& key_id);

    const AuthConfig& defaults_;
    mutable std::mutex mutex_;
    std::map<std::string, Entry> keys_;
};

}  // namespace confab::auth
