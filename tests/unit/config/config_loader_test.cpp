#include "config/config_loader.hpp"

#include <gtest/gtest.h>

#include "unit/config/config_test_support.hpp"

namespace confab {
namespace {

using test::has_error;
using test::joined;
using test::TestEnv;

TEST(ConfigLoader, DefaultsWhenNothingIsGiven) {
    TestEnv env;
    const LoadResult r = env.load({});
    ASSERT_TRUE(r.ok()) << joined(r.errors);
    EXPECT_EQ(r.action, ConfigAction::run);
    EXPECT_EQ(r.exit_code, 0);
    EXPECT_TRUE(r.output_text.empty());
    EXPECT_EQ(r.config.server.port, 8080);
    EXPECT_EQ(r.config.llm.model, "gpt-4o-mini");
}

TEST(ConfigLoader, FileThenEnvironmentThenFlags) {
    TestEnv env;
    const std::string file = env.dir.write("c.toml",
                                           "[server]\nport = 1001\nhost = \"file\"\n"
                                           "[log]\njson = true\nlevel = \"debug\"\n");
    auto port_and_host = [&](std::vector<std::string> args) {
        const LoadResult r = env.load(std::move(args));
        EXPECT_TRUE(r.ok()) << joined(r.errors);
        return std::pair{r.config.server.port, r.config.server.host};
    };

    EXPECT_EQ(port_and_host({"--config", file}), std::pair(1001, std::string("file")));
    env.vars["CONFAB_PORT"] = "1002";
    EXPECT_EQ(port_and_host({"--config", file}), std::pair(1002, std::string("file")));
    // A flag wins wherever it stands relative to --config.
    EXPECT_EQ(port_and_host({"--port", "1003", "--config", file}),
              std::pair(1003, std::string("file")));
    EXPECT_EQ(port_and_host({"--config", file, "--host", "flag"}),
              std::pair(1002, std::string("flag")));

    // Booleans and strings follow the same order.
    env.vars["CONFAB_LOG_JSON"] = "no";
    const LoadResult r = env.load({"--config", file, "--log-level=warn"});
    ASSERT_TRUE(r.ok()) << joined(r.errors);
    EXPECT_FALSE(r.config.log.json);
    EXPECT_EQ(r.config.log.level, "warn");
}

TEST(ConfigLoader, ConfigFileFromEnvironmentUnlessFlagGiven) {
    TestEnv env;
    env.vars["CONFAB_CONFIG"] = env.dir.write("env.toml", "[limits]\nmax_sessions = 7\n");
    const std::string flag_file = env.dir.write("flag.toml", "[limits]\nmax_sessions = 9\n");
    EXPECT_EQ(env.load({}).config.limits.max_sessions, 7);
    EXPECT_EQ(env.load({"--config", flag_file}).config.limits.max_sessions, 9);
    EXPECT_EQ(env.load({"--config=" + flag_file}).config.limits.max_sessions, 9);
}

TEST(ConfigLoader, FlagEqualsValueForm) {
    TestEnv env;
    const LoadResult r = env.load({"--port=1234", "--llm-base-url=http://h:1/v1?a=b",
                                   "--max-message-bytes=4096", "--tts-speed=1.5"});
    ASSERT_TRUE(r.ok()) << joined(r.errors);
    EXPECT_EQ(r.config.server.port, 1234);
    // Only the first '=' separates the flag from its value.
    EXPECT_EQ(r.config.llm.base_url, "http://h:1/v1?a=b");
    EXPECT_EQ(r.config.limits.max_message_bytes, 4096u);
    EXPECT_DOUBLE_EQ(r.config.tts.speed, 1.5);
}

TEST(ConfigLoader, BooleanFlags) {
    TestEnv env;
    EXPECT_TRUE(env.load({"--log-json"}).config.log.json);
    EXPECT_TRUE(env.load({"--log-json=true"}).config.log.json);
    EXPECT_FALSE(env.load({"--log-json", "--log-json=false"}).config.log.json);
    EXPECT_FALSE(env.load({"--stt-fast=false"}).config.stt.fast);

    // A bare boolean flag never takes the next argument as its value.
    const LoadResult r = env.load({"--log-json", "false"});
    EXPECT_TRUE(has_error(r.errors, {"unexpected argument", "false"})) << joined(r.errors);

    const LoadResult bad = env.load({"--log-json=maybe"});
    EXPECT_TRUE(has_error(bad.errors,
                          {"log.json (--log-json, CONFAB_LOG_JSON)", "\"maybe\"", "true|false"}))
        << joined(bad.errors);
}

TEST(ConfigLoader, BooleanEnvironmentValues) {
    for (const auto& [text, expected] : std::vector<std::pair<std::string, bool>>{{"true", true},
                                                                                  {"1", true},
                                                                                  {"yes", true},
                                                                                  {"TRUE", true},
                                                                                  {"false", false},
                                                                                  {"0", false},
                                                                                  {"no", false}}) {
        TestEnv env;
        env.vars["CONFAB_LOG_JSON"] = text;
        const LoadResult r = env.load({});
        ASSERT_TRUE(r.ok()) << text << ": " << joined(r.errors);
        EXPECT_EQ(r.config.log.json, expected) << text;
    }
    TestEnv env;
    env.vars["CONFAB_LOG_JSON"] = "on?";
    const LoadResult r = env.load({});
    EXPECT_TRUE(has_error(r.errors,
                          {"log.json (--log-json, CONFAB_LOG_JSON)", "CONFAB_LOG_JSON", "\"on?\""}))
        << joined(r.errors);
}

TEST(ConfigLoader, UnknownFlagIsRejected) {
    TestEnv env;
    const LoadResult r = env.load({"--prot", "80"});
    EXPECT_FALSE(r.ok());
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_TRUE(has_error(r.errors, {"unknown option --prot"})) << joined(r.errors);
    EXPECT_TRUE(has_error(r.errors, {"unexpected argument \"80\""})) << joined(r.errors);
}

TEST(ConfigLoader, MissingFlagValue) {
    TestEnv env;
    const LoadResult r = env.load({"--port"});
    EXPECT_TRUE(has_error(r.errors, {"server.port (--port, CONFAB_PORT): missing value"}))
        << joined(r.errors);
    EXPECT_TRUE(has_error(env.load({"--config"}).errors, {"--config: missing value"}));
}

TEST(ConfigLoader, WrongTypeFromFlagAndEnvironmentNamesKeyAndRange) {
    TestEnv env;
    env.vars["CONFAB_MAX_SESSIONS"] = "many";
    const LoadResult r = env.load({"--port", "eighty", "--tts-speed", "fast"});
    EXPECT_TRUE(has_error(r.errors, {"server.port (--port, CONFAB_PORT)", "\"eighty\"",
                                     "not an integer", "0..65535", "from --port"}))
        << joined(r.errors);
    EXPECT_TRUE(has_error(r.errors, {"limits.max_sessions (--max-sessions, CONFAB_MAX_SESSIONS)",
                                     "\"many\"", "1..10000", "from CONFAB_MAX_SESSIONS"}))
        << joined(r.errors);
    EXPECT_TRUE(has_error(r.errors, {"tts.speed (--tts-speed, CONFAB_TTS_SPEED)", "\"fast\"",
                                     "not a number", "0.25..4.0"}))
        << joined(r.errors);
}

TEST(ConfigLoader, OutOfRangeNamesKeyAndRange) {
    TestEnv env;
    const LoadResult r = env.load({"--port", "70000"});
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_TRUE(has_error(r.errors, {"server.port (--port, CONFAB_PORT): 70000 is out of range "
                                     "0..65535"}))
        << joined(r.errors);
    // Too large for the field's own type is out of range too, not a crash.
    const LoadResult huge = env.load({"--max-message-bytes=-1", "--io-threads=99999999999"});
    EXPECT_TRUE(has_error(huge.errors, {"limits.max_message_bytes", "-1 is out of range"}))
        << joined(huge.errors);
    EXPECT_TRUE(has_error(huge.errors, {"server.io_threads", "out of range 1..64"}))
        << joined(huge.errors);
    const LoadResult nan = env.load({"--tts-speed=nan"});
    EXPECT_TRUE(has_error(nan.errors, {"tts.speed", "out of range 0.25..4.0"}))
        << joined(nan.errors);
}

TEST(ConfigLoader, AllErrorsReportedInOneRun) {
    TestEnv env;
    env.vars["CONFAB_WEB_ROOT"] = (env.dir.path() / "missing").string();
    const LoadResult r = env.load({"--bogus", "--port=70000", "--log-level=loud"});
    EXPECT_EQ(r.errors.size(), 4u) << joined(r.errors);
}

TEST(ConfigLoader, HelpAndVersionSucceedWhateverElseIsWrong) {
    TestEnv env;
    const LoadResult help = env.load({"--bogus", "--port=x", "--help"});
    EXPECT_EQ(help.action, ConfigAction::help);
    EXPECT_TRUE(help.ok());
    EXPECT_EQ(help.exit_code, 0);
    EXPECT_NE(help.output_text.find("Usage: confab"), std::string::npos);
    EXPECT_EQ(env.load({"-h"}).action, ConfigAction::help);

    const LoadResult version = env.load({"--version"});
    EXPECT_EQ(version.action, ConfigAction::version);
    EXPECT_EQ(version.output_text.rfind("confab ", 0), 0u);
}

TEST(ConfigLoader, ActionFlagsTakeNoValue) {
    TestEnv env;
    const LoadResult r = env.load({"--check-config=yes"});
    EXPECT_TRUE(has_error(r.errors, {"--check-config takes no value"})) << joined(r.errors);
}

TEST(ConfigLoader, CheckConfig) {
    TestEnv env;
    const LoadResult good = env.load({"--check-config"});
    EXPECT_EQ(good.action, ConfigAction::check_config);
    EXPECT_EQ(good.output_text, "config ok\n");
    EXPECT_EQ(good.exit_code, 0);

    const LoadResult bad = env.load({"--check-config", "--io-threads=0"});
    EXPECT_EQ(bad.action, ConfigAction::check_config);
    EXPECT_EQ(bad.exit_code, 2);
    EXPECT_TRUE(bad.output_text.empty());
    EXPECT_TRUE(has_error(bad.errors, {"server.io_threads (--io-threads, CONFAB_IO_THREADS): 0 "
                                       "is out of range 1..64"}))
        << joined(bad.errors);
}

TEST(ConfigLoader, PrintAndCheckCannotBeCombined) {
    TestEnv env;
    const LoadResult r = env.load({"--print-config", "--check-config"});
    EXPECT_TRUE(has_error(r.errors, {"cannot be combined"})) << joined(r.errors);
    EXPECT_TRUE(r.output_text.empty());
}

TEST(ConfigLoader, ReadsTheProcessEnvironmentByDefault) {
    ASSERT_EQ(setenv("CONFAB_TEST_PROBE", "x", 1), 0);
    EXPECT_EQ(process_env("CONFAB_TEST_PROBE"), std::optional<std::string>("x"));
    unsetenv("CONFAB_TEST_PROBE");
    EXPECT_EQ(process_env("CONFAB_TEST_PROBE"), std::nullopt);
}

}  // namespace
}  // namespace confab
