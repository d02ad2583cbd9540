#include "config/config_printer.hpp"

#include <gtest/gtest.h>

#include <set>

#include "config/config_option.hpp"
#include "config/config_validator.hpp"
#include "unit/config/config_test_support.hpp"

namespace confab {
namespace {

using test::joined;

bool contains(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

TEST(ConfigPrinter, HelpListsEveryOptionWithFlagEnvKeyDefaultAndRange) {
    const std::string help = usage_text();
    const Config defaults;
    for (const ConfigOption& option : config_options()) {
        EXPECT_TRUE(contains(help, "  --" + option.flag + " " + std::string(option.value_name())) ||
                    contains(help, "  --" + option.flag + "[=BOOL]"))
            << option.flag;
        EXPECT_TRUE(contains(help, "env " + option.env + ", toml " + option.name() + ", default " +
                                       format_value(option, defaults) + ", allowed " +
                                       option.allowed()))
            << option.name();
        EXPECT_TRUE(contains(help, option.help)) << option.name();
    }
    for (const char* action :
         {"--help", "--version", "--print-config", "--check-config", "--config FILE"}) {
        EXPECT_TRUE(contains(help, action)) << action;
    }
    EXPECT_TRUE(contains(help, "CONFAB_CONFIG"));
}

// Every option set to a valid value other than its default (strings with
// characters TOML must escape), so that a round trip that dropped or mangled
// any option would show.
Config unusual_config(const test::TempDir& dir) {
    const Config defaults;
    Config c;
    for (const ConfigOption& option : config_options()) {
        switch (option.type()) {
            case OptionType::integer:
                EXPECT_EQ(set_integer(option, c, static_cast<std::int64_t>(option.max)), "");
                break;
            case OptionType::number:
                EXPECT_EQ(set_number(option, c, option.min), "");
                break;
            case OptionType::boolean:
                EXPECT_EQ(set_boolean(option, c, format_value(option, defaults) == "false"), "");
                break;
            case OptionType::string:
                EXPECT_EQ(set_string(option, c,
                                     option.choices.empty()
                                         ? "we\"ird \\ va\tl\nue \xC3\xBC \x01 # [x] = 'y'"
                                         : option.choices.back()),
                          "");
                break;
        }
    }
    // Values that must also pass validation.
    c.server.web_root = dir.make_dir("web \"root\"");
    c.server.tls_cert = dir.write("cert.pem", "c");
    c.server.tls_key = dir.write("key.pem", "k");
    c.llm.base_url = "https://llm.example:8443/v1";
    c.llm.api_key.clear();  // a secret does not round-trip; see the next test
    c.stt.base_url = "http://stt.example:8000/v1";
    c.tts.base_url = "https://tts.example/v1";
    c.stt.api_key.clear();
    c.tts.api_key.clear();
    c.server.admin_token.clear();
    c.store.redis_url = "redis://10.0.0.5:6380";
    c.store.redis_password.clear();
    c.server.trusted_proxies = "10.0.0.0/8, ::1";  // proxy_protocol (flipped on) needs some
    c.llm.connect_timeout_ms = 1000;
    c.llm.first_token_timeout_ms = 2000;
    c.stt.model_dir = dir.make_dir("model");
    c.stt.dictionary = dir.write("dict", "d");
    c.stt.language_model = dir.write("lm", "l");
    c.auth.keys_file = dir.write("keys.toml", "");
    c.auth.signing_key_file = dir.write("signing.key", std::string(32, 's'));
    c.auth.users_file = dir.write("users.toml", "");
    return c;
}

TEST(ConfigPrinter, PrintConfigRoundTripsThroughConfigFile) {
    test::TempDir dir;
    const Config original = unusual_config(dir);
    ASSERT_TRUE(validate_config(original).empty()) << joined(validate_config(original));
    const std::string file = dir.write("printed.toml", config_toml(original));

    // An empty environment: everything comes from the printed file.
    const EnvLookup no_env = [](const std::string&) { return std::nullopt; };
    test::Argv argv({"--config", file, "--print-config"});
    const LoadResult r = load_config(argv.argc(), argv.argv(), no_env);
    ASSERT_TRUE(r.ok()) << joined(r.errors) << config_toml(original);
    EXPECT_EQ(r.action, ConfigAction::print_config);
    EXPECT_TRUE(r.config == original) << r.output_text;
    EXPECT_EQ(r.output_text, config_toml(original));
}

TEST(ConfigPrinter, DefaultsRoundTrip) {
    test::TestEnv env;
    const LoadResult printed = env.load({"--print-config"});
    ASSERT_TRUE(printed.ok()) << joined(printed.errors);
    const std::string file = env.dir.write("defaults.toml", printed.output_text);
    env.vars.clear();  // the file alone must reproduce the configuration
    const LoadResult reread = env.load({"--config", file});
    ASSERT_TRUE(reread.ok()) << joined(reread.errors);
    EXPECT_TRUE(reread.config == printed.config);
}

TEST(ConfigPrinter, ApiKeyIsNeverPrinted) {
    test::TestEnv env;
    env.vars["CONFAB_LLM_API_KEY"] = "sk-secret-123";
    const LoadResult printed = env.load({"--print-config"});
    ASSERT_TRUE(printed.ok()) << joined(printed.errors);
    EXPECT_EQ(printed.config.llm.api_key, "sk-secret-123");
    EXPECT_FALSE(contains(printed.output_text, "sk-secret-123")) << printed.output_text;
    EXPECT_TRUE(contains(printed.output_text, "api_key = \"<redacted>\""));

    // Fed back with the key in the environment, the configuration is equal.
    const std::string file = env.dir.write("printed.toml", printed.output_text);
    const LoadResult reread = env.load({"--config", file});
    ASSERT_TRUE(reread.ok()) << joined(reread.errors);
    EXPECT_TRUE(reread.config == printed.config);

    // Without it, the placeholder is refused rather than sent as a key.
    env.vars.erase("CONFAB_LLM_API_KEY");
    EXPECT_TRUE(
        test::has_error(env.load({"--config", file}).errors, {"llm.api_key", "placeholder"}));

    // An empty key prints as empty.
    env.vars.clear();
    EXPECT_TRUE(contains(config_toml(Config{}), "api_key = \"\"\n"));
}

TEST(ConfigOptions, FlagAndEnvironmentNames) {
    std::set<std::string> flags;
    for (const ConfigOption& option : config_options()) {
        EXPECT_TRUE(flags.insert(option.flag).second) << "duplicate flag --" << option.flag;
        EXPECT_NE(find_option_by_flag(option.flag), nullptr);
    }
    const std::pair<const char*, const char*> expected[] = {
        {"server.host", "host"},
        {"server.port", "port"},
        {"server.tls_cert", "tls-cert"},
        {"server.tls_key", "tls-key"},
        {"server.web_root", "web-root"},
        {"server.io_threads", "io-threads"},
        {"server.drain_timeout_ms", "drain-timeout-ms"},
        {"limits.max_sessions", "max-sessions"},
        {"limits.idle_timeout_ms", "idle-timeout-ms"},
        {"limits.ping_interval_ms", "ping-interval-ms"},
        {"limits.max_message_bytes", "max-message-bytes"},
        {"llm.base_url", "llm-base-url"},
        {"llm.model", "llm-model"},
        {"llm.api_key", "llm-api-key"},
        {"stt.engine", "stt-engine"},
        {"tts.voice", "tts-voice"},
        {"log.level", "log-level"},
        {"log.json", "log-json"},
    };
    for (const auto& [name, flag] : expected) {
        const ConfigOption* option = find_option_by_flag(flag);
        ASSERT_NE(option, nullptr) << flag;
        EXPECT_EQ(option->name(), name);
    }
    EXPECT_EQ(find_option_by_flag("host")->env, "CONFAB_HOST");
    EXPECT_EQ(find_option_by_flag("llm-base-url")->env, "CONFAB_LLM_BASE_URL");
    EXPECT_EQ(find_option_by_flag("max-sessions")->env, "CONFAB_MAX_SESSIONS");
}

std::size_t options_in(std::string_view section) {
    std::size_t n = 0;
    for (const ConfigOption& option : config_options()) n += option.section == section;
    return n;
}

// The structured bindings stop compiling when a field is added to a struct of
// config.hpp: add its row to config_options.cpp, then the name here.
TEST(ConfigOptions, TableCoversEveryField) {
    [[maybe_unused]] auto [s1, s2, s3, s4, s5, s6, s7, s8, s9, s10, s11, s12, s13, s14, s15, s16,
                           s17] = ServerConfig{};
    [[maybe_unused]] auto [l1, l2, l3, l4, l5, l6, l7, l8, l9, l10, l11, l12, l13, l14, l15, l16,
                           l17, l18, l19, l20, l21, l22, l23, l24, l25, l26] = SessionLimits{};
    // LlmConfig's `backends` is the one field without a row: an array of
    // tables, read by config_toml.cpp (backend_list_test.cpp covers it).
    [[maybe_unused]] auto [m1, m2, m3, m4, m5, m6, m7, m8, m9, m10, m11, m12, m13, m14, m15, m16,
                           m17, m18, m19, m20] = LlmConfig{};
    // As LlmConfig's, the `backends` of SttConfig and TtsConfig have no row.
    [[maybe_unused]] auto [r1, r2, r3, r4, r5, r6, r7, r8, r9, r10, r11, r12, r13, r14, r15, r16,
                           r17, r18, r19, r20] = SttConfig{};
    [[maybe_unused]] auto [t1, t2, t3, t4, t5, t6, t7, t8, t9, t10, t11, t12, t13, t14, t15] =
        TtsConfig{};
    [[maybe_unused]] auto [a1, a2, a3, a4, a5, a6, a7, a8, a9, a10] = AuthConfig{};
    [[maybe_unused]] auto [g1, g2] = LogConfig{};
    [[maybe_unused]] auto [k1, k2] = StoreConfig{};
    [[maybe_unused]] auto [c1, c2, c3, c4, c5, c6, c7, c8] = Config{};
    EXPECT_EQ(options_in("server"), 17u);
    EXPECT_EQ(options_in("limits"), 26u);
    EXPECT_EQ(options_in("llm"), 19u);
    EXPECT_EQ(options_in("stt"), 19u);
    EXPECT_EQ(options_in("tts"), 14u);
    EXPECT_EQ(options_in("auth"), 10u);
    EXPECT_EQ(options_in("log"), 2u);
    EXPECT_EQ(options_in("store"), 2u);
    EXPECT_EQ(config_sections(), (std::vector<std::string>{"server", "limits", "llm", "stt", "tts",
                                                           "auth", "log", "store"}));
}

}  // namespace
}  // namespace confab
