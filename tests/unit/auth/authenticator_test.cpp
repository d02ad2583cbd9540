#include "auth/authenticator.hpp"

#include <gtest/gtest.h>

#include "auth/crypto.hpp"

namespace confab::auth {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::system_clock;

const std::string kSigningKey(32, 'k');

ApiKey key(std::string id, const std::string& secret) {
    ApiKey k;
    k.id = std::move(id);
    k.user = "user-of-" + k.id;
    k.sha256 = sha256(secret);
    k.scopes = {"realtime", "client_secrets"};
    return k;
}

class AuthenticatorTest : public ::testing::Test {
protected:
    AuthenticatorTest() {
        config.mode = "keys";
        auto expired = key("old", "ck_old");
        expired.expires_at = now - 1h;
        auto revoked = key("gone", "ck_gone");
        revoked.revoked = true;
        auto admin = key("ops", "ck_ops");
        admin.scopes = {"admin"};
        auto limited = key("alice", "ck_alice");
        limited.limits.max_sessions = 2;
        auth = std::make_unique<Authenticator>(
            config, KeyStore::Keys{limited, expired, revoked, admin}, kSigningKey);
    }

    std::string code_of(const std::string& credential, const std::string& scope = "realtime") {
        const auto d = auth->authenticate(credential, scope, now);
        return d.identity ? "ok" : d.refusal.code;
    }

    AuthConfig config;
    Clock::time_point now = Clock::now();
    std::unique_ptr<Authenticator> auth;
};

TEST_F(AuthenticatorTest, AKeyInForceIsItsUser) {
    const auto d = auth->authenticate("ck_alice", "realtime", now);
    ASSERT_TRUE(d.identity);
    EXPECT_EQ(d.identity->key_id, "alice");
    EXPECT_EQ(d.identity->user, "user-of-alice");
    EXPECT_EQ(d.identity->via, "api_key");
    EXPECT_EQ(d.identity->limits.max_sessions, 2);
    EXPECT_FALSE(d.identity->session);
}

TEST_F(AuthenticatorTest, EveryRefusalHasItsOwnCode) {
    EXPECT_EQ(code_of(""), "missing_credential");
    EXPECT_EQ(code_of("ck_nobody"), "invalid_credential");
    EXPECT_EQ(code_of("ck_old"), "expired_credential");
    EXPECT_EQ(code_of("ck_gone"), "revoked_credential");
    EXPECT_EQ(code_of("ck_ops"), "insufficient_scope");
    EXPECT_EQ(code_of("ck_ops", "admin"), "ok");
    EXPECT_EQ(auth->authenticate("", "realtime", now).refusal.status, 401);
    EXPECT_EQ(auth->authenticate("ck_ops", "realtime", now).refusal.status, 403);
    // A known key's refusal names it for the audit log.
    EXPECT_EQ(auth->authenticate("ck_gone", "realtime", now).refusal.key_id, "gone");
}

TEST_F(AuthenticatorTest, AClientSecretOpensSessionsWithItsConfiguration) {
    const auto alice = auth->authenticate("ck_alice", "client_secrets", now);
    ASSERT_TRUE(alice.identity);
    ClientSecretClaims claims;
    const auto secret = auth->mint(*alice.identity, 600,
                                   boost::json::object{{"instructions", "Be brief."}}, now, claims);
    EXPECT_EQ(secret.rfind("ek_", 0), 0u);
    EXPECT_EQ(claims.expires_at - claims.issued_at, 600);

    const auto d = auth->authenticate(secret, "realtime", now + 10s);
    ASSERT_TRUE(d.identity) << d.refusal.code;
    EXPECT_EQ(d.identity->key_id, "alice");
    EXPECT_EQ(d.identity->via, "client_secret");
    EXPECT_EQ(d.identity->secret_id, claims.secret_id);
    EXPECT_EQ(d.identity->limits.max_sessions, 2);  // the minting key's limits
    ASSERT_TRUE(d.identity->session);
    EXPECT_EQ(d.identity->session->at("instructions"), "Be brief.");

    EXPECT_EQ(code_of(secret, "client_secrets"), "insufficient_scope");  // it mints nothing
    EXPECT_EQ(auth->authenticate(secret, "realtime", now + 601s).refusal.code,
              "expired_credential");
}

TEST_F(AuthenticatorTest, AForgedOrTamperedSecretIsInvalid) {
    const auto alice = auth->authenticate("ck_alice", "client_secrets", now);
    ClientSecretClaims claims;
    auto secret = auth->mint(*alice.identity, 600, {}, now, claims);
    auto tampered = secret;
    tampered[5] = tampered[5] == 'A' ? 'B' : 'A';
    EXPECT_EQ(code_of(tampered), "invalid_credential");
    EXPECT_EQ(code_of("ek_" + std::string(40, 'x')), "invalid_credential");
    EXPECT_EQ(code_of(secret + "x"), "invalid_credential");

    AuthConfig other_config;
    other_config.mode = "keys";
    Authenticator other(other_config, {key("alice", "ck_alice")}, std::string(32, 'z'));
    EXPECT_EQ(other.authenticate(secret, "realtime", now).refusal.code, "invalid_credential");
}

TEST_F(AuthenticatorTest, RevokingTheMintingKeyRevokesItsSecrets) {
    const auto gone = key("gone", "ck_gone");
    Identity who;
    who.key_id = "gone";
    who.user = gone.user;
    ClientSecretClaims claims;
    const auto secret = auth->mint(who, 600, {}, now, claims);
    EXPECT_EQ(code_of(secret), "revoked_credential");
    who.key_id = "never-existed";
    EXPECT_EQ(code_of(auth->mint(who, 600, {}, now, claims)), "revoked_credential");
}

TEST(AuthenticatorOpen, ModeNoneLetsEveryoneInAnonymously) {
    AuthConfig config;  // mode none
    Authenticator auth(config, {}, std::string(32, 'k'));
    EXPECT_FALSE(auth.enabled());
    const auto d = auth.authenticate("", "realtime", Clock::now());
    ASSERT_TRUE(d.identity);
    EXPECT_TRUE(d.identity->anonymous());
    EXPECT_TRUE(auth.authenticate("garbage", "admin", Clock::now()).identity);
}

}  // namespace
}  // namespace confab::auth
