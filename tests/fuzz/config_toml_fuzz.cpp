// TOML configuration loading (config/config_toml, then config_validator): any
// text given as --config FILE.
// Oracle: a file that cannot be applied says why; an applied file's config,
// printed as --print-config prints it (config_printer), reads back without
// errors, and a config that also passes validation reads back equal (with
// its secrets as the printer redacts them). The fuzzer runs in the source
// tree so that the default web root exists, as when the server starts there.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "config/config_option.hpp"
#include "config/config_printer.hpp"
#include "config/config_toml.hpp"
#include "config/config_validator.hpp"
#include "fuzz/fuzz_check.hpp"
#include "fuzz/toml_known_bugs.hpp"

extern "C" int LLVMFuzzerInitialize(int*, char***) {
    FUZZ_CHECK(chdir(CONFAB_FUZZ_SOURCE_DIR) == 0);
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace confab;
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    if (fuzz::hits_known_toml_bug(text)) return 0;
    Config config;
    std::vector<std::string> errors;
    if (!apply_toml_text(text, "fuzz.toml", config, errors)) {
        FUZZ_CHECK(!errors.empty());
        return 0;
    }
    const bool valid = validate_config(config).empty();
    if (!errors.empty()) return 0;

    const std::string printed = config_toml(config);
    Config again;
    std::vector<std::string> again_errors;
    FUZZ_CHECK(apply_toml_text(printed, "printed.toml", again, again_errors));
    for (const auto& e : again_errors) std::fprintf(stderr, "printed config: %s\n", e.c_str());
    FUZZ_CHECK(again_errors.empty());
    if (!valid) return 0;
    Config expected = config;
    for (const ConfigOption& option : config_options()) {
        if (!option.secret) continue;
        std::string& secret = std::get<FieldRef<std::string>>(option.field)(expected);
        if (!secret.empty()) secret = kRedacted;
    }
    FUZZ_CHECK(again == expected);
    return 0;
}
