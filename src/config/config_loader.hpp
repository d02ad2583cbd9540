// Loads the configuration once, at start:
//   defaults → TOML file (--config FILE or CONFAB_CONFIG) → CONFAB_* environment
//   → command-line flags,
// then validates the result (config_validator.hpp) and says what was asked.
//
// Thin main:
//   auto r = load_config(argc, argv);
//   std::fputs(r.output_text.c_str(), stdout);
//   for (const auto& e : r.errors) std::fprintf(stderr, "confab: %s\n", e.c_str());
//   if (r.action != ConfigAction::run || !r.ok()) return r.exit_code;
//   ... run the server with r.config ...
//
// The options themselves are listed in config_options.cpp and
// docs/configuration.md.
#pragma once
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "config/config.hpp"

namespace confab {

enum class ConfigAction {
    run,           // no action flag: start the server
    help,          // --help, -h
    version,       // --version
    print_config,  // --print-config
    check_config,  // --check-config
};

struct LoadResult {
    Config config;  // the effective configuration; meaningful only when ok()
    ConfigAction action = ConfigAction::run;
    // One message per problem, each naming the option, its flag and variable;
    // for stderr. --help and --version never report errors.
    std::vector<std::string> errors;
    // For stdout: the usage, the version, the TOML, or "config ok\n".
    std::string output_text;
    int exit_code = 0;  // 0, or 2 when errors is not empty

    bool ok() const { return errors.empty(); }
};

// Looks up an environment variable; nullopt when unset.
using EnvLookup = std::function<std::optional<std::string>(const std::string& name)>;

// The process environment (std::getenv).
std::optional<std::string> process_env(const std::string& name);

LoadResult load_config(int argc, char** argv, const EnvLookup& env = process_env);

}  // namespace confab
