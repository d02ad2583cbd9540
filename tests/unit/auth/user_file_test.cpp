#include "auth/user_file.hpp"

#include <gtest/gtest.h>

namespace confab::auth {
namespace {

TEST(UserFile, AHashedPasswordOpensOnlyWithItself) {
    const std::string hash = UserFile::hash_password("correct horse", 10'000);
    EXPECT_EQ(hash.rfind("pbkdf2_sha256$10000$", 0), 0u);
    std::vector<std::string> errors;
    const auto users = UserFile::parse(
        "[[user]]\nname = \"alice\"\npassword = \"" + hash + "\"\nkey = \"alice-web\"\n",
        "users.toml", errors);
    ASSERT_TRUE(errors.empty()) << errors.front();
    EXPECT_EQ(users.check("alice", "correct horse"), "alice-web");
    EXPECT_EQ(users.check("alice", "correct horsE"), "");
    EXPECT_EQ(users.check("bob", "correct horse"), "");
}

TEST(UserFile, ReadsHashesInDjangosFormat) {
    // Python: base64(hashlib.pbkdf2_hmac("sha256", b"pw", b"saltsaltsalt", 10000)), which is
    // what Django's make_password("pw", "saltsaltsalt") stores.
    std::vector<std::string> errors;
    const auto users = UserFile::parse(
        "[[user]]\nname = \"d\"\nkey = \"k\"\npassword = "
        "\"pbkdf2_sha256$10000$saltsaltsalt$B+anFN3sepDMq64HFrvsqrXTCYZXTjH+tdjNcXSQa64=\"\n",
        "users.toml", errors);
    ASSERT_TRUE(errors.empty()) << errors.front();
    EXPECT_EQ(users.check("d", "pw"), "k");
    EXPECT_EQ(users.check("d", "pW"), "");
}

TEST(UserFile, EveryBadEntryIsNamed) {
    std::vector<std::string> errors;
    UserFile::parse(
        "[[user]]\nname = \"a\"\npassword = \"plain\"\n[[user]]\nkey = \"k\"\npassword = "
        "\"pbkdf2_sha256$10$c2FsdA==$c2FsdHNhbHRzYWx0c2FsdA==\"\n",
        "users.toml", errors);
    ASSERT_GE(errors.size(), 4u);
    EXPECT_NE(errors[0].find("user 1: key"), std::string::npos);
    EXPECT_NE(errors[1].find("user 1: password"), std::string::npos);
    EXPECT_NE(errors[2].find("user 2: name is missing"), std::string::npos);
    EXPECT_NE(errors[3].find("user 2: password"), std::string::npos);  // 10 iterations: too few
}

}  // namespace
}  // namespace confab::auth
