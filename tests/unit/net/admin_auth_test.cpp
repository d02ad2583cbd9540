#include "net/admin_auth.hpp"

#include <gtest/gtest.h>

namespace confab::net {
namespace {

TEST(AdminAuth, AcceptsOnlyTheExactBearerToken) {
    EXPECT_TRUE(admin_authorized("Bearer s3cret", "s3cret"));
    EXPECT_FALSE(admin_authorized("", "s3cret"));
    EXPECT_FALSE(admin_authorized("Bearer ", "s3cret"));
    EXPECT_FALSE(admin_authorized("Bearer s3cre", "s3cret"));
    EXPECT_FALSE(admin_authorized("Bearer s3cretX", "s3cret"));
    EXPECT_FALSE(admin_authorized("Bearer S3cret", "s3cret"));
    EXPECT_FALSE(admin_authorized("Basic s3cret", "s3cret"));
    EXPECT_FALSE(admin_authorized("s3cret", "s3cret"));
}

TEST(AdminAuth, EmptyTokenNeverMatches) {
    EXPECT_FALSE(admin_authorized("Bearer ", ""));
    EXPECT_FALSE(admin_authorized("", ""));
}

TEST(AdminAuth, ConstantTimeEqual) {
    EXPECT_TRUE(constant_time_equal("", ""));
    EXPECT_TRUE(constant_time_equal("abc", "abc"));
    EXPECT_FALSE(constant_time_equal("abc", "abd"));
    EXPECT_FALSE(constant_time_equal("abc", "ab"));
    EXPECT_FALSE(constant_time_equal("", "a"));
}

}  // namespace
}  // namespace confab::net
