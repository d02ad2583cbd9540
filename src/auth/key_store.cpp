#include "auth/key_store.hpp"

#include <map>

#include "auth/crypto.hpp"
#include "auth/key_file.hpp"

namespace confab::auth {

KeyStore::Reload KeyStore::reload(const std::string& path) {
    Reload result;
    KeyFileResult loaded = load_key_file(path);
    if (!loaded.errors.empty()) {
        result.errors = std::move(loaded.errors);
        result.keys = size();
        return result;
    }
    const auto old = keys_.load();
    std::map<std::string, const ApiKey*> before;
    for (const ApiKey& key : *old) before[key.id] = &key;
    for (const ApiKey& key : loaded.keys) {
        const auto it = before.find(key.id);
        if (it == before.end()) {
            result.added.push_back(key.id);
        } else {
            if (key.revoked && !it->second->revoked) result.revoked.push_back(key.id);
            before.erase(it);
        }
    }
    for (const auto& [id, key] : before) result.removed.push_back(id);
    result.keys = loaded.keys.size();
    keys_.store(std::make_shared<const Keys>(std::move(loaded.keys)));
    return result;
}

KeyStore::Found KeyStore::judge(std::shared_ptr<const Keys> keys, const ApiKey* key,
                                Clock::time_point now) {
    Found found;
    found.keys = std::move(keys);
    found.key = key;
    if (key == nullptr)
        found.status = Status::invalid;
    else if (key->revoked)
        found.status = Status::revoked;
    else if (key->expires_at && *key->expires_at <= now)
        found.status = Status::expired;
    else
        found.status = Status::ok;
    return found;
}

KeyStore::Found KeyStore::lookup(const std::string& secret, Clock::time_point now) const {
    auto keys = keys_.load();
    const std::string hash = sha256(secret);
    const ApiKey* match = nullptr;
    for (const ApiKey& key : *keys) {
        // No early exit: every entry costs the same whether or not it matches.
        if (constant_time_equal(hash, key.sha256)) match = &key;
    }
    return judge(std::move(keys), match, now);
}

KeyStore::Found KeyStore::find(const std::string& id, Clock::time_point now) const {
    auto keys = keys_.load();
    const ApiKey* match = nullptr;
    for (const ApiKey& key : *keys) {
        if (key.id == id) match = &key;
    }
    return judge(std::move(keys), match, now);
}

}  // namespace confab::auth
