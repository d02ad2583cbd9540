#include "auth/crypto.hpp"

#include <gtest/gtest.h>

namespace confab::auth {
namespace {

TEST(Crypto, Sha256MatchesTheFipsVector) {
    EXPECT_EQ(to_hex(sha256("abc")),
              "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(Crypto, HmacSha256MatchesRfc4231) {
    // RFC 4231, test case 2.
    EXPECT_EQ(to_hex(hmac_sha256("Jefe", "what do ya want for nothing?")),
              "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

TEST(Crypto, Pbkdf2Sha256MatchesTheKnownVector) {
    EXPECT_EQ(to_hex(pbkdf2_sha256("password", "salt", 1, 32)),
              "120fb6cffcf8b32c43e7225256c4f837a86548c92ccc35480805987cb70be17b");
    EXPECT_EQ(to_hex(pbkdf2_sha256("password", "salt", 4096, 32)),
              "c5e478d59288c841aa530db6845c4c8d962893a001ce4e11a4963873aa98134a");
}

TEST(Crypto, RandomBytesDiffer) {
    const auto a = random_bytes(32);
    EXPECT_EQ(a.size(), 32u);
    EXPECT_NE(a, random_bytes(32));
}

TEST(Crypto, ConstantTimeEqualComparesWholeStrings) {
    EXPECT_TRUE(constant_time_equal("abc", "abc"));
    EXPECT_FALSE(constant_time_equal("abc", "abd"));
    EXPECT_FALSE(constant_time_equal("abc", "abcd"));
    EXPECT_TRUE(constant_time_equal("", ""));
}

TEST(Crypto, HexRoundTripsAndRefusesGarbage) {
    EXPECT_EQ(from_hex(to_hex(std::string("\x00\xff\x10", 3))), std::string("\x00\xff\x10", 3));
    EXPECT_FALSE(from_hex("abc"));
    EXPECT_FALSE(from_hex("zz"));
    EXPECT_EQ(from_hex("ABcd"), std::string("\xab\xcd"));
}

TEST(Crypto, Base64UrlRoundTripsEveryLength) {
    std::string data;
    for (int i = 0; i < 40; ++i) {
        EXPECT_EQ(base64url_decode(base64url_encode(data)), data) << i;
        data += static_cast<char>(i * 37 + 250);
    }
    EXPECT_EQ(base64url_encode("\xfb\xff"), "-_8");
}

TEST(Crypto, Base64UrlRefusesPaddingForeignCharactersAndStrayBits) {
    EXPECT_FALSE(base64url_decode("YQ=="));
    EXPECT_FALSE(base64url_decode("Y+E"));
    EXPECT_FALSE(base64url_decode("Y"));
    EXPECT_FALSE(base64url_decode("YR"));  // "a" is YQ: R leaves a stray bit set
    EXPECT_EQ(base64url_decode("YQ"), "a");
}

}  // namespace
}  // namespace confab::auth
