// `[[llm.backends]]`: read from TOML, defaults resolved, every bad entry
// named, printed back by --print-config and read again unchanged.
#include "config/backend_list.hpp"

#include <gtest/gtest.h>

#include "config/config_printer.hpp"
#include "config/config_toml.hpp"
#include "config/config_validator.hpp"
#include "unit/config/config_test_support.hpp"

namespace confab {
namespace {

using test::has_error;
using test::joined;

std::vector<std::string> read_toml(std::string_view text, Config& config) {
    std::vector<std::string> errors;
    apply_toml_text(text, "c.toml", config, errors);
    return errors;
}

constexpr std::string_view kTwo =
    "[llm]\nmodel = \"shared-model\"\napi_key = \"sk-shared\"\nmax_concurrent_requests = 8\n"
    "[[llm.backends]]\nname = \"gpu1\"\nbase_url = \"http://10.0.0.1:8000/v1\"\nweight = 3\n"
    "[[llm.backends]]\nbase_url = \"https://api.example.com/v1\"\nmodel = \"big\"\n"
    "api_key = \"sk-own\"\nmax_concurrent_requests = 2\n";

TEST(BackendList, ReadsEntriesAndFillsDefaultsFromTheSection) {
    Config c;
    const auto errors = read_toml(kTwo, c);
    ASSERT_TRUE(errors.empty()) << joined(errors);
    ASSERT_EQ(c.llm.backends.size(), 2u);
    const auto resolved = resolved_llm_backends(c.llm);
    ASSERT_EQ(resolved.size(), 2u);
    EXPECT_EQ(resolved[0].name, "gpu1");
    EXPECT_EQ(resolved[0].model, "shared-model");
    EXPECT_EQ(resolved[0].api_key, "sk-shared");
    EXPECT_EQ(resolved[0].max_concurrent_requests, 8);
    EXPECT_EQ(resolved[0].weight, 3);
    EXPECT_EQ(resolved[1].name, "api.example.com:443");
    EXPECT_EQ(resolved[1].model, "big");
    EXPECT_EQ(resolved[1].api_key, "sk-own");
    EXPECT_EQ(resolved[1].max_concurrent_requests, 2);
    // (Other options' checks depend on the machine: the web root, model paths.)
    for (const std::string& e : validate_config(c))
        EXPECT_EQ(e.find("llm"), std::string::npos) << e;
}

TEST(BackendList, TheSingleBackendShortcutIsOneBackend) {
    LlmConfig llm;
    EXPECT_TRUE(resolved_llm_backends(llm).empty());  // offline
    llm.base_url = "http://127.0.0.1:11434/v1";
    const auto resolved = resolved_llm_backends(llm);
    ASSERT_EQ(resolved.size(), 1u);
    EXPECT_EQ(resolved[0].name, "127.0.0.1:11434");
    EXPECT_EQ(resolved[0].model, llm.model);
}

TEST(BackendList, BadEntriesAreNamedByNumberAndName) {
    Config c;
    const auto read_errors = read_toml(
        "[[llm.backends]]\nname = \"x\"\nbase_url = \"ftp://x\"\nweight = 0\n"
        "[[llm.backends]]\nname = \"x\"\nbase_url = \"http://y\"\ncolour = \"red\"\n"
        "[[llm.backends]]\nbase_url = 5\n",
        c);
    EXPECT_TRUE(has_error(read_errors, {"[[llm.backends]] entry 2: unknown key colour"}))
        << joined(read_errors);
    EXPECT_TRUE(has_error(read_errors, {"[[llm.backends]] entry 3: base_url must be a string"}))
        << joined(read_errors);
    const auto errors = validate_config(c);
    EXPECT_TRUE(has_error(errors, {"entry 1 (name \"x\"): base_url \"ftp://x\" is not an http"}))
        << joined(errors);
    EXPECT_TRUE(has_error(errors, {"entry 1 (name \"x\"): weight 0 is out of range"}))
        << joined(errors);
    EXPECT_TRUE(has_error(errors, {"entry 2 (name \"x\"): name \"x\" is used by another entry"}))
        << joined(errors);
}

TEST(BackendList, BaseUrlAndBackendsTogetherAreRefused) {
    Config c;
    ASSERT_TRUE(read_toml(kTwo, c).empty());
    c.llm.base_url = "http://127.0.0.1:1/v1";
    EXPECT_TRUE(has_error(validate_config(c), {"are both set"})) << joined(validate_config(c));
}

TEST(BackendList, PrintConfigWritesThemBackWithKeysRedacted) {
    Config c;
    ASSERT_TRUE(read_toml(kTwo, c).empty());
    const std::string printed = config_toml(c);
    EXPECT_NE(printed.find("[[llm.backends]]\nname = \"gpu1\""), std::string::npos) << printed;
    EXPECT_EQ(printed.find("sk-own"), std::string::npos) << printed;
    Config again;
    const auto errors = read_toml(printed, again);
    ASSERT_TRUE(errors.empty()) << joined(errors);
    ASSERT_EQ(again.llm.backends.size(), 2u);
    EXPECT_EQ(again.llm.backends[0], c.llm.backends[0]);
    EXPECT_EQ(again.llm.backends[1].base_url, c.llm.backends[1].base_url);
    EXPECT_EQ(again.llm.backends[1].api_key, "<redacted>");
}

}  // namespace
}  // namespace confab
