#include "config/config_validator.hpp"

#include <gtest/gtest.h>

#include "config/config_option.hpp"
#include "unit/config/config_test_support.hpp"

namespace confab {
namespace {

using test::has_error;
using test::joined;

// A default Config whose paths point at real temporary files.
class ConfigValidator : public ::testing::Test {
protected:
    ConfigValidator() {
        config.server.web_root = dir.make_dir("web");
        config.stt.model_dir = dir.make_dir("model");
        config.stt.dictionary = dir.write("dict", "d");
        config.stt.language_model = dir.write("lm", "l");
    }
    std::vector<std::string> errors() const { return validate_config(config); }

    test::TempDir dir;
    Config config;
};

TEST_F(ConfigValidator, DefaultsAreValid) {
    EXPECT_TRUE(errors().empty()) << joined(errors());
}

std::string number_text(const ConfigOption& option, double value) {
    return option.type() == OptionType::integer ? std::to_string(static_cast<long long>(value))
                                                : format_number(value);
}

TEST_F(ConfigValidator, EveryNumberOutsideItsRangeNamesKeyAndRange) {
    for (const ConfigOption& option : config_options()) {
        if (option.type() != OptionType::integer && option.type() != OptionType::number) continue;
        const double step = option.type() == OptionType::number ? 0.125 : 1;
        for (const double bad : {option.min - step, option.max + step}) {
            const std::string text = number_text(option, bad);
            Config c = config;
            // A negative size is refused while parsing, other values by validation.
            const std::string problem = set_from_text(option, c, text);
            const auto errs =
                problem.empty() ? validate_config(c) : std::vector{option.label() + ": " + problem};
            EXPECT_TRUE(has_error(
                errs, {option.label() + ": " + text + " is out of range " + option.allowed()}))
                << option.name() << "\n"
                << joined(errs);
        }
        for (const double good : {option.min, option.max}) {
            Config c = config;
            // Keep the LLM deadlines ordered whatever end of a range is tried.
            c.llm.connect_timeout_ms = c.llm.first_token_timeout_ms = 1;
            c.llm.total_timeout_ms = 600'000;
            ASSERT_EQ(set_from_text(option, c, number_text(option, good)), "") << option.name();
            EXPECT_TRUE(validate_config(c).empty()) << option.name() << "=" << good << "\n"
                                                    << joined(validate_config(c));
        }
    }
}

TEST_F(ConfigValidator, EnumerationsNameKeyAndAllowedValues) {
    config.log.level = "verbose";
    config.tts.engine = "festival";
    config.stt.engine = "whisper";
    const auto errs = errors();
    EXPECT_TRUE(has_error(errs, {"log.level (--log-level, CONFAB_LOG_LEVEL): \"verbose\" is not "
                                 "one of trace|debug|info|warn|error"}))
        << joined(errs);
    EXPECT_TRUE(
        has_error(errs, {"tts.engine (--tts-engine, CONFAB_TTS_ENGINE)", "flite|espeak-ng"}))
        << joined(errs);
    EXPECT_TRUE(has_error(errs, {"stt.engine (--stt-engine, CONFAB_STT_ENGINE)", "pocketsphinx"}))
        << joined(errs);
}

TEST_F(ConfigValidator, RequiredStrings) {
    config.server.host = "";
    config.llm.model = "";
    const auto errs = errors();
    EXPECT_TRUE(has_error(errs, {"server.host (--host, CONFAB_HOST): must not be empty"}))
        << joined(errs);
    EXPECT_TRUE(has_error(errs, {"llm.model (--llm-model, CONFAB_LLM_MODEL)"})) << joined(errs);
}

TEST_F(ConfigValidator, TlsNeedsBothReadableFiles) {
    config.server.tls_cert = dir.write("cert.pem", "c");
    EXPECT_TRUE(has_error(
        errors(), {"server.tls_key (--tls-key, CONFAB_TLS_KEY): must be set", "server.tls_cert"}))
        << joined(errors());

    config.server.tls_key = (dir.path() / "missing.pem").string();
    EXPECT_TRUE(has_error(errors(), {"server.tls_key", "missing.pem\" is not a readable file"}))
        << joined(errors());

    config.server.tls_key = dir.write("key.pem", "k");
    EXPECT_TRUE(errors().empty()) << joined(errors());

    config.server.tls_cert.clear();
    EXPECT_TRUE(has_error(errors(), {"server.tls_cert (--tls-cert, CONFAB_TLS_CERT): must be set"}))
        << joined(errors());
}

TEST_F(ConfigValidator, WebRootMustBeADirectory) {
    config.server.web_root = dir.write("file", "x");
    EXPECT_TRUE(has_error(errors(),
                          {"server.web_root (--web-root, CONFAB_WEB_ROOT)", "is not a directory"}))
        << joined(errors());
}

TEST_F(ConfigValidator, PortFileDirectoryMustExist) {
    config.server.port_file = (dir.path() / "port").string();
    EXPECT_TRUE(errors().empty()) << joined(errors());
    config.server.port_file = (dir.path() / "nowhere" / "port").string();
    EXPECT_TRUE(has_error(errors(), {"server.port_file", "does not exist"})) << joined(errors());
}

TEST_F(ConfigValidator, SttModelFilesMustExistForPocketsphinx) {
    config.stt.model_dir = (dir.path() / "no-model").string();
    config.stt.dictionary = (dir.path() / "no-dict").string();
    config.stt.language_model = dir.make_dir("lm-dir");
    const auto errs = errors();
    EXPECT_TRUE(has_error(
        errs, {"stt.model_dir (--stt-model-dir, CONFAB_STT_MODEL_DIR)", "is not a directory"}))
        << joined(errs);
    EXPECT_TRUE(has_error(errs, {"stt.dictionary", "not a readable file"})) << joined(errs);
    EXPECT_TRUE(has_error(errs, {"stt.language_model", "not a readable file"})) << joined(errs);
}

TEST_F(ConfigValidator, LlmBaseUrl) {
    for (const std::string good :
         {"", "http://localhost:8080/v1", "https://api.example.com/v1", "HTTP://127.0.0.1:11434"}) {
        config.llm.base_url = good;
        EXPECT_TRUE(errors().empty()) << good << ": " << joined(errors());
    }
    for (const std::string bad :
         {"localhost:8080", "ftp://example.com", "http://", "not a url", "/v1"}) {
        config.llm.base_url = bad;
        EXPECT_TRUE(has_error(errors(), {"llm.base_url (--llm-base-url, CONFAB_LLM_BASE_URL)",
                                         "\"" + bad + "\"", "http:// or https://"}))
            << bad << ": " << joined(errors());
    }
}

TEST_F(ConfigValidator, LlmTimeoutsFitInTheTotal) {
    config.llm.total_timeout_ms = 10000;
    config.llm.first_token_timeout_ms = 20000;
    EXPECT_TRUE(has_error(
        errors(), {"llm.first_token_timeout_ms", "exceeds llm.total_timeout_ms", "1..10000"}))
        << joined(errors());
}

TEST_F(ConfigValidator, TrustedProxiesAreIpsOrNetworks) {
    config.server.trusted_proxies = "10.0.0.0/8, 2001:db8::/32, 192.0.2.7";
    EXPECT_TRUE(errors().empty()) << joined(errors());
    config.server.trusted_proxies = "10.0.0.0/8, lb.internal";
    EXPECT_TRUE(has_error(errors(), {"server.trusted_proxies", "\"lb.internal\"", "CIDR"}))
        << joined(errors());
    config.server.trusted_proxies = "10.0.0.1/8";
    EXPECT_TRUE(has_error(errors(), {"server.trusted_proxies", "\"10.0.0.1/8\""}));
}

TEST_F(ConfigValidator, TheProxyProtocolNeedsTrustedProxies) {
    config.server.proxy_protocol = true;
    EXPECT_TRUE(has_error(errors(), {"server.proxy_protocol", "trusted_proxies"}))
        << joined(errors());
    config.server.trusted_proxies = "127.0.0.1";
    EXPECT_TRUE(errors().empty()) << joined(errors());
}

TEST_F(ConfigValidator, RedactedPlaceholderIsNotAKey) {
    config.llm.api_key = "<redacted>";
    EXPECT_TRUE(
        has_error(errors(), {"llm.api_key (--llm-api-key, CONFAB_LLM_API_KEY)", "placeholder"}))
        << joined(errors());
}

}  // namespace
}  // namespace confab
