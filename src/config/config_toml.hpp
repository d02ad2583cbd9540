// Reads a TOML configuration file into a Config. This is the only place that
// includes toml++ for the configuration (config/toml_library.hpp; auth/ parses its own files).
//
// Every problem — unreadable file, syntax error, unknown section or key, wrong
// value type — is appended to `errors` as one message naming the file, line
// and option; the other keys are still applied so that one run reports all.
// Both functions return false when nothing could be applied (unreadable file
// or syntax error), true otherwise.
#pragma once
#include <string>
#include <string_view>
#include <vector>

#include "config/config.hpp"

namespace confab {

bool apply_toml_file(const std::string& path, Config& config, std::vector<std::string>& errors);

// `source_name` names the text in messages (normally the file's path).
bool apply_toml_text(std::string_view text, const std::string& source_name, Config& config,
                     std::vector<std::string>& errors);

}  // namespace confab
