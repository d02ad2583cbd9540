#include <gtest/gtest.h>

#include "net/static_files.hpp"

namespace confab::net {
namespace {

TEST(StaticFiles, MapsPathsBelowTheRoot) {
    EXPECT_EQ(resolve_static_path("web", "/"), "web/index.html");
    EXPECT_EQ(resolve_static_path("web/", "/app.js"), "web/app.js");
    EXPECT_EQ(resolve_static_path("web", "/a/b/"), "web/a/b/index.html");
    EXPECT_EQ(resolve_static_path("web", "/app.js?v=2"), "web/app.js");
}

TEST(StaticFiles, RefusesToLeaveTheRoot) {
    EXPECT_FALSE(resolve_static_path("web", "/../etc/passwd"));
    EXPECT_FALSE(resolve_static_path("web", "/a/../../x"));
    EXPECT_FALSE(resolve_static_path("web", "/.."));
    EXPECT_FALSE(resolve_static_path("web", "/a\\..\\b"));
    EXPECT_FALSE(resolve_static_path("web", "relative"));
}

TEST(StaticFiles, KnowsCommonTypes) {
    EXPECT_EQ(mime_type("x/index.html"), "text/html; charset=utf-8");
    EXPECT_EQ(mime_type("a.js"), "text/javascript; charset=utf-8");
    EXPECT_EQ(mime_type("noext"), "application/octet-stream");
}

}  // namespace
}  // namespace confab::net
