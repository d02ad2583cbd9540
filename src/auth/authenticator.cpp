#include "auth/authenticator.hpp"

#include <fstream>
#include <sstream>
#include <stdexcept>

#include "auth/crypto.hpp"

namespace confab::auth {
namespace {

constexpr std::size_t kMinSigningKeyBytes = 32;

AuthDecision refuse(int status, std::string code, std::string message,
                    const ApiKey* key = nullptr) {
    AuthDecision decision;
    decision.refusal = AuthRefusal{status, std::move(code), std::move(message), "", ""};
    if (key != nullptr) {
        decision.refusal.key_id = key->id;
        decision.refusal.user = key->user;
    }
    return decision;
}

AuthDecision refuse_scope(const std::string& scope, const std::string& key_id,
                          const std::string& user) {
    auto decision = refuse(403, "insufficient_scope",
                           "This credential does not have the \"" + scope + "\" scope.");
    decision.refusal.key_id = key_id;
    decision.refusal.user = user;
    return decision;
}

std::string read_signing_key(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw std::runtime_error("auth.signing_key_file: " + path + " cannot be read");
    std::ostringstream text;
    text << in.rdbuf();
    std::string key = text.str();
    while (!key.empty() && (key.back() == '\n' || key.back() == '\r')) key.pop_back();
    if (key.size() < kMinSigningKeyBytes)
        throw std::runtime_error("auth.signing_key_file: " + path + " holds " +
                                 std::to_string(key.size()) + " bytes; at least " +
                                 std::to_string(kMinSigningKeyBytes) + " are needed");
    return key;
}

std::int64_t unix_seconds(Authenticator::Clock::time_point t) {
    return std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count();
}

}  // namespace

Authenticator::Authenticator(const AuthConfig& config)
    : config_(config), enabled_(config.mode == "keys") {
    if (enabled_) {
        const auto loaded = keys_.reload(config.keys_file);
        if (!loaded.errors.empty()) {
            std::string all;
            for (const auto& e : loaded.errors) all += "\n  " + e;
            throw std::runtime_error("auth.keys_file has problems:" + all);
        }
    }
    if (config.signing_key_file.empty()) {
        signing_key_ = random_bytes(kMinSigningKeyBytes);
        ephemeral_key_ = true;
    } else {
        signing_key_ = read_signing_key(config.signing_key_file);
    }
}

Authenticator::Authenticator(const AuthConfig& config, KeyStore::Keys keys, std::string signing_key)
    : config_(config),
      enabled_(config.mode == "keys"),
      keys_(std::move(keys)),
      signing_key_(std::move(signing_key)) {}

KeyStore::Reload Authenticator::reload() {
    if (!enabled_) return {};
    return keys_.reload(config_.keys_file);
}

AuthDecision Authenticator::authenticate(const std::string& credential, const std::string& scope,
                                         Clock::time_point now) const {
    if (!enabled_) {
        // Open server: everyone is anonymous, but a client secret minted here
        // still carries its starting session configuration.
        Identity anyone;
        if (looks_like_client_secret(credential)) {
            auto verified = verify_client_secret(credential, signing_key_, unix_seconds(now));
            if (verified.problem == SecretProblem::none)
                anyone.session = std::move(verified.claims.session);
        }
        return AuthDecision{std::move(anyone), {}};
    }
    if (credential.empty()) {
        return refuse(401, "missing_credential",
                      "Authentication required: send an API key as \"Authorization: Bearer "
                      "<key>\", or a client secret as the WebSocket subprotocol "
                      "\"openai-insecure-api-key.<secret>\".");
    }
    if (looks_like_client_secret(credential)) return from_secret(credential, scope, now);
    const auto found = keys_.lookup(credential, now);
    switch (found.status) {
        case KeyStore::Status::invalid:
            return refuse(401, "invalid_credential",
                          "The credential is not a valid API key or client secret.");
        case KeyStore::Status::revoked:
            return refuse(401, "revoked_credential", "This API key has been revoked.", found.key);
        case KeyStore::Status::expired:
            return refuse(401, "expired_credential", "This API key has expired.", found.key);
        case KeyStore::Status::ok:
            break;
    }
    const ApiKey& key = *found.key;
    if (!key.has_scope(scope)) return refuse_scope(scope, key.id, key.user);
    Identity who;
    who.key_id = key.id;
    who.user = key.user;
    who.scopes = key.scopes;
    who.limits = key.limits;
    who.via = "api_key";
    return AuthDecision{std::move(who), {}};
}

AuthDecision Authenticator::from_secret(const std::string& credential, const std::string& scope,
                                        Clock::time_point now) const {
    auto verified = verify_client_secret(credential, signing_key_, unix_seconds(now));
    switch (verified.problem) {
        case SecretProblem::malformed:
        case SecretProblem::bad_signature:
            return refuse(401, "invalid_credential",
                          "The credential is not a valid API key or client secret.");
        case SecretProblem::expired: {
            auto decision = refuse(401, "expired_credential", "This client secret has expired.");
            decision.refusal.key_id = verified.claims.key_id;
            decision.refusal.user = verified.claims.user;
            return decision;
        }
        case SecretProblem::none:
            break;
    }
    // The minting key must still be in force: revoking it revokes its secrets.
    const auto minter = keys_.find(verified.claims.key_id, now);
    if (minter.status != KeyStore::Status::ok) {
        const bool expired = minter.status == KeyStore::Status::expired;
        auto decision =
            refuse(401, expired ? "expired_credential" : "revoked_credential",
                   expired ? "The API key that minted this client secret has expired."
                           : "The API key that minted this client secret has been revoked.");
        decision.refusal.key_id = verified.claims.key_id;
        decision.refusal.user = verified.claims.user;
        return decision;
    }
    // A secret opens sessions, nothing else.
    if (scope != "realtime")
        return refuse_scope(scope, verified.claims.key_id, verified.claims.user);
    Identity who;
    who.key_id = minter.key->id;
    who.user = minter.key->user;
    who.scopes = {"realtime"};
    who.limits = minter.key->limits;
    who.via = "client_secret";
    who.secret_id = verified.claims.secret_id;
    who.session = std::move(verified.claims.session);
    return AuthDecision{std::move(who), {}};
}

AuthDecision Authenticator::identity_of_key(const std::string& key_id,
                                            Clock::time_point now) const {
    const auto found = keys_.find(key_id, now);
    if (found.status != KeyStore::Status::ok)
        return refuse(
            401,
            found.status == KeyStore::Status::expired ? "expired_credential" : "revoked_credential",
            "The API key of this login is not in force.", found.key);
    Identity who;
    who.key_id = found.key->id;
    who.user = found.key->user;
    who.scopes = found.key->scopes;
    who.limits = found.key->limits;
    who.via = "login";
    return AuthDecision{std::move(who), {}};
}

std::string Authenticator::mint(const Identity& who, int seconds, boost::json::object session,
                                Clock::time_point now, ClientSecretClaims& claims) const {
    claims.key_id = who.key_id;
    claims.user = who.user;
    claims.issued_at = unix_seconds(now);
    claims.expires_at = claims.issued_at + seconds;
    claims.secret_id = "cs_" + to_hex(random_bytes(12));
    claims.session = std::move(session);
    return mint_client_secret(claims, signing_key_);
}

}  // namespace confab::auth
