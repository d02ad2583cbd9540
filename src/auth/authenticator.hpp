// Decides who a credential belongs to (docs/security.md): an API key from the
// keys file, or a client secret one of them minted. With auth.mode = none
// everyone is the anonymous identity and nothing is checked.
//
// Threads: authenticate() and mint() from any thread (the key store swaps
// snapshots atomically; the rest is immutable). reload() from one thread at
// a time (the server's signal strand).
#pragma once
#include <boost/json/object.hpp>
#include <chrono>
#include <optional>
#include <set>
#include <string>

#include "auth/api_key.hpp"
#include "auth/client_secret.hpp"
#include "auth/key_store.hpp"
#include "config/config.hpp"

namespace confab::auth {

struct Identity {
    std::string key_id;  // empty: anonymous (auth.mode none)
    std::string user;
    std::set<std::string> scopes;
    KeyLimits limits;
    std::string via = "none";                    // api_key | client_secret | none
    std::string secret_id;                       // a client secret's random id
    std::optional<boost::json::object> session;  // a client secret's starting configuration

    bool anonymous() const { return key_id.empty(); }
    bool may(const std::string& scope) const { return anonymous() || scopes.count(scope) != 0; }
};

// A refusal, with the HTTP status it is answered with before the upgrade.
struct AuthRefusal {
    int status = 401;
    std::string code;  // missing_credential | invalid_credential | expired_credential |
                       // revoked_credential | insufficient_scope
    std::string message;
    std::string key_id;  // when known (expired, revoked, insufficient scope)
    std::string user;
};

struct AuthDecision {
    std::optional<Identity> identity;
    AuthRefusal refusal;  // when identity is empty
};

class Authenticator {
public:
    using Clock = std::chrono::system_clock;

    // Loads the keys file and the signing key; throws std::runtime_error
    // with the keys file's problems (the server must not start with them).
    explicit Authenticator(const AuthConfig& config);
    // Tests: given keys and signing key.
    Authenticator(const AuthConfig& config, KeyStore::Keys keys, std::string signing_key);

    bool enabled() const { return enabled_; }
    // Whether the signing key is random, so secrets die with this process.
    bool ephemeral_signing_key() const { return ephemeral_key_; }
    KeyStore::Reload reload();  // re-reads auth.keys_file (SIGHUP)
    std::size_t key_count() const { return keys_.size(); }

    // Who `credential` (an API key or a client secret; "" for none) is, if
    // they may use `scope`.
    AuthDecision authenticate(const std::string& credential, const std::string& scope,
                              Clock::time_point now) const;

    // The identity of the key with this id (a login names its user's key).
    AuthDecision identity_of_key(const std::string& key_id, Clock::time_point now) const;

    // A client secret for `who` (an API key's identity) valid `seconds`.
    std::string mint(const Identity& who, int seconds, boost::json::object session,
                     Clock::time_point now, ClientSecretClaims& claims) const;

private:
    AuthDecision from_secret(const std::string& credential, const std::string& scope,
                             Clock::time_point now) const;

    const AuthConfig& config_;
    const bool enabled_;
    KeyStore keys_;
    std::string signing_key_;
    bool ephemeral_key_ = false;
};

}  // namespace confab::auth
