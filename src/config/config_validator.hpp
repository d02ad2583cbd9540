// Checks a loaded Config once, at start: every number in its range, every
// enumeration a known value, and the settings that depend on each other or on
// the filesystem (TLS files, web root, STT model files, LLM URL).
//
// The filesystem checks are real (tests point the paths at temporary files);
// relative paths resolve against the current directory, as the server will.
#pragma once
#include <string>
#include <vector>

#include "config/config.hpp"

namespace confab {

// One message per problem, each starting with the label of the option it is
// about, e.g. "server.port (--port, CONFAB_PORT): 70000 is out of range
// 0..65535". Empty when the configuration is valid.
std::vector<std::string> validate_config(const Config& config);

}  // namespace confab
