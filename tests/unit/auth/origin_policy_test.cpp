#include "auth/origin_policy.hpp"

#include <gtest/gtest.h>

#include <string>

namespace confab::auth {
namespace {

TEST(OriginPolicy, ByDefaultOurOwnOriginAndLocalhostOnly) {
    const OriginPolicy policy("");
    EXPECT_TRUE(policy.allows("", "confab.example:8443"));  // not a browser
    EXPECT_TRUE(policy.allows("https://confab.example:8443", "confab.example:8443"));
    EXPECT_TRUE(policy.allows("HTTPS://Confab.Example:8443/", "confab.example:8443"));
    EXPECT_TRUE(policy.allows("http://localhost:5173", "confab.example:8443"));
    EXPECT_TRUE(policy.allows("http://127.0.0.1:9", "confab.example:8443"));
    EXPECT_TRUE(policy.allows("http://[::1]:9", "confab.example:8443"));
    EXPECT_FALSE(policy.allows("https://evil.example", "confab.example:8443"));
    EXPECT_FALSE(policy.allows("https://confab.example.evil.example", "confab.example"));
    EXPECT_FALSE(policy.allows("http://localhost.evil.example", "confab.example"));
    EXPECT_FALSE(policy.allows("null", "confab.example"));
    EXPECT_FALSE(policy.allows("chrome-extension://abc", "confab.example"));
}

TEST(OriginPolicy, AListReplacesLocalhostButNotOurOwnOrigin) {
    const OriginPolicy policy(" https://app.example.com, http://partner.example:8080/ ");
    EXPECT_TRUE(policy.allows("https://app.example.com", "confab.example"));
    EXPECT_TRUE(policy.allows("http://partner.example:8080", "confab.example"));
    EXPECT_TRUE(policy.allows("https://confab.example", "confab.example"));
    EXPECT_FALSE(policy.allows("http://app.example.com", "confab.example"));  // scheme counts
    EXPECT_FALSE(policy.allows("http://localhost:5173", "confab.example"));
}

TEST(OriginPolicy, AStarAllowsEveryOrigin) {
    EXPECT_TRUE(OriginPolicy("*").allows("https://anyone.example", "confab.example"));
}

TEST(OriginPolicy, NormalisesOnlyRealOrigins) {
    EXPECT_EQ(OriginPolicy::normalise("HTTPS://A.example/"), "https://a.example");
    EXPECT_EQ(OriginPolicy::normalise("https://a.example/path"), "");
    EXPECT_EQ(OriginPolicy::normalise("https://user@a.example"), "");
    EXPECT_EQ(OriginPolicy::normalise("a.example"), "");
}

// Found by the credentials fuzzer in CI: "https://App.Example\n/" normalised to
// "https://app.example\n", which a second pass trimmed to another origin.
TEST(OriginPolicy, AnOriginWithASpaceOrAControlCharacterIsNone) {
    EXPECT_EQ(OriginPolicy::normalise("https://App.Example\n/"), "");
    EXPECT_EQ(OriginPolicy::normalise("https://a.exa\tmple"), "");
    EXPECT_EQ(OriginPolicy::normalise(std::string("https://a\0b", 11)), "");
    EXPECT_EQ(OriginPolicy::normalise("https://a.example\x7f"), "");
    EXPECT_EQ(OriginPolicy::normalise("  https://a.example/  "), "https://a.example");
    // Normalising is idempotent, as the fuzzer's oracle says.
    const std::string once = OriginPolicy::normalise(" HTTPS://A.example/ \n");
    EXPECT_EQ(once, "https://a.example");
    EXPECT_EQ(OriginPolicy::normalise(once), once);
}

}  // namespace
}  // namespace confab::auth
