#include "config/config_toml.hpp"

#include <gtest/gtest.h>

#include "unit/config/config_test_support.hpp"

namespace confab {
namespace {

using test::has_error;
using test::joined;

std::vector<std::string> apply(std::string_view text, Config& config) {
    std::vector<std::string> errors;
    apply_toml_text(text, "c.toml", config, errors);
    return errors;
}

TEST(ConfigToml, AppliesEveryType) {
    Config c;
    const auto errors = apply(
        "[server]\nhost = \"0.0.0.0\"\nport = 9000\n"
        "[limits]\nmax_message_bytes = 2_048\n"
        "[tts]\nspeed = 1.25\n"
        "[stt]\nfast = false\n",
        c);
    ASSERT_TRUE(errors.empty()) << joined(errors);
    EXPECT_EQ(c.server.host, "0.0.0.0");
    EXPECT_EQ(c.server.port, 9000);
    EXPECT_EQ(c.limits.max_message_bytes, 2048u);
    EXPECT_DOUBLE_EQ(c.tts.speed, 1.25);
    EXPECT_FALSE(c.stt.fast);
}

TEST(ConfigToml, IntegerIsAcceptedForAFloat) {
    Config c;
    ASSERT_TRUE(apply("[tts]\nspeed = 2\n", c).empty());
    EXPECT_DOUBLE_EQ(c.tts.speed, 2.0);
}

TEST(ConfigToml, UnknownKeyIsRejectedWithItsLine) {
    Config c;
    const auto errors = apply("[server]\nport = 1\nprot = 2\n", c);
    EXPECT_TRUE(has_error(errors, {"c.toml:3", "unknown key server.prot"})) << joined(errors);
    EXPECT_EQ(c.server.port, 1);  // the rest of the file still applies
}

TEST(ConfigToml, UnknownSectionIsRejected) {
    Config c;
    const auto errors = apply("[serve]\nport = 1\n[server.tls]\ncert = \"x\"\n", c);
    EXPECT_TRUE(has_error(errors, {"c.toml:1", "unknown section [serve]", "[server]"}))
        << joined(errors);
    EXPECT_TRUE(has_error(errors, {"unknown key server.tls"})) << joined(errors);
}

TEST(ConfigToml, TopLevelKeyIsRejected) {
    Config c;
    const auto errors = apply("port = 1\nserver = 3\n", c);
    EXPECT_TRUE(has_error(errors, {"c.toml:1", "unknown key port"})) << joined(errors);
    EXPECT_TRUE(has_error(errors, {"c.toml:2", "server must be a table"})) << joined(errors);
}

TEST(ConfigToml, WrongTypeNamesKeyLineAndAllowedValues) {
    Config c;
    const auto errors = apply("[server]\nport = \"8080\"\n[log]\njson = \"yes\"\nlevel = 3\n", c);
    EXPECT_TRUE(has_error(errors, {"server.port (--port, CONFAB_PORT)", "expected INT",
                                   "got a string", "c.toml:2", "0..65535"}))
        << joined(errors);
    EXPECT_TRUE(
        has_error(errors, {"log.json (--log-json, CONFAB_LOG_JSON)", "expected BOOL", "c.toml:4"}))
        << joined(errors);
    EXPECT_TRUE(has_error(errors, {"log.level (--log-level, CONFAB_LOG_LEVEL)", "got an integer",
                                   "trace|debug|info|warn|error"}))
        << joined(errors);
    EXPECT_EQ(c, Config{});
}

TEST(ConfigToml, IntegerTooLargeForTheField) {
    Config c;
    const auto errors = apply("[server]\nport = 10000000000\n", c);
    EXPECT_TRUE(has_error(errors, {"server.port", "10000000000 is out of range 0..65535"}))
        << joined(errors);
}

TEST(ConfigToml, SyntaxErrorNamesItsLine) {
    Config c;
    std::vector<std::string> errors;
    EXPECT_FALSE(apply_toml_text("[server]\n\nport = = 1\n", "c.toml", c, errors));
    ASSERT_EQ(errors.size(), 1u);
    EXPECT_TRUE(has_error(errors, {"c.toml:3:", "TOML syntax error"})) << joined(errors);
}

TEST(ConfigToml, UnreadableFile) {
    test::TempDir dir;
    Config c;
    std::vector<std::string> errors;
    const std::string missing = (dir.path() / "nope.toml").string();
    EXPECT_FALSE(apply_toml_file(missing, c, errors));
    EXPECT_TRUE(has_error(errors, {missing, "cannot read", "No such file"})) << joined(errors);

    errors.clear();
    EXPECT_FALSE(apply_toml_file(dir.path().string(), c, errors));
    EXPECT_TRUE(has_error(errors, {"is a directory"})) << joined(errors);
}

TEST(ConfigToml, UnreadableFileThroughTheLoader) {
    test::TestEnv env;
    const std::string missing = (env.dir.path() / "nope.toml").string();
    const LoadResult r = env.load({"--config", missing});
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_TRUE(has_error(r.errors, {"config file " + missing, "cannot read"})) << joined(r.errors);
}

}  // namespace
}  // namespace confab
