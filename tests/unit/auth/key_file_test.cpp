#include "auth/key_file.hpp"

#include <gtest/gtest.h>

#include "auth/crypto.hpp"

namespace confab::auth {
namespace {

const std::string kHash = to_hex(sha256("ck_alice_secret"));

TEST(KeyFile, ReadsEveryField) {
    const auto result = parse_key_file(R"(
[[key]]
id = "alice-laptop"
user = "alice"
sha256 = ")" + kHash + R"("
scopes = ["realtime", "admin"]
expires_at = 2027-06-01T00:00:00Z
max_sessions = 4
max_responses_per_minute = 30
max_audio_minutes_per_hour = 60

[[key]]
id = "bob"
user = "bob"
sha256 = ")" + to_hex(sha256("other")) + R"("
revoked = true
)",
                                       "keys.toml");
    ASSERT_TRUE(result.errors.empty()) << result.errors.front();
    ASSERT_EQ(result.keys.size(), 2u);
    const ApiKey& alice = result.keys[0];
    EXPECT_EQ(alice.id, "alice-laptop");
    EXPECT_EQ(alice.user, "alice");
    EXPECT_EQ(alice.sha256, sha256("ck_alice_secret"));
    EXPECT_EQ(alice.scopes, (std::set<std::string>{"realtime", "admin"}));
    ASSERT_TRUE(alice.expires_at);
    EXPECT_EQ(std::chrono::system_clock::to_time_t(*alice.expires_at), 1811808000);
    EXPECT_EQ(alice.limits.max_sessions, 4);
    EXPECT_EQ(alice.limits.max_responses_per_minute, 30);
    EXPECT_EQ(alice.limits.max_audio_minutes_per_hour, 60);
    EXPECT_FALSE(alice.revoked);
    const ApiKey& bob = result.keys[1];
    EXPECT_TRUE(bob.revoked);
    EXPECT_EQ(bob.scopes, (std::set<std::string>{"realtime", "client_secrets"}));  // default
    EXPECT_FALSE(bob.limits.max_sessions);
}

TEST(KeyFile, NamesTheEntryOfEveryProblemAndKeepsNoKey) {
    const auto result = parse_key_file(R"(
[[key]]
id = "ok"
user = "alice"
sha256 = ")" + kHash + R"("

[[key]]
id = "bad one"
user = ""
sha256 = "1234"
scopes = ["realtime", "root"]
expires_at = 2027-06-01T00:00:00
max_sessions = -1
colour = "blue"

[[key]]
id = "ok"
user = "carol"
sha256 = ")" + kHash + R"("
)",
                                       "keys.toml");
    EXPECT_TRUE(result.keys.empty());
    const auto has = [&](const std::string& text) {
        for (const auto& e : result.errors)
            if (e.find(text) != std::string::npos) return true;
        return false;
    };
    EXPECT_TRUE(has("keys.toml: key 2 (id \"bad one\"): id must match"));
    EXPECT_TRUE(has("key 2 (id \"bad one\"): sha256 must be 64 hex digits"));
    EXPECT_TRUE(has("key 2 (id \"bad one\"): scopes[1] must be one of"));
    EXPECT_TRUE(has("key 2 (id \"bad one\"): expires_at must be a date-time with an offset"));
    EXPECT_TRUE(has("key 2 (id \"bad one\"): max_sessions must be an integer"));
    EXPECT_TRUE(has("key 2 (id \"bad one\"): unknown field colour"));
    EXPECT_TRUE(has("key 3 (id \"ok\"): id is used twice"));
    EXPECT_TRUE(has("key 3 (id \"ok\"): sha256 is the same as an earlier key's"));
}

TEST(KeyFile, ASyntaxErrorSaysWhere) {
    const auto result = parse_key_file("[[key]\nid = 1\n", "keys.toml");
    ASSERT_EQ(result.errors.size(), 1u);
    EXPECT_EQ(result.errors[0].rfind("keys.toml:1:", 0), 0u) << result.errors[0];
}

TEST(KeyFile, AnEmptyFileHasNoKeys) {
    const auto result = parse_key_file("", "keys.toml");
    EXPECT_TRUE(result.errors.empty());
    EXPECT_TRUE(result.keys.empty());
}

}  // namespace
}  // namespace confab::auth

namespace confab::auth {
namespace {

// Found by tests/fuzz/credentials_fuzz.cpp (regressions/credentials/): toml++
// 3.3.0 reached an "unreachable" point (undefined behaviour, caught by the
// sanitizer build) on any character from U+00A1 to U+0499, as in "José" or
// "é" after a space; config/toml_library.hpp makes those points return.
TEST(KeyFile, LatinCharactersAnywhereAreRead) {
    const auto result = parse_key_file(
        "# clés de l'équipe \xC3\xA9\n[[key]]\nid = \"jose\"\n"
        "user = \"Jos\xC3\xA9 \xC3\xA9\"\nsha256 = \"" +
            kHash + "\"\n",
        "keys.toml");
    ASSERT_TRUE(result.errors.empty()) << result.errors.front();
    ASSERT_EQ(result.keys.size(), 1u);
    EXPECT_EQ(result.keys[0].user, "Jos\xC3\xA9 \xC3\xA9");
    // A bare key starting with one is a syntax error, reported as such.
    const auto bad = parse_key_file("[[key]]\nid = \"x\"\nuser \xC3\xA9 = \"y\"\n", "keys.toml");
    EXPECT_FALSE(bad.errors.empty());
}

// Also from the fuzzer: a year outside what the clock can count overflowed it.
TEST(KeyFile, AnExpiryOutsideTheClocksRangeIsRefused) {
    const auto result = parse_key_file("[[key]]\nid = \"old\"\nuser = \"u\"\nsha256 = \"" + kHash +
                                           "\"\nexpires_at = 1508-01-01T00:00:00Z\n",
                                       "keys.toml");
    ASSERT_FALSE(result.errors.empty());
    EXPECT_NE(result.errors.front().find("between the years 1970 and 2200"), std::string::npos)
        << result.errors.front();
}

}  // namespace
}  // namespace confab::auth
