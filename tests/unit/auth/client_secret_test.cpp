// Client secrets: what is minted verifies, with its claims, under its key
// only, until it expires; tampering and other keys are refused.
#include "auth/client_secret.hpp"

#include <gtest/gtest.h>

namespace confab::auth {
namespace {

constexpr std::string_view kKey = "a-signing-key-of-at-least-32-bytes!";

ClientSecretClaims claims(std::string user) {
    ClientSecretClaims c;
    c.key_id = "k1";
    c.user = std::move(user);
    c.issued_at = 1'000;
    c.expires_at = 1'600;
    c.secret_id = "cs_1";
    c.session = boost::json::object{{"instructions", "Be brief."}};
    return c;
}

TEST(ClientSecret, WhatIsMintedVerifiesUntilItExpires) {
    const std::string secret = mint_client_secret(claims("alice"), kKey);
    ASSERT_EQ(secret.substr(0, 3), "ek_");
    const auto ok = verify_client_secret(secret, kKey, 1'599);
    ASSERT_EQ(ok.problem, SecretProblem::none);
    EXPECT_EQ(ok.claims.user, "alice");
    EXPECT_EQ(ok.claims.session.at("instructions"), "Be brief.");
    EXPECT_EQ(verify_client_secret(secret, kKey, 1'600).problem, SecretProblem::expired);
    EXPECT_EQ(verify_client_secret(secret, "another-key-of-at-least-32-bytes!!", 1'000).problem,
              SecretProblem::bad_signature);
    std::string tampered = secret;
    tampered[5] = tampered[5] == 'A' ? 'B' : 'A';
    EXPECT_EQ(verify_client_secret(tampered, kKey, 1'000).problem, SecretProblem::bad_signature);
}

// Found by tests/fuzz/credentials_fuzz.cpp (regressions/credentials/): an
// identity that is not UTF-8 was signed, but its claims did not parse back,
// so the secret could never be used.
TEST(ClientSecret, ANameThatIsNotUtf8RoundTrips) {
    const std::string user =
        "b\xff\xfe"
        "ob";
    const std::string secret = mint_client_secret(claims(user), kKey);
    const auto back = verify_client_secret(secret, kKey, 1'000);
    ASSERT_EQ(back.problem, SecretProblem::none);
    EXPECT_EQ(back.claims.user, user);
}

}  // namespace
}  // namespace confab::auth
