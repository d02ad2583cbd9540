// The API keys in force: loaded from auth.keys_file at start and again on
// SIGHUP (reload()). A file that fails to load leaves the keys in force as
// they were, so a bad edit never locks everybody out nor lets anyone in.
//
// Threads: find()/lookup() from any thread; they read an immutable snapshot
// swapped in atomically by reload().
#pragma once
#include <atomic>
#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "auth/api_key.hpp"

namespace confab::auth {

class KeyStore {
public:
    using Keys = std::vector<ApiKey>;
    using Clock = std::chrono::system_clock;

    KeyStore() : keys_(std::make_shared<const Keys>()) {}
    explicit KeyStore(Keys keys) : keys_(std::make_shared<const Keys>(std::move(keys))) {}

    // Reads `path`; on success the new keys are in force and the result lists
    // what changed. On failure nothing changes and `errors` says why.
    struct Reload {
        std::vector<std::string> errors;
        std::vector<std::string> added, removed, revoked;  // key ids
        std::size_t keys = 0;                              // in force afterwards
    };
    Reload reload(const std::string& path);

    enum class Status { ok, invalid, expired, revoked };
    struct Found {
        Status status = Status::invalid;
        std::shared_ptr<const Keys> keys;  // keeps `key` alive
        const ApiKey* key = nullptr;       // set unless invalid
    };
    // The key whose hash is sha256(secret). Every entry's hash is compared,
    // each in constant time, so the time taken says nothing about the keys.
    Found lookup(const std::string& secret, Clock::time_point now) const;
    // The key with this id (client secrets name the key that minted them).
    Found find(const std::string& id, Clock::time_point now) const;
    std::size_t size() const { return keys_.load()->size(); }

private:
    static Found judge(std::shared_ptr<const Keys> keys, const ApiKey* key, Clock::time_point now);
    std::atomic<std::shared_ptr<const Keys>> keys_;
};

}  // namespace confab::auth
