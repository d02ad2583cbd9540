// The backends of an engine kind as configured: `[[llm.backends]]` entries,
// or the single-backend shortcut (llm.base_url). Resolves defaults, checks
// the list and prints it back as TOML.
//
// Threads: plain functions of a Config (which is immutable once loaded).
#pragma once
#include <string>
#include <string_view>
#include <vector>

#include "config/config.hpp"

namespace confab {

// The language model's backends with every default filled in: the
// `[[llm.backends]]` entries, or one from llm.base_url; empty: offline.
std::vector<BackendConfig> resolved_llm_backends(const LlmConfig& llm);

// "host:port" of an http(s) URL ("" if it is not one).
std::string url_host_port(const std::string& url);

// Appends a message naming the entry for each problem of the list.
void check_llm_backends(const LlmConfig& llm, std::vector<std::string>& errors);

// The entries as TOML (`[[llm.backends]]` tables, API keys redacted), to
// follow the section's keys in --print-config's output.
std::string backends_toml(std::string_view section, const std::vector<BackendConfig>& backends);

}  // namespace confab
