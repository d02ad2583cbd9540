// The backends of an engine kind as configured: `[[llm.backends]]`,
// `[[stt.backends]]`, `[[tts.backends]]` entries, or each section's
// single-backend shortcut (base_url). Resolves defaults, checks the lists
// and prints them back as TOML.
//
// Threads: plain functions of a Config (which is immutable once loaded).
#pragma once
#include <string>
#include <string_view>
#include <vector>

#include "config/config.hpp"

namespace confab {

// What a section gives its backends where an entry leaves a field out.
struct BackendDefaults {
    std::string base_url;  // the single-backend shortcut; "" for none
    std::string model;
    std::string api_key;
    int max_concurrent_requests = 16;
};

// The entries (or one from defaults.base_url) with every default filled in;
// empty: no remote backend.
std::vector<BackendConfig> resolved_backends(const std::vector<BackendConfig>& entries,
                                             const BackendDefaults& defaults);
std::vector<BackendConfig> resolved_llm_backends(const LlmConfig& llm);
std::vector<BackendConfig> resolved_stt_backends(const SttConfig& stt);
std::vector<BackendConfig> resolved_tts_backends(const TtsConfig& tts);

// "host:port" of an http(s) URL ("" if it is not one).
std::string url_host_port(const std::string& url);

// Appends a message naming the entry for each problem of `section`'s list.
void check_backends(std::string_view section, const std::vector<BackendConfig>& entries,
                    const BackendDefaults& defaults, std::vector<std::string>& errors);
void check_llm_backends(const LlmConfig& llm, std::vector<std::string>& errors);
void check_remote_speech_backends(const Config& config, std::vector<std::string>& errors);

// The entries as TOML (`[[section.backends]]` tables, API keys redacted), to
// follow the section's keys in --print-config's output.
std::string backends_toml(std::string_view section, const std::vector<BackendConfig>& backends);

}  // namespace confab
