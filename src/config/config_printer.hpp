// Renders the option table and a Config as text: the --help usage, the
// --print-config TOML, and the option reference of docs/configuration.md.
// All three are generated from config_options(), so none can miss an option.
#pragma once
#include <string>

#include "config/config.hpp"

namespace confab {

// Usage text: the actions, then every option with its flag, environment
// variable, TOML key, default, allowed values and help.
std::string usage_text();

// The configuration as TOML that --config reads back to an equal Config,
// except that a set llm.api_key prints as "<redacted>" (which validation
// refuses, so a printed secret is never silently used as the real one).
std::string config_toml(const Config& config);

// The option reference as Markdown tables, one per section.
std::string options_markdown();

}  // namespace confab
